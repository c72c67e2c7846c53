"""`rempart scan`: read exports, hash every picture and video they show, match, record — resumably.

Work is recorded one media reference at a time (with its file's fingerprint and matches, in one
transaction); a rerun skips what is recorded, so a killed scan resumes without losing or
repeating work. A file shown in many messages is hashed once (found again by content). Media
that cannot be read are recorded with the reason and the scan goes on. Nothing is fetched from
the internet unless ``download`` is set, and then only through ``rempart.sources.fetch``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rempart.errors import ImportFormatError, MediaError
from rempart.index.matcher import Matcher
from rempart.settings import Settings
from rempart.signals.fingerprint import fingerprint_file
from rempart.signals.sha256 import sha256_file
from rempart.sources.archive import ExportFile, ZipLimits, collect_exports
from rempart.sources.discord_export import ChannelExport, MediaRef, Message, iter_media, read_export
from rempart.sources.fetch import fetch_media
from rempart.store import Store
from rempart.store.scans import ScanStore

Progress = Callable[[int, int], None]


@dataclass
class ScanSummary:
    exports: list[str] = field(default_factory=list)
    failed_exports: list[tuple[str, str]] = field(default_factory=list)
    messages_added: int = 0
    media_seen: int = 0
    media_skipped_as_done: int = 0
    media_hashed: int = 0
    media_unavailable: int = 0
    media_failed: int = 0
    files_hashed: int = 0
    new_matches: int = 0
    #: Every message the scanned inputs hold (what a report of this scan shows, already stored or not).
    message_ids: set[str] = field(default_factory=set)
    #: Copies made for the scan (unpacked zips, downloads): evidence in clear, to delete when done.
    work_dirs: list[Path] = field(default_factory=list)

    def remove_copies(self) -> None:
        """Delete the unpacked and downloaded copies (the report has embedded what it shows)."""
        for folder in self.work_dirs:
            shutil.rmtree(folder, ignore_errors=True)


def scan_archives(
    inputs: Sequence[Path],
    banks: Sequence[str],
    store: Store,
    settings: Settings,
    *,
    download: bool = False,
    progress: Progress | None = None,
    actor: str = "cli",
) -> ScanSummary:
    """Scan every export under ``inputs`` against ``banks``; returns what was done."""
    scans = ScanStore(store)
    matcher = Matcher(store, settings, list(banks))
    work = settings.data_dir / "scan-work"
    exports = collect_exports(list(inputs), work / "unpacked", ZipLimits(settings.max_zip_members, settings.max_zip_bytes))
    summary = ScanSummary(exports=[e.name for e in exports], work_dirs=[work / "unpacked", work / "downloads"])
    run_id = scans.start_run(banks, len(exports), actor)
    parsed: list[tuple[ExportFile, ChannelExport]] = []
    for export_file in exports:
        try:
            export = read_export(export_file.path, export_file.root, max_bytes=settings.max_export_bytes)
        except ImportFormatError as exc:
            summary.failed_exports.append((export_file.name, str(exc)))
            continue
        parsed.append((export_file, export))
        summary.message_ids.update(m.id for m in export.messages)
    total = sum(len(m.media) for _, export in parsed for m in export.messages)
    status = "interrupted"
    try:
        for export_file, export in parsed:
            summary.messages_added += scans.save_messages(_message_rows(export_file, export))
            recorded = scans.recorded_positions([m.id for m in export.messages])
            for message, position, ref in iter_media(export):
                summary.media_seen += 1
                if (message.id, position) in recorded:
                    summary.media_skipped_as_done += 1
                else:
                    _scan_one(scans, matcher, settings, message, position, ref, summary, download, work / "downloads", export_file.root)
                if progress:
                    progress(summary.media_seen, total)
        status = "finished"
    finally:
        scans.finish_run(run_id, status)
    return summary


def _scan_one(
    scans: ScanStore,
    matcher: Matcher,
    settings: Settings,
    message: Message,
    position: int,
    ref: MediaRef,
    summary: ScanSummary,
    download: bool,
    downloads: Path,
    root: Path,
) -> None:
    details: dict[str, Any] = {
        "source": ref.source,
        "file_name": ref.file_name,
        "size_bytes": ref.size_bytes,
        "local_path": str(ref.local_path) if ref.local_path else None,
        #: Where the file must still be, and what it must still hash to, for /evidence to serve it.
        "export_root": str(root.resolve()),
    }
    path = ref.local_path
    if path is None and ref.is_remote and download:
        try:
            path = fetch_media(ref.source, downloads, settings)
            details["local_path"], details["export_root"] = str(path), str(downloads.resolve())
        except MediaError as exc:
            summary.media_unavailable += 1
            scans.record_media(message.id, position, ref.role, details, status="unavailable", reason=str(exc))
            return
    if path is None:
        summary.media_unavailable += 1
        scans.record_media(message.id, position, ref.role, details, status="unavailable", reason=ref.unavailable_reason)
        return
    try:
        content_sha256 = sha256_file(path)
    except OSError as exc:
        summary.media_failed += 1
        scans.record_media(message.id, position, ref.role, details, status="failed", reason=f"unreadable file: {exc.strerror}")
        return
    details["sha256"] = content_sha256
    known = scans.known_file(content_sha256)
    if known is not None:  # the same file, already hashed (or found unreadable): reuse, do not redo
        file_id, file_status, file_reason = known
        if file_status == "hashed":
            summary.media_hashed += 1
        else:
            summary.media_failed += 1
        scans.record_media(message.id, position, ref.role, details, status=file_status, reason=file_reason, file_id=file_id)
        return
    try:
        fingerprint = fingerprint_file(path, settings)
    except MediaError as exc:
        summary.media_failed += 1
        scans.record_media(
            message.id, position, ref.role, details, status="failed", reason=str(exc),
            new_file=(content_sha256, "unknown", "failed", str(exc), None, []),
        )
        return
    matches = matcher.match(fingerprint)
    summary.media_hashed += 1
    summary.files_hashed += 1
    summary.new_matches += len(matches)
    scans.record_media(
        message.id, position, ref.role, details, status="hashed",
        new_file=(content_sha256, fingerprint.kind, "hashed", "", fingerprint, matches),
    )


def _message_rows(export_file: ExportFile, export: ChannelExport) -> list[tuple[str, str, str, str, Any, str, dict[str, Any]]]:
    rows = []
    for m in export.messages:
        details = {
            "guild_name": export.guild_name,
            "channel_name": export.channel_name,
            "category": export.category,
            "type": m.type,
            "timestamp": m.timestamp,
            "timestamp_edited": m.timestamp_edited,
            "content": m.content,
            "author": {
                "name": m.author.name,
                "discriminator": m.author.discriminator,
                "nickname": m.author.nickname,
                "is_bot": m.author.is_bot,
                "roles": list(m.author.roles),
            },
            "stickers": list(m.stickers),
            "reactions": [list(r) for r in m.reactions],
            "mentions": list(m.mentions),
            "reply_to": m.reply_to,
            "forwarded": m.forwarded,
            "is_pinned": m.is_pinned,
            "media_count": len(m.media),
        }
        rows.append((m.id, export.guild_id, export.channel_id, m.author.id, m.created_at, export_file.name, details))
    return rows
