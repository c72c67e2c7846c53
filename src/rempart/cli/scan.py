"""`rempart scan`, `rempart rescan` and `rempart sample-export`: the investigator's commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from rempart.cli.common import console, err_console, open_store, progress, settings
from rempart.i18n import t

if TYPE_CHECKING:  # imported lazily at run time: the scan stack is heavy for other commands
    from rempart.investigate.intelligence import Intelligence
    from rempart.investigate.linking import Investigation


def scan(
    archives: Annotated[
        list[Path],
        typer.Argument(help="DiscordChatExporter JSON exports, folders or zip archives."),
    ],
    bank: Annotated[
        Optional[list[str]],
        typer.Option(
            "--bank",
            "-b",
            help="Bank(s) to match against (repeat for several); default: every bank in the "
            "store, none needed for the signals, risks and rebirths.",
        ),
    ] = None,
    report: Annotated[
        Optional[Path], typer.Option("--report", help="Write a self-contained HTML report here.")
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print the linked results (cases, actors, servers, signals, rebirths) as JSON.",
        ),
    ] = False,
    download: Annotated[
        bool,
        typer.Option(
            "--download", help="Fetch media exported as URLs, from Discord's CDN hosts only."
        ),
    ] = False,
    no_media: Annotated[
        bool, typer.Option("--no-media", help="Leave the matched pictures out of the report.")
    ] = False,
) -> None:
    """Scan exported servers for registered photos; resumable / Analyser des serveurs exportés.

    Exit code 1 if any input, export or media file could not be read (each is reported and the
    scan goes on); media exported only as URLs are "not available", not a failure.
    """
    from rempart.investigate.intelligence import queue_signals, server_intelligence
    from rempart.investigate.linking import investigate
    from rempart.investigate.runner import scan_archives

    conf = settings()
    bank = bank or []
    with open_store() as store:
        for name in bank:
            store.get_bank(name)  # a wrong bank name fails before any work
        with progress() as bar:
            task = bar.add_task(t("scanning"), total=None)
            summary = scan_archives(
                archives,
                bank,
                store,
                conf,
                download=download,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        for name, reason in summary.failed_exports:
            err_console.print(
                t("export_failed", name=name, reason=reason), style="yellow", highlight=False
            )
        err_console.print(
            t(
                "scan_summary",
                exports=len(summary.exports),
                media=summary.media_seen,
                resumed=summary.media_skipped_as_done,
                hashed=summary.media_hashed,
                unavailable=summary.media_unavailable,
                failed=summary.media_failed,
                matches=summary.new_matches,
            ),
            highlight=False,
        )
        findings = investigate(store, bank, summary.message_ids)
        intelligence = server_intelligence(store, summary.message_ids)
        queue_signals(store, intelligence, source="scan", actor="cli")
        _emit(findings, report, as_json, not no_media, intelligence)
    # unpacked zips and downloads are evidence in clear: not kept once reported
    summary.remove_copies()
    if (
        summary.failed_exports or summary.media_failed or findings.summary["media_failed"]
    ):  # this run's, or recorded by an earlier one
        raise typer.Exit(1)


def rescan(
    bank: Annotated[
        list[str],
        typer.Option("--bank", "-b", help="Bank(s) to check everything already scanned against."),
    ],
    report: Annotated[
        Optional[Path], typer.Option("--report", help="Write a self-contained HTML report here.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the linked results as JSON.")
    ] = False,
    no_media: Annotated[
        bool, typer.Option("--no-media", help="Leave the matched pictures out of the report.")
    ] = False,
) -> None:
    """Check stored scan fingerprints against banks, without re-reading media / Revérifier sans
    relire les médias."""
    from rempart.evidence.custody import make_checkpoint
    from rempart.evidence.preserve import Preserver
    from rempart.index.matcher import Matcher
    from rempart.investigate.intelligence import server_intelligence
    from rempart.investigate.linking import investigate
    from rempart.investigate.preserving import preserve_recorded
    from rempart.store.scans import ScanStore

    conf = settings()
    with open_store() as store:
        matcher = Matcher(store, conf, bank)
        scans = ScanStore(store)
        new = checked = 0
        preserver = Preserver(store, conf)
        for file_id, fingerprint in scans.hashed_files(actor="cli:rescan"):
            checked += 1
            matches = matcher.match(fingerprint)
            added = scans.add_matches(file_id, matches, "rescan")
            if added:  # preserved while the exported file can still be read
                preserve_recorded(
                    store, conf, file_id, matches, actor="cli:rescan", preserver=preserver
                )
            new += added
        make_checkpoint(store, conf, actor="cli:rescan")
        err_console.print(t("rescan_summary", files=checked, matches=new), highlight=False)
        _emit(
            investigate(store, bank),
            report,
            as_json,
            not no_media,
            server_intelligence(store, actor="cli:rescan"),
        )


def sample_export(
    directory: Annotated[
        Path, typer.Argument(help="Where to write the synthetic exports and victims' photos.")
    ],
    seed: Annotated[int, typer.Option(help="Different seeds give different sets.")] = 1,
    servers: Annotated[int, typer.Option(help="How many servers.")] = 3,
) -> None:
    """Write a synthetic DiscordChatExporter set to try `rempart scan` on / Jeu d'essai
    synthétique."""
    from rempart.sources.synthetic import make_export_set

    manifest = make_export_set(directory, seed=seed, servers=servers, intel=True)
    console.print(
        t(
            "sample_written",
            exports=len(manifest.exports),
            photos=directory / "victim-photos",
            folder=directory / "exports",
        ),
        highlight=False,
    )


def _emit(
    findings: Investigation,
    report: Path | None,
    as_json: bool,
    with_media: bool,
    intelligence: Intelligence,
) -> None:
    from rempart.investigate.report import results_as_dict, write_report

    if report is not None:
        write_report(findings, report, settings(), with_media=with_media, intelligence=intelligence)
        err_console.print(t("report_written", path=report), highlight=False)
    if as_json:
        print(
            json.dumps(
                results_as_dict(findings, intelligence), ensure_ascii=False, indent=2, default=str
            )
        )
    elif report is None:
        for case in findings.cases:
            console.print(
                t(
                    "case_line",
                    bank=case.bank,
                    entry=case.entry_id,
                    label=case.label,
                    posts=len(case.sightings),
                    servers=len(case.servers),
                    authors=len(case.authors),
                ),
                highlight=False,
            )
