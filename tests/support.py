"""Helpers shared by test modules (importable because pytest puts tests/ on the path)."""

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from rempart.bench.pgserver import free_port
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


def run_rempart(
    settings: Settings, *args: str, lang: str = "en"
) -> subprocess.CompletedProcess[str]:
    """Run the installed `rempart` command as a user would."""
    return subprocess.run(
        [rempart_exe(), *args],
        capture_output=True,
        text=True,
        env=rempart_env(settings, lang),
        timeout=600,
    )


def still_video(path: Path, stills: list[Path | None], seconds_each: int = 1) -> Path:
    """A 10 fps clip showing each still (None: an unrelated texture) for ``seconds_each``
    seconds."""
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
            image = (
                Image.open(still).convert("RGB")
                if still
                else textured_photo(500 + number, (432, 540))
            )
            pixels = np.asarray(image.resize((432, 540)))
            for _ in range(10 * seconds_each):
                for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                    container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def write_export(
    folder: Path,
    files: dict[str, bytes],
    *,
    guild: str = "Serveur",
    channel: str = "général",
    message_id: str = "1478139335147520001",
) -> Path:
    """A DiscordChatExporter export of one message whose attachments are ``files`` (exported with
    --media)."""
    import json

    export = folder / f"{guild} - {channel} [1478139335147520000].json"
    media = folder / f"{export.name}_Files"
    media.mkdir(parents=True, exist_ok=True)
    attachments = []
    for number, (name, data) in enumerate(files.items(), start=1):
        (media / name).write_bytes(data)
        attachments.append(
            {
                "id": str(number),
                "url": f"{media.name}/{name}",
                "fileName": name,
                "fileSizeBytes": len(data),
            }
        )
    message = {
        "id": message_id,
        "type": "Default",
        "timestamp": "2025-01-01T00:00:00+00:00",
        "timestampEdited": None,
        "isPinned": False,
        "content": "",
        "author": {
            "id": "42",
            "name": "poster",
            "discriminator": "0000",
            "nickname": None,
            "isBot": False,
            "roles": [],
        },
        "attachments": attachments,
        "embeds": [],
        "stickers": [],
        "reactions": [],
        "mentions": [],
    }
    export.write_text(
        json.dumps(
            {
                "guild": {"id": "7", "name": guild},
                "channel": {"id": "8", "name": channel},
                "messages": [message],
            }
        ),
        encoding="utf-8",
    )
    return export


def start_server(
    settings: Settings, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """`rempart serve` as a user runs it, on a free loopback port; returns the process and its
    base URL."""
    import time
    import urllib.error
    import urllib.request

    port = free_port()
    server = subprocess.Popen(
        [rempart_exe(), "serve", "--port", str(port)],
        env={**rempart_env(settings), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/status", timeout=2):
                return server, base
        except (urllib.error.URLError, ConnectionError):
            if time.time() > deadline or server.poll() is not None:
                server.kill()
                raise AssertionError(
                    server.stderr.read().decode()
                    if server.stderr
                    else "rempart serve did not start"
                ) from None
            time.sleep(0.2)


def read_while_writing(
    look: Callable[[], None], churn: Callable[[], None], readers: int, done: threading.Event
) -> None:
    """Run ``readers`` threads of ``look`` (each loops until ``done`` is set) while one thread
    runs ``churn`` (which sets ``done`` when it ends), and wait for all of them."""

    def write() -> None:
        try:
            churn()
        finally:
            done.set()

    threads = [threading.Thread(target=look) for _ in range(readers)]
    writer = threading.Thread(target=write)
    for thread in (*threads, writer):
        thread.start()
    for thread in (writer, *threads):
        thread.join(timeout=300)
