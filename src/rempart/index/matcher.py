"""The matcher role: holds indexes built from the store and answers "which entries does this look
like?".

Reloading builds a new state beside the one in use and swaps it in one assignment, so lookups
never stop; refreshing applies only the store's writes since (new entries as a small segment,
withdrawn ones as tombstones), so a registration is live at once without a full rebuild;
compacting folds those into the base step by step, in place for the local-feature index. PDQ matches
involving a hash under the quality floor are kept only when another signal confirms the same entry
("never matched alone"). A video matches an entry only when enough of its sampled frames do
(``video_min_frames``), unless the whole file is identical.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import repeat

import numpy as np

from rempart.errors import StoreError
from rempart.index import persisted
from rempart.index.signal_index import PDQIndex, SearchLimits, SignalIndex
from rempart.settings import Settings
from rempart.signals.fingerprint import Fingerprint
from rempart.signals.registry import SIGNAL_TYPES
from rempart.store import Match, Store, StoredFingerprint


@dataclass(frozen=True)
class RowTable:
    """Whose each indexed row is: entry id, bank and variant (as small codes), low-quality flag."""

    entry: np.ndarray  # int64
    bank: np.ndarray  # int32 code into Snapshot.banks
    variant: np.ndarray  # int32 code into Snapshot.variants
    low_quality: np.ndarray  # bool


@dataclass(frozen=True)
class Snapshot:
    """One index per index name over one set of stored values, immutable once built."""

    indexes: dict[str, SignalIndex]
    rows: dict[str, RowTable]
    banks: tuple[str, ...]
    variants: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not any(len(index) for index in self.indexes.values())

    def pdq_rows(self) -> int:
        return sum(len(index) for index in self.indexes.values() if isinstance(index, PDQIndex))


class _TableBuilder:
    """Row metadata filled alongside an index, in arrays sized up front (grown if more rows
    come)."""

    def __init__(self, expected: int) -> None:
        size = max(expected, 1)
        self.entry = np.zeros(size, np.int64)
        self.bank = np.zeros(size, np.int32)
        self.variant = np.zeros(size, np.int32)
        self.low_quality = np.zeros(size, bool)
        self.rows = 0

    def add(self, entry: int, bank: int, variant: int, low_quality: bool) -> None:
        if self.rows == len(self.entry):
            for name in ("entry", "bank", "variant", "low_quality"):
                array = getattr(self, name)
                setattr(self, name, np.concatenate([array, np.zeros_like(array)]))
        row = self.rows
        self.entry[row], self.bank[row], self.variant[row], self.low_quality[row] = (
            entry,
            bank,
            variant,
            low_quality,
        )
        self.rows += 1

    def add_value(
        self, value: StoredFingerprint, bank: int, variant: int, settings: Settings
    ) -> None:
        """One stored value's row: its entry, bank and variant codes, and whether its quality is
        under the PDQ floor."""
        low_quality = value.quality is not None and value.quality < settings.pdq_min_quality
        self.add(value.entry_id, bank, variant, low_quality)

    def table(self) -> RowTable:
        """The filled rows; the arrays themselves when they were sized exactly (no second copy of
        170 MB at 10M rows), else copies of the filled part."""
        n = self.rows
        columns = (self.entry, self.bank, self.variant, self.low_quality)
        if n == len(self.entry):
            return RowTable(*columns)
        return RowTable(*(column[:n].copy() for column in columns))


def _columns(table: RowTable) -> tuple[np.ndarray, ...]:
    return (table.entry, table.bank, table.variant, table.low_quality)


def _kept_and_added(table: RowTable, keep: np.ndarray | None, added: RowTable) -> RowTable:
    """Rows ``keep`` of ``table`` (None: all of them) then ``added``, each column written once
    (no temporaries); ``table`` itself when nothing changes."""
    if keep is None and not len(added.entry):
        return table
    columns = []
    for old, new in zip(_columns(table), _columns(added)):
        kept = len(old) if keep is None else len(keep)
        column = np.empty(kept + len(new), old.dtype)
        if keep is None:
            column[:kept] = old
        else:
            np.take(old, keep, out=column[:kept])
        column[kept:] = new
        columns.append(column)
    return RowTable(*columns)


def build_snapshot(
    stored: Iterable[StoredFingerprint],
    counts: Mapping[str, int],
    limits: SearchLimits,
    settings: Settings,
) -> Snapshot:
    """Index a stream of decrypted values; ``counts`` (values per signal) sizes the arrays up
    front."""
    expected: dict[str, int] = defaultdict(int)
    for signal_name, count in counts.items():
        if signal_name in SIGNAL_TYPES:
            expected[SIGNAL_TYPES[signal_name].index_name] += count
    indexes: dict[str, SignalIndex] = {}
    tables: dict[str, _TableBuilder] = {}
    banks: dict[str, int] = {}
    variants: dict[str, int] = {}
    for value in stored:
        signal = SIGNAL_TYPES.get(value.signal)
        if signal is None:  # a signal this version no longer has: skipped, never guessed
            continue
        name = signal.index_name
        index = indexes.get(name)
        if index is None:
            index = indexes[name] = signal.index_class()(expected.get(name, 0))
            tables[name] = _TableBuilder(expected.get(name, 0))
        index.add(value.raw)
        tables[name].add_value(
            value,
            banks.setdefault(value.bank, len(banks)),
            variants.setdefault(value.variant, len(variants)),
            settings,
        )
    for index in indexes.values():
        index.freeze(limits)
    return Snapshot(
        indexes, {name: b.table() for name, b in tables.items()}, tuple(banks), tuple(variants)
    )


@dataclass(frozen=True)
class State:
    """What lookups read, swapped as one reference: a base snapshot, the segments added since,
    and tombstones.

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

    @cached_property
    def _withdrawn_array(self) -> np.ndarray:
        return np.fromiter(self.withdrawn, np.int64, len(self.withdrawn))

    def withdrawn_ids(self) -> np.ndarray:
        """The tombstones as an array (made once per state)."""
        return self._withdrawn_array

    @cached_property
    def bank_ranks(self) -> tuple[np.ndarray, ...]:
        """Per snapshot, each bank code's place among all banks' names (the order of ties)."""
        names = sorted({name for snapshot in self.snapshots() for name in snapshot.banks})
        rank = {name: number for number, name in enumerate(names)}
        return tuple(
            np.array([rank[name] for name in snapshot.banks] or [0], np.int64)
            for snapshot in self.snapshots()
        )

    @cached_property
    def _threshold_arrays(self) -> dict[int, tuple[np.ndarray, ...]]:
        return {}

    def threshold_arrays(self, default: int) -> tuple[np.ndarray, ...]:
        """Per snapshot, each bank code's PDQ threshold (``default`` for a bank without one)."""
        made = self._threshold_arrays.get(default)
        if made is None:
            made = self._threshold_arrays[default] = tuple(
                np.array([self.thresholds.get(b, default) for b in snapshot.banks], np.int64)
                for snapshot in self.snapshots()
            )
        return made


