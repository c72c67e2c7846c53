"""The matcher's lifecycle: lock-free readers during rebuilds, writes visible within a bound,
readiness."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from support import read_while_writing

from rempart.app import create_app
from rempart.index.hamming import HammingIndex
from rempart.index.live import LiveMatcher
from rempart.index.matcher import Matcher
from rempart.settings import Settings
from rempart.signals.fingerprint import Fingerprint, SignalValue
from rempart.signals.pdq import hamming_hex
from rempart.store import Store


@pytest.fixture
def fast_switching() -> Iterator[None]:
    """Make threads switch as often as the interpreter allows, where shared buffers used to
    break."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def _random_hex(rng: np.random.Generator, count: int) -> list[str]:
    return [bytes(row).hex() for row in rng.integers(0, 256, size=(count, 32), dtype=np.uint8)]


def _near(value: str, bits: int, rng: np.random.Generator) -> str:
    code = bytearray(bytes.fromhex(value))
    for bit in rng.choice(256, bits, replace=False):
        code[bit // 8] ^= 1 << (bit % 8)
    return bytes(code).hex()


def _query(matcher: Matcher, value: str) -> set[int]:
    return {
        m.entry_id
        for m in matcher.match(Fingerprint("q", "hash", values=(SignalValue("pdq", value, 100),)))
    }


def test_lookups_during_rebuilds_equal_brute_force(
    backend_settings: Settings, fast_switching: None
) -> None:
    """Several threads look up while another adds, withdraws, refreshes and rebuilds; every
    answer is exact."""
    rng = np.random.default_rng(7)
    store = Store.open(backend_settings)
    try:
        store.create_bank("b", pdq_threshold=31)
        stable = _random_hex(
            rng, 300
        )  # distinct random codes: ~128 bits apart, never within 31 of each other
        ids = store.import_values(
            "b",
            [(f"s{i}", SignalValue("pdq", v, 100)) for i, v in enumerate(stable)],
            provenance="test",
        ).added
        queries = [
            _near(stable[i], int(rng.integers(0, 40)), rng)
            for i in rng.choice(len(stable), 60, replace=False)
        ]
        # the reference: brute force over the stable entries, which never change during the test
        expected = [
            {ids[i] for i, v in enumerate(stable) if hamming_hex(q, v) <= 31} for q in queries
        ]
        assert any(expected) and not all(expected)  # both answers occur
        matcher = Matcher(store, backend_settings)
        wrong: list[tuple[int, set[int], set[int]]] = []
        done = threading.Event()

        def look() -> None:
            while not done.is_set():
                for number, query in enumerate(queries):
                    found = _query(matcher, query) & set(
                        ids
                    )  # entries churned by the writer never come near
                    if found != expected[number]:
                        wrong.append((number, found, expected[number]))

        def churn() -> None:
            for round_ in range(6):
                added = store.import_values(
                    "b",
                    [(None, SignalValue("pdq", v, 100)) for v in _random_hex(rng, 200)],
                    provenance="churn",
                ).added
                matcher.refresh()
                for entry in added[:50]:
                    store.withdraw("b", entry)
                matcher.refresh()
                if round_ % 2:
                    matcher.reload()
                else:
                    matcher.compact()

        read_while_writing(look, churn, 4, done)
        assert not wrong, wrong[:3]
        # the rebuilds and compactions did happen under the readers
        assert matcher.full_builds >= 4 and matcher.compactions == 3
    finally:
        store.close()


def test_concurrent_index_queries_never_come_back_short(fast_switching: None) -> None:
    """The Hamming index answers from per-call buffers: many threads, results equal to brute
    force."""
    rng = np.random.default_rng(3)
    base = rng.integers(0, 2**63, size=(400, 4), dtype=np.int64).astype(np.uint64)
    codes = np.repeat(base, 40, axis=0)  # big result sets: 40 rows at distance 0 for every query
    index = HammingIndex.build(codes, 31, method="mih")
    errors: list[int] = []

    def work(offset: int) -> None:
        for k in range(150):
            code = base[(offset + k) % len(base)]
            rows, _ = index.query(code)
            expected, _ = index.query_brute(code)
            if sorted(rows.tolist()) != sorted(expected.tolist()):
                errors.append(k)

    threads = [threading.Thread(target=work, args=(n * 37,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def _wait_for(predicate: object, seconds: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if predicate():  # type: ignore[operator]
            return time.monotonic() - started
        time.sleep(0.02)
    raise AssertionError(f"not within {seconds} s")


def test_a_write_elsewhere_is_visible_within_a_bounded_delay(backend_settings: Settings) -> None:
    """Another process's write (a second store object) reaches a live matcher: by NOTIFY on
    PostgreSQL
    (well under its 30 s poll), by polling on SQLite (within the poll plus a margin)."""
    postgres = backend_settings.resolved_database_url.startswith("postgresql")
    poll = 30.0 if postgres else 0.3
    settings = backend_settings.model_copy(update={"matcher_poll_seconds": poll})
    here, elsewhere = Store.open(settings), Store.open(settings)
    live = LiveMatcher(here, settings)
    try:
        here.create_bank("b")
        live.start()
        matcher = live.matcher()
        value = _random_hex(np.random.default_rng(1), 1)[0]
        time.sleep(0.5)  # the follower is waiting for a change
        elsewhere.import_values(
            "b", [("x", SignalValue("pdq", value, 100))], provenance="other process"
        )
        delay = _wait_for(lambda: _query(live.matcher(), value), 5.0 if postgres else poll + 3.0)
        assert delay < (3.0 if postgres else poll + 3.0)
        assert matcher.full_builds == 1  # applied as a segment, not a rebuild
    finally:
        live.close()
        here.close()
        elsewhere.close()


def test_a_live_matcher_compacts_past_the_pending_limit_and_never_rebuilds(
    settings: Settings,
) -> None:
    settings = settings.model_copy(update={"matcher_poll_seconds": 0.1, "matcher_compact_rows": 5})
    store = Store.open(settings)
    live = LiveMatcher(store, settings)
    try:
        store.create_bank("b")
        live.start()
        matcher = live.matcher()
        values = _random_hex(np.random.default_rng(5), 12)
        ids = store.import_values(
            "b", [(None, SignalValue("pdq", v, 100)) for v in values], provenance="t"
        ).added
        store.withdraw("b", ids[0])
        _wait_for(lambda: matcher.compactions >= 1 and matcher.pending_rows == 0, 10.0)
        assert matcher.full_builds == 1  # folded into the base from memory, not from the store
        assert all(_query(matcher, v) for v in values[1:]) and not _query(matcher, values[0])
    finally:
        live.close()
        store.close()


class _SlowMatcher(Matcher):
    """A real matcher whose first build waits until the test lets it go (a large store loading)."""

    gate = threading.Event()

    def __init__(self, *args: object, **kwargs: object) -> None:
        assert self.gate.wait(30)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


def test_status_is_503_until_the_first_index_is_built_and_builds_nothing_itself(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import rempart.index.live

    _SlowMatcher.gate.clear()
    monkeypatch.setattr(rempart.index.live, "Matcher", _SlowMatcher)
    app = create_app(settings)
    with TestClient(app) as client:
        for _ in range(3):
            answer = client.get("/status")
            assert answer.status_code == 503 and answer.text == "INDEX-NOT-LOADED"
        assert client.get("/status/live").text == "I-AM-ALIVE"  # the process itself answers
        assert not app.state.service.live.ready  # asking did not build it
        _SlowMatcher.gate.set()
        _wait_for(lambda: client.get("/status").status_code == 200, 10)
        assert client.get("/status").text == "I-AM-ALIVE"
