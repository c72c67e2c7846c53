"""SHA-256 of the file's bytes: finds exact copies, the cheapest and surest signal."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import ClassVar

from rempart.errors import SignalError
from rempart.signals.base import SignalType

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class SHA256Signal(SignalType):
    """Exact-copy signal: lowercase 64-char hex digest of the bytes."""

    name: ClassVar[str] = "sha256"
    exact: ClassVar[bool] = True

    @classmethod
    def validate(cls, value: str) -> str:
        canonical = value.strip().lower()
        if not _HEX64.match(canonical):
            raise SignalError(f"not a SHA-256 hex digest: {value!r}")
        return canonical

    @classmethod
    def distance(cls, left: str, right: str) -> int:
        return 0 if left == right else 1


def sha256_file(path: Path, chunk_size: int = 1 << 20) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()
