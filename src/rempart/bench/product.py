"""The product path at scale: a `Matcher` built from a real store, beside the bare index on the same
codes.

``bench speed`` measures the bare `HammingIndex`; what a server runs is more: the store streams
and decrypts every value, the matcher fills its arrays and tables, and each lookup turns index
rows into entries, applies bank thresholds and reads the matched entries' labels. This bench
imports N distinct clustered PDQ codes into a PostgreSQL store (a throwaway server unless one is
given), builds the matcher from it and reports build time, peak memory and per-lookup latency
beside the bare index built from the same codes, with both answering the same queries, and checks
that they find the same entries. A product lookup is timed twice: to the matched entries' ids
(``Matcher.lookup``, the columns a hash lookup answers from) and to `Match` objects
(``Matcher.match``, what Python callers iterate). The bench's own copy of the codes waits on disk
while the matcher is built, so the memory figures are the product path's. A local-feature bank
of distinct generated photos can be added (``photos``): build time, memory and crop-query
latency.
"""

from __future__ import annotations

import gc
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, cast

import numpy as np

from rempart.bench.codes import clustered_codes, codes_to_hex, lookup_queries
from rempart.index.hamming import HammingIndex, codes_from_hex
from rempart.index.matcher import Matcher
from rempart.settings import Settings
from rempart.signals.fingerprint import Fingerprint, SignalValue
from rempart.store import Store

Log = Callable[[str], None]
#: Hashes imported per transaction while filling the bench store.
IMPORT_CHUNK = 200_000


class PeakMemory:
    """The process's peak resident memory while a block runs, sampled every 20 ms (psutil)."""

    def __init__(self) -> None:
        import psutil

        self._process = psutil.Process()
        self.before = self.peak = self.after = 0

    @contextmanager
    def watch(self) -> Iterator[PeakMemory]:
        gc.collect()
        self.before = self.peak = self._rss()
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.02):
                self.peak = max(self.peak, self._rss())

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            yield self
        finally:
            stop.set()
            sampler.join()
            self.after = self._rss()
            self.peak = max(self.peak, self.after)

    def _rss(self) -> int:
        return int(self._process.memory_info().rss)


def _latencies(
    function: Callable[[str], object], queries: list[str]
) -> tuple[list[float], list[object]]:
    function(queries[0])  # warm (numba compiled, caches filled)
    times, answers = [], []
    for query in queries:
        start = time.perf_counter()
        answers.append(function(query))
        times.append((time.perf_counter() - start) * 1000)
    return times, answers


def _summary(times: list[float]) -> dict[str, float]:
    return {
        "mean_ms": float(np.mean(times)),
        "p50_ms": float(np.percentile(times, 50)),
        "p95_ms": float(np.percentile(times, 95)),
    }


def bench_product_path(
    size: int, n_queries: int, log: Log, *, database_url: str | None = None, radius: int = 31
) -> dict[str, Any]:
    """Import ``size`` PDQ codes into a PostgreSQL store, build the product matcher and the bare
    index, compare."""
    from rempart.bench.pgserver import temporary_postgres

    server = (
        nullcontext(database_url)
        if database_url
        else temporary_postgres(
            "-c shared_buffers=256MB -c max_wal_size=4GB -c synchronous_commit=off"
        )
    )
    with server as url, tempfile.TemporaryDirectory(prefix="rempart-product-") as folder:
        settings = Settings(data_dir=Path(folder), database_url=url, pdq_threshold=radius)
        store = Store.open(settings)
        try:
            return _measure(store, settings, size, n_queries, radius, log)
        finally:
            store.close()


def _database_bytes(store: Store) -> int | None:
    """The database's size on disk (PostgreSQL), None elsewhere."""
    if store.engine.dialect.name != "postgresql":
        return None
    from sqlalchemy import text

    with store.session() as session:
        return int(session.scalar(text("SELECT pg_database_size(current_database())")) or 0)


