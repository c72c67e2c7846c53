"""Local-feature index at scale: crop-query CPU time, recall and false matches by bank size.

Usage: python bench/local_index_scale.py [--default-only] [PHOTOS ...]  (default 1000 10000)
       python bench/local_index_scale.py startup [PHOTOS ...]  (a matcher's start: build vs load)
       python bench/local_index_scale.py fold PHOTOS compact|reload [pdq]  (peak memory of
       folding 1 % added and 1 % withdrawn photos, or PDQ hashes, into the base; run each in
       its own process)

Registers the bank-side local features of N distinct generated photos (``textured_photo``, one
seed each: no bit-flipped copies, which would flatter the index), then times crop queries (the
central 39 % of 100 registered photos, query-side features) and full-frame queries of 100 photos
that are not in the bank, measuring CPU time per query (one thread: numba and OpenCV pinned).
Index settings on the same features, in the same run:

- ``default``: the index as shipped (now: key width ~log2 of the descriptor count, buckets over
  ``MAX_BUCKET`` rows skipped, votes counted for the voted groups only);
- ``unbounded-22``: this code with every bucket scanned and keys capped at 22 bits (left out
  with ``--default-only``, e.g. to compare two checkouts' ``default`` rows quickly).

The code before the change is measured by running this script with ``PYTHONPATH`` pointing at
an older checkout's ``src`` (``git worktree add /tmp/before 5984b52``): same cached features,
same queries, its ``default`` row.

Features are computed once per size with all cores and cached under ~/.cache/rempart-bench/.
"""

from __future__ import annotations

import gc
import inspect
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

SIDE = (640, 480)
#: The unbounded variant scans every bucket: 1.5 s a query at 10,000 photos, so it is left out
#: of larger runs (100 queries would take most of an hour).
UNBOUNDED_UP_TO = 30_000
CACHE = Path.home() / ".cache" / "rempart-bench"


def _features(seed: int) -> tuple[np.ndarray, np.ndarray]:
    from rempart.samples import textured_photo
    from rempart.signals.local import local_features

    rgb = np.asarray(textured_photo(seed, SIDE).convert("RGB"))
    found = local_features(rgb)
    return found.xy, found.descriptors


