"""What the HMA tests share: a media server on loopback (as HMA's own tests serve their images),
a client on the open network or with keys, and HMA's checkerboard test images."""

from __future__ import annotations

import functools
import http.server
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient
from PIL import Image

from rempart.app import create_app
from rempart.settings import Settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from threatexchange.signal_type.pdq.signal import PdqSignal


def checkerboard(cell: int) -> Image.Image:
    """HMA's test image: a 128 px black and white checkerboard."""
    image = Image.new("RGB", (128, 128))
    pixels = image.load()
    assert pixels is not None
    for x in range(128):
        for y in range(128):
            pixels[x, y] = (255, 255, 255) if (x // cell + y // cell) % 2 else (0, 0, 0)
    return image


@contextmanager
def media_server(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over plain HTTP on loopback; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def hma_images(folder: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """HMA's two checkerboards served on loopback: (base URL, {url: threatexchange PDQ})."""
    folder.mkdir(parents=True, exist_ok=True)
    checkerboard(8).save(folder / "image1.jpg", format="JPEG")
    checkerboard(16).save(folder / "image2.jpg", format="JPEG")
    with media_server(folder) as base:
        yield (
            base,
            {
                f"{base}/{name}": PdqSignal.hash_from_file(folder / name)
                for name in ("image1.jpg", "image2.jpg")
            },
        )


def open_network_settings(settings: Settings, role: str = "admin") -> Settings:
    """Settings of a private-network deployment as HMA is run: keyless calls from loopback, and
    media fetched from the loopback media server over plain HTTP."""
    return settings.model_copy(
        update={
            "hma_open_networks": ["127.0.0.0/8"],
            "hma_open_role": role,
            "fetch_hosts": ["127.0.0.1"],
            "fetch_allow_private": True,
            "fetch_allow_http": True,
        }
    )


@contextmanager
def hma_client(settings: Settings, address: str = "127.0.0.1") -> Iterator[TestClient]:
    """A client calling from ``address``, once the index is ready (``/status`` 200)."""
    with TestClient(create_app(settings), client=(address, 50000)) as client:
        deadline = time.monotonic() + 30
        while client.get("/status").status_code != 200:
            assert time.monotonic() < deadline, "the index never became ready"
            time.sleep(0.05)
        yield client
