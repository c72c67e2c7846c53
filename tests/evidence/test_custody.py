"""The custody log: a hash chain every tampering breaks, checkpoints, the PostgreSQL trigger, and
RFC 3161 tokens from a local time-stamp authority."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from tsa_server import tsa_server

from rempart.errors import EvidenceBrokenError
from rempart.evidence import custody, tsa
from rempart.settings import Settings
from rempart.store import Store
from rempart.store.chain import inclusion_proof, merkle_root, root_from_proof


def _log(store: Store, count: int) -> None:
    for number in range(count):
        store.record("tester", "test.event", f"event {number} é ✓", bank="b", entry_id=number)


def _problems(store: Store) -> list[str]:
    return custody.verify_store(store, store.settings).problems


def test_an_intact_chain_and_its_checkpoints_verify(store: Store) -> None:
    _log(store, 5)
    first = custody.make_checkpoint(store, store.settings)
    _log(store, 3)
    second = custody.make_checkpoint(store, store.settings)
    assert first is not None and second is not None
    # the second covers the first checkpoint's own record and the three events after it
    assert (second.parsed.first_seq, second.parsed.last_seq) == (6, 9)
    assert custody.make_checkpoint(store, store.settings) is not None  # covers the second's record
    report = custody.verify_store(store, store.settings)
    assert report.ok and report.checkpoints == 3 and report.records >= 10


@pytest.mark.parametrize(
    ("attack", "expected"),
    [
        ("UPDATE audit_log SET detail = 'event 3 (edited)' WHERE seq = 5", "record 5: its content"),
        ("UPDATE audit_log SET actor = 'someone else' WHERE seq = 5", "record 5: its content"),
        ("DELETE FROM audit_log WHERE seq = 5", "record 5: missing"),
        ("UPDATE audit_log SET seq = seq + 100 WHERE seq = 5", "record 5: missing"),
        ("SWAP", "record 4: does not follow"),
        ("INSERT", "record 5: does not follow"),
        ("DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)", "the chain's head"),
    ],
)
def test_every_tampering_of_the_sqlite_log_is_found(
    settings: Settings, attack: str, expected: str
) -> None:
    store = Store.open(settings)
    try:
        _log(store, 8)
        assert _problems(store) == []
        with store.engine.begin() as connection:
            if attack == "SWAP":  # two records exchange places (each keeps its own hash)
                connection.execute(text("UPDATE audit_log SET seq = -1 WHERE seq = 4"))
                connection.execute(text("UPDATE audit_log SET seq = 4 WHERE seq = 6"))
                connection.execute(text("UPDATE audit_log SET seq = 6 WHERE seq = -1"))
            elif attack == "INSERT":  # a record slipped in: later ones move up one place
                connection.execute(text("UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 5"))
                connection.execute(text("UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1005"))
                connection.execute(
                    text(
                        "INSERT INTO audit_log (at, actor, action, detail, seq, prev_hash, hash) "
                        "SELECT at, actor, 'test.forged', 'forged', 5, prev_hash, hash "
                        "FROM audit_log WHERE seq = 4"
                    )
                )
            else:
                connection.execute(text(attack))
        problems = _problems(store)
        assert len(problems) == 1 and problems[0].startswith(expected), problems
    finally:
        store.close()


def test_an_edit_under_a_checkpoint_is_named_by_the_checkpoint_too(settings: Settings) -> None:
    """Rewriting a record and rehashing the chain after it still breaks the checkpoint's root."""
    from rempart.store.chain import record_hash, stamp

    store = Store.open(settings)
    try:
        _log(store, 6)
        custody.make_checkpoint(store, settings)
        with store.engine.begin() as connection:
            rows = connection.execute(
                text("SELECT seq, at, actor, action, bank, entry_id, detail FROM audit_log "
                     "ORDER BY seq")
            ).all()  # fmt: skip
            previous = "0" * 64
            for row in rows:  # the forger recomputes every hash from the edited record on
                detail = "rewritten" if row.seq == 3 else row.detail
                digest = record_hash(
                    previous, row.seq, stamp(datetime.fromisoformat(row.at)), row.actor,
                    row.action, row.bank, row.entry_id, detail,
                )  # fmt: skip
                connection.execute(
                    text("UPDATE audit_log SET detail = :d, prev_hash = :p, hash = :h "
                         "WHERE seq = :s"),
                    {"d": detail, "p": previous, "h": digest, "s": row.seq},
                )  # fmt: skip
                previous = digest
            connection.execute(text("UPDATE audit_chain SET hash = :h"), {"h": previous})
        problems = _problems(store)
        assert len(problems) == 1 and "no longer give its Merkle root" in problems[0], problems
    finally:
        store.close()


