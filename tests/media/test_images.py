import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from rempart.errors import CorruptMediaError, MediaTooLargeError, UnsupportedMediaError
from rempart.media import MediaKind, decode_image, sniff_kind
from rempart.samples import synthetic_photo
from rempart.settings import Settings
from rempart.signals.fingerprint import fingerprint_file


def _png_bomb(path: Path, width: int, height: int) -> None:
    """A tiny PNG whose header claims width×height pixels of zeros (compresses ~1000:1)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = zlib.compress(b"\x00" * (width // 8 + 1) * 64, 9)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "fmt,kind",
    [
        ("JPEG", MediaKind.JPEG),
        ("PNG", MediaKind.PNG),
        ("WEBP", MediaKind.WEBP),
        ("BMP", MediaKind.BMP),
        ("TIFF", MediaKind.TIFF),
        ("GIF", MediaKind.GIF),
    ],
)
def test_every_still_format_decodes_to_rgb(tmp_path: Path, fmt: str, kind: MediaKind) -> None:
    path = tmp_path / f"image.{fmt.lower()}"
    synthetic_photo(1, (320, 240)).save(path, fmt)
    assert sniff_kind(path, 10**9) is kind
    decoded = decode_image(path, kind, max_pixels=10**8)
    assert decoded.frames[0].shape == (240, 320, 3) and decoded.frames[0].dtype == np.uint8


def test_heic_decodes_when_libheif_can_encode_a_test_file(tmp_path: Path) -> None:
    import pillow_heif

    path = tmp_path / "photo.heic"
    try:
        pillow_heif.from_pillow(synthetic_photo(2, (320, 240))).save(path, quality=90)
    except Exception as exc:  # the wheel's libheif may ship without an HEVC encoder
        pytest.skip(f"libheif cannot encode HEIC here: {exc}")
    fp = fingerprint_file(path, Settings(data_dir=tmp_path))
    assert fp.kind == "heif" and fp.width == 320 and fp.of_signal("pdq")


def test_jpeg_is_decoded_at_reduced_scale(tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    synthetic_photo(3, (4000, 3000)).save(path, quality=85)
    decoded = decode_image(path, MediaKind.JPEG, max_pixels=10**8, draft_size=512)
    assert (decoded.width, decoded.height) == (4000, 3000)
    assert 512 <= min(decoded.frames[0].shape[:2]) < 1500


def test_animated_gif_gives_sampled_frames(tmp_path: Path) -> None:
    frames = [synthetic_photo(seed, (160, 120)) for seed in range(20)]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100)
    decoded = decode_image(path, MediaKind.GIF, max_pixels=10**8, max_frames=5)
    assert len(decoded.frames) == 5
    fp = fingerprint_file(path, Settings(data_dir=tmp_path, max_animation_frames=5))
    assert len(fp.of_signal("pdq")) == 5


def test_truncated_jpeg_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.jpg"
    synthetic_photo(4, (800, 600)).save(path, quality=90)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptMediaError, match="truncated|corrupt"):
        fingerprint_file(path, Settings(data_dir=tmp_path))


def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    _png_bomb(path, 60000, 60000)
    assert path.stat().st_size < 100_000
    with pytest.raises(MediaTooLargeError, match="pixels"):
        fingerprint_file(path, Settings(data_dir=tmp_path))
    small_limit = Settings(data_dir=tmp_path, max_image_pixels=1000)
    ok = tmp_path / "ok.png"
    synthetic_photo(5, (100, 100)).save(ok)
    with pytest.raises(MediaTooLargeError, match="REMPART_MAX_IMAGE_PIXELS"):
        fingerprint_file(ok, small_limit)


def test_file_over_the_size_limit_is_refused_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.jpg"
    with path.open("wb") as handle:
        handle.write(b"\xff\xd8\xff")
        handle.truncate(50 * 1024 * 1024)  # sparse: big on paper, cheap on disk
    with pytest.raises(MediaTooLargeError, match="REMPART_MAX_FILE_BYTES"):
        fingerprint_file(path, Settings(data_dir=tmp_path, max_file_bytes=10 * 1024 * 1024))


@pytest.mark.parametrize(
    "content", [b"", b"hello, this is text", b"%PDF-1.7\n...", b"PK\x03\x04zipfile"]
)
def test_wrong_types_are_unsupported(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "photo.jpg"  # the name lies; the bytes decide
    path.write_bytes(content)
    with pytest.raises(UnsupportedMediaError):
        fingerprint_file(path, Settings(data_dir=tmp_path))


def test_png_header_with_garbage_body_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "x.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    with pytest.raises(CorruptMediaError):
        fingerprint_file(path, Settings(data_dir=tmp_path))


def test_directory_and_missing_file_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedMediaError):
        fingerprint_file(tmp_path, Settings(data_dir=tmp_path))
    with pytest.raises(UnsupportedMediaError, match="cannot read"):
        fingerprint_file(tmp_path / "missing.jpg", Settings(data_dir=tmp_path))


def test_rgba_and_greyscale_images_hash(tmp_path: Path) -> None:
    base = synthetic_photo(6, (300, 300))
    for mode in ("RGBA", "L", "LA", "P", "I;16"):
        path = tmp_path / f"{mode.replace(';', '')}.png"
        (base.convert("L").convert(mode) if mode == "I;16" else base.convert(mode)).save(path)
        assert fingerprint_file(path, Settings(data_dir=tmp_path)).of_signal("pdq")
    grey = Image.open(tmp_path / "L.png")
    assert grey.mode == "L"
