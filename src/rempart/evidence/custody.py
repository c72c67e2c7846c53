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

from sqlalchemy import func, select, update

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
from rempart.store.models import AuditChainRow, AuditRow, CheckpointRow, utcnow

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
    with store.session() as session:
        rows = session.scalars(select(CheckpointRow).order_by(CheckpointRow.last_seq)).all()
        return [Checkpoint(r.id, r.statement, r.tsa_token, r.made_at) for r in rows]


def make_checkpoint(store: Store, settings: Settings, *, actor: str = "cli") -> Checkpoint | None:
    """A checkpoint over the records since the last one (None when there are none), time-stamped
    when ``REMPART_TSA_URL`` is set. The checkpoint is itself recorded in the log. Concurrent
    callers (two scans ending together) are ordered by the chain's lock: one makes it, a later
    one covers what came after."""
    for _ in range(5):
        made = _try_checkpoint(store, settings, actor)
        if made is None or isinstance(made, Checkpoint):
            return made
    raise EvidenceError("could not make a checkpoint: other processes kept making them")


def _try_checkpoint(store: Store, settings: Settings, actor: str) -> Checkpoint | None | bool:
    """One attempt; False when another process made a checkpoint meanwhile."""
    made = checkpoints(store)
    previous = made[-1].parsed if made else None
    first = previous.last_seq + 1 if previous else 1
    with store.session() as session:
        head = session.get(AuditChainRow, 1)
        last = int(head.seq) if head else 0
    if last < first:
        return None
    hashes = [r.hash for r in records(store, first, last)]
    if len(hashes) != last - first + 1:
        raise EvidenceBrokenError("the custody log has a gap: run `rempart evidence verify`")
    statement = Statement(
        first,
        last,
        merkle_root(hashes),
        statement_digest(made[-1].statement) if made else GENESIS,
        stamp(utcnow()),
    ).text()
    token = None
    if settings.tsa_url:
        try:
            token = tsa.request_token(statement.encode(), settings)
        except EvidenceError as exc:  # the checkpoint stands; a later one will be stamped
            log.warning("checkpoint not time-stamped: %s", exc)
            store.record(actor, "evidence.tsa.failed", str(exc)[:200])
    with store.transaction() as session:
        session.execute(  # the chain's lock: checkpoints are made one at a time
            update(AuditChainRow).where(AuditChainRow.id == 1).values(seq=AuditChainRow.seq)
        )
        latest = session.scalar(select(func.max(CheckpointRow.last_seq)))
        if latest != (previous.last_seq if previous else None):
            return False
        row = CheckpointRow(
            first_seq=first,
            last_seq=last,
            root=Statement.parse(statement).root,
            statement=statement,
            made_at=utcnow(),
            tsa_token=token,
        )
        session.add(row)
        session.flush()
        store.audit(
            session,
            actor,
            "evidence.checkpoint",
            f"records {first}-{last} root {row.root}{' time-stamped' if token else ''}",
        )
    return Checkpoint(row.id, statement, token, row.made_at)


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
