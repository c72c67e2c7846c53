"""Files Rempart writes that hold personal data (reports, fingerprint files): readable by their
owner only."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TextIO


def open_private(path: Path) -> TextIO:
    """Open ``path`` for writing text (created or truncated) with mode 0600, whatever the umask."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its old mode through O_CREAT: narrow it
    return os.fdopen(descriptor, "w", encoding="utf-8")


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by its owner only."""
    with open_private(path) as handle:
        handle.write(text)


class PrivateReplacement:
    """A new version of ``path`` written beside it (mode 0600) and put in place only by
    ``commit()``.

    Until then the old file is untouched, so a run that produced nothing never empties it.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".part"
        )  # mode 0600
        self.path = path
        self.partial = Path(name)
        self.handle: TextIO = os.fdopen(descriptor, "w", encoding="utf-8")

    def commit(self) -> None:
        """Put the new version in place (atomically)."""
        self.handle.close()
        self.partial.replace(self.path)

    def discard(self) -> None:
        """Drop the new version; the old file stays as it was."""
        self.handle.close()
        self.partial.unlink(missing_ok=True)


def write_private_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file only its owner can read (0600 from the start)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
