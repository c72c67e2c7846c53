"""The matcher role: holds indexes built from the store and answers "which entries does this look like?".

Reloading builds a new snapshot beside the one in use and swaps it in one assignment, so
lookups never stop. PDQ matches involving a hash under the quality floor are kept only when
another signal confirms the same entry ("never matched alone"). A video matches an entry only
when enough of its sampled frames do (``video_min_frames``), unless the whole file is identical.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from rempart.index.hamming import HammingIndex, codes_from_bytes, codes_from_hex
from rempart.index.local import LocalFeatureIndex
from rempart.settings import Settings
from rempart.signals.fingerprint import Fingerprint, SignalValue
from rempart.signals.local import LocalFeatures
from rempart.signals.registry import EXACT, LOCAL, PDQ_LIKE
from rempart.store import Store


@dataclass(frozen=True)
class Match:
    """A query fingerprint value found near a bank entry's fingerprint."""

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


@dataclass(frozen=True)
class Snapshot:
    """Everything one generation of the matcher needs, immutable once built."""

    pdq: HammingIndex
    pdq_entry: np.ndarray
    pdq_bank: list[str]
    pdq_variant: list[str]
    pdq_low_quality: np.ndarray
    exact: dict[tuple[str, bytes], list[tuple[int, str]]]
    local: LocalFeatureIndex
    local_owner: list[tuple[int, str, str]]
    thresholds: dict[str, int]
    labels: dict[int, str]


def build_snapshot(store: Store, banks: Sequence[str] | None, settings: Settings) -> Snapshot:
    """Decrypt the banks' fingerprints and index them."""
    stored = store.load_fingerprints(banks)
    bank_infos = {b.name: b for b in store.list_banks()}
    thresholds = {name: info.pdq_threshold for name, info in bank_infos.items() if banks is None or name in banks}
    pdq_rows = [f for f in stored if f.signal in PDQ_LIKE]
    exact: dict[tuple[str, bytes], list[tuple[int, str]]] = defaultdict(list)
    for f in stored:
        if f.signal in EXACT:
            exact[(f.signal, f.raw)].append((f.entry_id, f.bank))
    local_rows = [f for f in stored if f.signal in LOCAL]
    radius = max(thresholds.values(), default=settings.pdq_threshold)
    codes = codes_from_bytes(b"".join(f.raw for f in pdq_rows)) if pdq_rows else np.zeros((0, 4), np.uint64)
    return Snapshot(
        pdq=HammingIndex.build(codes, radius),
        pdq_entry=np.array([f.entry_id for f in pdq_rows], dtype=np.int64),
        pdq_bank=[f.bank for f in pdq_rows],
        pdq_variant=[f.variant for f in pdq_rows],
        pdq_low_quality=np.array([f.quality is not None and f.quality < settings.pdq_min_quality for f in pdq_rows], dtype=bool),
        exact=dict(exact),
        local=LocalFeatureIndex([LocalFeatures.from_bytes(f.raw) for f in local_rows]),
        local_owner=[(f.entry_id, f.bank, f.variant) for f in local_rows],
        thresholds=thresholds,
        labels=store.entry_labels({f.entry_id for f in stored}),
    )


