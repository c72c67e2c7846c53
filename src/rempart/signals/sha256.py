"""Digests of the file's bytes: SHA-256 for every file, MD5 for videos as StopNCII and HMA bank them.

Both find exact copies only, the cheapest and surest signals. ``video_md5`` is python-threatexchange's
``VideoMD5Signal``: the MD5 of a video file's bytes, the form StopNCII and HMA hash banks hold videos in.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import ClassVar

from rempart.errors import SignalError
from rempart.signals.base import SignalType


class SHA256Signal(SignalType):
    """Exact-copy signal: lowercase 64-char hex digest of the bytes."""

    name: ClassVar[str] = "sha256"
    exact: ClassVar[bool] = True
    _pattern: ClassVar[re.Pattern[str]] = re.compile(r"^[0-9a-f]{64}$")

    @classmethod
    def validate(cls, value: str) -> str:
        canonical = value.strip().lower()
        if not cls._pattern.match(canonical):
            raise SignalError(f"not a {cls.name} hex digest: {value[:40]!r}")
        return canonical

    @classmethod
    def distance(cls, left: str, right: str) -> int:
        return 0 if left == right else 1


class VideoMD5Signal(SHA256Signal):
    """Exact-copy signal for videos: lowercase 32-char hex MD5 of the bytes (python-threatexchange's ``video_md5``)."""

    name: ClassVar[str] = "video_md5"
    _pattern: ClassVar[re.Pattern[str]] = re.compile(r"^[0-9a-f]{32}$")


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
