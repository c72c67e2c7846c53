"""``rempart evidence export``: a case's court-ready pack (a zip), and ``rempart evidence verify
pack.zip``: its offline check.

What a pack holds::

    manifest.json           the case, every file's SHA-256, the case's log records with their
                            chain hashes and Merkle inclusion proofs, the covering checkpoints
    SHA256SUMS              `sha256sum -c SHA256SUMS` checks every other member
    VERIFY.txt              how a third party checks the pack without Rempart
    report.pdf              the facts as a timeline, custody, qualification helper, where to report
    sightings/NNNN.json     each preserved sighting, the exact bytes whose SHA-256 the log holds
    media/SHA256.EXT        the preserved files (not for a minor's case, nor with --no-media)
    notices/dsa-article-16.txt, notices/pharos.txt, notices/plainte.txt   drafts
    checkpoints/N.txt, checkpoints/N.tsr, checkpoints/tsa-ca.pem          statements and tokens

Why altering any member is found: sightings and media are named by SHA-256 in log records; the
report and drafts are named by the export's own log record; each record's hash is proved into a
checkpoint's Merkle root; the root is in a statement a time-stamp authority signed. Changing a
member means changing a record, which changes the root, which the token no longer signs.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select

from rempart import __version__
from rempart.errors import EntryNotFoundError, EvidenceBrokenError, EvidenceError
from rempart.evidence import custody, tsa
from rempart.evidence.notices import dsa_notice, pharos_summary, plainte
from rempart.evidence.report_pdf import render_pdf
from rempart.evidence.vault import Cases, Vault, open_record
from rempart.settings import Settings
from rempart.store import Store
from rempart.store.chain import Statement, inclusion_proof, record_hash, root_from_proof
from rempart.store.models import SightingRow

SCHEMA = "rempart-evidence-pack v1"
#: Documents every pack holds (the report, the drafts, the instructions); with any other member
#: that is neither proved by a preservation record nor a checkpoint's, they are "documents",
#: named together by the export's own log record.
DERIVED = (
    "report.pdf",
    "notices/dsa-article-16.txt",
    "notices/pharos.txt",
    "notices/plainte.txt",
    "VERIFY.txt",
)
_PROVED_ELSEWHERE = re.compile(r"^(sightings/|media/|checkpoints/\d+\.(txt|tsr)$)")
_EXTENSIONS = {b"\xff\xd8\xff": "jpg", b"\x89PNG": "png", b"GIF8": "gif", b"RIFF": "webp"}
_RECORD_SHA = re.compile(r"record sha256 ([0-9a-f]{64})")
_MEDIA_SHA = re.compile(r"media sha256 ([0-9a-f]{64})")
_DERIVED_SHA = re.compile(r"documents sha256 ([0-9a-f]{64})")
MAX_PACK_MEMBERS = 100_000
MAX_MEMBER_BYTES = 512 * 1024 * 1024
MAX_PACK_BYTES = 4 * 1024**3  # all members together, uncompressed


def _extension(data: bytes) -> str:
    for magic, extension in _EXTENSIONS.items():
        if data.startswith(magic):
            return extension
    return "mp4" if data[4:8] == b"ftyp" else "bin"


def _documents(files: dict[str, bytes]) -> list[str]:
    """The members the export's record names by one digest."""
    return sorted(
        name
        for name in files
        if name not in {"manifest.json", "SHA256SUMS"} and not _PROVED_ELSEWHERE.match(name)
    )


