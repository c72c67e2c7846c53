"""The matcher role: holds indexes built from the store and answers "which entries does this look like?".

Reloading builds a new state beside the one in use and swaps it in one assignment, so lookups
never stop; refreshing applies only the store's writes since (new entries as a small segment,
withdrawn ones as tombstones), so a registration is live at once without a full rebuild. PDQ matches involving a hash under the quality floor are kept only when
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
from rempart.store import Match, Store, StoredFingerprint


@dataclass(frozen=True)
class Snapshot:
    """Indexes over one set of stored fingerprints, immutable once built."""

    pdq: HammingIndex
    pdq_entry: np.ndarray
    pdq_bank: list[str]
    pdq_variant: list[str]
    pdq_low_quality: np.ndarray
    exact: dict[tuple[str, bytes], list[tuple[int, str]]]
    local: LocalFeatureIndex
    local_owner: list[tuple[int, str, str]]

    @property
    def is_empty(self) -> bool:
        return len(self.pdq) == 0 and not self.exact and len(self.local) == 0


def build_snapshot(stored: Sequence[StoredFingerprint], radius: int, settings: Settings) -> Snapshot:
    """Index decrypted fingerprints (PDQ-like, exact and local-feature values)."""
    pdq_rows = [f for f in stored if f.signal in PDQ_LIKE]
    exact: dict[tuple[str, bytes], list[tuple[int, str]]] = defaultdict(list)
    for f in stored:
        if f.signal in EXACT:
            exact[(f.signal, f.raw)].append((f.entry_id, f.bank))
    local_rows = [f for f in stored if f.signal in LOCAL]
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
    )


@dataclass(frozen=True)
class State:
    """What lookups read, swapped as one reference: a base snapshot, the segments added since, tombstones.

    ``seen`` is the store generation applied; ``withdrawn`` the entries withdrawn since the base was
    built (their rows stay in the indexes until the next full build, and are filtered out).
    """

    base: Snapshot
    segments: tuple[Snapshot, ...]
    added: tuple[StoredFingerprint, ...]
    withdrawn: frozenset[int]
    thresholds: dict[str, int]
    seen: int

    def snapshots(self) -> tuple[Snapshot, ...]:
        return (self.base, *self.segments)


class Matcher:
    """Matches fingerprints against the current state of one or more banks.

    ``refresh()`` applies the writes made since (by this process or any other on the same store):
    added entries become a small new segment, withdrawn ones tombstones; ``reload()`` rebuilds
    everything. Readers never wait: each lookup reads the state reference once.
    """

    #: Segments merged into one when there are more than this many.
    MAX_SEGMENTS = 8

    def __init__(self, store: Store, settings: Settings, banks: Sequence[str] | None = None) -> None:
        self.store = store
        self.settings = settings
        self.banks = list(banks) if banks else None
        self._refresh_lock = threading.Lock()
        #: How many times every fingerprint was loaded and indexed (refreshes load only what changed).
        self.full_builds = 0
        self._state = self._full_state()

    @property
    def size(self) -> int:
        """How many PDQ values the current state holds."""
        return sum(len(s.pdq) for s in self._state.snapshots())

    @property
    def pending_rows(self) -> int:
        """Values added since the last full build (a full build folds them into the base)."""
        return len(self._state.added) + len(self._state.withdrawn)

    def _thresholds(self) -> dict[str, int]:
        return {name: t for name, t in self.store.bank_thresholds().items() if self.banks is None or name in self.banks}

    def _radius(self, thresholds: dict[str, int]) -> int:
        return max(thresholds.values(), default=self.settings.pdq_threshold)

    def _full_state(self) -> State:
        self.full_builds += 1
        seen = self.store.generation()  # read first: every write up to it has committed
        thresholds = self._thresholds()
        stored = self.store.load_fingerprints(self.banks, added_upto=seen)
        return State(build_snapshot(stored, self._radius(thresholds), self.settings), (), (), frozenset(), thresholds, seen)

    def reload(self) -> None:
        """Rebuild everything from the store and swap it in; lookups keep the old state meanwhile."""
        with self._refresh_lock:
            self._state = self._full_state()

    def refresh(self) -> bool:
        """Apply the store's writes since the last refresh; True if anything changed."""
        with self._refresh_lock:
            state = self._state
            current = self.store.generation()
            if current == state.seen:
                return False
            thresholds = self._thresholds()
            new = self.store.load_fingerprints(self.banks, added_after=state.seen, added_upto=current)
            gone = frozenset(self.store.withdrawn_between(state.seen, current))
            added = tuple(f for f in state.added if f.entry_id not in gone) + tuple(new)
            radius = self._radius(thresholds)
            if len(state.segments) >= self.MAX_SEGMENTS or (gone and any(f.entry_id in gone for f in state.added)):
                segments: tuple[Snapshot, ...] = (build_snapshot(added, radius, self.settings),)  # merged
            else:
                segments = (*state.segments, build_snapshot(new, radius, self.settings)) if new else state.segments
            self._state = State(state.base, tuple(s for s in segments if not s.is_empty), added, state.withdrawn | gone, thresholds, current)
            return True

    def match(self, fingerprint: Fingerprint) -> list[Match]:
        """The best match per (entry, signal), closest first."""
        state = self._state
        found: list[Match] = []
        low_query = self.settings.pdq_min_quality
        for snapshot in state.snapshots():
            for value in fingerprint.values:
                if value.signal in PDQ_LIKE:
                    found.extend(self._match_pdq(snapshot, state.thresholds, value, value.is_low_quality(low_query)))
                elif value.signal in LOCAL:
                    found.extend(self._match_local(snapshot, value))
                elif value.signal in EXACT:
                    for entry_id, bank in snapshot.exact.get((value.signal, bytes.fromhex(value.value)), []):
                        found.append(Match(bank, entry_id, "", value.signal, 0, value.variant, "exact"))
        if state.withdrawn:
            found = [m for m in found if m.entry_id not in state.withdrawn]
        found = _drop_unconfirmed_low_quality(found)
        if fingerprint.kind == "video":
            found = _enough_frames(found, fingerprint, self.settings.video_min_frames)
        best = _best_per_entry(found)
        if not best:
            return best
        labels = self.store.entry_labels({m.entry_id for m in best})  # only the matched entries' labels are read
        return [replace(m, label=labels.get(m.entry_id, "")) for m in best]

    def _match_pdq(self, snapshot: Snapshot, thresholds: dict[str, int], value: SignalValue, query_low: bool) -> list[Match]:
        if len(snapshot.pdq) == 0:
            return []
        rows, distances = snapshot.pdq.query(codes_from_hex([value.value])[0], self._radius(thresholds))
        matches = []
        for row, distance in zip(rows.tolist(), distances.tolist()):
            bank = snapshot.pdq_bank[row]
            if distance > thresholds.get(bank, self.settings.pdq_threshold):
                continue
            entry_id = int(snapshot.pdq_entry[row])
            matches.append(
                Match(
                    bank, entry_id, "", value.signal, int(distance), value.variant,
                    snapshot.pdq_variant[row], bool(query_low or snapshot.pdq_low_quality[row]),
                )
            )
        return matches

    def _match_local(self, snapshot: Snapshot, value: SignalValue) -> list[Match]:
        if len(snapshot.local) == 0:
            return []
        query = LocalFeatures.from_bytes(bytes.fromhex(value.value))
        matches = []
        for hit in snapshot.local.search(query, self.settings.local_min_inliers):
            entry_id, bank, variant = snapshot.local_owner[hit.group]
            matches.append(Match(bank, entry_id, "", value.signal, None, value.variant, variant, inliers=hit.inliers))
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
