"""`rempart bank …`: create, list, add to, import into and withdraw from banks."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from rempart.cli.common import HashingRun, console, err_console, fail, open_store, settings
from rempart.i18n import t, terminal_safe
from rempart.signals import vpdq
from rempart.signals.fingerprint import check_submitted, read_fingerprints
from rempart.store import Consent
from rempart.store.bankfile import read_bank_file

app = typer.Typer(
    help="Manage banks of fingerprints / Gérer les banques d'empreintes.", no_args_is_help=True
)


@app.command("create")
def create(
    name: str,
    threshold: Annotated[
        Optional[int], typer.Option(help="PDQ match threshold (default 31).")
    ] = None,
    description: Annotated[str, typer.Option(help="What the bank is for.")] = "",
) -> None:
    """Create an empty bank / Créer une banque vide."""
    with open_store() as store:
        bank = store.create_bank(name, description=description, pdq_threshold=threshold)
    console.print(t("bank_created", name=bank.name, threshold=bank.pdq_threshold))


@app.command("list")
def list_banks(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List banks with their counts / Lister les banques."""
    with open_store() as store:
        banks = store.list_banks()
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "name": b.name,
                        "pdq_threshold": b.pdq_threshold,
                        "active_entries": b.active_entries,
                        "withdrawn_entries": b.withdrawn_entries,
                        "fingerprints": b.fingerprints,
                        "description": b.description,
                    }
                    for b in banks
                ],
                ensure_ascii=False,
            )
        )
        return
    if not banks:
        console.print(t("no_banks"))
    for b in banks:
        console.print(
            f"{terminal_safe(b.name)}\tthreshold={b.pdq_threshold}\tentries={b.active_entries}\twithdrawn={b.withdrawn_entries}\tfingerprints={b.fingerprints}"
        )


@app.command("entries")
def entries(name: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List a bank's entries (no fingerprint values) / Lister les entrées d'une banque."""
    with open_store() as store:
        rows = store.list_entries(name)
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "id": e.id,
                        "label": e.label,
                        "kind": e.kind,
                        "external_id": e.external_id,
                        "consent_basis": e.consent_basis,
                        "created_at": e.created_at.isoformat(),
                        "withdrawn_at": e.withdrawn_at.isoformat() if e.withdrawn_at else None,
                    }
                    for e in rows
                ],
                ensure_ascii=False,
            )
        )
        return
    for e in rows:
        state = "withdrawn" if e.withdrawn_at else "active"
        console.print(f"{e.id}\t{state}\t{terminal_safe(e.kind)}\t{terminal_safe(e.label)}")


@app.command("add")
def add(
    name: str,
    paths: Annotated[
        Optional[list[Path]], typer.Argument(help="Photos, videos or folders.")
    ] = None,
    fingerprints: Annotated[
        Optional[Path],
        typer.Option("--fingerprints", "-f", help="JSON-lines file from `rempart fingerprint`."),
    ] = None,
    consent_basis: Annotated[str, typer.Option(help="self, caseworker, legal-request…")] = "self",
    recorded_by: Annotated[str, typer.Option(help="Who recorded the consent.")] = "",
    minor: Annotated[
        bool,
        typer.Option(
            "--minor",
            help="She is under 18: no picture of her cases is kept or shown / Personne mineure.",
        ),
    ] = False,
) -> None:
    """Register photos (hashed here) or a fingerprint file in a bank / Enregistrer des photos
    dans une banque."""
    run: HashingRun | None = None
    if fingerprints is not None:
        try:
            with fingerprints.open(encoding="utf-8") as handle:
                prints = list(read_fingerprints(handle))
            for number, fingerprint in enumerate(
                prints, start=1
            ):  # nothing Rempart would not compute itself
                check_submitted(
                    fingerprint,
                    settings(),
                    registering=True,
                    where=f"{fingerprints}: fingerprint {number}",
                )
        except OSError as exc:
            fail(f"{fingerprints}: {exc.strerror}")
        provenance = f"fingerprints:{fingerprints.name}"
    elif paths:
        run = HashingRun(paths, settings(), register=True, label="hashing")
        prints = [fingerprint for _path, fingerprint in run]
        provenance = "files"
    else:
        fail(t("nothing_to_add"))
        return
    with open_store() as store:
        result = store.add_fingerprints(
            name, prints, consent=Consent(consent_basis, recorded_by), provenance=provenance
        )
        if minor:
            from rempart.evidence.vault import Cases

            for entry_id in result.added + result.already_present:
                Cases(store).mark_minor(name, entry_id, actor="cli")
    console.print(
        t("entries_added", count=len(result.added), bank=name, present=len(result.already_present))
    )
    if run is not None:
        run.exit_if_failed()


@app.command("import")
def import_bank(name: str, file: Path) -> None:
    """Import PDQ, video MD5 and vPDQ hashes from a StopNCII/HMA/threatexchange CSV or JSON file /
    Importer des empreintes PDQ, MD5 vidéo et vPDQ."""
    parsed = read_bank_file(file)
    with open_store() as store:
        result = store.import_values(name, parsed.values, provenance=f"import:{file.name}")
        videos = store.import_videos(
            name,
            [
                (
                    external_id,
                    vpdq.as_frame_values(vpdq.parse(value)),
                    hashlib.sha256(value.encode()).hexdigest(),
                )
                for external_id, value in parsed.videos
            ],
            provenance=f"import:{file.name}",
        )
    console.print(
        t(
            "imported",
            count=len(result.added) + len(videos.added),
            bank=name,
            present=len(result.already_present) + len(videos.already_present),
        )
    )
    if parsed.skipped:
        err_console.print(
            t(
                "skipped_types",
                detail=", ".join(f"{k}={v}" for k, v in sorted(parsed.skipped.items())),
            )
        )


@app.command("withdraw")
def withdraw(
    name: str,
    entry: int,
    delete_evidence: Annotated[
        bool,
        typer.Option(
            "--delete-evidence",
            help="Also destroy her preserved evidence (its case key) / Détruire aussi ses preuves.",
        ),
    ] = False,
) -> None:
    """Withdraw an entry: its fingerprints are deleted / Retirer une entrée : ses empreintes sont
    supprimées."""
    from rempart.evidence.vault import destroy_evidence

    with open_store() as store:
        deleted = store.withdraw(name, entry)
        destroyed = (
            destroy_evidence(store, settings(), entry, actor="cli", why="withdrawal")
            if delete_evidence
            else None
        )
    console.print(t("withdrawn", entry=entry, bank=name, count=deleted))
    if destroyed is not None:
        console.print(t("evidence_destroyed", count=destroyed))