def _documents_digest(files: dict[str, bytes]) -> str:
    """One SHA-256 over the documents (their ``sha256  path`` lines, sorted)."""
    lines = (f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n" for name in _documents(files))
    return hashlib.sha256("".join(lines).encode()).hexdigest()


@dataclass
class PackSummary:
    path: Path
    sightings: int
    media: int
    records: int
    checkpoints: int
    stamped: int


def export_pack(
    store: Store,
    settings: Settings,
    bank: str,
    entry_id: int,
    out: Path,
    *,
    lang: str = "fr",
    with_media: bool = True,
    actor: str = "cli",
    role: str = "admin",
) -> PackSummary:
    """Write the pack of the case of ``entry_id`` in ``bank`` to ``out``."""
    entry = store.get_entry(entry_id)
    if entry.bank != bank:
        raise EntryNotFoundError(f"no entry {entry_id} in bank {bank!r}")
    case = Cases(store).get(entry_id)
    if case is None:
        raise EvidenceError(f"no preserved sighting of entry {entry_id} in bank {bank!r}")
    if case.key is None:
        raise EvidenceError("this case's data key was destroyed at the victim's request")
    vault = Vault(store, settings)
    with store.session() as session:
        rows = session.scalars(
            select(SightingRow).where(SightingRow.case_id == case.id).order_by(SightingRow.id)
        ).all()
    files: dict[str, bytes] = {}
    sightings: list[dict[str, Any]] = []
    keep_media = with_media and not case.minor and role in {"admin", "caseworker"}
    kept: set[str] = set()  # SHA-256 of the files already in the pack
    for number, row in enumerate(rows, 1):
        encoded = open_record(case, row.record)
        if hashlib.sha256(encoded).hexdigest() != row.record_sha256:
            raise EvidenceBrokenError(f"sighting {row.id}: its record no longer hashes as logged")
        files[f"sightings/{number:04d}.json"] = encoded
        sightings.append(json.loads(encoded))
        if keep_media and row.object_name and row.media_sha256 not in kept:
            data = vault.read(
                case,
                row.object_name,
                row.media_sha256,
                actor=actor,
                role=role,
                why="evidence pack export",
            )
            files[f"media/{row.media_sha256}.{_extension(data)}"] = data
            kept.add(row.media_sha256)
    case_facts = {"bank": bank, "entry": entry_id, "minor": case.minor, "id": case.id}
    generated_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    # Records so far go in the report; the export's own record names the documents, and a
    # checkpoint made after it covers every record of the case.
    before = custody.case_records(store, bank, entry_id)
    made = custody.checkpoints(store)
    checkpoint_facts = [{"statement": c.statement, "token": bool(c.token)} for c in made]
    files["report.pdf"] = render_pdf(
        case_facts, sightings, [r.as_json() for r in before], checkpoint_facts, generated_at, lang
    )
    files["notices/dsa-article-16.txt"] = dsa_notice(
        case_facts, sightings, settings.notifier_name, settings.notifier_email, lang
    ).encode()
    files["notices/pharos.txt"] = pharos_summary(case_facts, sightings).encode()
    files["notices/plainte.txt"] = plainte(case_facts, sightings).encode()
    files["VERIFY.txt"] = VERIFY_TEXT.encode()
    if settings.tsa_url and settings.tsa_ca_file:  # a copy for the reader, not a trust anchor
        files["checkpoints/tsa-ca.pem"] = settings.tsa_ca_file.read_bytes()
    store.record(
        actor,
        "evidence.export",
        f"case {case.id} pack: {len(sightings)} sightings, {len(kept)} media, role {role}; "
        f"documents sha256 {_documents_digest(files)}",
        bank=bank,
        entry_id=entry_id,
    )
    custody.make_checkpoint(store, settings, actor=actor)
    records = custody.case_records(store, bank, entry_id)
    covering, proofs = _proofs(store, records)
    manifest_checkpoints = []
    for checkpoint in covering:
        files[f"checkpoints/{checkpoint.id}.txt"] = checkpoint.statement.encode()
        if checkpoint.token:
            files[f"checkpoints/{checkpoint.id}.tsr"] = checkpoint.token
        manifest_checkpoints.append(
            {
                "id": checkpoint.id,
                "statement": f"checkpoints/{checkpoint.id}.txt",
                "token": f"checkpoints/{checkpoint.id}.tsr" if checkpoint.token else None,
            }
        )
    manifest = {
        "schema": SCHEMA,
        "case": case_facts,
        "generated_at": generated_at,
        "rempart_version": __version__,
        "language": lang,
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
        "records": [
            {**record.as_json(), "checkpoint": checkpoint_id, "proof": proof}
            for record, (checkpoint_id, proof) in zip(records, proofs)
        ],
        "checkpoints": manifest_checkpoints,
    }
    files["manifest.json"] = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
    files["SHA256SUMS"] = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())
    ).encode()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
    partial.chmod(0o600)
    partial.replace(out)
    return PackSummary(
        out,
        len(sightings),
        len(kept),
        len(records),
        len(covering),
        sum(bool(c.token) for c in covering),
    )


