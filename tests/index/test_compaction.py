"""Compaction: segments and tombstones folded into the base without a second copy of it.

The local-feature index is compacted table by table in place; every step must answer whole,
the end must answer as a fresh build does, withdrawn values must be overwritten, and the extra
memory must stay a fraction of the index (a full rebuild holds two indexes at once).
"""

from __future__ import annotations

import threading
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from support import read_while_writing

from rempart.index.local import LocalFeatureIndex
from rempart.index.matcher import Matcher
from rempart.index.signal_index import LocalIndex
from rempart.samples import save_jpeg, textured_photo
from rempart.settings import Settings
from rempart.signals.fingerprint import Fingerprint, fingerprint_file
from rempart.signals.local import LocalFeatures, local_features, query_features
from rempart.store import Consent, Store

SIDE = (480, 360)


def _features(seeds: range) -> tuple[list[LocalFeatures], list[LocalFeatures]]:
    """Bank-side features of each photo and query-side features of a crop of it."""
    bank, crops = [], []
    for seed in seeds:
        rgb = np.asarray(textured_photo(seed, SIDE).convert("RGB"))
        bank.append(local_features(rgb))
        crops.append(query_features(rgb[40:300, 60:400]))
    return bank, crops


def _found(index: LocalFeatureIndex, query: LocalFeatures) -> set[int]:
    return {hit.group for hit in index.search(query, 20)}


def test_every_step_answers_whole_and_the_end_answers_as_a_fresh_build() -> None:
    values, crops = _features(range(300, 330))
    old, added = values[:24], values[24:]
    index = LocalFeatureIndex(old)
    dead = np.array([2, 7, 11], np.int64)
    live = [g for g in range(24) if g not in set(dead.tolist())]
    steps = []
    for step in index.compacted(added, dead):
        steps.append(step)
        for group in live:  # a live photo is found at every step, under its own number
            assert group in _found(step, crops[group]), (len(steps), group)
    assert len(steps) == 1 + 12  # rows appended, then one step per table
    final = steps[-1]
    assert len(final) == 30 and final.holes == sum(len(old[g]) for g in dead.tolist())
    for group in range(24, 30):  # added values: found once their tables are built
        assert group in _found(final, crops[group])
    for group in dead.tolist():
        assert group not in _found(final, crops[group])
        first, last = final.starts[group], final.starts[group + 1]
        assert not final._codes[first:last].any() and not final.xy[first:last].any()  # scrubbed
    fresh = LocalFeatureIndex([old[g] for g in live] + added)
    number = {g: k for k, g in enumerate(live + list(range(24, 30)))}
    for group, crop in enumerate(crops):
        expected = _found(fresh, crop)
        assert {number[g] for g in _found(final, crop)} == expected, group


def test_appends_use_free_room_and_too_many_holes_ask_for_a_rebuild() -> None:
    values, crops = _features(range(340, 364))
    first = list(LocalFeatureIndex(values[:16]).compacted(values[16:18], np.zeros(0, np.int64)))
    grown = first[-1]
    # a build leaves free room behind the rows; appends write there
    assert len(grown._buffers["codes"]) > grown.rows
    second = list(grown.compacted(values[18:19], np.zeros(0, np.int64)))[-1]
    assert second._buffers["codes"] is grown._buffers["codes"]  # written in place
    assert 18 in _found(second, crops[18]) and 3 in _found(second, crops[3])
    small = LocalFeatureIndex(values[:4])
    bigger = list(small.compacted(values[4:8], np.zeros(0, np.int64)))[-1]
    assert bigger._buffers["codes"] is not small._buffers["codes"]  # no room left: grown
    assert all(g in _found(bigger, crops[g]) for g in range(8))
    assert grown.can_compact(np.arange(4, dtype=np.int64), 0)
    assert not grown.can_compact(np.arange(12, dtype=np.int64), 0)  # most rows would be holes


def test_compaction_holds_a_fraction_of_what_a_rebuild_holds() -> None:
    values, _ = _features(range(380, 420))
    tracemalloc.start()  # numpy's arrays are traced: the index, its steps and a rebuild
    try:
        index = LocalFeatureIndex(values[:36])
        size = index.nbytes
        # the call appends the rows (in the free room a build leaves behind them)
        steps = index.compacted(values[36:], np.array([1, 5], np.int64))
        del index  # as the matcher does: only the published step holds the index
        held, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        published = None
        for step in steps:  # each step is "published" here, the previous one dropped
            published = step
        _, peak = tracemalloc.get_traced_memory()
        compaction_extra = peak - held
        held, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        LocalFeatureIndex(values[:36] + values[36:])  # a rebuild beside the live index
        _, peak = tracemalloc.get_traced_memory()
        rebuild_extra = peak - held
        assert published is not None and len(published) == 40
    finally:
        tracemalloc.stop()
    # the table steps hold about one table more than the index; a rebuild a second index
    assert compaction_extra < 0.3 * size, (compaction_extra, size)
    assert rebuild_extra > size, (rebuild_extra, size)


