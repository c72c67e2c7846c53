"""The custody log in the store: checkpoints (with RFC 3161 tokens when a TSA is configured) and
``rempart evidence verify``'s walk of the chain.

The walk recomputes every record's hash from its fields and its predecessor's, in ``seq`` order,
and reports the first record that does not fit: an edited field changes its hash; a deleted
record leaves a gap in ``seq``; an inserted or reordered one breaks the link to its predecessor.
Each checkpoint's root is recomputed over its range, its statement must name that root and the
previous statement, and its token must sign the statement.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from rempart.errors import EvidenceBrokenError, EvidenceError
from rempart.evidence import tsa
from rempart.settings import Settings
from rempart.store import Store
from rempart.store.chain import (
    GENESIS,
    Statement,
    merkle_root,
    record_hash,
    stamp,
    statement_digest,
)
from rempart.store.models import (
    AuditChainRow,
    AuditRow,
    CheckpointRow,
    CheckpointTokenRow,
    utcnow,
)

log = logging.getLogger(__name__)
_BATCH = 5000


@dataclass(frozen=True)
class LogRecord:
    """One custody-log record as the chain hashes it."""

    seq: int
    at: str
    actor: str
    action: str
    bank: str | None
    entry_id: int | None
    detail: str
    prev_hash: str
    hash: str

    def recomputed(self) -> str:
        return record_hash(
            self.prev_hash,
            self.seq,
            self.at,
            self.actor,
            self.action,
            self.bank,
            self.entry_id,
            self.detail,
        )

    def as_json(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "bank": self.bank,
            "entry": self.entry_id,
            "detail": self.detail,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


def _record(row: AuditRow) -> LogRecord:
    return LogRecord(
        int(row.seq or 0),
        stamp(row.at),
        row.actor,
        row.action,
        row.bank,
        row.entry_id,
        row.detail,
        row.prev_hash,
        row.hash,
    )


def records(store: Store, first: int = 1, last: int | None = None) -> Iterator[LogRecord]:
    """The chain's records from ``first`` to ``last`` (inclusive), in order, read in batches."""
    after = first - 1
    while True:
        with store.session() as session:
            query = select(AuditRow).where(AuditRow.seq > after).order_by(AuditRow.seq)
            if last is not None:
                query = query.where(AuditRow.seq <= last)
            rows = session.scalars(query.limit(_BATCH)).all()
        if not rows:
            return
        for row in rows:
            yield _record(row)
        after = int(rows[-1].seq or 0)


def case_records(store: Store, bank: str, entry_id: int) -> list[LogRecord]:
    """Every chained record about one entry (its case), in chain order, in one read."""
    with store.session() as session:
        rows = session.scalars(
            select(AuditRow)
            .where(AuditRow.bank == bank, AuditRow.entry_id == entry_id, AuditRow.seq.is_not(None))
            .order_by(AuditRow.seq)
        ).all()
        return [_record(row) for row in rows]


@dataclass
class Checkpoint:
    id: int
    statement: str
    token: bytes | None
    made_at: datetime

    @property
    def parsed(self) -> Statement:
        return Statement.parse(self.statement)


def checkpoints(store: Store) -> list[Checkpoint]:
    """Every checkpoint, oldest first, with its token when it has one."""
    with store.session() as session:
        rows = session.execute(
            select(CheckpointRow, CheckpointTokenRow.token)
            .outerjoin(CheckpointTokenRow, CheckpointTokenRow.checkpoint_id == CheckpointRow.id)
            .order_by(CheckpointRow.last_seq)
        ).all()
        return [Checkpoint(r.id, r.statement, token, r.made_at) for r, token in rows]


def make_checkpoint(store: Store, settings: Settings, *, actor: str = "cli") -> Checkpoint | None:
    """A checkpoint over the records since the last one (None when there are none), then
    time-stamped when ``REMPART_TSA_URL`` is set. It is made under the chain's lock, so
    checkpoints never overlap and each covers every record committed before it; the token is
    asked for after the lock is released (with any earlier checkpoint left unstamped)."""
    with store.transaction() as session:
        last = session.execute(  # the chain's lock: appends wait; checkpoints go one at a time
            update(AuditChainRow)
            .where(AuditChainRow.id == 1)
            .values(seq=AuditChainRow.seq)
            .returning(AuditChainRow.seq)
        ).scalar_one()
        previous = session.scalars(
            select(CheckpointRow).order_by(CheckpointRow.last_seq.desc()).limit(1)
        ).first()
        first = previous.last_seq + 1 if previous else 1
        if last < first:
            made = None
        else:
            hashes = list(
                session.scalars(
                    select(AuditRow.hash)
                    .where(AuditRow.seq >= first, AuditRow.seq <= last)
                    .order_by(AuditRow.seq)
                )
            )
            if len(hashes) != last - first + 1:
                raise EvidenceBrokenError(
                    "the custody log has a gap: run `rempart evidence verify`"
                )
            statement = Statement(
                first,
                last,
                merkle_root(hashes),
                statement_digest(previous.statement) if previous else GENESIS,
                stamp(utcnow()),
            )
            row = CheckpointRow(
                first_seq=first,
                last_seq=last,
                root=statement.root,
                statement=statement.text(),
                made_at=utcnow(),
            )
            session.add(row)
            session.flush()
            store.audit(
                session, actor, "evidence.checkpoint", f"records {first}-{last} root {row.root}"
            )
            made = Checkpoint(row.id, row.statement, None, row.made_at)
    if settings.tsa_url:
        stamp_pending(store, settings, actor=actor)
        if made is not None:
            made = next(c for c in checkpoints(store) if c.id == made.id)
    return made