def _proofs(
    store: Store, records: list[custody.LogRecord]
) -> tuple[list[custody.Checkpoint], list[tuple[int, list[tuple[str, str]]]]]:
    """The checkpoints that cover ``records`` and, per record, (checkpoint id, inclusion path)."""
    all_checkpoints = [(c, c.parsed) for c in custody.checkpoints(store)]  # parsed once
    covering: dict[int, custody.Checkpoint] = {}
    leaves: dict[int, list[str]] = {}
    proofs = []
    for record in records:
        checkpoint, statement = next(
            (
                (c, parsed)
                for c, parsed in all_checkpoints
                if parsed.first_seq <= record.seq <= parsed.last_seq
            ),
            (None, None),
        )
        if checkpoint is None or statement is None:
            raise EvidenceError(f"record {record.seq} is not under any checkpoint yet")
        if checkpoint.id not in leaves:
            leaves[checkpoint.id] = [
                r.hash for r in custody.records(store, statement.first_seq, statement.last_seq)
            ]
        covering[checkpoint.id] = checkpoint
        index = record.seq - statement.first_seq
        proofs.append((checkpoint.id, inclusion_proof(leaves[checkpoint.id], index)))
    return sorted(covering.values(), key=lambda c: c.id), proofs


VERIFY_TEXT = (
    "How to check this evidence pack without Rempart / Vérifier ce dossier sans Rempart\n"
    "==================================================================================\n\n"
    "1. Every member is intact / Chaque fichier est intact:\n\n"
    "    sha256sum -c SHA256SUMS\n\n"
    "2. The custody log's checkpoints were signed by a time-stamp authority (RFC 3161).\n"
    "   TSA-CA.pem is the authority's CA certificate, obtained from the authority itself\n"
    "   (checkpoints/tsa-ca.pem is a copy for convenience, not a trust anchor):\n\n"
    "    for token in checkpoints/*.tsr; do\n"
    '      openssl ts -verify -data "${token%.tsr}.txt" -in "$token" -CAfile TSA-CA.pem\n'
    "    done\n\n"
    "   (no .tsr file: the deployment had no time-stamp authority / pas d'horodatage)\n\n"
    '3. What the signed statements prove (manifest.json, "records"):\n'
    '   - each record\'s hash is SHA-256( prev_hash + "\\n" + canonical JSON of\n'
    "     {seq, at, actor, action, bank, entry, detail} with sorted keys, no spaces, UTF-8 );\n"
    '   - its "proof" leads from SHA-256(0x00 || hash) to the checkpoint\'s merkle-root,\n'
    "     combining SHA-256(0x01 || left || right) up the tree (RFC 6962);\n"
    '   - "evidence.preserve" records name each sighting file\'s SHA-256 ("record sha256")\n'
    '     and each media file\'s SHA-256 ("media sha256");\n'
    '   - the "evidence.export" record names the SHA-256 of the sorted `sha256sum` lines of\n'
    '     report.pdf, notices/*.txt and this file ("documents sha256").\n\n'
    "   `rempart evidence verify pack.zip` performs every step and names what fails.\n"
)


@dataclass
class PackReport:
    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _read_members(path: Path) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise EvidenceBrokenError(f"{path.name}: not a readable zip archive") from exc
    members: dict[str, bytes] = {}
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PACK_MEMBERS:
            raise EvidenceBrokenError(f"{path.name}: too many members for a pack")
        if sum(info.file_size for info in infos) > MAX_PACK_BYTES:
            raise EvidenceBrokenError(f"{path.name}: its members together are too large")
        for info in infos:
            if info.is_dir():
                continue
            if info.file_size > MAX_MEMBER_BYTES or info.filename in members:
                raise EvidenceBrokenError(f"{info.filename[:80]}: oversized or duplicated member")
            try:
                with archive.open(info) as handle:
                    data = handle.read(MAX_MEMBER_BYTES + 1)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                raise EvidenceBrokenError(f"{info.filename[:80]}: unreadable ({exc})") from exc
            if len(data) > MAX_MEMBER_BYTES or len(data) != info.file_size:
                raise EvidenceBrokenError(f"{info.filename[:80]}: not the size its entry declares")
            members[info.filename] = data
    return members


