"""`rempart bench speed`: hashing and lookup speed against python-threatexchange, same files, same
run.

Hashing: generated 12 MP and 1080×1350 JPEGs and PNG phone screenshots; the anchor is
python-threatexchange's ``pdq_from_file`` (``PdqSignal.hash_from_bytes`` goes through
``pdq_from_bytes``, the same full Pillow decode and ``pdqhash.compute`` on the bytes in memory).
Rempart's rows: the bit-exact path (full decode, no scaling: the anchor's hash, bit for bit,
checked), the ``fingerprint_file`` path with the same signal (SHA-256 + reduced-scale decode +
PDQ), and the default path with ORB local features too; full Pillow decode alone for scale.
Lookup: clustered PDQ-shaped codes and uniform random codes; the anchor is ``PDQIndex``; both answer
one query at a time from hex; Rempart's results are checked against brute force (recall and
precision).
"""

from __future__ import annotations

import gc
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from rempart.bench.codes import DISTRIBUTIONS, codes_to_hex, lookup_queries
from rempart.index.hamming import HammingIndex, codes_from_hex
from rempart.samples import phone_screenshot, synthetic_photo
from rempart.settings import Settings
from rempart.signals.fingerprint import fingerprint_file

Log = Callable[[str], None]


def _huge_pages_kb() -> int | None:
    """Transparent huge pages this process holds (Linux), to tell whether the index got them."""
    try:
        for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
            if line.startswith("AnonHugePages:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _rss() -> int:
    import psutil

    return int(psutil.Process().memory_info().rss)


def _make_sets(directory: Path, images: int) -> dict[str, list[Path]]:
    sets: dict[str, list[Path]] = {"jpeg_12mp": [], "jpeg_1080x1350": [], "png_screenshot": []}
    for i in range(images):
        path = directory / f"big-{i}.jpg"
        synthetic_photo(1000 + i, (4000, 3000)).save(path, "JPEG", quality=90)
        sets["jpeg_12mp"].append(path)
        path = directory / f"feed-{i}.jpg"
        synthetic_photo(2000 + i, (1080, 1350)).save(path, "JPEG", quality=85)
        sets["jpeg_1080x1350"].append(path)
        path = directory / f"screen-{i}.png"
        phone_screenshot(3000 + i).save(path, "PNG")
        sets["png_screenshot"].append(path)
    return sets


def _rate(function: Callable[[Path], object], files: list[Path], rounds: int = 2) -> float:
    """Images per second, best of ``rounds`` passes over all files (first call warmed up)."""
    function(files[0])
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for path in files:
            function(path)
        best = min(best, time.perf_counter() - start)
    return len(files) / best


def _full_decode(path: Path) -> object:
    with Image.open(path) as image:
        image.load()
        return image.size


def bench_hashing(images: int, log: Log) -> dict[str, dict[str, Any]]:
    from threatexchange.signal_type.pdq.pdq_hasher import pdq_from_file

    # Like for like with the anchor (PDQ only): Rempart's PDQ path; the default path, which also
    # computes ORB local features for robust matching, is reported beside it.
    settings = Settings(
        data_dir=Path(tempfile.gettempdir()) / "rempart-bench", local_features=False
    )
    full = settings.model_copy(update={"local_features": True})
    exact = settings.model_copy(update={"jpeg_draft_size": 0, "pdq_max_side": 0})
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="rempart-bench-") as tmp:
        log(f"generating {images} images per set…")
        sets = _make_sets(Path(tmp), images)
        for name, files in sets.items():
            anchor = _rate(pdq_from_file, files)
            bit_exact = _rate(lambda p: fingerprint_file(p, exact), files)
            same = sum(
                fingerprint_file(p, exact).of_signal("pdq")[0].value == pdq_from_file(p)[0]
                for p in files
            )
            ours = _rate(lambda p: fingerprint_file(p, settings), files)
            with_local = _rate(lambda p: fingerprint_file(p, full), files)
            decode = _rate(_full_decode, files)
            results[name] = {
                "files": len(files),
                "anchor_img_s": anchor,
                "rempart_bit_exact_img_s": bit_exact,
                "bit_exact_same_hash_as_anchor": f"{same}/{len(files)}",
                "rempart_img_s": ours,
                "decode_only_img_s": decode,
                "rempart_with_local_features_img_s": with_local,
                "ratio_vs_anchor": ours / anchor,
                "ratio_vs_decode_only": ours / decode,
            }
            log(
                f"hashing {name}: rempart {ours:.1f} img/s vs anchor {anchor:.1f} img/s "
                f"({ours / anchor:.1f}x)"
            )
    return results


def _brute(codes: np.ndarray, query: np.ndarray, radius: int) -> set[int]:
    distances = np.bitwise_count(np.bitwise_xor(codes, query)).sum(axis=1)
    return set(np.nonzero(distances <= radius)[0].tolist())


