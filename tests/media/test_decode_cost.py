"""Decode cost is bounded: an animation's frames share one pixel budget, and the service decodes
few files at once."""

from __future__ import annotations

import concurrent.futures
import os
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from support import run_rempart, start_server

from rempart.media import MediaKind, decode_image
from rempart.settings import Settings


def _apng(path: Path, side: int, frames: int) -> Path:
    rng = np.random.default_rng(side)
    images = [
        Image.fromarray(rng.integers(0, 255, (side, side, 3), dtype=np.uint8))
        for _ in range(frames)
    ]
    images[0].save(path, "PNG", save_all=True, append_images=images[1:], compress_level=1)
    return path


def test_an_animation_decodes_only_the_frames_its_pixel_budget_allows(tmp_path: Path) -> None:
    apng = _apng(tmp_path / "anim.png", 1000, 8)  # 8 frames of 1 MP, each under the per-image limit
    assert Image.open(apng).n_frames == 8
    assert len(decode_image(apng, MediaKind.PNG, max_pixels=4_000_000, max_frames=8).frames) == 4
    assert (
        len(
            decode_image(
                apng,
                MediaKind.PNG,
                max_pixels=4_000_000,
                max_frames=8,
                max_decoded_pixels=2_500_000,
            ).frames
        )
        == 2
    )
    assert (
        len(
            decode_image(
                apng,
                MediaKind.PNG,
                max_pixels=4_000_000,
                max_frames=8,
                max_decoded_pixels=100_000_000,
            ).frames
        )
        == 8
    )


def _peak_rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from /proc")
def test_concurrent_large_uploads_keep_the_servers_peak_memory_bounded(tmp_path: Path) -> None:
    side = 5000  # 25 MP: about 75 MB decoded as RGB, more while converting
    big = tmp_path / "big.png"
    gradient = np.tile(np.linspace(0, 255, side, dtype=np.uint8), (side, 1))
    Image.fromarray(np.stack([gradient, gradient.T, gradient], axis=2)).save(
        big, "PNG", compress_level=1
    )
    settings = Settings(data_dir=tmp_path / "data")
    key = run_rempart(settings, "key", "create", "p", "--role", "platform").stdout.strip()
    server, base = start_server(
        settings, {"REMPART_MAX_CONCURRENT_DECODES": "2", "REMPART_LOCAL_FEATURES": "false"}
    )
    small = tmp_path / "small.png"
    Image.fromarray(gradient[:64, :64]).save(small, "PNG")

    def upload(body: bytes, content_type: str) -> int:
        request = urllib.request.Request(
            f"{base}/api/v1/hash",
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {key}", "Content-Type": content_type},
        )
        with urllib.request.urlopen(request, timeout=300) as answer:
            return answer.status

    try:
        assert (
            upload(*_multipart(small.read_bytes())) == 200
        )  # warm: code paths loaded before measuring
        before = _peak_rss_kib(server.pid)
        assert upload(*_multipart(big.read_bytes())) == 200
        one = _peak_rss_kib(server.pid) - before  # what one decode costs this server
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            assert (
                list(pool.map(lambda _n: upload(*_multipart(big.read_bytes())), range(8)))
                == [200] * 8
            )
        eight = _peak_rss_kib(server.pid) - before
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"peak RSS growth: one upload {one} KiB, eight concurrent uploads {eight} KiB"
    )  # shown with pytest -s
    assert one > 20_000  # the measurement sees a decode at all
    assert eight < 3.5 * one, (one, eight)  # two decoding threads (and some slack), never eight


def _multipart(data: bytes) -> tuple[bytes, str]:
    boundary = os.urandom(8).hex()
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        'filename="big.png"\r\nContent-Type: image/png\r\n\r\n'
    ).encode()
    return (
        head + data + f"\r\n--{boundary}--\r\n".encode(),
        f"multipart/form-data; boundary={boundary}",
    )


def test_a_gif_of_50000_tiny_frames_is_read_only_up_to_the_frame_cap(tmp_path: Path) -> None:
    import io

    # 1×2 frames whose two grey levels spell their own number: the decoded samples say where they
    # came from
    frames = [
        Image.fromarray(np.array([[i // 256, i % 256]], dtype=np.uint8), "L") for i in range(50_000)
    ]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    path = tmp_path / "many.gif"
    path.write_bytes(buffer.getvalue())
    decoded = decode_image(
        path, MediaKind.GIF, max_pixels=100_000_000, max_frames=8, max_frames_read=1000
    )
    numbers = [int(frame[0, 0, 0]) * 256 + int(frame[0, 1, 0]) for frame in decoded.frames]
    assert (
        len(numbers) == 8 and numbers[0] == 0 and max(numbers) == 999
    )  # spread over the first 1,000, not the 50,000
    everything = decode_image(
        path, MediaKind.GIF, max_pixels=100_000_000, max_frames=8, max_frames_read=10**6
    )
    assert (
        int(everything.frames[-1][0, 0, 0]) * 256 + int(everything.frames[-1][0, 1, 0]) == 49_999
    )  # the check can tell
