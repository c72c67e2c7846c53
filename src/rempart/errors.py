"""Rempart's exceptions: one root, a few branches, each raised with a message a user can act on.

RempartError                  root of everything Rempart raises on purpose
├── ConfigError               bad settings or key material
├── MediaError                a file could not be turned into fingerprints
│   ├── UnsupportedMediaError     not a format we read (wrong type, unknown bytes)
│   ├── MediaTooLargeError        over a size, pixel, duration or frame limit
│   ├── CorruptMediaError         truncated or undecodable content
│   └── FetchError                a URL that may not be fetched, or whose fetch failed
├── SignalError               a fingerprint value that is not valid for its signal
├── StoreError                database problems
│   ├── BankNotFoundError         no bank of that name
│   ├── BankExistsError           a bank of that name already exists
│   └── EntryNotFoundError        no entry with that id in that bank
├── ImportFormatError         a bank file (CSV/JSON/JSONL) we cannot read
├── IndexNotReady             the matcher's first index is still being built
├── EvidenceUnavailableError  an exported file is gone, moved out of its folder, or not a plain file
│   └── EvidenceAlteredError      it no longer has the SHA-256 recorded when it was scanned
└── EvidenceError             the vault, a case key, the log or a pack cannot do what was asked
    └── EvidenceBrokenError       a log chain, a checkpoint, a token or a pack does not verify
"""

from __future__ import annotations


class RempartError(Exception):
    """Root of every error Rempart raises on purpose."""


class ConfigError(RempartError):
    """Settings or key material are missing or invalid."""


class MediaError(RempartError):
    """A media file could not be fingerprinted."""


class UnsupportedMediaError(MediaError):
    """The bytes are not a format Rempart reads."""


class MediaTooLargeError(MediaError):
    """The file is over a configured limit (bytes, pixels, duration, frames)."""


class CorruptMediaError(MediaError):
    """The file is truncated or its content cannot be decoded."""


class FetchError(MediaError):
    """A URL is not allowed (scheme, host, address) or could not be fetched; said without
    details. ``status`` is the HTTP status when one came back; ``retryable`` says whether trying
    again later may work (a 404, 403, 429 or 5xx answer, a timeout, a broken connection)."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False):
        super().__init__(message)
        self.status = status
        self.retryable = retryable


class FetchTooLargeError(FetchError):
    """The file at a URL is over the size limit (``REMPART_MAX_FILE_BYTES``)."""


class SignalError(RempartError):
    """A fingerprint value is not valid for its signal type."""


class StoreError(RempartError):
    """The store could not complete an operation."""


class BankNotFoundError(StoreError):
    """No bank has that name."""


class BankExistsError(StoreError):
    """A bank with that name already exists."""


class EntryNotFoundError(StoreError):
    """No entry has that id in that bank."""


class ImportFormatError(RempartError):
    """A bank or fingerprint file cannot be read."""


class IndexNotReady(RempartError):
    """The matcher's first index is still being built (a server that has just started)."""


class EvidenceUnavailableError(RempartError):
    """The exported file behind a sighting can no longer be served as it was scanned."""


class EvidenceAlteredError(EvidenceUnavailableError):
    """The exported file's content changed since it was scanned."""


class EvidenceError(RempartError):
    """The vault, a case key, the custody log or a pack cannot do what was asked."""


class EvidenceBrokenError(EvidenceError):
    """A custody-log chain, a checkpoint, a time-stamp token or a pack does not verify."""
