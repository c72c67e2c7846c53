"""What `rempart scan` keeps: messages, media references, scanned files (by content) and matches.

Each media reference is recorded in one transaction together with its file's fingerprint and
matches, so a scan killed at any point restarts at the first unrecorded reference and records
nothing twice. Message details (names, text, paths) and file fingerprints are encrypted like
bank fingerprints; every decrypting read is audited.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session

from rempart.errors import EntryNotFoundError, StoreError
from rempart.signals.fingerprint import Fingerprint
from rempart.store.crypto import FingerprintCipher
from rempart.store.models import (
    NegativeMatchRow,
    ReviewDecisionRow,
    ScanMatchRow,
    ScanMediaRow,
    ScanMessageRow,
    ScannedFileRow,
    ScanRunRow,
    utcnow,
)
from rempart.store.store import Store, id_chunks
from rempart.store.values import Match

#: Purposes the sealed text columns are bound to (a value sealed for one cannot be opened as
#: another).
EXPORT_NAME = "scan-export-name"
REASON = "scan-reason"
NOTE = "review-note"
_MESSAGE = "scan-message"
_MEDIA = "scan-media"
_FILE = "scan-file"


@dataclass(frozen=True)
class StoredMessage:
    id: str
    guild_id: str
    channel_id: str
    author_id: str
    created_at: datetime
    export_name: str
    details: dict[str, Any]


@dataclass(frozen=True)
class StoredMedia:
    id: int
    message_id: str
    position: int
    role: str
    status: str
    reason: str
    file_id: int | None
    details: dict[str, Any]


@dataclass(frozen=True)
class StoredMatch:
    id: int
    file_id: int
    entry_id: int
    bank: str
    signal: str
    distance: int | None
    inliers: int | None
    frames: str | None
    found_by: str


class ScanStore:
    """Scan results inside a `Store` (same database, same key)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.cipher = store.cipher

    # -- runs --------------------------------------------------------------------------------

    def start_run(self, banks: Sequence[str], exports: int, actor: str) -> int:
        with self.store.transaction() as session:
            run = ScanRunRow(
                started_at=utcnow(), banks=",".join(banks), exports=exports, status="running"
            )
            session.add(run)
            session.flush()
            self.store.audit(
                session,
                actor,
                "scan.start",
                f"run {run.id}, {exports} exports",
                bank=",".join(banks),
            )
            return run.id

    def finish_run(self, run_id: int, status: str) -> None:
        with self.store.transaction() as session:
            run = session.get(ScanRunRow, run_id)
            if run is not None:
                run.finished_at, run.status = utcnow(), status

    # -- writing -----------------------------------------------------------------------------

    def save_messages(
        self, rows: Iterable[tuple[str, str, str, str, datetime, str, dict[str, Any]]]
    ) -> int:
        """Insert messages not seen before: (id, guild, channel, author, created_at, export,
        details)."""
        batch = list(rows)
        if not batch:
            return 0
        with self.store.transaction() as session:
            known: set[str] = set()
            for chunk in id_chunks((row[0] for row in batch), 500):
                known.update(
                    session.scalars(select(ScanMessageRow.id).where(ScanMessageRow.id.in_(chunk)))
                )
            added = 0
            for message_id, guild, channel, author, created_at, export_name, details in batch:
                if message_id in known:
                    continue
                known.add(message_id)
                session.add(
                    ScanMessageRow(
                        id=message_id,
                        guild_id=guild,
                        channel_id=channel,
                        author_id=author,
                        created_at=created_at,
                        export_name=self.cipher.seal_text(EXPORT_NAME, export_name),
                        details=self._seal(_MESSAGE, details),
                    )
                )
                added += 1
        return added

    def recorded_positions(self, message_ids: Sequence[str]) -> set[tuple[str, int]]:
        """(message id, position) of the media references already recorded."""
        done: set[tuple[str, int]] = set()
        with self.store.session() as session:
            for chunk in id_chunks(message_ids, 500):
                done.update(
                    (m, p)
                    for m, p in session.execute(
                        select(ScanMediaRow.message_id, ScanMediaRow.position).where(
                            ScanMediaRow.message_id.in_(chunk)
                        )
                    )
                )
        return done

    def known_file(self, content_sha256: str) -> tuple[int, str, str] | None:
        """(file id, status, reason) of a file scanned before, by content."""
        with self.store.session() as session:
            row = session.execute(
                select(ScannedFileRow.id, ScannedFileRow.status, ScannedFileRow.reason).where(
                    ScannedFileRow.content_tag == self._file_tag(content_sha256)
                )
            ).first()
            return (
                None
                if row is None
                else (int(row[0]), str(row[1]), self.cipher.open_text(REASON, row[2]))
            )

    def record_media(
        self,
        message_id: str,
        position: int,
        role: str,
        details: dict[str, Any],
        *,
        status: str,
        reason: str = "",
        file_id: int | None = None,
        new_file: tuple[str, str, str, str, Fingerprint | None, list[Match]] | None = None,
    ) -> int | None:
        """Record one media reference; ``new_file`` = (sha256, kind, status, reason, fingerprint,
        matches)
        is stored in the same transaction. Returns the file id."""
        with self.store.transaction() as session:
            if new_file is not None:
                sha256, kind, file_status, file_reason, fingerprint, matches = new_file
                file_id = self._add_file(
                    session, sha256, kind, file_status, file_reason, fingerprint
                )
                _add_matches(session, file_id, matches, "scan")
            session.add(
                ScanMediaRow(
                    message_id=message_id,
                    position=position,
                    role=role,
                    status=status,
                    reason=self.cipher.seal_text(REASON, reason),
                    file_id=file_id,
                    details=self._seal(_MEDIA, details),
                )
            )
        return file_id

    def _add_file(
        self,
        session: Session,
        sha256: str,
        kind: str,
        status: str,
        reason: str,
        fingerprint: Fingerprint | None,
    ) -> int:
        """A scanned file, by content (keyed tag), with its sealed reason and fingerprint."""
        row = ScannedFileRow(
            content_tag=self._file_tag(sha256),
            kind=kind,
            status=status,
            reason=self.cipher.seal_text(REASON, reason),
            scanned_at=utcnow(),
            fingerprint=None
            if fingerprint is None
            else self.cipher.encrypt(_FILE, fingerprint.to_json().encode()),
        )
        session.add(row)
        session.flush()
        return int(row.id)

    def rejected_entries(self, content_sha256: str) -> set[int]:
        """Entries a reviewer rejected for the file with these bytes (the negative list)."""
        with self.store.session() as session:
            return _rejected(session, self._file_tag(content_sha256))

    def record_live_match(
        self,
        message: tuple[str, str, str, str, datetime, str, dict[str, Any]],
        position: int,
        role: str,
        details: dict[str, Any],
        new_file: tuple[str, str, Fingerprint],
        matches: list[Match],
        found_by: str,
    ) -> int:
        """A matched media item seen live (the bot, an API lookup): its message, the media
        reference, the file (by content, once) and its matches, queued for review. Idempotent
        for a (message, position) already recorded. Returns the file id."""
        sha256, kind, fingerprint = new_file
        self.save_messages([message])
        with self.store.transaction() as session:
            known = session.scalar(
                select(ScannedFileRow.id).where(
                    ScannedFileRow.content_tag == self._file_tag(sha256)
                )
            )
            file_id = (
                self._add_file(session, sha256, kind, "hashed", "", fingerprint)
                if known is None
                else int(known)
            )
            recorded = session.scalar(
                select(ScanMediaRow.id).where(
                    ScanMediaRow.message_id == message[0], ScanMediaRow.position == position
                )
            )
            if recorded is None:
                session.add(
                    ScanMediaRow(
                        message_id=message[0],
                        position=position,
                        role=role[:20],
                        status="hashed",
                        reason="",
                        file_id=file_id,
                        details=self._seal(_MEDIA, details),
                    )
                )
            _add_matches(session, file_id, matches, found_by)
        return file_id

    def add_matches(self, file_id: int, matches: Iterable[Match], found_by: str) -> int:
        """Record matches not recorded before; returns how many are new."""
        with self.store.transaction() as session:
            return _add_matches(session, file_id, list(matches), found_by)

    # -- reading -----------------------------------------------------------------------------

    def hashed_files(self, actor: str) -> Iterator[tuple[int, Fingerprint]]:
        """Every scanned file's fingerprint (for rescans), decrypted; the read is audited."""
        with self.store.transaction() as session:
            rows = session.execute(
                select(ScannedFileRow.id, ScannedFileRow.fingerprint).where(
                    ScannedFileRow.fingerprint.is_not(None)
                )
            ).all()
            self.store.audit(session, actor, "scan.fingerprints.read", f"{len(rows)} scanned files")
        for file_id, blob in rows:
            if blob is not None:
                yield file_id, Fingerprint.from_json(self.cipher.decrypt(_FILE, blob).decode())

    def matches(
        self, banks: Sequence[str] | None = None, entry_ids: Collection[int] | None = None
    ) -> list[StoredMatch]:
        """Recorded matches (of these banks, of these entries), without those a reviewer
        rejected."""
        with self.store.session() as session:
            query = _not_rejected(select(ScanMatchRow)).order_by(ScanMatchRow.id)
            if banks:
                query = query.where(ScanMatchRow.bank.in_(list(banks)))
            if entry_ids is not None:
                query = query.where(ScanMatchRow.entry_id.in_(list(entry_ids)))
            return [
                StoredMatch(
                    r.id,
                    r.file_id,
                    r.entry_id,
                    r.bank,
                    r.signal,
                    r.distance,
                    r.inliers,
                    r.frames,
                    r.found_by,
                )
                for r in session.scalars(query)
            ]

    def file_matches(self, file_id: int) -> list[Match]:
        """The matches recorded for one scanned file, not rejected (as the matcher gave them)."""
        with self.store.session() as session:
            rows = session.scalars(
                _not_rejected(select(ScanMatchRow)).where(ScanMatchRow.file_id == file_id)
            ).all()
            return [
                Match(
                    r.bank, r.entry_id, "", r.signal, r.distance, "recorded", "", False, r.inliers
                )
                for r in rows
            ]

    # -- review ------------------------------------------------------------------------------

    def pending_review(self, banks: Sequence[str] | None = None) -> list[StoredMatch]:
        """One match per (file, entry) on which nobody has decided yet, oldest first."""
        with self.store.session() as session:
            decided = {
                (int(file_id), int(entry_id))
                for file_id, entry_id in session.execute(
                    select(ScanMatchRow.file_id, ScanMatchRow.entry_id).join(
                        ReviewDecisionRow, ReviewDecisionRow.match_id == ScanMatchRow.id
                    )
                )
            }
        seen: set[tuple[int, int]] = set()
        pending = []
        for match in self.matches(banks):
            key = (match.file_id, match.entry_id)
            if key in decided or key in seen:
                continue
            seen.add(key)
            pending.append(match)
        return pending

    def decide(self, match_id: int, decision: str, reviewer: str, note: str = "") -> None:
        """Record a decision; a rejection puts the (file, entry) pair on the negative list."""
        if decision not in {"confirm", "reject", "escalate"}:
            raise StoreError(f"unknown decision {decision!r} (confirm, reject or escalate)")
        with self.store.transaction() as session:
            match = session.get(ScanMatchRow, match_id)
            if match is None:
                raise EntryNotFoundError(f"no match {match_id}")
            session.add(
                ReviewDecisionRow(
                    match_id=match_id,
                    decision=decision,
                    reviewer=reviewer,
                    note=self.cipher.seal_text(NOTE, note[:2000]),
                    decided_at=utcnow(),
                )
            )
            if decision == "reject":
                tag = session.scalar(
                    select(ScannedFileRow.content_tag).where(ScannedFileRow.id == match.file_id)
                )
                known = session.scalar(
                    select(NegativeMatchRow.id).where(
                        NegativeMatchRow.content_tag == tag,
                        NegativeMatchRow.entry_id == match.entry_id,
                    )
                )
                if tag is not None and known is None:
                    session.add(
                        NegativeMatchRow(
                            content_tag=tag,
                            entry_id=match.entry_id,
                            rejected_by=reviewer,
                            rejected_at=utcnow(),
                        )
                    )
            self.store.audit(
                session,
                reviewer,
                f"review.{decision}",
                f"match {match_id}",
                bank=match.bank,
                entry_id=match.entry_id,
            )

    def decisions(self) -> list[dict[str, Any]]:
        with self.store.session() as session:
            rows = session.execute(
                select(ReviewDecisionRow, ScanMatchRow.entry_id, ScanMatchRow.bank)
                .join(ScanMatchRow, ScanMatchRow.id == ReviewDecisionRow.match_id)
                .order_by(ReviewDecisionRow.id)
            ).all()
            return [
                {
                    "match_id": r.match_id,
                    "bank": bank,
                    "entry_id": entry,
                    "decision": r.decision,
                    "reviewer": r.reviewer,
                    "note": self.cipher.open_text(NOTE, r.note),
                    "decided_at": _utc(r.decided_at).isoformat(),
                }
                for r, entry, bank in rows
            ]

    def media(self, actor: str, file_ids: Iterable[int] | None = None) -> list[StoredMedia]:
        with self.store.transaction() as session:
            query = select(ScanMediaRow).order_by(ScanMediaRow.id)
            if file_ids is not None:
                query = query.where(ScanMediaRow.file_id.in_(list(set(file_ids))))
            rows = list(session.scalars(query))
            self.store.audit(session, actor, "scan.media.read", f"{len(rows)} media references")
            return [self._media(r) for r in rows]

    def media_item(self, media_id: int, actor: str) -> StoredMedia | None:
        """One media reference (to open its evidence file); the access is audited."""
        with self.store.transaction() as session:
            row = session.get(ScanMediaRow, media_id)
            if row is None:
                return None
            self.store.audit(
                session, actor, "evidence.read", f"media {media_id} of message {row.message_id}"
            )
            return self._media(row)

    def channel_message_ids(self, message_ids: Collection[str]) -> set[str]:
        """Ids of every message in the channels these messages were posted in (clear columns
        only)."""
        with self.store.session() as session:
            channels = {
                str(c)
                for chunk in id_chunks(message_ids, 500)
                for c in session.scalars(
                    select(ScanMessageRow.channel_id).where(ScanMessageRow.id.in_(chunk)).distinct()
                )
            }
            return {
                str(i)
                for chunk in id_chunks(channels, 500)
                for i in session.scalars(
                    select(ScanMessageRow.id).where(ScanMessageRow.channel_id.in_(chunk))
                )
            }

    def message_heads(self, message_ids: Collection[str] | None = None) -> list[StoredMessage]:
        """Messages (all, or these ids) without their sealed details — ids, channel, author, time —
        oldest first: light enough for a million, and nothing is decrypted (so nothing to audit)."""
        columns = (
            ScanMessageRow.id,
            ScanMessageRow.guild_id,
            ScanMessageRow.channel_id,
            ScanMessageRow.author_id,
            ScanMessageRow.created_at,
        )
        query = select(*columns)
        with self.store.session() as session:
            if message_ids is None:
                rows = list(session.execute(query))
            else:
                rows = [
                    row
                    for chunk in id_chunks(message_ids, 500)
                    for row in session.execute(query.where(ScanMessageRow.id.in_(chunk)))
                ]
        heads = [
            StoredMessage(str(i), str(g), str(c), str(a), _utc(t), "", {}) for i, g, c, a, t in rows
        ]
        heads.sort(key=lambda m: (m.created_at, m.id))
        return heads

    def messages(
        self, actor: str, message_ids: Collection[str] | None = None
    ) -> list[StoredMessage]:
        """Stored messages (all, or these ids), oldest first, decrypted; the read is audited."""
        with self.store.transaction() as session:
            query = select(ScanMessageRow).order_by(ScanMessageRow.created_at, ScanMessageRow.id)
            if message_ids is None:
                rows = list(session.scalars(query))
            else:
                rows = [
                    row
                    for chunk in id_chunks(message_ids, 500)
                    for row in session.scalars(query.where(ScanMessageRow.id.in_(chunk)))
                ]
                rows.sort(key=lambda r: (_utc(r.created_at), r.id))
            self.store.audit(session, actor, "scan.messages.read", f"{len(rows)} messages")
            return [self._message(r) for r in rows]

    def iter_messages(
        self, actor: str, message_ids: Collection[str] | None = None, batch: int = 500
    ) -> Iterator[StoredMessage]:
        """Stored messages (all, or these ids), oldest first, decrypted a batch at a time: memory
        holds the light heads and one batch, whatever the number. The read is audited once."""
        heads = self.message_heads(message_ids)
        with self.store.transaction() as session:
            self.store.audit(
                session, actor, "scan.messages.read", f"{len(heads)} messages (streamed)"
            )
        for start in range(0, len(heads), batch):
            chunk = heads[start : start + batch]
            with self.store.session() as session:
                rows = {
                    str(r.id): r
                    for r in session.scalars(
                        select(ScanMessageRow).where(ScanMessageRow.id.in_([m.id for m in chunk]))
                    )
                }
            for head in chunk:
                row = rows.get(head.id)
                if row is not None:
                    yield self._message(row)

    def _message(self, row: ScanMessageRow) -> StoredMessage:
        """A stored message, its export name and details decrypted."""
        return StoredMessage(
            row.id,
            row.guild_id,
            row.channel_id,
            row.author_id,
            _utc(row.created_at),
            self.cipher.open_text(EXPORT_NAME, row.export_name),
            self._open(_MESSAGE, row.details),
        )

    def counts(self) -> dict[str, int]:
        """How many messages, media references by status, files and matches are stored."""
        from sqlalchemy import func

        with self.store.session() as session:
            by_status = dict(
                session.execute(
                    select(ScanMediaRow.status, func.count()).group_by(ScanMediaRow.status)
                ).all()
            )
            return {
                "messages": int(
                    session.scalar(select(func.count()).select_from(ScanMessageRow)) or 0
                ),
                "media": int(sum(by_status.values())),
                **{f"media_{status}": int(count) for status, count in by_status.items()},
                "files": int(session.scalar(select(func.count()).select_from(ScannedFileRow)) or 0),
                "matches": int(session.scalar(select(func.count()).select_from(ScanMatchRow)) or 0),
            }

    # -- helpers -----------------------------------------------------------------------------

    def _media(self, row: ScanMediaRow) -> StoredMedia:
        return StoredMedia(
            row.id,
            row.message_id,
            row.position,
            row.role,
            row.status,
            self.cipher.open_text(REASON, row.reason),
            row.file_id,
            self._open(_MEDIA, row.details),
        )

    def _file_tag(self, content_sha256: str) -> str:
        return self.cipher.tag(_FILE, bytes.fromhex(content_sha256))

    def _seal(self, purpose: str, details: dict[str, Any]) -> bytes:
        return self.cipher.encrypt(
            purpose, json.dumps(details, ensure_ascii=False, separators=(",", ":")).encode()
        )

    def _open(self, purpose: str, blob: bytes) -> dict[str, Any]:
        return dict(json.loads(self.cipher.decrypt(purpose, blob)))


