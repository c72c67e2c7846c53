"""`rempart` command: fingerprint, bank, match, bench, demo."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Optional

import typer

from rempart import __version__
from rempart.cli import bank as bank_cli
from rempart.cli import bench as bench_cli
from rempart.cli import bot as bot_cli
from rempart.cli import evidence as evidence_cli
from rempart.cli import exchange as exchange_cli
from rempart.cli import intel as intel_cli
from rempart.cli import scan as scan_cli
from rempart.cli import serve as serve_cli
from rempart.cli.common import HashingRun, console, err_console, fail, open_store, settings
from rempart.errors import RempartError
from rempart.i18n import t
from rempart.index.matcher import Matcher
from rempart.private_files import PrivateReplacement
from rempart.store.values import Match

cli = typer.Typer(
    help=(
        "Rempart: find re-shared copies of registered photos / retrouver les copies de photos "
        "enregistrées."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _version(shown: bool) -> None:
    if shown:
        print(f"rempart {__version__}")
        raise typer.Exit()


@cli.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the version and exit / Version.",
        ),
    ] = False,
) -> None:
    """Rempart: find re-shared copies of registered photos / retrouver les copies de photos
    enregistrées."""


cli.add_typer(bank_cli.app, name="bank")
cli.add_typer(bench_cli.app, name="bench")
cli.add_typer(evidence_cli.app, name="evidence")
cli.add_typer(exchange_cli.app, name="exchange")
cli.add_typer(intel_cli.app, name="intel")
cli.command("scan")(scan_cli.scan)
cli.command("rescan")(scan_cli.rescan)
cli.command("sample-export")(scan_cli.sample_export)
cli.command("serve")(serve_cli.serve)
cli.command("bot")(bot_cli.bot)
cli.add_typer(serve_cli.keys_app, name="key")


@cli.command()
def fingerprint(
    paths: Annotated[list[Path], typer.Argument(help="Photos, videos or folders.")],
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", help="Write JSON lines here (default: stdout)."),
    ] = None,
    no_names: Annotated[
        bool,
        typer.Option(
            "--no-names",
            help="Label entries photo-1, photo-2… instead of file names / sans noms de fichiers.",
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace an existing --output file / Remplacer le fichier existant."
        ),
    ] = False,
) -> None:
    """Compute fingerprints on this device; writes hashes only, never the media / Calculer les
    empreintes sur cet appareil.

    With --output, the file (readable by you only) appears once the run has produced fingerprints;
    an existing file is replaced only with --force, and never by a run where every file failed.
    Exit code 1 if any file could not be read.
    """
    if output is not None and output.exists() and not force:
        fail(t("output_exists", path=output))
    run = HashingRun(paths, settings(), register=True, label="fingerprinting")
    target = (
        PrivateReplacement(output) if output else None
    )  # fingerprints and file names: hers alone
    handle = target.handle if target else sys.stdout
    done = 0
    try:
        for _path, fingerprint in run:
            done += 1
            if no_names:
                fingerprint = replace(fingerprint, source=f"photo-{done}")
            handle.write(fingerprint.to_json() + "\n")
    except BaseException:
        if target:
            target.discard()
        raise
    if target:
        target.commit() if done else target.discard()
    err_console.print(t("fingerprinted", count=done, failed=run.failed))
    run.exit_if_failed()


@cli.command()
def match(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to check.")],
    bank: Annotated[
        Optional[list[str]],
        typer.Option("--bank", "-b", help="Bank(s) to match against (default: all)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file.")] = False,
) -> None:
    """Check files against banks / Vérifier des fichiers contre les banques.

    Exit code 1 if any file could not be read (each is reported; the others are still checked).
    """
    conf = settings()
    run = HashingRun(paths, conf, register=False, label="matching", json_errors=as_json)
    matched = 0
    with open_store() as store:
        if not store.bank_thresholds():
            fail(t("no_banks"))
        matcher = Matcher(store, conf, bank)
        for path, fingerprint in run:
            found = matcher.match(fingerprint, with_labels=True)
            matched += bool(found)
            if as_json:
                print(
                    json.dumps(
                        {"file": str(path), "matches": [m._asdict() for m in found]},
                        ensure_ascii=False,
                    )
                )
                continue
            if not found:
                console.print(t("no_match", path=path), highlight=False)
            for m in found:
                console.print(
                    t(
                        "match_line",
                        path=path,
                        bank=m.bank,
                        entry=m.entry_id,
                        label=m.label,
                        signal=m.signal,
                        strength=_strength(m),
                    ),
                    highlight=False,
                )
    err_console.print(t("match_summary", files=len(run.files), matched=matched, failed=run.failed))
    run.exit_if_failed()


def _strength(match: Match) -> str:
    """How sure: inliers or distance, and for videos how many sampled frames matched."""
    strength = (
        f"inliers={match.inliers}" if match.inliers is not None else f"distance={match.distance}"
    )
    if match.frames is not None:
        strength += f" frames={match.frames[0]}/{match.frames[1]}"
    return strength


@cli.command()
def demo(
    directory: Annotated[
        Path, typer.Option("--dir", help="Where to write the sample images.")
    ] = Path("demo-data"),
) -> None:
    """Run a short demo: make sample photos, bank them, match altered copies / Démonstration.

    Exits 1 when a copy is missed or a stranger matches: the demo is also a smoke test."""
    from rempart.demo import run_demo

    if not run_demo(directory, settings(), console):
        raise typer.Exit(1)


def app() -> None:
    """Entry point: run the CLI, turning Rempart errors into a message and exit code 1."""
    try:
        cli()
    except RempartError as exc:
        err_console.print(t("error", message=str(exc)), style="red", highlight=False)
        sys.exit(1)