def stamp_pending(store: Store, settings: Settings, *, actor: str = "cli") -> int:
    """Ask the time-stamp authority to sign every checkpoint that has no token yet; returns how
    many were stamped. A failure is logged and left for the next call."""
    stamped = 0
    for checkpoint in checkpoints(store):
        if checkpoint.token is not None:
            continue
        try:
            token = tsa.request_token(checkpoint.statement.encode(), settings)
        except EvidenceError as exc:
            log.warning("checkpoint %s not time-stamped: %s", checkpoint.id, exc)
            store.record(actor, "evidence.tsa.failed", f"checkpoint {checkpoint.id}: {exc}"[:200])
            break
        try:
            with store.transaction() as session:
                session.add(
                    CheckpointTokenRow(
                        checkpoint_id=checkpoint.id, token=token, stamped_at=utcnow()
                    )
                )
                store.audit(
                    session, actor, "evidence.tsa.stamp", f"checkpoint {checkpoint.id} time-stamped"
                )
            stamped += 1
        except IntegrityError:  # another process stamped it meanwhile
            continue
    return stamped


@dataclass
class ChainReport:
    """What the walk found: records and checkpoints checked, and the first fault."""

    records: int = 0
    checkpoints: int = 0
    stamped: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_store(store: Store, settings: Settings) -> ChainReport:
    """Walk the whole chain and every checkpoint (see the module's docstring)."""
    report = ChainReport()
    previous, expected_seq = GENESIS, 1
    hashes: dict[int, str] = {}
    for record in records(store):
        if record.seq != expected_seq:
            report.problems.append(
                f"record {expected_seq}: missing (the next record is {record.seq}): deleted"
            )
            break
        if record.prev_hash != previous:
            report.problems.append(
                f"record {record.seq}: does not follow record {record.seq - 1} "
                "(inserted, reordered or its predecessor edited)"
            )
            break
        if record.recomputed() != record.hash:
            report.problems.append(f"record {record.seq}: its content was edited")
            break
        hashes[record.seq] = record.hash
        previous, expected_seq = record.hash, expected_seq + 1
        report.records += 1
    if not report.problems:
        with store.session() as session:
            head = session.get(AuditChainRow, 1)
        if head is not None and (int(head.seq) != report.records or head.hash != previous):
            report.problems.append(
                f"the chain's head names record {head.seq}, the log ends at {report.records}: "
                "records were deleted at its end"
            )
    roots = tsa.load_roots(settings.tsa_ca_file) if settings.tsa_ca_file else None
    previous_statement = GENESIS
    for checkpoint in checkpoints(store):
        try:
            statement = checkpoint.parsed
        except ValueError:
            report.problems.append(f"checkpoint {checkpoint.id}: its statement was altered")
            break
        covered = [hashes.get(seq) for seq in range(statement.first_seq, statement.last_seq + 1)]
        if any(h is None for h in covered):
            report.problems.append(
                f"checkpoint {checkpoint.id}: covers records the chain no longer holds intact"
            )
            break
        if merkle_root([h for h in covered if h]) != statement.root:
            report.problems.append(
                f"checkpoint {checkpoint.id} (records {statement.first_seq}-"
                f"{statement.last_seq}): the records no longer give its Merkle root"
            )
            break
        if statement.previous != previous_statement:
            report.problems.append(f"checkpoint {checkpoint.id}: does not follow the previous one")
            break
        if checkpoint.token is not None:
            try:
                tsa.check_token(checkpoint.token, checkpoint.statement.encode(), roots)
            except EvidenceBrokenError as exc:
                report.problems.append(f"checkpoint {checkpoint.id}: {exc}")
                break
            report.stamped += 1
        previous_statement = statement_digest(checkpoint.statement)
        report.checkpoints += 1
    return report


class Checkpointer:
    """Makes a checkpoint every ``settings.checkpoint_minutes`` on a daemon thread (a long-running
    service); a failure is logged and tried again at the next turn."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rempart-checkpoints", daemon=True)

    def start(self) -> None:
        if self.settings.checkpoint_minutes > 0:
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.settings.checkpoint_minutes * 60):
            try:
                make_checkpoint(self.store, self.settings, actor="serve")
            except Exception:  # noqa: BLE001 (a failed turn must not end the thread)
                log.exception("periodic checkpoint failed")

    def close(self) -> None:
        self._stop.set()
