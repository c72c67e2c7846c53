"""The vault and the pack, end to end from a scan of the synthetic exports: ciphertext at rest,
logged reads, crypto-shredding, minors, a pack that verifies offline and fails on any change."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from tsa_server import tsa_server

from rempart.errors import EvidenceError
from rempart.evidence.pack import export_pack, verify_pack
from rempart.evidence.vault import Cases, Vault, destroy_evidence
from rempart.investigate.runner import scan_archives
from rempart.settings import Settings
from rempart.signals.fingerprint import fingerprint_file
from rempart.sources.synthetic import ExportManifest, make_export_set
from rempart.store import Consent, Store

MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"ftyp", b"GIF8", b"RIFF")


@pytest.fixture(scope="module")
def export_set(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ExportManifest]:
    root = tmp_path_factory.mktemp("evidence-exports")
    return root, make_export_set(root, seed=5, servers=2, channels=2, messages=20, victims=2)


def _scan(store: Store, export_set: tuple[Path, ExportManifest], minor: bool = False) -> list[int]:
    root, manifest = export_set
    settings = store.settings
    store.create_bank("victims")
    added = store.add_fingerprints(
        "victims",
        [fingerprint_file(p, settings, register=True) for p in manifest.victim_photos],
        consent=Consent("self", "test"),
    ).added
    if minor:
        Cases(store).mark_minor("victims", added[0], actor="caseworker")
    scan_archives([root / "exports"], ["victims"], store, settings).remove_copies()
    return added


def _vault_files(settings: Settings) -> list[Path]:
    return [p for p in settings.resolved_vault_dir.rglob("*") if p.is_file()]


def test_matched_media_are_kept_encrypted_and_every_read_is_logged(
    store: Store, export_set: tuple[Path, ExportManifest]
) -> None:
    entries = _scan(store, export_set)
    files = _vault_files(store.settings)
    assert files, "the scan preserved nothing"
    root, manifest = export_set
    headers = {p.read_bytes()[:32] for p in (root / "exports").rglob("*") if p.is_file()}
    headers = {h for h in headers if h.startswith(MAGIC) or h[4:8] == b"ftyp"}
    assert headers
    for path in files:
        data = path.read_bytes()
        assert not data.startswith(MAGIC) and data[4:8] != b"ftyp", path
        assert not any(header in data for header in headers), path  # no picture bytes in clear
        assert path.stat().st_mode & 0o777 == 0o600
    folders = [store.settings.resolved_vault_dir, *(p.parent for p in files)]
    folders += [p.parent.parent for p in files]  # the case folders
    assert all(folder.stat().st_mode & 0o777 == 0o700 for folder in folders)
    case = Cases(store).get(entries[0])
    assert case is not None and case.key is not None
    from sqlalchemy import select

    from rempart.store.models import SightingRow

    with store.session() as session:
        row = session.scalars(select(SightingRow).where(SightingRow.case_id == case.id)).first()
    assert row is not None and row.object_name is not None
    data = Vault(store, store.settings).read(
        case, row.object_name, row.media_sha256, actor="api:lawyer", role="caseworker", why="test"
    )
    assert hashlib.sha256(data).hexdigest() == row.media_sha256 and data[:3] == b"\xff\xd8\xff"
    reads = [e for e in store.audit_log(50) if e[2] == "evidence.vault.read"]
    assert reads and reads[0][1] == "api:lawyer" and "role caseworker" in reads[0][5]
    # her withdrawal with evidence deletion: the key goes, the copies become unreadable, then go
    store.withdraw("victims", entries[0])
    assert destroy_evidence(store, store.settings, entries[0], actor="protect", why="withdrawal")
    with pytest.raises(EvidenceError):
        Vault(store, store.settings).read(
            Cases(store).get(entries[0]),  # type: ignore[arg-type]
            row.object_name,
            row.media_sha256,
            actor="x",
            role="admin",
            why="after withdrawal",
        )
    assert not (store.settings.resolved_vault_dir / row.object_name).exists()
    destroyed = [e for e in store.audit_log(50) if e[2] == "evidence.key.destroy"]
    assert destroyed and row.media_sha256 not in destroyed[0][5]  # that it happened, not what
    with pytest.raises(EvidenceError, match="destroyed"):
        export_pack(store, store.settings, "victims", entries[0], store.settings.data_dir / "p.zip")


def test_a_pack_verifies_offline_and_names_any_member_that_changed(
    settings: Settings, export_set: tuple[Path, ExportManifest], tmp_path: Path
) -> None:
    with tsa_server(tmp_path / "tsa") as (url, ca, _):
        stamped = settings.model_copy(update={"tsa_url": url, "tsa_ca_file": ca})
        store = Store.open(stamped)
        try:
            entries = _scan(store, export_set)
            pack = tmp_path / "pack.zip"
            summary = export_pack(store, stamped, "victims", entries[0], pack)
        finally:
            store.close()
    assert summary.sightings > 0 and summary.media > 0 and summary.stamped >= 1
    report = verify_pack(pack, ca)
    assert report.ok, report.problems
    with zipfile.ZipFile(pack) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    assert {"manifest.json", "SHA256SUMS", "VERIFY.txt", "report.pdf"} <= set(members)
    assert any(name.startswith("media/") for name in members)
    # the PDF is a real one, and its text holds a message link and a file's SHA-256
    sighting = json.loads(members["sightings/0001.json"])
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(members["report.pdf"])).pages
    )
    flat = re.sub(r"\s+", "", text)
    assert sighting["message"]["link"] in flat and sighting["media"]["sha256"] in flat
    assert "Chronologie" in text and "226-2-1" in text and "avis juridique" in text
    dsa = members["notices/dsa-article-16.txt"].decode()
    assert sighting["message"]["link"] in dsa and "bonne foi" in dsa
    assert "Procureur de la République" in members["notices/plainte.txt"].decode()
    # any member changed, removed or added is named, even with SHA256SUMS and the manifest redone
    for name in sorted(members):
        if name in {"SHA256SUMS"}:
            continue
        altered = dict(members)
        altered[name] = members[name][:-1] + bytes([members[name][-1] ^ 1])
        problems = _verify_altered(tmp_path, altered, ca, recompute=name != "manifest.json")
        assert problems and any(
            name in p or "log record" in p or "report.pdf" in p for p in problems
        ), (
            name,
            problems,
        )
    missing = dict(members)
    del missing["sightings/0001.json"]
    assert any("sightings/0001.json" in p for p in _verify_altered(tmp_path, missing, ca))


def _verify_altered(
    tmp_path: Path, members: dict[str, bytes], ca: Path, recompute: bool = False
) -> list[str]:
    """Write the members as a pack (with the manifest's and SHA256SUMS's hashes redone to match
    when ``recompute``: a forger's best effort) and return what verify finds."""
    members = dict(members)
    if recompute:
        manifest = json.loads(members["manifest.json"])
        manifest["files"] = {
            name: hashlib.sha256(data).hexdigest()
            for name, data in members.items()
            if name not in {"manifest.json", "SHA256SUMS"}
        }
        members["manifest.json"] = json.dumps(manifest).encode()
    members["SHA256SUMS"] = "".join(
        f"{hashlib.sha256(d).hexdigest()}  {n}\n"
        for n, d in sorted(members.items())
        if n != "SHA256SUMS"
    ).encode()
    path = tmp_path / "altered.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return verify_pack(path, ca).problems


def test_a_minors_case_keeps_no_picture_anywhere(
    store: Store, export_set: tuple[Path, ExportManifest], tmp_path: Path
) -> None:
    entries = _scan(store, export_set, minor=True)
    case = Cases(store).get(entries[0])
    other = Cases(store).get(entries[1])
    assert case is not None and case.minor and other is not None and not other.minor
    names = {
        p.relative_to(store.settings.resolved_vault_dir).parts[0]
        for p in _vault_files(store.settings)
    }
    assert f"c{case.id}" not in names and f"c{other.id}" in names  # hers: nothing in the vault
    pack = tmp_path / "minor.zip"
    summary = export_pack(store, store.settings, "victims", entries[0], pack)
    assert summary.sightings > 0 and summary.media == 0
    with zipfile.ZipFile(pack) as archive:
        names_in_pack = archive.namelist()
        pharos = archive.read("notices/pharos.txt").decode()
        dsa = archive.read("notices/dsa-article-16.txt").decode()
    assert not any(name.startswith("media/") for name in names_in_pack)
    assert "3018" in pharos and "227-23" in dsa
    assert verify_pack(pack).ok


def test_an_english_pack_without_media(
    settings: Settings, export_set: tuple[Path, ExportManifest], tmp_path: Path
) -> None:
    store = Store.open(settings)
    try:
        entries = _scan(store, export_set)
        pack = tmp_path / "en.zip"
        summary = export_pack(
            store, settings, "victims", entries[1], pack, lang="en", with_media=False
        )
    finally:
        store.close()
    assert summary.media == 0
    with zipfile.ZipFile(pack) as archive:
        text = "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(archive.read("report.pdf"))).pages
        )
        assert not any(name.startswith("media/") for name in archive.namelist())
        assert "Timeline of the posts" in text and "not legal advice" in text
        assert "NOTICE OF ILLEGAL CONTENT" in archive.read("notices/dsa-article-16.txt").decode()
    assert verify_pack(pack).ok