log = logging.getLogger(__name__)

#: Labels a matcher keeps in memory.
LABEL_CACHE = 10_000


class Matcher:
    """Matches fingerprints against the current state of one or more banks.

    ``refresh()`` applies the writes made since (by this process or any other on the same store):
    added entries become a small new segment, withdrawn ones tombstones; ``compact()`` folds
    them into the base from memory; ``reload()`` rebuilds everything beside the live state,
    streaming values from the store into the indexes' arrays. Readers never wait: each lookup
    reads the state reference once.
    """

    #: Segments merged into one when there are more than this many.
    MAX_SEGMENTS = 8

    def __init__(
        self, store: Store, settings: Settings, banks: Sequence[str] | None = None
    ) -> None:
        self.store = store
        self.settings = settings
        self.banks = list(banks) if banks else None
        self._refresh_lock = threading.Lock()
        #: Labels of recently matched entries (a lookup that finds a known photo again reads no
        #: row).
        self._labels: dict[int, str] = {}
        self._labels_lock = threading.Lock()
        #: How many times every fingerprint was loaded and indexed (refreshes load only what
        #: changed), and how many times the segments and tombstones were folded into the base.
        self.full_builds = 0
        self.compactions = 0
        #: The saved snapshot this matcher reads at start and writes after each full build or
        #: compaction.
        self.snapshot_file = (
            persisted.snapshot_path(settings.data_dir, self.banks)
            if settings.index_snapshots
            else None
        )
        #: True when the first state came from the saved snapshot (plus the writes since).
        self.loaded_from_disk = False
        self._state = self._first_state()

    @property
    def size(self) -> int:
        """How many PDQ values the current state holds."""
        return sum(s.pdq_rows() for s in self._state.snapshots())

    @property
    def generation(self) -> int:
        """The store generation the current state reflects."""
        return self._state.seen

    @property
    def pending_rows(self) -> int:
        """Values added since the last full build (a full build folds them into the base)."""
        return len(self._state.added) + len(self._state.withdrawn)

    def _thresholds(self) -> dict[str, int]:
        return {
            name: t
            for name, t in self.store.bank_thresholds().items()
            if self.banks is None or name in self.banks
        }

    def _limits(self, thresholds: dict[str, int]) -> SearchLimits:
        return SearchLimits(
            max(thresholds.values(), default=self.settings.pdq_threshold),
            self.settings.local_min_inliers,
        )

    def _first_state(self) -> State:
        """The saved snapshot and the store's writes since, or else a full build."""
        if self.snapshot_file is not None:
            thresholds = self._thresholds()
            loaded = persisted.load(
                self.snapshot_file, self.banks, self.store, self._limits(thresholds)
            )
            if loaded is not None:
                snapshot, seen = loaded
                self._state = State(snapshot, (), (), frozenset(), thresholds, seen)
                self.loaded_from_disk = True
                self.refresh()
                return self._state
        return self._full_state()

    def _full_state(self) -> State:
        self.full_builds += 1
        seen = self.store.generation()  # read first: every write up to it has committed
        thresholds = self._thresholds()
        counts = self.store.count_values(self.banks, added_upto=seen)
        stored = self.store.stream_fingerprints(
            self.banks, added_upto=seen, expected=sum(counts.values())
        )
        state = State(
            build_snapshot(stored, counts, self._limits(thresholds), self.settings),
            (),
            (),
            frozenset(),
            thresholds,
            seen,
        )
        self._save(state)
        return state

    def _save(self, state: State) -> None:
        """Save the state's base (a state without segments or tombstones) for the next start."""
        if self.snapshot_file is not None:
            try:
                persisted.save(self.snapshot_file, state.base, state.seen, self.banks, self.store)
            except (
                OSError,
                StoreError,
            ) as exc:  # the matcher works without: the next start rebuilds
                log.warning("could not save the index snapshot: %s", exc)

    def reload(self) -> None:
        """Rebuild everything from the store and swap it in; lookups keep the old state
        meanwhile."""
        with self._refresh_lock:
            self._state = self._full_state()
            with self._labels_lock:
                self._labels.clear()

    def compact(self) -> None:
        """Fold the segments and tombstones into the base, one index at a time, without reading
        the store and without a second copy of the whole base.

        The local-feature index (the big one: 8 GB at 100,000 photos) is compacted in place,
        one table at a time (`LocalFeatureIndex.compacted`): withdrawn values become zeroed
        holes, added ones are appended. Every other index is rebuilt from its own arrays beside
        the live one. Each step is published as it is made; lookups never wait, and the
        segments and tombstones stay in the state until the last step, so every answer stays
        whole (an entry found both in the growing base and in a segment is reported once).
        """
        with self._refresh_lock:
            state = self._state
            withdrawn = state.withdrawn_ids()
            bank_codes = {name: code for code, name in enumerate(state.base.banks)}
            variant_codes = {name: code for code, name in enumerate(state.base.variants)}
            indexes, tables = dict(state.base.indexes), dict(state.base.rows)
            # what the steps keep of the state: nothing that holds the old base, so each old
            # table is freed once its replacement is published
            pending = State(
                Snapshot({}, {}, (), ()),
                state.segments,
                state.added,
                state.withdrawn,
                state.thresholds,
                state.seen,
            )
            del state
            grouped: dict[str, list[StoredFingerprint]] = defaultdict(list)
            for value in pending.added:
                signal = SIGNAL_TYPES.get(value.signal)
                if signal is not None:
                    grouped[signal.index_name].append(value)
                    bank_codes.setdefault(value.bank, len(bank_codes))
                    variant_codes.setdefault(value.variant, len(variant_codes))
            names = (tuple(bank_codes), tuple(variant_codes))
            limits = self._limits(pending.thresholds)

            def publish(name: str, index: SignalIndex, table: RowTable) -> None:
                indexes[name], tables[name] = index, table
                self._state = replace(pending, base=Snapshot(dict(indexes), dict(tables), *names))

            for name in sorted(set(indexes) | set(grouped)):
                added = grouped.get(name, [])
                extra = _TableBuilder(len(added))
                for value in added:
                    extra.add_value(
                        value, bank_codes[value.bank], variant_codes[value.variant], self.settings
                    )
                raws = [value.raw for value in added]
                index, table = indexes.get(name), tables.get(name)
                if index is None or table is None:
                    signal = SIGNAL_TYPES[added[0].signal]
                    fresh = signal.index_class()(len(added))
                    for raw in raws:
                        fresh.add(raw)
                    fresh.freeze(limits)
                    publish(name, fresh, extra.table())
                    continue
                dead = np.union1d(np.flatnonzero(np.isin(table.entry, withdrawn)), index.holes())
                steps = index.compacted(dead, raws)
                if steps is not None:  # rows keep their numbers; holes stay in the table
                    del index
                    grown = _kept_and_added(table, None, extra.table())
                    for step in steps:
                        publish(name, step, grown)
                else:
                    alive = np.ones(len(table.entry), bool)
                    alive[dead] = False
                    keep = np.flatnonzero(alive)
                    del alive
                    rebuilt = index.rebuilt(keep, raws, limits)
                    publish(name, rebuilt, _kept_and_added(table, keep, extra.table()))
                    del keep, rebuilt
            self._state = replace(  # folded in: no segment, no tombstone left
                pending,
                base=Snapshot(dict(indexes), dict(tables), *names),
                segments=(),
                added=(),
                withdrawn=frozenset(),
            )
            self.compactions += 1
            self._save(self._state)

    def refresh(self) -> bool:
        """Apply the store's writes since the last refresh; True if anything changed."""
        with self._refresh_lock:
            state = self._state
            current = self.store.generation()
            if current == state.seen:
                return False
            thresholds = self._thresholds()
            new = self.store.load_fingerprints(
                self.banks, added_after=state.seen, added_upto=current
            )
            gone = frozenset(self.store.withdrawn_between(state.seen, current))
            added = tuple(f for f in state.added if f.entry_id not in gone) + tuple(new)
            limits = self._limits(thresholds)
            if len(state.segments) >= self.MAX_SEGMENTS or (
                gone and any(f.entry_id in gone for f in state.added)
            ):
                segments: tuple[Snapshot, ...] = (
                    build_snapshot(added, _counts(added), limits, self.settings),
                )  # merged
            else:
                segments = (
                    (*state.segments, build_snapshot(new, _counts(new), limits, self.settings))
                    if new
                    else state.segments
                )
            self._state = State(
                state.base,
                tuple(s for s in segments if not s.is_empty),
                added,
                state.withdrawn | gone,
                thresholds,
                current,
            )
            self._forget_labels(gone)  # a withdrawn photo's name is not kept, even in memory
            return True

    def lookup(self, fingerprint: Fingerprint) -> MatchTable:
        """The best match per (entry, signal), closest first, as columns (no object per match).

        What a caller that needs entry ids and distances reads (a hash lookup in a cluster of
        near-identical codes can return thousands of rows); ``MatchTable.matches()`` makes the
        `Match` objects. Video rules need the objects: use ``match`` for videos.
        """
        if fingerprint.kind == "video":
            raise ValueError("a video's frame rule runs in match(), not lookup()")
        state = self._state
        return self._candidates(state, fingerprint).ranked(state.bank_ranks)

    def match(self, fingerprint: Fingerprint, *, with_labels: bool = False) -> list[Match]:
        """The best match per (entry, signal), closest first, as `Match` objects.

        ``with_labels`` also unseals the matched entries' labels (victims' file names: only where
        a person is shown them). The rules run on arrays (``lookup``); objects are made for the
        kept rows only.
        """
        if fingerprint.kind == "video":  # few values: the frame rule is clearer on objects
            found = self._candidates(self._state, fingerprint)
            matches = _enough_frames(found.matches(), fingerprint, self.settings.video_min_frames)
            best = _best_per_entry(matches)
        else:
            best = self.lookup(fingerprint).matches()
        if not best or not with_labels:
            return best
        labels = self._labels_of({m.entry_id for m in best})
        return [m._replace(label=labels.get(m.entry_id, "")) for m in best]

    def _candidates(self, state: State, fingerprint: Fingerprint) -> MatchTable:
        """Every stored row a value of the fingerprint matches within its bank's threshold, minus
        withdrawn entries and low-quality PDQ matches no other signal confirms."""
        limits = self._limits(state.thresholds)
        found = MatchTable(state.snapshots(), fingerprint)
        all_thresholds = state.threshold_arrays(self.settings.pdq_threshold)
        for number, snapshot in enumerate(found.snapshots):
            thresholds = all_thresholds[number]
            for value_number, value in enumerate(fingerprint.values):
                signal = SIGNAL_TYPES.get(value.signal)
                index = snapshot.indexes.get(signal.index_name) if signal is not None else None
                if signal is None or index is None:
                    continue
                hits = index.search(value.value, limits)
                if not len(hits):
                    continue
                table = snapshot.rows[signal.index_name]
                banks = table.bank[hits.rows]
                keep = (hits.inliers >= 0) | (hits.distances <= thresholds[banks])
                if signal.exact:
                    keep[:] = True
                rows = hits.rows[keep]
                query_low = value.is_low_quality(self.settings.pdq_min_quality)
                found.add(
                    number,
                    value_number,
                    table.entry[rows],
                    hits.distances[keep],
                    hits.inliers[keep],
                    table.low_quality[rows] | query_low,
                    banks[keep],
                    table.variant[rows],
                )
        return found.without(state.withdrawn_ids()).confirmed()

    def _labels_of(self, entry_ids: set[int]) -> dict[int, str]:
        """The matched entries' labels: from the cache, the others read from the store (only
        those)."""
        with self._labels_lock:
            known = {i: self._labels[i] for i in entry_ids if i in self._labels}
        missing = entry_ids - known.keys()
        if missing:
            read = self.store.entry_labels(missing)
            known.update(read)
            with self._labels_lock:
                self._labels.update(read)
                while len(self._labels) > LABEL_CACHE:
                    self._labels.pop(next(iter(self._labels)))  # the oldest first
        return known

    def _forget_labels(self, entry_ids: Iterable[int]) -> None:
        with self._labels_lock:
            for entry_id in entry_ids:
                self._labels.pop(entry_id, None)


