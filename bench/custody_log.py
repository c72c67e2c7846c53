"""The custody log at size: appending records, making a checkpoint, walking the chain, and
exporting and checking a pack from a case among them.

Usage: python bench/custody_log.py [RECORDS ...]        (default 10000 100000; SQLite)
       REMPART_DATABASE_URL=postgresql+psycopg://… python bench/custody_log.py 100000

Records are written the way the product writes them (``Store.record``: one transaction each,
chained at commit), plus a run of 1,000 records in one transaction (what a scan batch does),
and timed per record. Then one checkpoint over all of them, then ``rempart evidence verify``'s
walk (``verify_store``).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path


def measure(records: int) -> dict[str, object]:
    from rempart.evidence import custody
    from rempart.settings import Settings
    from rempart.store import Store

    with tempfile.TemporaryDirectory(prefix="rempart-custody-") as folder:
        settings = Settings(
            data_dir=Path(folder), database_url=os.environ.get("REMPART_DATABASE_URL") or None
        )
        store = Store.open(settings)
        try:
            single = min(records, 2000)
            start = time.perf_counter()
            for number in range(single):
                store.record("bench", "bench.event", f"event {number}", bank="b", entry_id=number)
            single_ms = (time.perf_counter() - start) * 1000 / single
            start = time.perf_counter()
            for batch in range(0, records - single, 1000):
                with store.transaction() as session:
                    for number in range(batch, min(batch + 1000, records - single)):
                        store.audit(session, "bench", "bench.event", f"batch {number}", bank="b")
            batched_ms = (time.perf_counter() - start) * 1000 / max(1, records - single)
            start = time.perf_counter()
            checkpoint = custody.make_checkpoint(store, settings)
            checkpoint_s = time.perf_counter() - start
            start = time.perf_counter()
            report = custody.verify_store(store, settings)
            verify_s = time.perf_counter() - start
        finally:
            store.close()
    assert checkpoint is not None and report.ok, report.problems
    result: dict[str, object] = {
        "records": report.records,
        "store": "postgresql" if settings.database_url else "sqlite",
        "append_own_transaction_ms": round(single_ms, 3),
        "append_in_batches_of_1000_ms": round(batched_ms, 4),
        "checkpoint_s": round(checkpoint_s, 2),
        "verify_s": round(verify_s, 2),
        "verify_records_per_s": round(report.records / verify_s),
    }
    print(result, file=sys.stderr, flush=True)
    return result


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000]
    print(json.dumps([measure(size) for size in sizes], indent=2))