def bench_lookup(
    size: int, n_queries: int, log: Log, radius: int = 31, distribution: str = "clustered"
) -> dict[str, Any]:
    from threatexchange.signal_type.pdq.pdq_index import PDQIndex

    log(f"lookup {distribution} {size}: generating codes…")
    codes = DISTRIBUTIONS[distribution](size, size)
    queries = lookup_queries(codes, n_queries)
    query_hex = codes_to_hex(queries)

    gc.collect()
    rss_before = _rss()
    start = time.perf_counter()
    index = HammingIndex.build(codes, radius)
    build_s = time.perf_counter() - start
    rempart_rss = _rss() - rss_before
    huge_pages_kb = _huge_pages_kb()
    index.query(codes_from_hex(query_hex[:1])[0])  # compile/warm
    start = time.perf_counter()
    ours = [index.query(codes_from_hex([h])[0])[0] for h in query_hex]
    rempart_ms = (time.perf_counter() - start) * 1000 / n_queries
    log(f"lookup {distribution} {size}: rempart {rempart_ms:.3f} ms/query (build {build_s:.1f} s)")

    checked = min(n_queries, 200)
    truth = [_brute(codes, queries[i], radius) for i in range(checked)]
    hits = sum(len(truth[i] & set(ours[i].tolist())) for i in range(checked))
    wrong = sum(len(set(ours[i].tolist()) - truth[i]) for i in range(checked))
    expected = sum(len(t) for t in truth)

    hex_codes = codes_to_hex(codes)
    gc.collect()
    rss_before = _rss()
    start = time.perf_counter()
    anchor = PDQIndex(entries=zip(hex_codes, range(size)))
    anchor_build_s = time.perf_counter() - start
    anchor_rss = _rss() - rss_before
    del hex_codes
    anchor.query(query_hex[0])
    start = time.perf_counter()
    theirs = [anchor.query(h) for h in query_hex]
    anchor_ms = (time.perf_counter() - start) * 1000 / n_queries
    agree = sum(set(ours[i].tolist()) == {m.metadata for m in theirs[i]} for i in range(n_queries))
    log(
        f"lookup {distribution} {size}: anchor {anchor_ms:.3f} ms/query (build "
        f"{anchor_build_s:.1f} s)"
    )
    result = {
        "distribution": distribution,
        "entries": size,
        "queries": n_queries,
        "rempart_ms_per_query": rempart_ms,
        "anchor_ms_per_query": anchor_ms,
        "ratio_vs_anchor": anchor_ms / rempart_ms,
        "rempart_queries_s": 1000 / rempart_ms,
        "anchor_queries_s": 1000 / anchor_ms,
        "recall_vs_brute_force": hits / expected if expected else 1.0,
        "false_results_vs_brute_force": wrong,
        "brute_force_checked_queries": checked,
        "brute_force_true_results": expected,
        "same_results_as_anchor": agree / n_queries,
        "rempart_index_bytes": index.nbytes,
        "rempart_rss_bytes": rempart_rss,
        "process_huge_pages_kb_after_rempart_build": huge_pages_kb,
        "rempart_bytes_per_10m": index.nbytes * 10_000_000 / size,
        "anchor_rss_bytes": anchor_rss,
        "rempart_build_s": build_s,
        "anchor_build_s": anchor_build_s,
        "plan_chunk_widths": list(index.plan.widths) if index.plan else [],
    }
    del anchor, index
    gc.collect()
    return result


def pin_threads() -> None:
    """One thread for every library on both sides (OpenCV, numba, FAISS behind the anchor's
    PDQIndex, BLAS).

    Unpinned, FAISS's own OpenMP threads fight each other under load and the ratio printed
    depends on the machine's core count rather than on the index.
    """
    import cv2
    import numba

    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"
    cv2.setNumThreads(1)
    numba.set_num_threads(1)
    try:
        import faiss

        faiss.omp_set_num_threads(1)
    except ImportError:  # the anchor is not installed: its rows will say so
        pass


def versions() -> dict[str, str]:
    """The versions of what the figures depend on."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for package in (
        "rempart",
        "numpy",
        "numba",
        "opencv-python-headless",
        "threatexchange",
        "faiss-cpu",
        "pdqhash",
        "psycopg",
        "sqlalchemy",
    ):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found


def run_speed_bench(
    images: int,
    lookup_sizes: list[int],
    queries: int,
    log: Log,
    *,
    product_sizes: list[int] | None = None,
    product_photos: int = 0,
    database_url: str | None = None,
) -> dict[str, Any]:
    """Run the benchmarks and return one JSON-ready report (threads pinned to one on both sides)."""
    from rempart.bench.product import bench_local_bank, bench_product_path

    pin_threads()
    started = time.perf_counter()
    report: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "threads_used": 1, "versions": versions()},
        "hashing": bench_hashing(images, log),
        "lookup": {
            f"{distribution}_{size}": bench_lookup(size, queries, log, distribution=distribution)
            for size in lookup_sizes
            for distribution in DISTRIBUTIONS
        },
    }
    if product_sizes:
        report["product_path"] = {
            f"pdq_{size}": bench_product_path(size, queries, log, database_url=database_url)
            for size in product_sizes
        }
    if product_photos:
        report["product_local_features"] = bench_local_bank(
            product_photos, min(queries, 200), log, database_url=database_url
        )
    report["seconds"] = time.perf_counter() - started
    return report