def _utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _not_rejected(query: Select[Any]) -> Select[Any]:
    """``query`` over scan matches without those a reviewer rejected (the negative list)."""
    return (
        query.join(ScannedFileRow, ScannedFileRow.id == ScanMatchRow.file_id)
        .outerjoin(
            NegativeMatchRow,
            (NegativeMatchRow.content_tag == ScannedFileRow.content_tag)
            & (NegativeMatchRow.entry_id == ScanMatchRow.entry_id),
        )
        .where(NegativeMatchRow.id.is_(None))
    )


def _rejected(session: Session, content_tag: str) -> set[int]:
    """Entries a reviewer rejected for the file with this content tag."""
    return set(
        session.scalars(
            select(NegativeMatchRow.entry_id).where(NegativeMatchRow.content_tag == content_tag)
        )
    )


def _add_matches(session: Session, file_id: int, matches: list[Match], found_by: str) -> int:
    tag = session.scalar(select(ScannedFileRow.content_tag).where(ScannedFileRow.id == file_id))
    rejected = _rejected(session, str(tag))
    matches = [
        m for m in matches if m.entry_id not in rejected
    ]  # the negative list: a rejected match never comes back
    existing: set[tuple[int, str]] = {
        (int(entry), str(signal))
        for entry, signal in session.execute(
            select(ScanMatchRow.entry_id, ScanMatchRow.signal).where(
                ScanMatchRow.file_id == file_id
            )
        )
    }
    added = 0
    for match in matches:
        if (match.entry_id, match.signal) in existing:
            continue
        existing.add((match.entry_id, match.signal))
        session.add(
            ScanMatchRow(
                file_id=file_id,
                entry_id=match.entry_id,
                bank=match.bank,
                signal=match.signal,
                distance=match.distance,
                inliers=match.inliers,
                frames=None if match.frames is None else f"{match.frames[0]}/{match.frames[1]}",
                found_by=found_by,
                found_at=utcnow(),
            )
        )
        added += 1
    return added


def _forget_sightings(session: Session, entry_id: int) -> None:
    """A withdrawn photo's sightings go with it."""
    session.execute(delete(ScanMatchRow).where(ScanMatchRow.entry_id == entry_id))


def _seal_legacy_text(session: Session, cipher: FingerprintCipher) -> None:
    """Seal the text columns that versions before sealing wrote in clear."""
    for message in session.scalars(select(ScanMessageRow)):
        message.export_name = cipher.seal_text(
            EXPORT_NAME, cipher.open_text(EXPORT_NAME, message.export_name)
        )
    for row in [*session.scalars(select(ScanMediaRow)), *session.scalars(select(ScannedFileRow))]:
        row.reason = cipher.seal_text(REASON, cipher.open_text(REASON, row.reason))
    for decision in session.scalars(select(ReviewDecisionRow)):
        decision.note = cipher.seal_text(NOTE, cipher.open_text(NOTE, decision.note))


Store.on_withdrawal(_forget_sightings)
Store.on_legacy_sealing(_seal_legacy_text)
