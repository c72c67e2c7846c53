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


def still_video(path: Path, stills: list[Path | None], seconds_each: int = 1) -> Path:
    """A 10 fps clip showing each still (None: an unrelated texture) for ``seconds_each`` seconds."""
    from fractions import Fraction

    import av
    import numpy as np
    from PIL import Image

    from rempart.samples import textured_photo

    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 432, 540, "yuv420p"
        stream.time_base = Fraction(1, 10)
        for number, still in enumerate(stills):
            image = Image.open(still).convert("RGB") if still else textured_photo(500 + number, (432, 540))
            pixels = np.asarray(image.resize((432, 540)))
            for _ in range(10 * seconds_each):
                for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                    container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path
