"""`pip install rempart` (no extras) suffices for offline fingerprinting and the CLI on SQLite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support import rempart_env

from rempart.samples import save_jpeg, textured_photo
from rempart.settings import Settings

pytestmark = pytest.mark.slow  # seconds to minutes each: left out of the fast subset

#: What the core must not need: the server, the PostgreSQL driver, the video decoder.
EXTRAS_ONLY = ("fastapi", "uvicorn", "starlette", "multipart", "python_multipart", "psycopg", "av")

_RUN_WITHOUT_EXTRAS = f"""
import importlib.abc, sys
class Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in {EXTRAS_ONLY!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
sys.meta_path.insert(0, Missing())
sys.argv = ["rempart", *sys.argv[1:]]
from rempart.cli.main import app
app()
"""


def _rempart_without_extras(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _RUN_WITHOUT_EXTRAS, *args],
        env=rempart_env(settings),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_fingerprint_bank_and_match_work_without_the_extras(
    settings: Settings, tmp_path: Path
) -> None:
    photo = save_jpeg(textured_photo(11, (640, 480)), tmp_path / "mine.jpg")
    done = _rempart_without_extras(
        settings, "fingerprint", str(photo), "-o", str(tmp_path / "mine.jsonl")
    )
    assert done.returncode == 0, done.stderr
    assert '"signal":"orb"' in (tmp_path / "mine.jsonl").read_text()
    assert _rempart_without_extras(settings, "bank", "create", "b").returncode == 0
    added = _rempart_without_extras(
        settings, "bank", "add", "b", "--fingerprints", str(tmp_path / "mine.jsonl")
    )
    assert added.returncode == 0, added.stderr
    found = _rempart_without_extras(settings, "match", str(photo), "--bank", "b")
    assert found.returncode == 0 and "mine.jpg" in found.stdout, found.stdout + found.stderr


def test_what_needs_an_extra_names_it(settings: Settings, tmp_path: Path) -> None:
    served = _rempart_without_extras(settings, "serve")
    assert served.returncode == 1 and "rempart[server]" in served.stderr
    pg = settings.model_copy(
        update={"database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    )
    listed = _rempart_without_extras(pg, "bank", "list")
    assert listed.returncode == 1 and "rempart[postgres]" in listed.stderr, listed.stderr


def test_a_video_without_the_video_extra_is_refused_by_name(
    settings: Settings, tmp_path: Path
) -> None:
    from support import still_video

    still = save_jpeg(textured_photo(3, (320, 240)), tmp_path / "still.jpg")
    clip = still_video(tmp_path / "clip.mp4", [still], seconds_each=1)
    done = _rempart_without_extras(settings, "fingerprint", str(clip))
    assert done.returncode == 1 and "rempart[video]" in done.stderr, done.stderr
