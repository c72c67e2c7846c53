"""The exported file behind a sighting, handed out only while it is still exactly what was scanned.

An export folder is not ours: after a scan, someone can replace a picture with a symbolic link
to ``secret.key``, or with an HTML page named ``photo.html``. So a file is given out only if its
recorded path has no symbolic link anywhere, lies inside the export folder it was scanned from,
is a regular file opened without following links, and still has the SHA-256 recorded at scan
time. What is handed out is a private copy made while hashing (no swap between check and
use), with a content type read from its bytes — never from its name.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from rempart.errors import EvidenceAlteredError, EvidenceUnavailableError
from rempart.media.kinds import MediaKind, kind_from_header

#: Content types by kind; a video container is told apart by its first bytes.
_IMAGE_TYPES = {
    MediaKind.JPEG: "image/jpeg",
    MediaKind.PNG: "image/png",
    MediaKind.GIF: "image/gif",
    MediaKind.WEBP: "image/webp",
    MediaKind.BMP: "image/bmp",
    MediaKind.TIFF: "image/tiff",
    MediaKind.HEIF: "image/heif",
}


@dataclass(frozen=True)
class ExportedFile:
    """A verified private copy of an exported file (read from position 0) and how to serve it."""

    copy: IO[bytes]
    #: Where the copy is (a private temporary file, deleted when the copy is closed).
    path: Path
    media_type: str
    #: True for pictures and videos (shown); anything else is served as a download.
    inline: bool
    #: The first bytes, as decoders see them.
    kind: MediaKind | None


def media_type_of(head: bytes) -> tuple[str, bool, MediaKind | None]:
    """(content type, show inline?, kind) from a file's first bytes."""
    kind = kind_from_header(head)
    if kind in _IMAGE_TYPES:
        return _IMAGE_TYPES[kind], True, kind
    if kind is MediaKind.VIDEO:
        if head[4:8] == b"ftyp":
            return "video/mp4", True, kind
        if head.startswith(b"\x1a\x45\xdf\xa3"):
            return "video/webm", True, kind
    return "application/octet-stream", False, kind


def _checked_path(details: dict[str, Any]) -> tuple[Path, str]:
    local, root, expected = (
        details.get("local_path"),
        details.get("export_root"),
        details.get("sha256"),
    )
    if not local or not root or not expected:
        raise EvidenceUnavailableError(
            "the exported file was not recorded with what is needed to check it"
        )
    path, folder = Path(str(local)), Path(str(root))
    if not path.is_absolute() or os.path.realpath(path) != os.path.normpath(path):
        raise EvidenceUnavailableError("the exported file's path now goes through a link")
    if not path.is_relative_to(folder):
        raise EvidenceUnavailableError("the exported file is outside its export folder")
    return path, str(expected)


@contextmanager
def verified_copy(details: dict[str, Any], max_bytes: int) -> Iterator[ExportedFile]:
    """A private copy of the scanned file, if it is still the file that was scanned (see module
    docstring)."""
    path, expected = _checked_path(details)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise EvidenceUnavailableError(
            "the exported file is no longer where it was scanned"
        ) from exc
    # owner-only, deleted when closed below
    copy = tempfile.NamedTemporaryFile(prefix="rempart-evidence-")
    try:
        with os.fdopen(descriptor, "rb") as source:
            info = os.fstat(source.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise EvidenceUnavailableError("the exported file is no longer a regular file")
            if info.st_size > max_bytes:
                raise EvidenceUnavailableError("the exported file is over the size limit")
            digest = hashlib.sha256()
            while chunk := source.read(1024 * 1024):
                digest.update(chunk)
                copy.write(chunk)
                if copy.tell() > max_bytes:
                    raise EvidenceUnavailableError("the exported file is over the size limit")
        if digest.hexdigest() != expected:
            raise EvidenceAlteredError("the exported file changed since it was scanned: not served")
        copy.flush()
        copy.seek(0)
        media_type, inline, kind = media_type_of(copy.read(512))
        copy.seek(0)
        yield ExportedFile(copy, Path(copy.name), media_type, inline, kind)
    finally:
        copy.close()
