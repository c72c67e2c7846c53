"""`rempart evidence …`: verify the custody log or a pack, export a case's pack, make a checkpoint,
mark a case as a minor's."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from rempart.cli.common import console, err_console, fail, open_store, settings
from rempart.evidence import custody
from rempart.evidence.pack import export_pack, verify_pack
from rempart.evidence.vault import Cases
from rempart.i18n import t, terminal_safe

app = typer.Typer(
    help="Preserved evidence: packs, custody log / Preuves conservées : dossiers, journal.",
    no_args_is_help=True,
)


@app.command("verify")
def verify(
    pack: Annotated[
        Optional[Path],
        typer.Argument(help="A pack.zip to check offline; none: the store's custody log."),
    ] = None,
    tsa_ca: Annotated[
        Optional[Path],
        typer.Option("--tsa-ca", help="The time-stamp authority's CA certificate (PEM)."),
    ] = None,
) -> None:
    """Check the custody log's chain and checkpoints, or a pack / Vérifier le journal ou un
    dossier."""
    if pack is not None:
        report = verify_pack(pack, tsa_ca or settings().tsa_ca_file)
        for line in report.checked:
            console.print(terminal_safe(line), highlight=False)
        for line in report.warnings:
            err_console.print(t("evidence_warning", message=terminal_safe(line)), highlight=False)
        if not report.ok:
            for line in report.problems:
                err_console.print(t("evidence_broken", message=terminal_safe(line)), style="red")
            raise typer.Exit(1)
        console.print(t("pack_verified", pack=pack.name))
        return
    current = (
        settings() if tsa_ca is None else settings().model_copy(update={"tsa_ca_file": tsa_ca})
    )
    with open_store() as store:
        result = custody.verify_store(store, current)
    if not result.ok:
        for line in result.problems:
            err_console.print(t("evidence_broken", message=line), style="red")
        raise typer.Exit(1)
    console.print(
        t(
            "chain_verified",
            records=result.records,
            checkpoints=result.checkpoints,
            stamped=result.stamped,
        )
    )


@app.command("export")
def export(
    bank: str,
    entry: int,
    output: Annotated[Path, typer.Option("--output", "-o", help="The pack to write (.zip).")],
    no_media: Annotated[
        bool, typer.Option("--no-media", help="Leave the preserved files out / Sans les fichiers.")
    ] = False,
    lang: Annotated[
        str, typer.Option("--lang", help="fr or en (the report and the DSA notice).")
    ] = "fr",
) -> None:
    """Write a case's court-ready pack / Écrire le dossier de preuve d'un cas."""
    if lang not in {"fr", "en"}:
        fail(t("bad_language"))
    with open_store() as store:
        summary = export_pack(
            store, settings(), bank, entry, output, lang=lang, with_media=not no_media
        )
    console.print(
        t(
            "pack_written",
            path=summary.path,
            sightings=summary.sightings,
            media=summary.media,
            records=summary.records,
            stamped=summary.stamped,
            checkpoints=summary.checkpoints,
        )
    )


@app.command("checkpoint")
def checkpoint() -> None:
    """Seal the custody log's latest records under a checkpoint (time-stamped when
    REMPART_TSA_URL is set) / Sceller les derniers enregistrements du journal."""
    with open_store() as store:
        made = custody.make_checkpoint(store, settings())
    if made is None:
        console.print(t("checkpoint_none"))
        return
    statement = made.parsed
    console.print(
        t(
            "checkpoint_made",
            first=statement.first_seq,
            last=statement.last_seq,
            root=statement.root,
            stamped=t("yes") if made.token else t("no"),
        )
    )


@app.command("minor")
def minor(bank: str, entry: int) -> None:
    """Mark a case as a minor's: no picture of it is kept or shown / Marquer un cas comme celui
    d'une personne mineure."""
    with open_store() as store:
        store.get_entry(entry)
        Cases(store).mark_minor(bank, entry, actor="cli")
    console.print(t("case_minor", bank=bank, entry=entry))
