"""Digests of the file's bytes: SHA-256 for every file, MD5 for videos as StopNCII and HMA bank
them.

Both find exact copies only, the cheapest and surest signals. ``video_md5`` is
python-threatexchange's ``VideoMD5Signal``: the MD5 of a video file's bytes, the form StopNCII and
HMA hash banks hold videos in.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rempart.errors import SignalError
from rempart.signals.base import SignalType

if TYPE_CHECKING:
    from rempart.index.signal_index import SignalIndex


class DigestSignal(SignalType):
    """A digest of the file's bytes in lowercase hex: equal values are the same file."""

    exact: ClassVar[bool] = True
    text_lookup: ClassVar[bool] = True
    #: Hex characters of a value.
    hex_length: ClassVar[int]

    @classmethod
    def validate(cls, value: str) -> str:
        canonical = value.strip().lower()
        if len(canonical) != cls.hex_length or not re.fullmatch(r"[0-9a-f]+", canonical):
            raise SignalError(
                f"not a {cls.name} hex digest ({cls.hex_length} hex characters): {value[:40]!r}"
            )
        return canonical

    @classmethod
    def distance(cls, left: str, right: str) -> int:
        return 0 if left == right else 1

    @classmethod
    def explain(
        cls, distance: int | None, inliers: int | None, threshold: int
    ) -> tuple[str, dict[str, object]]:
        return "exact copy (the same file)", {}

    @classmethod
    def index_class(cls) -> type[SignalIndex]:
        from rempart.index.signal_index import ExactIndex

        return ExactIndex


class SHA256Signal(DigestSignal):
    """Exact-copy signal for every file: SHA-256 of the bytes."""

    name: ClassVar[str] = "sha256"
    content_types: ClassVar[frozenset[str]] = frozenset({"photo", "video"})
    digest_algorithm: ClassVar[str | None] = "sha256"
    index_name: ClassVar[str] = "sha256"
    hex_length: ClassVar[int] = 64
    from_browser: ClassVar[bool] = True


class VideoMD5Signal(DigestSignal):
    """Exact-copy signal for videos: MD5 of the bytes (python-threatexchange's ``video_md5``)."""

    name: ClassVar[str] = "video_md5"
    content_types: ClassVar[frozenset[str]] = frozenset({"video"})
    digest_algorithm: ClassVar[str | None] = "md5"
    index_name: ClassVar[str] = "video_md5"
    hex_length: ClassVar[int] = 32
    bank_file_names: ClassVar[frozenset[str]] = frozenset({"video_md5", "md5"})


def file_digests(path: Path, *algorithms: str) -> tuple[str, ...]:
    """Hex digests of a file's bytes, one per hashlib algorithm, in a single read."""
    digests = [hashlib.new(algorithm) for algorithm in algorithms]
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            for digest in digests:
                digest.update(chunk)
    return tuple(digest.hexdigest() for digest in digests)


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file."""
    return file_digests(path, "sha256")[0]