def bank_features(photos: int) -> list[tuple[np.ndarray, np.ndarray]]:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"local-{photos}.npz"
    if path.exists():
        with np.load(path) as data:  # each member read once (an NpzFile reads it per access)
            xy, descriptors, sizes = data["xy"], data["descriptors"], data["sizes"]
        bounds = np.concatenate([[0], np.cumsum(sizes)])
        return [(xy[a:b], descriptors[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
    with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
        made = list(pool.map(_features, range(100_000, 100_000 + photos), chunksize=64))
    np.savez(
        path,
        xy=np.concatenate([m[0] for m in made]),
        descriptors=np.concatenate([m[1] for m in made]),
        sizes=np.array([len(m[1]) for m in made]),
    )
    return made


def _queries(photos: int) -> tuple[list[tuple[int, object]], list[object]]:
    from rempart.samples import textured_photo
    from rempart.signals.local import query_features

    rng = np.random.default_rng(photos)
    crops = []
    for number in rng.choice(photos, min(100, photos), replace=False).tolist():
        rgb = np.asarray(textured_photo(100_000 + number, SIDE).convert("RGB"))
        crops.append((number, query_features(rgb[60:360, 100:500])))
    strangers = [
        query_features(np.asarray(textured_photo(900_000 + k, SIDE).convert("RGB")))
        for k in range(100)
    ]
    return crops, strangers


def measure(photos: int, default_only: bool = False) -> dict[str, object]:
    import cv2
    import numba

    from rempart.index.local import LocalFeatureIndex
    from rempart.signals.local import LocalFeatures

    cv2.setNumThreads(1)
    numba.set_num_threads(1)
    values = [LocalFeatures(xy, d) for xy, d in bank_features(photos)]
    crops, strangers = _queries(photos)
    report: dict[str, object] = {"photos": photos, "descriptors": int(sum(len(v) for v in values))}
    variants: dict[str, dict[str, int]] = {"default": {}}
    if (
        "max_bucket" in inspect.signature(LocalFeatureIndex).parameters  # not in older versions
        and photos <= UNBOUNDED_UP_TO
        and not default_only
    ):
        variants["unbounded-22"] = {"max_bucket": 2**62, "max_key_bits": 22}
    for name, options in variants.items():
        start = time.perf_counter()
        index = LocalFeatureIndex(values, **options)  # type: ignore[arg-type]
        build_s = time.perf_counter() - start
        index.search(crops[0][1], 20)  # compile / warm
        times, found = [], 0
        for number, query in crops:
            begin = time.process_time()
            hits = index.search(query, 20)  # type: ignore[arg-type]
            times.append((time.process_time() - begin) * 1000)
            found += any(hit.group == number for hit in hits)
        false = sum(bool(index.search(query, 20)) for query in strangers)  # type: ignore[arg-type]
        report[name] = {
            "build_s": round(build_s, 2),
            "index_bytes": getattr(index, "nbytes", None),
            "key_bits": index.key_bits,
            "crop_query_cpu_ms": {
                "p50": round(float(np.percentile(times, 50)), 2),
                "p95": round(float(np.percentile(times, 95)), 2),
                "mean": round(float(np.mean(times)), 2),
            },
            "crops_found": f"{found}/{len(crops)}",
            "strangers_matched": f"{false}/{len(strangers)}",
        }
        print(name, photos, report[name], file=sys.stderr, flush=True)
    return report


def startup(photos: int) -> dict[str, object]:
    """A matcher's start on a store of ``photos`` local-feature values: building from the store
    (decrypt + index, then save) against loading the saved snapshot (twice: the second start
    finds the file in the page cache, as a restart usually does)."""
    import tempfile

    from rempart.index.matcher import Matcher
    from rempart.settings import Settings
    from rempart.signals.fingerprint import SignalValue
    from rempart.signals.local import LocalFeatures
    from rempart.store import Store

    with tempfile.TemporaryDirectory(prefix="rempart-startup-") as folder:
        settings = Settings(data_dir=Path(folder))
        store = Store.open(settings)
        store.create_bank("photos")
        values = [
            (str(n), SignalValue("orb", LocalFeatures(xy, d).to_bytes().hex()))
            for n, (xy, d) in enumerate(bank_features(photos))
        ]
        for start in range(0, len(values), 2000):
            store.import_values("photos", values[start : start + 2000], provenance="bench")
        del values
        timings = {}
        snapshot = None
        for name in ("build_from_store_s", "load_snapshot_s", "load_again_s"):
            gc.collect()  # the previous matcher is gone before the next one starts
            begin = time.perf_counter()
            matcher = Matcher(store, settings, ["photos"])
            timings[name] = round(time.perf_counter() - begin, 2)
            assert matcher.loaded_from_disk == (name != "build_from_store_s")
            snapshot = matcher.snapshot_file
            del matcher
        store.close()
        report: dict[str, object] = {"photos": photos, **timings}
        report["snapshot_bytes"] = snapshot.stat().st_size if snapshot else 0
        print("startup", report, file=sys.stderr, flush=True)
        return report


def _memory_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        return int(status.read().split(f"{field}:")[1].split()[0])


def fold(photos: int, how: str, signal: str = "orb") -> dict[str, object]:
    """One process: a matcher over 99 % of ``photos`` (local features; or, with ``signal``
    "pdq", that many distinct random PDQ hashes), then 1 % added and 1 % withdrawn, refreshed
    (a segment and tombstones), then folded into the base by ``how``: ``compact`` (in place,
    table by table) or ``reload`` (a full build beside the live base). Reports the growth of
    the process's peak RSS over what it held before folding."""
    import tempfile

    from rempart.index.matcher import Matcher
    from rempart.settings import Settings
    from rempart.signals.fingerprint import SignalValue
    from rempart.signals.local import LocalFeatures
    from rempart.store import Store

    features: list[Any]
    if signal == "pdq":  # distinct random codes (about 128 bits apart), not bit-flipped copies
        codes = np.random.default_rng(photos).integers(0, 256, (photos, 32), dtype=np.uint8)
        features = [row.tobytes().hex() for row in codes]
        del codes
    else:
        features = list(bank_features(photos))
    split = photos - max(1, photos // 100)
    with tempfile.TemporaryDirectory(prefix="rempart-fold-") as folder:
        settings = Settings(data_dir=Path(folder), index_snapshots=False)
        store = Store.open(settings)
        store.create_bank("photos")

        def value(item: Any) -> SignalValue:
            if signal == "pdq":
                return SignalValue("pdq", item, 100)
            return SignalValue("orb", LocalFeatures(*item).to_bytes().hex())

        def register(chosen: list[Any], first: int) -> list[int]:
            added: list[int] = []
            for start in range(0, len(chosen), 2000):
                batch = [
                    (str(first + start + n), value(item))
                    for n, item in enumerate(chosen[start : start + 2000])
                ]
                added += store.import_values("photos", batch, provenance="bench").added
            return added

        ids = register(features[:split], 0)
        matcher = Matcher(store, settings, ["photos"])
        register(features[split:], split)
        for entry in np.random.default_rng(photos).choice(ids, photos - split, replace=False):
            store.withdraw("photos", int(entry))
        matcher.refresh()
        del features
        gc.collect()
        held = _memory_kib("VmRSS")
        with open("/proc/self/clear_refs", "w") as reset:  # the peak restarts from here
            reset.write("5")
        begin = time.perf_counter()
        matcher.compact() if how == "compact" else matcher.reload()
        seconds = time.perf_counter() - begin
        peak = _memory_kib("VmHWM")
        (index,) = matcher._state.base.indexes.values()
        report: dict[str, object] = {
            "photos": photos,
            "how": how,
            "seconds": round(seconds, 2),
            "held_before_mib": round(held / 1024),
            "peak_growth_mib": round((peak - held) / 1024),
            "index_mib": round(getattr(index, "nbytes", 0) / 2**20),
        }
        store.close()
        print("fold", report, file=sys.stderr, flush=True)
        return report


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments and arguments[0] == "startup":
        print(json.dumps([startup(int(a)) for a in arguments[1:] or ["1000"]], indent=2))
    elif arguments and arguments[0] == "fold":  # fold N compact|reload [orb|pdq]: one process each
        print(json.dumps(fold(int(arguments[1]), arguments[2], *arguments[3:4]), indent=2))
    else:
        default_only = "--default-only" in arguments
        sizes = [int(a) for a in arguments if a != "--default-only"] or [1000, 10000]
        print(json.dumps([measure(size, default_only) for size in sizes], indent=2))