def _product_side(
    store: Store, settings: Settings, bank: str, queries: list[str]
) -> tuple[float, PeakMemory, list[float], list[object], list[float]]:
    """Build the matcher from the store (timed, memory watched) and time its lookups, to ids and
    to `Match` objects; the matcher is freed on return."""
    memory = PeakMemory()
    with memory.watch():
        start = time.perf_counter()
        matcher = Matcher(store, settings, [bank])
        build_s = time.perf_counter() - start

    def as_fingerprint(query: str) -> Fingerprint:
        return Fingerprint("q", "hash", values=(SignalValue("pdq", query, 100),))

    def lookup(query: str) -> set[int]:
        return set(matcher.lookup(as_fingerprint(query)).entry_ids.tolist())

    def match(query: str) -> set[int]:
        return {m.entry_id for m in matcher.match(as_fingerprint(query))}

    times, answers = _latencies(lookup, queries)
    object_times, object_answers = _latencies(match, queries)
    if object_answers != answers:
        raise AssertionError("lookup and match disagree")  # the same rule on columns and objects
    return build_s, memory, times, answers, object_times


def _measure(
    store: Store, settings: Settings, size: int, n_queries: int, radius: int, log: Log
) -> dict[str, Any]:
    bank = f"bench-{size}"
    store.create_bank(bank, pdq_threshold=radius)
    codes = np.unique(
        clustered_codes(size, seed=11), axis=0
    )  # distinct values: each import is a new entry, in order
    hex_codes = codes_to_hex(codes)
    log(f"product path {size}: importing into {store.engine.dialect.name}…")
    start = time.perf_counter()
    first_id: int | None = None
    for chunk in range(0, size, IMPORT_CHUNK):
        added = store.import_values(
            bank,
            [(None, SignalValue("pdq", h, 100)) for h in hex_codes[chunk : chunk + IMPORT_CHUNK]],
            provenance="bench",
        ).added
        first_id = added[0] if first_id is None and added else first_id
        if chunk and chunk % (10 * IMPORT_CHUNK) == 0:
            log(f"  {chunk:,} imported ({time.perf_counter() - start:.0f} s)")
    import_s = time.perf_counter() - start
    imported = store.count_values([bank]).get("pdq", 0)
    database_bytes = _database_bytes(store)
    queries = codes_to_hex(lookup_queries(codes, n_queries))
    del hex_codes
    with tempfile.TemporaryDirectory(prefix="rempart-codes-") as spill:
        np.save(Path(spill) / "codes.npy", codes)  # out of the process while the matcher builds
        del codes
        log(f"product path {size}: building the matcher from the store…")
        build_s, memory, product_times, product_answers, object_times = _product_side(
            store, settings, bank, queries
        )
        gc.collect()
        codes = np.load(Path(spill) / "codes.npy")
    product_memory = {
        "peak_rss_bytes": memory.peak,
        "build_peak_increase_bytes": memory.peak - memory.before,
        "held_after_build_bytes": memory.after - memory.before,
    }
    log(
        f"product path {size}: build {build_s:.1f} s, lookup {np.mean(product_times):.3f} ms "
        f"(to objects {np.mean(object_times):.3f} ms)"
    )
    gc.collect()

    bare_memory = PeakMemory()
    with bare_memory.watch():
        start = time.perf_counter()
        index = HammingIndex.build(codes, radius)
        bare_build_s = time.perf_counter() - start

    def bare_lookup(query: str) -> set[int]:
        return set(index.query(codes_from_hex([query])[0], radius)[0].tolist())

    bare_times, bare_answers = _latencies(bare_lookup, queries)
    offset = first_id or 0  # entries were imported in order: row r is entry first_id + r
    product_summary, object_summary, bare_summary = (
        _summary(product_times),
        _summary(object_times),
        _summary(bare_times),
    )
    agree = sum(
        {e - offset for e in cast(set[int], p)} == b for p, b in zip(product_answers, bare_answers)
    )
    result = {
        "entries": imported,
        "requested_entries": size,
        "store": store.engine.dialect.name,
        "queries": n_queries,
        "import_s": import_s,
        "database_bytes": database_bytes,
        "product_build_s": build_s,
        "bare_build_s": bare_build_s,
        "product_lookup": product_summary,
        "product_lookup_objects": object_summary,
        "bare_lookup": bare_summary,
        "lookup_ratio_product_vs_bare": product_summary["mean_ms"] / bare_summary["mean_ms"],
        "lookup_ratios_product_vs_bare": {
            key: product_summary[key] / bare_summary[key] for key in bare_summary
        },
        "lookup_ratio_objects_vs_bare": object_summary["mean_ms"] / bare_summary["mean_ms"],
        "product_memory": product_memory,
        "bare_memory": {
            "peak_rss_bytes": bare_memory.peak,
            "build_peak_increase_bytes": bare_memory.peak - bare_memory.before,
            "held_after_build_bytes": bare_memory.after - bare_memory.before,
        },
        "same_entries_as_bare_index": agree / n_queries,
    }
    log(
        f"product path {size}: lookup {result['lookup_ratio_product_vs_bare']:.2f}x the bare "
        "index, "
        f"build peak +{product_memory['build_peak_increase_bytes'] / 2**30:.2f} GiB, same answers "
        f"{agree}/{n_queries}"
    )
    return result


