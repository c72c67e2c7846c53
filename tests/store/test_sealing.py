"""Nothing personal is stored in clear: names, paths, labels and notes are sealed; files are
owner-only."""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy import text
from support import run_rempart, write_export

from rempart.investigate.runner import scan_archives
from rempart.samples import save_jpeg, textured_photo
from rempart.settings import Settings
from rempart.signals.fingerprint import fingerprint_file
from rempart.store import Consent, Store
from rempart.store.scans import ScanStore

SECRETS = [
    "Serveur Secret Léa",
    "photos-de-lea",
    "lea-dupont.jpg",
    "note privée du modérateur",
    "export-of-lea",
    "lea-fingerprints.jsonl",
]


def _every_text_value(store: Store) -> str:
    """Every text column of every table, as the database holds it."""
    dumped = []
    with store.engine.connect() as conn:
        for table in (
            "entries",
            "scan_messages",
            "scan_media",
            "scanned_files",
            "review_decisions",
            "audit_log",
            "scan_runs",
            "protect_cases",
        ):
            # fixed table names, not input
            for row in conn.execute(text(f"SELECT * FROM {table}")):
                dumped.extend(str(value) for value in row if isinstance(value, str))
    return "\n".join(dumped)


def test_names_paths_labels_and_notes_are_sealed(
    backend_settings: Settings, tmp_path: Path
) -> None:
    photo = save_jpeg(textured_photo(401, (700, 900)), tmp_path / "lea-dupont.jpg")
    folder = tmp_path / "export-of-lea"
    export = write_export(
        folder,
        {"lea.jpg": photo.read_bytes(), "broken.jpg": b"\xff\xd8\xff truncated"},
        guild="Serveur Secret Léa",
        channel="photos-de-lea",
    )
    store = Store.open(backend_settings)
    try:
        store.create_bank("victims")
        store.add_fingerprints(
            "victims",
            [fingerprint_file(photo, backend_settings, register=True)],
            consent=Consent("self", "t"),
            provenance="fingerprints:lea-fingerprints.jsonl",
        )
        scan_archives([export], ["victims"], store, backend_settings)
        scans = ScanStore(store)
        match = scans.pending_review()[0]
        scans.decide(match.id, "confirm", "api:mod", "note privée du modérateur")
        dumped = _every_text_value(store)
        leaked = [secret for secret in SECRETS if secret in dumped]
        assert leaked == []
        # ... and everything reads back for those allowed to read it
        assert store.list_entries("victims")[0].label == "lea-dupont.jpg"
        assert store.list_entries("victims")[0].provenance == "fingerprints:lea-fingerprints.jsonl"
        assert {m.details["guild_name"] for m in scans.messages("t")} == {"Serveur Secret Léa"}
        assert "Serveur Secret Léa" in scans.messages("t")[0].export_name
        assert any(
            "broken.jpg" in m.reason or "truncated" in m.reason
            for m in scans.media("t")
            if m.status == "failed"
        )
        assert scans.decisions()[0]["note"] == "note privée du modérateur"
        assert len(scans.messages("t", [scans.messages("t")[0].id])) == 1
    finally:
        store.close()


def test_a_store_written_in_clear_is_sealed_when_opened(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    from rempart.store.database import _ALEMBIC_INI, make_engine

    settings = Settings(data_dir=tmp_path / "data")
    settings.ensure_data_dir()
    engine = make_engine(settings.resolved_database_url)
    config = Config(str(_ALEMBIC_INI))
    with (
        engine.begin() as conn
    ):  # the schema as the previous release left it, with its plain-text rows
        config.attributes["connection"] = conn
        command.upgrade(config, "0005")
        conn.execute(
            text(
                "INSERT INTO banks (id, name, description, pdq_threshold, created_at) VALUES (1, "
                "'victims', '', 31, '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO entries (id, bank_id, label, kind, consent_basis, "
                "consent_recorded_by, provenance, created_at) "
                "VALUES (1, 1, 'lea-dupont.jpg', 'jpeg', 'self', '', "
                "'fingerprints:lea-fingerprints.jsonl', '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO scan_messages (id, guild_id, channel_id, author_id, created_at, "
                "export_name, details) "
                "VALUES ('1', '7', '8', '42', '2026-01-01', '/x/export-of-lea/Serveur Secret "
                "Léa.json', X'00')"
            )
        )
    engine.dispose()
    store = Store.open(settings)
    try:
        dumped = _every_text_value(store)
        assert [s for s in SECRETS if s in dumped] == []
        assert store.list_entries("victims")[0].label == "lea-dupont.jpg"
        assert store.entry_labels([1]) == {1: "lea-dupont.jpg"}
    finally:
        store.close()


def test_the_database_reports_and_fingerprint_files_are_owner_only(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    photo = save_jpeg(textured_photo(402, (500, 600)), tmp_path / "p.jpg")
    assert run_rempart(settings, "bank", "create", "victims").returncode == 0
    written = tmp_path / "prints.jsonl"
    assert run_rempart(settings, "fingerprint", str(photo), "-o", str(written)).returncode == 0
    export = write_export(tmp_path / "export", {"a.jpg": photo.read_bytes()})
    report = tmp_path / "report.html"
    report.write_text("old")
    report.chmod(0o644)  # an existing file is narrowed too
    assert (
        run_rempart(
            settings, "scan", str(export), "--bank", "victims", "--report", str(report)
        ).returncode
        == 0
    )
    for path in (
        settings.data_dir / "rempart.db",
        settings.data_dir / "secret.key",
        written,
        report,
    ):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(settings.data_dir.stat().st_mode) == 0o700
