"""`rempart scan`: read exports, hash every picture and video they show, match, record — resumably.

Work is recorded one media reference at a time (with its file's fingerprint and matches, in one
transaction); a rerun skips what is recorded, so a killed scan resumes without losing or
repeating work. A file shown in many messages is hashed once (found again by content). Media
that cannot be read are recorded with the reason and the scan goes on. Nothing is fetched from
the internet unless ``download`` is set, and then only through ``rempart.sources.fetch``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from rempart.errors import ImportFormatError, MediaError
from rempart.evidence.custody import make_checkpoint
from rempart.evidence.preserve import Preserver, Sighting
from rempart.index.matcher import Matcher
from rempart.media.kinds import read_limited
from rempart.settings import Settings
from rempart.signals.fingerprint import fingerprint_file
from rempart.signals.sha256 import sha256_file
from rempart.sources.archive import ExportFile, ZipLimits, collect_each
from rempart.sources.discord_export import ChannelExport, MediaRef, Message, stream_export
from rempart.sources.fetch import fetch_media
from rempart.store import Store
from rempart.store.scans import ScanStore
from rempart.store.values import Match

Progress = Callable[[int, int | None], None]


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
    #: Every message the scanned inputs hold (what a report of this scan shows, already stored or
    #: not).
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
    """Scan every export under ``inputs`` against ``banks``; returns what was done (see
    `Scanner`)."""
    return Scanner(store, settings, banks, download=download, progress=progress, actor=actor).run(
        inputs
    )


#: Messages parsed, stored and scanned together: memory stays bounded whatever an export's size.
BATCH = 500


class Scanner:
    """One scan run: reads exports, fingerprints their media, matches, records, resumably.

    Each run unpacks and downloads into a folder of its own under ``DATA_DIR/scan-work``, so
    concurrent scans never share or delete each other's copies. The matcher is built from the
    store unless one is given (a long-running process passes its live matcher's current state).
    """

    def __init__(
        self,
        store: Store,
        settings: Settings,
        banks: Sequence[str],
        *,
        matcher: Matcher | None = None,
        download: bool = False,
        progress: Progress | None = None,
        actor: str = "cli",
    ) -> None:
        self.settings = settings
        self.banks = list(banks)
        self.scans = ScanStore(store)
        self.matcher = matcher if matcher is not None else Matcher(store, settings, self.banks)
        self.preserver = Preserver(store, settings)
        self.download = download
        self.progress = progress
        self.actor = actor

    def run(self, inputs: Sequence[Path]) -> ScanSummary:
        """Scan every export under ``inputs``; the summary lists the run's work folder for
        `remove_copies`."""
        parent = self.settings.data_dir / "scan-work"
        parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        work = Path(tempfile.mkdtemp(prefix="run-", dir=parent))
        limits = ZipLimits(self.settings.max_zip_members, self.settings.max_zip_bytes)
        exports, failed_inputs = collect_each(list(inputs), work / "unpacked", limits)
        summary = ScanSummary(
            exports=[e.name for e in exports], failed_exports=failed_inputs, work_dirs=[work]
        )
        run_id = self.scans.start_run(self.banks, len(exports), self.actor)
        status = "interrupted"
        try:
            for export_file in exports:
                try:
                    self._scan_export(export_file, summary, work / "downloads")
                except (
                    ImportFormatError
                ) as exc:  # this export alone: what it held before the fault is recorded
                    summary.failed_exports.append((export_file.name, str(exc)))
            status = "finished"
        finally:
            self.scans.finish_run(run_id, status)
            make_checkpoint(self.scans.store, self.settings, actor=self.actor)
        return summary

    def _scan_export(self, export_file: ExportFile, summary: ScanSummary, downloads: Path) -> None:
        channel, messages = stream_export(
            export_file.path, export_file.root, max_bytes=self.settings.max_export_bytes
        )
        while batch := list(islice(messages, BATCH)):
            summary.message_ids.update(m.id for m in batch)
            summary.messages_added += self.scans.save_messages(
                _message_rows(export_file, channel, batch)
            )
            recorded = self.scans.recorded_positions([m.id for m in batch])
            for number, message in enumerate(batch):
                for position, ref in enumerate(message.media):
                    summary.media_seen += 1
                    if (message.id, position) in recorded:
                        summary.media_skipped_as_done += 1
                    else:
                        around = (
                            *batch[max(0, number - 3) : number],
                            *batch[number + 1 : number + 4],
                        )
                        at = MediaAt(message, position, ref, export_file.root, channel, around)
                        self._scan_one(at, summary, downloads)
                    if self.progress:
                        self.progress(summary.media_seen, None)

    def _scan_one(self, at: MediaAt, summary: ScanSummary, downloads: Path) -> None:
        scans, ref = self.scans, at.ref
        details: dict[str, Any] = {
            "source": ref.source,
            "file_name": ref.file_name,
            "size_bytes": ref.size_bytes,
            "local_path": str(ref.local_path) if ref.local_path else None,
            #: Where the file must still be, and what it must still hash to, for /evidence to serve
            #: it.
            "export_root": str(at.root.resolve()),
        }

        def record(status: str, reason: str = "", **extra: Any) -> None:
            scans.record_media(
                at.message.id, at.position, ref.role, details, status=status, reason=reason, **extra
            )

        path = ref.local_path
        if path is None and ref.is_remote and self.download:
            try:
                path = fetch_media(ref.source, downloads, self.settings)
                details["local_path"], details["export_root"] = str(path), str(downloads.resolve())
            except MediaError as exc:
                summary.media_unavailable += 1
                record("unavailable", str(exc))
                return
        if path is None:
            summary.media_unavailable += 1
            record("unavailable", ref.unavailable_reason)
            return
        try:
            content_sha256 = sha256_file(path)
        except OSError as exc:
            summary.media_failed += 1
            record("failed", f"unreadable file: {exc.strerror}")
            return
        details["sha256"] = content_sha256
        known = scans.known_file(content_sha256)
        if (
            known is not None
        ):  # the same file, already hashed (or found unreadable): reuse, do not redo
            file_id, file_status, file_reason = known
            if file_status == "hashed":
                summary.media_hashed += 1
                self._preserve(path, at, self.scans.file_matches(file_id))
            else:
                summary.media_failed += 1
            record(file_status, file_reason, file_id=file_id)
            return
        try:
            fingerprint = fingerprint_file(path, self.settings)
        except MediaError as exc:
            summary.media_failed += 1
            record(
                "failed",
                str(exc),
                new_file=(content_sha256, "unknown", "failed", str(exc), None, []),
            )
            return
        matches = self.matcher.match(fingerprint)
        self._preserve(path, at, matches)  # before it is recorded as done, and before cleanup
        summary.media_hashed += 1
        summary.files_hashed += 1
        summary.new_matches += len(matches)
        record(
            "hashed",
            new_file=(content_sha256, fingerprint.kind, "hashed", "", fingerprint, matches),
        )

    def _preserve(self, path: Path, at: MediaAt, matches: Sequence[Match]) -> None:
        """Copy a matched file into the evidence vault with its sighting (nothing when it matches
        nothing; the bytes read are the ones just hashed, under the size limit)."""
        if not matches:
            return
        try:
            data = read_limited(path, self.settings.max_file_bytes)
        except (OSError, MediaError):
            return  # recorded as matched all the same, but no copy is kept: it could not be read
        message, export = at.message, at.export
        sighting = Sighting(
            source="discord-export",
            source_key=f"discord:{message.id}:{at.position}",
            guild_id=export.guild_id,
            guild_name=export.guild_name,
            channel_id=export.channel_id,
            channel_name=export.channel_name,
            message_id=message.id,
            author_id=message.author.id,
            author_name=message.author.name,
            author_nickname=message.author.nickname or "",
            content=message.content[:4000],
            file_name=at.ref.file_name or "",
            role=at.ref.role,
            surrounding=[
                {
                    "id": m.id,
                    "author_id": m.author.id,
                    "author_name": m.author.name,
                    "posted_at": m.timestamp,
                    "content": m.content[:1000],
                }
                for m in at.around
            ],
        )
        self.preserver.preserve(data, sighting, list(matches), actor=self.actor)


@dataclass(frozen=True)
class MediaAt:
    """One media reference and where it was seen: its message, its place in it, the export's
    folder, its channel and the messages around it."""

    message: Message
    position: int
    ref: MediaRef
    root: Path
    export: ChannelExport
    around: tuple[Message, ...] = ()


def _message_rows(
    export_file: ExportFile, export: ChannelExport, messages: list[Message]
) -> list[tuple[str, str, str, str, Any, str, dict[str, Any]]]:
    rows = []
    for m in messages:
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
        rows.append(
            (
                m.id,
                export.guild_id,
                export.channel_id,
                m.author.id,
                m.created_at,
                export_file.name,
                details,
            )
        )
    return rows