def bench_local_bank(
    photos: int, n_queries: int, log: Log, *, database_url: str | None = None
) -> dict[str, Any]:
    """Register ``photos`` distinct generated photos' local features, build the matcher, time
    crop queries."""
    from rempart.bench.pgserver import temporary_postgres
    from rempart.samples import textured_photo
    from rempart.signals.local import local_features, query_features

    server = nullcontext(database_url) if database_url else temporary_postgres()
    with server as url, tempfile.TemporaryDirectory(prefix="rempart-local-") as folder:
        settings = Settings(data_dir=Path(folder), database_url=url)
        store = Store.open(settings)
        try:
            store.create_bank("photos")
            log(f"local features {photos}: computing and importing…")
            start = time.perf_counter()
            pending: list[tuple[str | None, SignalValue]] = []
            kept: dict[int, np.ndarray] = {}
            wanted = set(
                np.random.default_rng(5)
                .choice(photos, min(n_queries, photos), replace=False)
                .tolist()
            )
            for number in range(photos):
                rgb = np.asarray(textured_photo(50_000 + number, (640, 480)).convert("RGB"))
                if number in wanted:
                    kept[number] = rgb
                pending.append(
                    (str(number), SignalValue("orb", local_features(rgb).to_bytes().hex()))
                )
                if len(pending) == 2_000 or number == photos - 1:
                    store.import_values("photos", pending, provenance="bench")
                    pending = []
            import_s = time.perf_counter() - start
            memory = PeakMemory()
            with memory.watch():
                start = time.perf_counter()
                matcher = Matcher(store, settings, ["photos"])
                build_s = time.perf_counter() - start
            crops = {
                n: query_features(rgb[60:360, 100:500]) for n, rgb in kept.items()
            }  # 39 % of the photo
            times, found = [], 0
            for number, features in crops.items():
                query = Fingerprint(
                    "crop", "photo", values=(SignalValue("orb", features.to_bytes().hex()),)
                )
                start = time.process_time()
                matches = matcher.match(query, with_labels=True)
                times.append((time.process_time() - start) * 1000)
                found += any(m.label == str(number) for m in matches)
            log(
                f"local features {photos}: build {build_s:.1f} s, crop query p95 "
                f"{np.percentile(times, 95):.1f} ms CPU, found {found}/{len(crops)}"
            )
            return {
                "photos": photos,
                "import_s": import_s,
                "build_s": build_s,
                "build_peak_increase_bytes": memory.peak - memory.before,
                "held_after_build_bytes": memory.after - memory.before,
                "crop_query_cpu": _summary(times),
                "crops_found": found,
                "crops": len(crops),
            }
        finally:
            store.close()