@pytest.mark.postgres
def test_postgresql_refuses_to_change_the_log(fresh_postgres_url: str, tmp_path: Path) -> None:
    backend_settings = Settings(data_dir=tmp_path / "data", database_url=fresh_postgres_url)
    store = Store.open(backend_settings)
    try:
        _log(store, 3)
        custody.make_checkpoint(store, backend_settings)
        for statement in (
            "UPDATE audit_log SET detail = 'edited' WHERE seq = 2",
            "DELETE FROM audit_log WHERE seq = 2",
            "TRUNCATE audit_log",
            "UPDATE audit_checkpoints SET root = 'x'",
            "DELETE FROM audit_checkpoints",
        ):
            with pytest.raises(DBAPIError, match="append-only"):
                with store.engine.begin() as connection:
                    connection.execute(text(statement))
        assert _problems(store) == []
    finally:
        store.close()


@hypothesis_settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=40), st.data())
def test_every_inclusion_proof_leads_to_the_root(leaves: list[bytes], data: st.DataObject) -> None:
    hashes = [leaf.hex() for leaf in leaves]
    index = data.draw(st.integers(0, len(hashes) - 1))
    root = merkle_root(hashes)
    proof = inclusion_proof(hashes, index)
    assert root_from_proof(hashes[index], proof) == root
    other = (int(hashes[index], 16) ^ 1).to_bytes(32, "big").hex()
    assert root_from_proof(other, proof) != root


def test_checkpoints_are_time_stamped_and_a_token_over_another_root_fails(
    settings: Settings, tmp_path: Path
) -> None:
    with tsa_server(tmp_path / "tsa") as (url, ca, seen):
        stamped = settings.model_copy(update={"tsa_url": url, "tsa_ca_file": ca})
        store = Store.open(stamped)
        try:
            _log(store, 4)
            checkpoint = custody.make_checkpoint(store, stamped)
            assert checkpoint is not None and checkpoint.token is not None and len(seen) == 1
            roots = tsa.load_roots(ca)
            when = tsa.check_token(checkpoint.token, checkpoint.statement.encode(), roots)
            assert when[:4].isdigit()
            report = custody.verify_store(store, stamped)
            assert report.ok and report.stamped == 1
            # the same token cannot vouch for another statement (another root)
            other = checkpoint.statement.replace(checkpoint.parsed.root, "0" * 64)
            with pytest.raises(EvidenceBrokenError, match="covers other data"):
                tsa.check_token(checkpoint.token, other.encode(), roots)
            # nor does a token verify against another authority's CA
            with tsa_server(tmp_path / "other-tsa") as (_, other_ca, _):
                with pytest.raises(EvidenceBrokenError, match="signature"):
                    tsa.check_token(
                        checkpoint.token, checkpoint.statement.encode(), tsa.load_roots(other_ca)
                    )
            # and openssl checks it the way VERIFY.txt says, without Rempart
            (tmp_path / "s.txt").write_bytes(checkpoint.statement.encode())
            (tmp_path / "t.tsr").write_bytes(checkpoint.token)
            checked = subprocess.run(
                ["openssl", "ts", "-verify", "-data", "s.txt", "-in", "t.tsr", "-CAfile", str(ca)],
                cwd=tmp_path, capture_output=True, text=True,
            )  # fmt: skip
            assert checked.returncode == 0 and "Verification: OK" in checked.stdout
        finally:
            store.close()


