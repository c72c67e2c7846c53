"""`rempart` command: fingerprint, bank, match, bench, demo."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Optional

import typer

from rempart.cli import bank as bank_cli
from rempart.cli import bench as bench_cli
from rempart.cli.common import console, err_console, open_store, progress, settings
from rempart.errors import RempartError
from rempart.i18n import t
from rempart.index.matcher import Matcher
from rempart.signals.fingerprint import FingerprintFailure, expand_paths, fingerprint_many

cli = typer.Typer(
    help="Rempart: find re-shared copies of registered photos / retrouver les copies de photos enregistrées.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
cli.add_typer(bank_cli.app, name="bank")
cli.add_typer(bench_cli.app, name="bench")


@cli.command()
def fingerprint(
    paths: Annotated[list[Path], typer.Argument(help="Photos, videos or folders.")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write JSON lines here (default: stdout).")] = None,
) -> None:
    """Compute fingerprints on this device; writes hashes only, never the media / Calculer les empreintes sur cet appareil."""
    files = expand_paths(paths)
    handle = output.open("w", encoding="utf-8") if output else sys.stdout
    done = failed = 0
    try:
        with progress() as bar:
            task = bar.add_task("fingerprinting", total=len(files))
            for result in fingerprint_many(files, settings(), register=True):
                bar.advance(task)
                if isinstance(result, FingerprintFailure):
                    failed += 1
                    err_console.print(t("file_failed", path=result.path, reason=result.reason), highlight=False)
                    continue
                handle.write(result.to_json() + "\n")
                done += 1
    finally:
        if output:
            handle.close()
    err_console.print(t("fingerprinted", count=done, failed=failed))
    if failed:
        raise typer.Exit(1)


@cli.command()
def match(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to check.")],
    bank: Annotated[Optional[list[str]], typer.Option("--bank", "-b", help="Bank(s) to match against (default: all).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file.")] = False,
) -> None:
    """Check files against banks / Vérifier des fichiers contre les banques."""
    files = expand_paths(paths)
    conf = settings()
    with open_store() as store:
        matcher = Matcher(store, conf, bank)
        matched = failed = 0
        with progress() as bar:
            task = bar.add_task("matching", total=len(files))
            for path, result in zip(files, fingerprint_many(files, conf)):
                bar.advance(task)
                if isinstance(result, FingerprintFailure):
                    failed += 1
                    if as_json:
                        print(json.dumps({"file": str(path), "error": result.reason}, ensure_ascii=False))
                    else:
                        err_console.print(t("file_failed", path=path, reason=result.reason), highlight=False)
                    continue
                found = matcher.match(result)
                matched += bool(found)
                if as_json:
                    print(json.dumps({"file": str(path), "matches": [asdict(m) for m in found]}, ensure_ascii=False))
                elif not found:
                    console.print(t("no_match", path=path), highlight=False)
                for m in [] if as_json else found:
                    console.print(
                        t("match_line", path=path, bank=m.bank, entry=m.entry_id, label=m.label, signal=m.signal, distance=m.distance),
                        highlight=False,
                    )
    err_console.print(t("match_summary", files=len(files), matched=matched, failed=failed))
    if failed:
        raise typer.Exit(1)


@cli.command()
def demo(
    directory: Annotated[Path, typer.Option("--dir", help="Where to write the sample images.")] = Path("demo-data"),
) -> None:
    """Run a short demo: make sample photos, bank them, match altered copies / Démonstration."""
    from rempart.demo import run_demo

    run_demo(directory, settings(), console)


def app() -> None:
    """Entry point: run the CLI, turning Rempart errors into a message and exit code 1."""
    try:
        cli()
    except RempartError as exc:
        err_console.print(t("error", message=str(exc)), style="red", highlight=False)
        sys.exit(1)
