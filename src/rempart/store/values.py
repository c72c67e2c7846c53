"""Value types the store hands out and takes in: banks, entries, decrypted fingerprints, matches.

They sit below both the store and the matcher, so either can import them without the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple


@dataclass(frozen=True)
class BankInfo:
    """A bank as users see it."""

    name: str
    description: str
    pdq_threshold: int
    created_at: datetime
    active_entries: int = 0
    withdrawn_entries: int = 0
    fingerprints: int = 0


@dataclass(frozen=True)
class EntryInfo:
    """An entry (one registered photo or video) without its fingerprint values."""

    id: int
    bank: str
    label: str
    kind: str
    external_id: str | None
    consent_basis: str
    provenance: str
    created_at: datetime
    withdrawn_at: datetime | None


@dataclass(frozen=True)
class StoredFingerprint:
    """A decrypted fingerprint value with where it belongs (for building indexes)."""

    fingerprint_id: int
    entry_id: int
    bank: str
    signal: str
    raw: bytes
    quality: int | None
    variant: str


@dataclass(frozen=True)
class AddResult:
    """New entry ids, and ids of entries that already held the same item (nothing added twice)."""

    added: list[int]
    already_present: list[int]


@dataclass(frozen=True)
class Consent:
    """Who registered an entry and on what basis."""

    basis: str = "self"
    recorded_by: str = ""


class Match(NamedTuple):
    """A query fingerprint value found near a bank entry's fingerprint.

    A named tuple (immutable, ``_replace``, ``_asdict``): a lookup in a bank full of near-identical
    codes may return thousands, and a tuple costs a fraction of a dataclass to make.
    """

    bank: str
    entry_id: int
    label: str
    signal: str
    #: Hamming distance for PDQ, 0 for exact signals, None for local features (see ``inliers``).
    distance: int | None
    query_variant: str
    entry_variant: str
    low_quality: bool = False
    #: For local features: how many keypoint pairs one homography explains.
    inliers: int | None = None
    #: For videos: how many sampled frames matched this entry (by any signal), of how many sampled.
    frames: tuple[int, int] | None = None
