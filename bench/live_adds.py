"""Single registrations while the service runs: each add visible to the very next lookup, at what
cost.

    python bench/live_adds.py [BANK_ENTRIES] [ADDS]

A bank of BANK_ENTRIES distinct clustered PDQ codes (``rempart.bench.codes``), then ADDS single
adds through HMA's ``POST /c/bank/<name>/signal``, each followed by a ``/m/raw_lookup`` of the
value just added (it must match). Run twice in the same process: as Rempart does it (the write
applies an increment to the running matcher) and as before (a full matcher rebuild per write),
and print ms per add+lookup, first and last hundred, with the ratio.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from rempart.app import create_app
from rempart.bench.codes import clustered_codes, codes_to_hex
from rempart.settings import Settings
from rempart.signals.fingerprint import SignalValue
from rempart.store import Store
from rempart.store.keys import ApiKeys, Role


def run(entries: int, adds: int, *, full_rebuild: bool) -> list[float]:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder) / "data", matcher_poll_seconds=3600)
        codes = codes_to_hex(clustered_codes(entries + adds, seed=7))
        store = Store.open(settings)
        store.create_bank("coop")
        store.import_values(
            "coop",
            [(None, SignalValue("pdq", value)) for value in codes[:entries]],
            provenance="bench",
        )
        key = {"Authorization": f"Bearer {ApiKeys(store).create('bench', Role.ADMIN)}"}
        store.close()
        timings = []
        with TestClient(create_app(settings.model_copy(update={"api_key_burst": 10**9}))) as client:
            service = client.app.state.service  # type: ignore[attr-defined]
            service.matcher()  # built once before the clock starts
            for value in codes[entries:]:
                start = time.perf_counter()
                assert (
                    client.post("/c/bank/coop/signal", json={"pdq": value}, headers=key).status_code
                    == 200
                )
                if full_rebuild:
                    service.matcher().reload()
                found = client.get(
                    "/m/raw_lookup", params={"signal_type": "pdq", "signal": value}, headers=key
                ).json()["matches"]
                timings.append((time.perf_counter() - start) * 1000)
                assert found, "an add was not visible to the next lookup"
        return timings


def main() -> None:
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    adds = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rows = {
        name: run(entries, adds, full_rebuild=full)
        for name, full in (("rebuild per write (before)", True), ("increment (Rempart)", False))
    }
    print(f"bank of {entries} entries, {adds} single adds, each looked up at once")
    print(f"{'':<28}{'first 100 ms':>14}{'last 100 ms':>13}{'mean ms':>9}")
    for name, times in rows.items():
        print(
            f"{name:<28}{sum(times[:100]) / 100:>14.1f}{sum(times[-100:]) / 100:>13.1f}"
            f"{sum(times) / len(times):>9.1f}"
        )
    before, after = (sum(t) / len(t) for t in rows.values())
    print(f"ratio (before / Rempart): {before / after:.1f}x")


if __name__ == "__main__":
    main()
