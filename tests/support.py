"""Helpers shared by test modules (importable because pytest puts tests/ on the path)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from rempart.settings import Settings


def rempart_env(settings: Settings, lang: str = "en") -> dict[str, str]:
    """The environment a user would have for this store (data dir, database URL, language)."""
    env = {**os.environ, "REMPART_DATA_DIR": str(settings.data_dir), "REMPART_LANG": lang}
    env.pop("REMPART_DATABASE_URL", None)
    if settings.database_url:
        env["REMPART_DATABASE_URL"] = settings.database_url
    return env


def rempart_exe() -> str:
    return shutil.which("rempart") or str(Path(sys.executable).with_name("rempart"))


def run_rempart(settings: Settings, *args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    """Run the installed `rempart` command as a user would."""
    return subprocess.run([rempart_exe(), *args], capture_output=True, text=True, env=rempart_env(settings, lang), timeout=600)