def verify_pack(path: Path, tsa_ca_file: Path | None = None) -> PackReport:
    """Check a pack offline; the report names every member or record that fails."""
    report = PackReport()
    members = _read_members(path)
    try:
        manifest = json.loads(members["manifest.json"])
        listed: dict[str, str] = manifest["files"]
        records = manifest["records"]
        checkpoints = {c["id"]: c for c in manifest["checkpoints"]}
    except (KeyError, ValueError, TypeError) as exc:
        report.problems.append(f"manifest.json: missing or unreadable ({type(exc).__name__})")
        return report
    sums = {}
    for line in members.get("SHA256SUMS", b"").decode(errors="replace").splitlines():
        digest, _, name = line.partition("  ")
        sums[name] = digest
    for name, data in sorted(members.items()):
        actual = hashlib.sha256(data).hexdigest()
        if name == "SHA256SUMS":
            continue
        if name != "manifest.json" and listed.get(name) != actual:
            report.problems.append(f"{name}: its SHA-256 is not the one manifest.json lists")
        if sums.get(name) != actual:
            report.problems.append(f"{name}: its SHA-256 is not the one SHA256SUMS lists")
    for name in set(listed) - set(members):
        report.problems.append(f"{name}: listed in manifest.json but missing from the pack")
    roots = tsa.load_roots(tsa_ca_file) if tsa_ca_file else None
    if roots is None and "checkpoints/tsa-ca.pem" in members:
        from cryptography import x509

        roots = x509.load_pem_x509_certificates(members["checkpoints/tsa-ca.pem"])
        report.warnings.append(
            "the TSA's CA was taken from the pack itself: give --tsa-ca with the authority's "
            "own certificate for an independent check"
        )
    statements: dict[int, Statement] = {}
    for checkpoint_id, checkpoint in checkpoints.items():
        text = members.get(checkpoint["statement"], b"").decode(errors="replace")
        try:
            statements[checkpoint_id] = Statement.parse(text)
        except ValueError:
            report.problems.append(f"{checkpoint['statement']}: not an intact checkpoint statement")
            continue
        if checkpoint.get("token"):
            token = members.get(checkpoint["token"])
            if token is None:
                report.problems.append(f"{checkpoint['token']}: missing")
                continue
            try:
                when = tsa.check_token(token, text.encode(), roots)
                report.checked.append(f"checkpoint {checkpoint_id}: time-stamped {when}")
                if roots is None:
                    report.warnings.append(
                        f"checkpoint {checkpoint_id}: the token's signer was not checked "
                        "(no TSA CA given)"
                    )
            except EvidenceBrokenError as exc:
                report.problems.append(f"{checkpoint['token']}: {exc}")
        else:
            report.warnings.append(f"checkpoint {checkpoint_id}: not time-stamped")
    named_records, named_media, named_documents = set(), set(), set()
    for record in records:
        seq = record.get("seq")
        recomputed = record_hash(
            record["prev_hash"],
            seq,
            record["at"],
            record["actor"],
            record["action"],
            record["bank"],
            record["entry"],
            record["detail"],
        )
        if recomputed != record["hash"]:
            report.problems.append(f"log record {seq}: its content does not give its hash")
            continue
        statement = statements.get(record["checkpoint"])
        if statement is None or not statement.first_seq <= seq <= statement.last_seq:
            report.problems.append(f"log record {seq}: not covered by an intact checkpoint")
            continue
        if root_from_proof(record["hash"], record["proof"]) != statement.root:
            report.problems.append(
                f"log record {seq}: its proof does not lead to the checkpoint root"
            )
            continue
        if record["action"] == "evidence.preserve":
            named_records.update(_RECORD_SHA.findall(record["detail"]))
            named_media.update(_MEDIA_SHA.findall(record["detail"]))
        if record["action"] == "evidence.export":
            named_documents.update(_DERIVED_SHA.findall(record["detail"]))
    for name, data in members.items():
        digest = hashlib.sha256(data).hexdigest()
        if name.startswith("sightings/") and digest not in named_records:
            report.problems.append(f"{name}: no proved log record names this sighting")
        if name.startswith("media/") and digest not in named_media:
            report.problems.append(f"{name}: no proved log record names this file")
    missing = [name for name in DERIVED if name not in members]
    if missing:
        report.problems.append(f"{', '.join(missing)}: missing from the pack")
    elif _documents_digest(members) not in named_documents:
        report.problems.append(
            f"{', '.join(_documents(members))}: not the documents the export's log record names"
        )
    report.checked.append(f"{len(records)} log records, {len(statements)} checkpoints")
    return report
