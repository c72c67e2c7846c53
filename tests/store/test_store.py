import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from rempart.errors import (
    BankExistsError,
    BankNotFoundError,
    ConfigError,
    EntryNotFoundError,
    StoreError,
)
from rempart.settings import Settings
from rempart.signals.fingerprint import Fingerprint, SignalValue
from rempart.store import Consent, Store

PDQ = "8" + "1" * 63
SHA = "e" * 64


def _print(label: str = "p.jpg") -> Fingerprint:
    return Fingerprint(
        label, "jpeg", 10, 10, (SignalValue("sha256", SHA), SignalValue("pdq", PDQ, 90, "original"))
    )


def test_schema_is_migrated_to_head(store: Store) -> None:
    tables = set(inspect(store.engine).get_table_names())
    assert {
        "banks",
        "entries",
        "fingerprints",
        "audit_log",
        "rempart_meta",
        "alembic_version",
    } <= tables
    assert {"scan_runs", "scan_messages", "scanned_files", "scan_media", "scan_matches"} <= tables
    assert {"bot_items", "bot_reports", "message_signals"} <= tables
    assert {"hma_content", "hma_signal_types", "exchanges", "exchange_items"} <= tables
    with store.engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == "0010"


def test_migrations_build_exactly_the_models(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from rempart.store.models import Base

    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_banks_are_created_listed_and_unique(store: Store) -> None:
    store.create_bank("victims", description="helpline", pdq_threshold=25)
    with pytest.raises(BankExistsError):
        store.create_bank("victims")
    with pytest.raises(StoreError):
        store.create_bank("x", pdq_threshold=500)
    [bank] = store.list_banks()
    assert (bank.name, bank.pdq_threshold, bank.description) == ("victims", 25, "helpline")
    with pytest.raises(BankNotFoundError):
        store.get_bank("nope")


def test_entries_carry_consent_and_provenance(store: Store) -> None:
    store.create_bank("b")
    [entry_id] = store.add_fingerprints(
        "b",
        [_print()],
        consent=Consent("caseworker", "helpline-7"),
        provenance="fingerprints:x.jsonl",
    ).added
    info = store.get_entry(entry_id)
    assert (info.consent_basis, info.provenance, info.label, info.withdrawn_at) == (
        "caseworker",
        "fingerprints:x.jsonl",
        "p.jpg",
        None,
    )
    assert store.get_bank("b").fingerprints == 2
    loaded = store.load_fingerprints(["b"])
    assert sorted((f.signal, f.raw.hex()) for f in loaded) == [("pdq", PDQ), ("sha256", SHA)]


def test_withdrawal_deletes_fingerprints_and_keeps_a_tombstone(store: Store) -> None:
    store.create_bank("b")
    [entry_id] = store.add_fingerprints("b", [_print("secret-name.jpg")]).added
    assert store.withdraw("b", entry_id) == 2
    assert store.count_fingerprints(entry_id) == 0
    info = store.get_entry(entry_id)
    assert info.withdrawn_at is not None and info.label == ""
    assert store.load_fingerprints(["b"]) == []
    with pytest.raises(EntryNotFoundError):
        store.withdraw("b", 9999)
    bank = store.get_bank("b")
    assert (bank.active_entries, bank.withdrawn_entries) == (0, 1)


def test_every_change_and_read_is_audited(store: Store) -> None:
    store.create_bank("b")
    [entry_id] = store.add_fingerprints("b", [_print()]).added
    store.load_fingerprints(["b"], actor="tester")
    store.withdraw("b", entry_id)
    actions = [(row[2], row[1]) for row in reversed(store.audit_log())]
    assert actions == [
        ("bank.create", "cli"),
        ("entry.add", "cli"),
        ("fingerprint.read", "tester"),
        ("entry.withdraw", "cli"),
    ]


def test_a_failed_batch_adds_nothing(store: Store) -> None:
    store.create_bank("b")
    with pytest.raises(BankNotFoundError):
        store.add_fingerprints("missing", [_print()])
    assert store.get_bank("b").active_entries == 0


def test_fingerprints_are_encrypted_at_rest(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    store = Store.open(settings)
    store.create_bank("b")
    store.add_fingerprints("b", [_print()])
    store.close()
    raw_db = b"".join(p.read_bytes() for p in tmp_path.glob("rempart.db*"))
    for value in (PDQ, SHA):
        assert value.encode() not in raw_db and bytes.fromhex(value) not in raw_db
    with sqlite3.connect(tmp_path / "rempart.db") as conn:
        [(blob,)] = conn.execute(
            "select ciphertext from fingerprints where signal='pdq'"
        ).fetchall()
    assert len(blob) == 12 + 32 + 16
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600


def test_wrong_key_is_refused(tmp_path: Path) -> None:
    Store.open(Settings(data_dir=tmp_path)).close()
    import base64
    import os

    other = base64.b64encode(os.urandom(32)).decode()
    with pytest.raises(ConfigError, match="another key"):
        Store.open(Settings(data_dir=tmp_path, secret_key=other))
    with pytest.raises(ConfigError, match="32 bytes"):
        Store.open(Settings(data_dir=tmp_path, secret_key=base64.b64encode(b"short").decode()))


def test_tampered_ciphertext_is_detected(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    store = Store.open(settings)
    store.create_bank("b")
    store.add_fingerprints("b", [_print()])
    with store.engine.begin() as conn:
        conn.execute(
            text("update fingerprints set ciphertext = :c where signal = 'pdq'"),
            {"c": b"\x00" * 60},
        )
    with pytest.raises(StoreError, match="authentication"):
        store.load_fingerprints()
    store.close()


def test_bad_database_url_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        Store.open(Settings(data_dir=tmp_path, database_url="nosuchdb://x"))


def test_adding_the_same_photo_twice_keeps_one_entry(store: Store) -> None:
    store.create_bank("b")
    first = store.add_fingerprints("b", [_print("a.jpg")])
    again = store.add_fingerprints("b", [_print("a.jpg"), _print("a-renamed.jpg")])
    assert again.added == [] and again.already_present == first.added * 2
    assert store.get_bank("b").active_entries == 1
    store.withdraw("b", first.added[0])
    back = store.add_fingerprints(
        "b", [_print("a.jpg")]
    )  # withdrawn, then registered again: a new entry
    assert len(back.added) == 1 and back.added != first.added


def test_reimporting_a_bank_file_adds_nothing(store: Store) -> None:
    store.create_bank("b")
    rows = [("x-1", SignalValue("pdq", PDQ)), ("x-2", SignalValue("pdq", "f" * 64))]
    assert len(store.import_values("b", rows, provenance="import:a.csv").added) == 2
    second = store.import_values("b", rows, provenance="import:a.csv")
    assert second.added == [] and len(second.already_present) == 2


def test_listing_entries_is_audited(store: Store) -> None:
    store.create_bank("b")
    store.add_fingerprints("b", [_print()])
    store.list_entries("b", actor="caseworker-3")
    assert store.audit_log(1)[0][1:4] == ("caseworker-3", "entry.list", "b")


def test_a_settings_copy_points_at_its_own_database(tmp_path: Path) -> None:
    """``resolved_database_url`` follows ``model_copy(update=...)`` (a cached value would keep
    the old one)."""
    first = Settings(data_dir=tmp_path / "one")
    assert first.resolved_database_url.endswith("one/rempart.db")
    moved = first.model_copy(update={"data_dir": tmp_path / "two"})
    assert moved.resolved_database_url.endswith("two/rempart.db")
    elsewhere = first.model_copy(update={"database_url": "sqlite:///" + str(tmp_path / "x.db")})
    assert elsewhere.resolved_database_url.endswith("x.db")
