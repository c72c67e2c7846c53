"""Tell what a file is from its first bytes, never from its name (names lie in abusive archives)."""

from __future__ import annotations

import enum
from pathlib import Path

from rempart.errors import MediaTooLargeError, UnsupportedMediaError

_HEIF_BRANDS = {
    b"heic",
    b"heix",
    b"heim",
    b"heis",
    b"hevc",
    b"hevx",
    b"mif1",
    b"msf1",
    b"avif",
    b"avis",
}


class MediaKind(enum.Enum):
    """What a file holds, as far as hashing is concerned."""

    JPEG = "jpeg"
    PNG = "png"
    GIF = "gif"
    WEBP = "webp"
    BMP = "bmp"
    TIFF = "tiff"
    HEIF = "heif"
    VIDEO = "video"

    @property
    def is_image(self) -> bool:
        return self is not MediaKind.VIDEO


def kind_from_header(head: bytes) -> MediaKind | None:
    """Return the media kind for these leading bytes, or None when unknown."""
    if head.startswith(b"\xff\xd8\xff"):
        return MediaKind.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return MediaKind.PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return MediaKind.GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return MediaKind.WEBP
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return MediaKind.VIDEO
    if head[:2] == b"BM" and len(head) >= 26:
        return MediaKind.BMP
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return MediaKind.TIFF
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return MediaKind.HEIF if brand in _HEIF_BRANDS else MediaKind.VIDEO
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # Matroska / WebM
        return MediaKind.VIDEO
    if (
        head[:4] in (b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3")
        or head[:3] == b"FLV"
        or head[:4] == b"OggS"
    ):
        return MediaKind.VIDEO
    if len(head) > 188 and head[0] == 0x47 and head[188] == 0x47:  # MPEG transport stream
        return MediaKind.VIDEO
    return None


def sniff_kind(path: Path, max_bytes: int) -> MediaKind:
    """Check the file's size limit and return its kind, or raise a MediaError that says why not."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnsupportedMediaError(f"{path}: cannot read file ({exc.strerror})") from exc
    if not path.is_file():
        raise UnsupportedMediaError(f"{path}: not a regular file")
    if size == 0:
        raise UnsupportedMediaError(f"{path}: empty file")
    if size > max_bytes:
        raise MediaTooLargeError(
            f"{path}: {size} bytes is over the {max_bytes}-byte limit (REMPART_MAX_FILE_BYTES)"
        )
    with path.open("rb") as handle:
        head = handle.read(512)
    kind = kind_from_header(head)
    if kind is None:
        raise UnsupportedMediaError(
            f"{path}: not an image or video Rempart can read (unknown content)"
        )
    return kind


def read_limited(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes`` (MediaTooLargeError past it: a file
    that grew since it was checked is not read whole)."""
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise MediaTooLargeError(
            f"{path}: {len(data)} bytes is over the {max_bytes}-byte limit (REMPART_MAX_FILE_BYTES)"
        )
    return data