def _counts(values: Iterable[StoredFingerprint]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for value in values:
        counts[value.signal] += 1
    return counts


class MatchTable:
    """Matches of one lookup as columns, one row per (query value, stored row), built per search.

    ``entry_ids`` and ``distances`` are read without making an object per row; ``matches()``
    makes the `Match` objects.
    """

    COLUMNS = ("snapshot", "value", "entry", "distance", "inliers", "low", "bank", "variant")

    def __init__(self, snapshots: tuple[Snapshot, ...], fingerprint: Fingerprint) -> None:
        self.snapshots = snapshots
        self.fingerprint = fingerprint
        self._parts: list[tuple[np.ndarray, ...]] = []
        self.columns: dict[str, np.ndarray] = {}

    def add(self, snapshot: int, value: int, *arrays: np.ndarray) -> None:
        size = len(arrays[0])
        if size:
            self._parts.append((np.full(size, snapshot), np.full(size, value), *arrays))

    def __len__(self) -> int:
        return len(self._frozen()["entry"])

    @property
    def entry_ids(self) -> np.ndarray:
        """The matched entries' ids (int64), in row order."""
        return self._frozen()["entry"]

    @property
    def distances(self) -> np.ndarray:
        """Differing bits per row (0 for exact signals; meaningless where ``inliers`` ≥ 0)."""
        return self._frozen()["distance"]

    def _frozen(self) -> dict[str, np.ndarray]:
        if len(self._parts) == 1:  # one value in one snapshot: its arrays are already fresh
            self.columns = dict(zip(self.COLUMNS, self._parts[0], strict=True))
            self._parts = []
        elif self._parts:
            self.columns = {
                name: np.concatenate([part[k] for part in self._parts])
                for k, name in enumerate(self.COLUMNS)
            }
            self._parts = []
        elif not self.columns:
            self.columns = {name: np.zeros(0, np.int64) for name in self.COLUMNS}
        return self.columns

    def _select(self, keep: np.ndarray) -> MatchTable:
        chosen = MatchTable(self.snapshots, self.fingerprint)
        chosen.columns = {name: column[keep] for name, column in self._frozen().items()}
        return chosen

    def without(self, withdrawn: np.ndarray) -> MatchTable:
        """Rows of entries not withdrawn since the base was built."""
        entry = self._frozen()["entry"]
        return self._select(~np.isin(entry, withdrawn)) if len(withdrawn) else self

    def confirmed(self) -> MatchTable:
        """PDQ matches involving a low-quality hash only where another signal confirms the entry."""
        columns = self._frozen()
        low = columns["low"].astype(bool)
        if not low.any():
            return self
        sure = np.unique(columns["entry"][~low])
        return self._select(~low | np.isin(columns["entry"], sure))

    def ranked(self, bank_ranks: tuple[np.ndarray, ...]) -> MatchTable:
        """The strongest row per (entry, signal), closest first.

        One stable sort: distances before local-feature matches, fewest differing bits or most
        inliers, then bank name (``bank_ranks``: per snapshot, each bank code's rank) and entry;
        the first row of each (entry, signal) in that order is its strongest (the earliest row
        among equals).
        """
        columns = self._frozen()
        size = len(columns["entry"])
        if size < 2:
            return self
        if len(self.snapshots) == 1:
            bank_rank = bank_ranks[0][columns["bank"]]
        else:
            bank_rank = np.zeros(size, np.int64)
            for number in range(len(self.snapshots)):
                here = columns["snapshot"] == number
                bank_rank[here] = bank_ranks[number][columns["bank"][here]]
        local = columns["inliers"] >= 0
        order = np.lexsort(
            (
                columns["entry"],
                bank_rank,
                -np.where(local, columns["inliers"], 0),
                np.where(local, 0, columns["distance"]),
                local,
            )
        )
        signal_of_value = np.array(
            [_SIGNAL_NUMBER.get(v.signal, -1) for v in self.fingerprint.values], np.int64
        )
        key = columns["entry"] * (len(_SIGNAL_NUMBER) + 1) + signal_of_value[columns["value"]]
        _, first = np.unique(key[order], return_index=True)  # a stable sort: first occurrences
        if len(first) < size:
            order = order[np.sort(first)]
        return self._select(order)

    def matches(self) -> list[Match]:
        """One `Match` per row, in row order (columns made with numpy, tuples in one pass)."""
        columns = self._frozen()
        size = len(columns["entry"])
        if not size:
            return []
        values = self.fingerprint.values
        signal = np.array([v.signal for v in values], object)[columns["value"]]
        query_variant = np.array([v.variant for v in values], object)[columns["value"]]
        exact = np.array([SIGNAL_TYPES[v.signal].exact for v in values], bool)[columns["value"]]
        bank = np.empty(size, object)
        entry_variant = np.empty(size, object)
        for number, snapshot in enumerate(self.snapshots):
            here = columns["snapshot"] == number
            if here.any():
                bank[here] = np.array(snapshot.banks, object)[columns["bank"][here]]
                known = np.array(snapshot.variants or ("",), object)
                entry_variant[here] = known[columns["variant"][here]]
        entry_variant[exact] = "exact"
        local = columns["inliers"] >= 0
        distance = columns["distance"].astype(object)
        distance[local] = None
        inliers = columns["inliers"].astype(object)
        inliers[~local] = None
        rows = zip(
            bank.tolist(),
            columns["entry"].tolist(),
            repeat("", size),
            signal.tolist(),
            distance.tolist(),
            query_variant.tolist(),
            entry_variant.tolist(),
            columns["low"].astype(bool).tolist(),
            inliers.tolist(),
            repeat(None, size),
        )
        return list(map(Match._make, rows))


#: A number per signal, for array keys.
_SIGNAL_NUMBER = {name: number for number, name in enumerate(SIGNAL_TYPES)}


def _order(match: Match) -> tuple[bool, int, int, str, int]:
    """Closest first: distances before local-feature matches, most inliers, then bank and entry."""
    return (
        match.distance is None,
        match.distance or 0,
        -(match.inliers or 0),
        match.bank,
        match.entry_id,
    )


def _enough_frames(matches: list[Match], fingerprint: Fingerprint, min_frames: int) -> list[Match]:
    """Keep an entry's matches when enough distinct sampled frames matched it (or the file is
    identical)."""
    sampled = {v.variant for v in fingerprint.values if v.variant.startswith("frame:")}
    needed = min(min_frames, len(sampled)) or 1
    frames_of: dict[tuple[str, int], set[str]] = defaultdict(set)
    identical = set()
    for m in matches:
        if m.query_variant in sampled:
            frames_of[(m.bank, m.entry_id)].add(m.query_variant)
        elif m.distance == 0 and SIGNAL_TYPES[m.signal].exact:
            identical.add((m.bank, m.entry_id))
    kept = []
    for m in matches:
        key = (m.bank, m.entry_id)
        if key in identical or len(frames_of[key]) >= needed:
            kept.append(m._replace(frames=(len(frames_of[key]), len(sampled))))
    return kept


def _best_per_entry(matches: list[Match]) -> list[Match]:
    best: dict[tuple[str, int, str], Match] = {}
    for m in matches:
        key = (m.bank, m.entry_id, m.signal)
        if key not in best or _strength(m) > _strength(best[key]):
            best[key] = m
    return sorted(best.values(), key=_order)


def _strength(match: Match) -> int:
    """Higher is a surer match: fewer differing bits, or more inliers."""
    return match.inliers if match.inliers is not None else -(match.distance or 0)
