"""vPDQ as python-threatexchange writes and compares it, so StopNCII/HMA video banks load, match
and export unchanged.

A vPDQ value is a JSON list of ``"<pdq hex>,<quality>,<timestamp>"`` strings, one per sampled
frame (threatexchange's ``VpdqCompactFeature``; the timestamp is formatted ``.3``, three
significant digits, as it does). Two videos match when, after dropping repeated hashes and frames
under quality 50, at least 80 % of the query's frames are within PDQ distance 31 of some frame of
the other (and at least 0 % the other way): ``VPDQSignal.compare_hash``. Rempart's own video
signal (``video_pdq``, one PDQ per sampled frame) is the same per-frame hash, so a vPDQ value is
also indexed as frame PDQ values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from rempart.errors import SignalError
from rempart.signals.fingerprint import Fingerprint, SignalValue

NAME = "vpdq"
QUALITY_THRESHOLD = 50
DISTANCE_THRESHOLD = 31
QUERY_MATCH_PERCENT = 80.0
INDEX_MATCH_PERCENT = 0.0
#: Longest vPDQ value accepted (a ten-hour video at one frame a second is about 2.6 MB).
MAX_CHARS = 4_000_000


@dataclass(frozen=True)
class VpdqFeature:
    """One sampled frame: its PDQ hash (64 lowercase hex), quality (0–100), time in seconds."""

    pdq_hex: str
    quality: int
    timestamp: float

    def __str__(self) -> str:
        return f"{self.pdq_hex},{self.quality},{float(self.timestamp):.3}"


@dataclass(frozen=True)
class VpdqComparison:
    """How much of each video the other covers, in percent; HMA's distance string."""

    query_match_percent: float
    compared_match_percent: float

    @property
    def match(self) -> bool:
        return (
            self.query_match_percent >= QUERY_MATCH_PERCENT
            and self.compared_match_percent >= INDEX_MATCH_PERCENT
        )

    def pretty_str(self) -> str:
        return f"{self.query_match_percent:.0f}%[{self.compared_match_percent:.0f}%]"


def _feature(text: str) -> VpdqFeature:
    try:
        pdq_hex, quality, timestamp = text.split(",")
        feature = VpdqFeature(pdq_hex, int(quality), float(timestamp))
        int(feature.pdq_hex, 16)
    except ValueError:
        raise SignalError(f"invalid vPDQ frame: {text[:80]!r}") from None
    if len(feature.pdq_hex) != 64 or not 0 <= feature.quality <= 100 or feature.timestamp < 0:
        raise SignalError(f"invalid vPDQ frame: {text[:80]!r}")
    return feature


def parse(value: str) -> list[VpdqFeature]:
    """The frames of a vPDQ value; SignalError if it is not one."""
    if not isinstance(value, str) or len(value) > MAX_CHARS:
        raise SignalError("a vPDQ value is a JSON list of frame strings")
    try:
        items = json.loads(value or "[]")
    except (ValueError, RecursionError):
        raise SignalError("a vPDQ value is a JSON list of frame strings") from None
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise SignalError("a vPDQ value is a JSON list of frame strings")
    return [_feature(item) for item in items]


def dumps(features: list[VpdqFeature]) -> str:
    """The vPDQ value of these frames, as threatexchange serialises it."""
    return json.dumps([str(f) for f in features])


def _usable(features: list[VpdqFeature]) -> list[str]:
    """Hashes kept for matching: first of each repeated hash, quality at least 50."""
    seen: dict[str, None] = {}
    for feature in features:
        if feature.quality >= QUALITY_THRESHOLD:
            seen.setdefault(feature.pdq_hex, None)
    return list(seen)


def _covered(hashes: list[str], others: list[int]) -> int:
    count = 0
    for text in hashes:
        value = int(text, 16)
        if any((value ^ other).bit_count() <= DISTANCE_THRESHOLD for other in others):
            count += 1
    return count


def compare(query: list[VpdqFeature], compared: list[VpdqFeature]) -> VpdqComparison:
    """threatexchange's brute-force vPDQ comparison (see the module docstring)."""
    mine, theirs = _usable(query), _usable(compared)
    if not mine or not theirs:
        return VpdqComparison(0.0, 0.0)
    mine_ints = [int(h, 16) for h in mine]
    theirs_ints = [int(h, 16) for h in theirs]
    return VpdqComparison(
        _covered(mine, theirs_ints) * 100 / len(mine),
        _covered(theirs, mine_ints) * 100 / len(theirs),
    )


def from_fingerprint(fingerprint: Fingerprint) -> list[VpdqFeature]:
    """A video fingerprint's frame PDQ values as vPDQ frames (variant ``frame:N@seconds``)."""
    return [
        VpdqFeature(v.value, int(v.quality if v.quality is not None else 100), _seconds(v.variant))
        for v in fingerprint.of_signal("video_pdq")
    ]


def _seconds(variant: str) -> float:
    """The time in a frame variant (``frame:N@seconds``), 0 when it has none."""
    try:
        return max(0.0, float(variant.rsplit("@", 1)[-1])) if "@" in variant else 0.0
    except ValueError:
        return 0.0


def as_frame_values(features: list[VpdqFeature]) -> tuple[SignalValue, ...]:
    """vPDQ frames as Rempart's frame PDQ values, to index and match them."""
    return tuple(
        SignalValue("video_pdq", f.pdq_hex, f.quality, f"frame:{number}@{f.timestamp:.3f}")
        for number, f in enumerate(features)
    )


def from_stored(rows: list[tuple[bytes, int | None, str]]) -> list[VpdqFeature]:
    """Stored frame PDQ values (raw, quality, variant ``frame:N@seconds``) as vPDQ frames."""
    return [
        VpdqFeature(raw.hex(), int(quality if quality is not None else 100), _seconds(variant))
        for raw, quality, variant in rows
    ]