@contextmanager
def _bank_store(settings: Settings) -> Iterator[Store]:
    """A store with one empty bank "b", closed after."""
    store = Store.open(settings)
    try:
        store.create_bank("b")
        yield store
    finally:
        store.close()


def _entries(store: Store, settings: Settings, tmp_path: Path, seeds: range) -> list[int]:
    photos = [save_jpeg(textured_photo(s, SIDE), tmp_path / f"p{s}.jpg") for s in seeds]
    prints = [fingerprint_file(p, settings, register=True) for p in photos]
    return store.add_fingerprints("b", prints, consent=Consent("self", "t")).added


def _crop_queries(settings: Settings, tmp_path: Path, seeds: range) -> list[Fingerprint]:
    queries = []
    for seed in seeds:
        crop = tmp_path / f"c{seed}.jpg"
        Image.open(tmp_path / f"p{seed}.jpg").crop((40, 30, 420, 320)).save(crop, quality=85)
        queries.append(fingerprint_file(crop, settings))
    return queries


def _local(matcher: Matcher) -> LocalFeatureIndex:
    index = matcher._state.base.indexes["orb"]
    assert isinstance(index, LocalIndex) and index._index is not None
    return index._index


def _answers(matcher: Matcher, queries: list[Fingerprint]) -> list[set[tuple[int, str]]]:
    return [{(m.entry_id, m.signal) for m in matcher.match(q)} for q in queries]


@pytest.mark.parametrize("snapshots", [False, True])
def test_a_compacted_matcher_answers_as_a_fresh_build_and_reads_nothing(
    backend_settings: Settings, tmp_path: Path, snapshots: bool
) -> None:
    settings = backend_settings.model_copy(update={"index_snapshots": snapshots})
    with _bank_store(settings) as store:
        ids = _entries(store, settings, tmp_path, range(600, 612))
        matcher = Matcher(store, settings)
        later = _entries(store, settings, tmp_path, range(612, 616))
        for entry in (ids[1], ids[6], later[0]):
            store.withdraw("b", entry)
        matcher.refresh()
        queries = _crop_queries(settings, tmp_path, range(600, 616))
        before = _answers(matcher, queries)  # base + segment + tombstones
        reads = store.generation()
        matcher.compact()
        assert matcher.compactions == 1 and matcher.full_builds == 1
        assert matcher.pending_rows == 0 and not matcher._state.segments
        assert store.generation() == reads
        after = _answers(matcher, queries)
        fresh = Matcher(store, settings.model_copy(update={"index_snapshots": False}))
        assert after == before == _answers(fresh, queries)
        withdrawn = {ids[1], ids[6], later[0]}
        found = {entry for answer in after for entry, _ in answer}
        assert found == (set(ids) | set(later)) - withdrawn  # every other photo found by its crop
        if snapshots:  # the compacted base is what the next start loads, free room included
            loaded = Matcher(store, settings)
            assert loaded.loaded_from_disk and _answers(loaded, queries) == after
            assert _local(loaded).room() == _local(matcher).room()  # the same free room
            late = _entries(store, settings, tmp_path, range(616, 617))
            loaded.refresh()
            loaded.compact()
            crop = _crop_queries(settings, tmp_path, range(616, 617))
            assert {m.entry_id for m in loaded.match(crop[0])} == set(late)


def test_lookups_during_compactions_always_answer_whole(
    backend_settings: Settings, tmp_path: Path
) -> None:
    settings = backend_settings.model_copy(update={"index_snapshots": False})
    with _bank_store(settings) as store:
        stable = _entries(store, settings, tmp_path, range(700, 710))
        queries = _crop_queries(settings, tmp_path, range(700, 710))
        matcher = Matcher(store, settings)
        wrong: list[tuple[int, set[int]]] = []
        done = threading.Event()

        def look() -> None:
            while not done.is_set():
                for number, query in enumerate(queries):
                    found = {m.entry_id for m in matcher.match(query)} & set(stable)
                    if found != {stable[number]}:
                        wrong.append((number, found))

        def churn() -> None:
            for round_ in range(3):
                added = _entries(
                    store, settings, tmp_path, range(720 + 4 * round_, 724 + 4 * round_)
                )
                store.withdraw("b", added[0])
                matcher.refresh()
                matcher.compact()

        read_while_writing(look, churn, 2, done)
        assert matcher.compactions == 3 and matcher.full_builds == 1
        assert not wrong, wrong[:3]