def test_an_unreachable_tsa_leaves_an_unstamped_checkpoint_and_a_record(settings: Settings) -> None:
    from rempart.bench.pgserver import free_port

    offline = settings.model_copy(
        update={"tsa_url": f"http://127.0.0.1:{free_port()}/", "tsa_timeout_seconds": 2}
    )
    store = Store.open(offline)
    try:
        _log(store, 2)
        checkpoint = custody.make_checkpoint(store, offline)
        assert checkpoint is not None and checkpoint.token is None
        assert any(action == "evidence.tsa.failed" for _, _, action, *_ in store.audit_log(10))
        assert custody.verify_store(store, offline).ok
    finally:
        store.close()


def test_a_running_service_seals_the_log_on_its_own(settings: Settings) -> None:
    import time

    often = settings.model_copy(update={"checkpoint_minutes": 0.005})  # every 0.3 s
    store = Store.open(often)
    checkpointer = custody.Checkpointer(store, often)
    try:
        _log(store, 3)
        checkpointer.start()
        deadline = time.monotonic() + 20
        while not custody.checkpoints(store) and time.monotonic() < deadline:
            time.sleep(0.1)
        made = custody.checkpoints(store)
        assert made and made[0].parsed.first_seq == 1 and made[0].parsed.last_seq >= 3
    finally:
        checkpointer.close()
        store.close()


def test_concurrent_writers_make_one_unbroken_chain(store: Store) -> None:
    """Threads appending at once (each in its own transactions, PostgreSQL row lock or SQLite's
    writer lock) leave a chain with no gap, no fork and every record."""
    from concurrent.futures import ThreadPoolExecutor

    def write(worker: int) -> None:
        for number in range(15):
            store.record(f"worker-{worker}", "test.concurrent", f"{worker}:{number}")
            if number % 5 == 4:
                custody.make_checkpoint(store, store.settings, actor=f"worker-{worker}")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(write, range(4)))
    report = custody.verify_store(store, store.settings)
    assert report.ok, report.problems
    written = [r for r in custody.records(store) if r.action == "test.concurrent"]
    assert sorted(r.detail for r in written) == sorted(
        f"{w}:{n}" for w in range(4) for n in range(15)
    )
    assert report.checkpoints >= 3


def test_records_written_before_the_chain_are_chained_by_the_upgrade(
    backend_settings: Settings,
) -> None:
    """A store of the previous release (0006) with audit records: opening it chains them in
    order, and the chain verifies — on SQLite (times stored as text) and PostgreSQL."""
    from alembic import command
    from alembic.config import Config

    from rempart.store.database import _ALEMBIC_INI, make_engine

    if not backend_settings.database_url:
        backend_settings.ensure_data_dir()
    engine = make_engine(backend_settings.resolved_database_url)
    config = Config(str(_ALEMBIC_INI))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
        for number, at in enumerate(
            ["2026-01-02 10:00:00.123456", "2026-01-02 10:00:01", "2026-01-03 23:59:59.999999"]
        ):
            connection.execute(
                text(
                    "INSERT INTO audit_log (at, actor, action, bank, entry_id, detail) "
                    "VALUES (:at, 'cli', 'bank.create', 'b', :entry, :detail)"
                ),
                {"at": at, "entry": number, "detail": f"old record {number} é"},
            )
    engine.dispose()
    store = Store.open(backend_settings)
    try:
        _log(store, 2)
        report = custody.verify_store(store, backend_settings)
        assert report.ok and report.records == 5, report.problems
        assert [r.detail for r in custody.records(store)][:3] == [
            f"old record {n} é" for n in range(3)
        ]
    finally:
        store.close()