class Matcher:
    """Matches fingerprints against the current snapshot of one or more banks."""

    def __init__(self, store: Store, settings: Settings, banks: Sequence[str] | None = None) -> None:
        self.store = store
        self.settings = settings
        self.banks = list(banks) if banks else None
        self._reload_lock = threading.Lock()
        self._snapshot = build_snapshot(store, self.banks, settings)

    @property
    def size(self) -> int:
        """How many PDQ values the current snapshot holds."""
        return len(self._snapshot.pdq)

    def reload(self) -> None:
        """Rebuild from the store and swap in; lookups keep using the old snapshot meanwhile."""
        with self._reload_lock:
            fresh = build_snapshot(self.store, self.banks, self.settings)
            self._snapshot = fresh  # one reference assignment: atomic for readers

    def match(self, fingerprint: Fingerprint) -> list[Match]:
        """The best match per (entry, signal), closest first."""
        snapshot = self._snapshot
        found: list[Match] = []
        for value in fingerprint.values:
            if value.signal in PDQ_LIKE:
                found.extend(self._match_pdq(snapshot, value, value.is_low_quality(self.settings.pdq_min_quality)))
            elif value.signal in LOCAL:
                found.extend(self._match_local(snapshot, value))
            elif value.signal in EXACT:
                for entry_id, bank in snapshot.exact.get((value.signal, bytes.fromhex(value.value)), []):
                    found.append(Match(bank, entry_id, snapshot.labels.get(entry_id, ""), value.signal, 0, value.variant, "exact"))
        found = _drop_unconfirmed_low_quality(found)
        if fingerprint.kind == "video":
            found = _enough_frames(found, fingerprint, self.settings.video_min_frames)
        return _best_per_entry(found)

    def _match_pdq(self, snapshot: Snapshot, value: SignalValue, query_low: bool) -> list[Match]:
        if len(snapshot.pdq) == 0:
            return []
        rows, distances = snapshot.pdq.query(codes_from_hex([value.value])[0])
        matches = []
        for row, distance in zip(rows.tolist(), distances.tolist()):
            bank = snapshot.pdq_bank[row]
            if distance > snapshot.thresholds.get(bank, self.settings.pdq_threshold):
                continue
            entry_id = int(snapshot.pdq_entry[row])
            matches.append(
                Match(
                    bank, entry_id, snapshot.labels.get(entry_id, ""), value.signal, int(distance), value.variant,
                    snapshot.pdq_variant[row], bool(query_low or snapshot.pdq_low_quality[row]),
                )
            )
        return matches

    def _match_local(self, snapshot: Snapshot, value: SignalValue) -> list[Match]:
        query = LocalFeatures.from_bytes(bytes.fromhex(value.value))
        matches = []
        for hit in snapshot.local.search(query, self.settings.local_min_inliers):
            entry_id, bank, variant = snapshot.local_owner[hit.group]
            matches.append(
                Match(bank, entry_id, snapshot.labels.get(entry_id, ""), value.signal, None, value.variant, variant, inliers=hit.inliers)
            )
        return matches


def _drop_unconfirmed_low_quality(matches: list[Match]) -> list[Match]:
    confirmed = {(m.bank, m.entry_id) for m in matches if not m.low_quality}
    return [m for m in matches if not m.low_quality or (m.bank, m.entry_id) in confirmed]


def _enough_frames(matches: list[Match], fingerprint: Fingerprint, min_frames: int) -> list[Match]:
    """Keep an entry's matches when enough distinct sampled frames matched it (or the file is identical)."""
    sampled = {v.variant for v in fingerprint.values if v.variant.startswith("frame:")}
    needed = min(min_frames, len(sampled)) or 1
    frames_of: dict[tuple[str, int], set[str]] = defaultdict(set)
    identical = set()
    for m in matches:
        if m.query_variant in sampled:
            frames_of[(m.bank, m.entry_id)].add(m.query_variant)
        elif m.distance == 0 and m.signal in EXACT:
            identical.add((m.bank, m.entry_id))
    kept = []
    for m in matches:
        key = (m.bank, m.entry_id)
        if key in identical or len(frames_of[key]) >= needed:
            kept.append(replace(m, frames=(len(frames_of[key]), len(sampled))))
    return kept


def _best_per_entry(matches: list[Match]) -> list[Match]:
    best: dict[tuple[str, int, str], Match] = {}
    for m in matches:
        key = (m.bank, m.entry_id, m.signal)
        if key not in best or _strength(m) > _strength(best[key]):
            best[key] = m
    return sorted(best.values(), key=lambda m: (m.distance is None, m.distance or 0, -(m.inliers or 0), m.bank, m.entry_id))


def _strength(match: Match) -> int:
    """Higher is a surer match: fewer differing bits, or more inliers."""
    return match.inliers if match.inliers is not None else -(match.distance or 0)