def test_a_resumed_scan_preserves_each_sighting_once(
    store: Store, export_set: tuple[Path, ExportManifest]
) -> None:
    from sqlalchemy import func, select

    from rempart.store.models import SightingRow

    root, _ = export_set
    _scan(store, export_set)
    with store.session() as session:
        before = session.scalar(select(func.count(SightingRow.id)))
    scan_archives([root / "exports"], ["victims"], store, store.settings).remove_copies()
    with store.session() as session:
        assert session.scalar(select(func.count(SightingRow.id))) == before
    preserved = [e for e in store.audit_log(1000) if e[2] == "evidence.preserve"]
    assert len(preserved) == before


def test_hostile_packs_get_a_clear_refusal(tmp_path: Path) -> None:
    """Not a zip, a member whose declared size lies (a bomb), the same name twice, no manifest:
    each is refused with what is wrong, nothing is extracted, memory stays bounded."""
    from rempart.errors import EvidenceBrokenError

    not_zip = tmp_path / "not.zip"
    not_zip.write_bytes(b"PK\x03\x04 but not really a zip")
    with pytest.raises(EvidenceBrokenError, match="not a readable zip"):
        verify_pack(not_zip)

    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", b"{}")
        archive.writestr("media/x.jpg", b"\0" * (8 * 1024 * 1024))
    data = bytearray(bomb.read_bytes())
    # the central directory now claims 1 byte where 8 MiB inflate: a lie verify must not trust
    header = data.rfind(b"PK\x01\x02")
    data[header + 24 : header + 28] = (1).to_bytes(4, "little")
    bomb.write_bytes(bytes(data))
    with pytest.raises(EvidenceBrokenError):
        verify_pack(bomb)

    twice = tmp_path / "twice.zip"
    with zipfile.ZipFile(twice, "w") as archive, pytest.warns(UserWarning):
        archive.writestr("manifest.json", b"{}")
        archive.writestr("manifest.json", b'{"forged": true}')
    with pytest.raises(EvidenceBrokenError, match="duplicated"):
        verify_pack(twice)

    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("notes.txt", b"hello")
    report = verify_pack(empty)
    assert not report.ok and report.problems[0].startswith("manifest.json")
