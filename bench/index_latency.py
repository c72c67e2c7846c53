"""Isolated HammingIndex latency: build one index, time three passes of 1,000 single queries.

    python bench/index_latency.py [ENTRIES] [clustered|uniform]

No anchor here (see `rempart bench speed` for the side-by-side run): this isolates the index
from the anchor's memory churn, and shows whether huge pages were granted.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from rempart.bench.codes import DISTRIBUTIONS, codes_to_hex, lookup_queries
from rempart.index.hamming import HammingIndex, codes_from_hex


def main() -> None:
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    distribution = sys.argv[2] if len(sys.argv) > 2 else "uniform"
    codes = DISTRIBUTIONS[distribution](entries, entries)
    queries = codes_to_hex(lookup_queries(codes, 1000))
    index = HammingIndex.build(codes, 31)
    del codes
    rollup = Path("/proc/self/smaps_rollup")
    huge = (
        [
            line.split()[1]
            for line in rollup.read_text().splitlines()
            if line.startswith("AnonHugePages")
        ]
        if rollup.exists()
        else []
    )
    print(
        f"{distribution} {entries}: index {index.nbytes / 1e6:.0f} MB, huge pages "
        f"{huge[0] if huge else '?'} kB"
    )
    for attempt in range(3):
        start = time.perf_counter()
        for query in queries:
            index.query(codes_from_hex([query])[0])
        label = "pass 1 (includes loading numba's cache)" if attempt == 0 else f"pass {attempt + 1}"
        print(f"{label}: {(time.perf_counter() - start):.3f} ms/query")


if __name__ == "__main__":
    main()
