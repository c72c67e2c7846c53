"""The review queue's message signals: what a scan or the bot found in a message's text (kind,
score, the rules' evidence, the message and those around it), once per message and kind, until
a reviewer confirms, rejects or escalates it. Everything quoted from the message is sealed;
every read and decision is in the audit log.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from rempart.store.decisions import decide_pending
from rempart.store.models import MessageSignalRow, utcnow
from rempart.store.store import Store

_DETAILS = "message-signal"


@dataclass(frozen=True)
class QueuedSignal:
    id: int
    message_id: str
    kind: str
    guild_id: str
    channel_id: str
    source: str
    score: float
    details: dict[str, Any]
    status: str
    created_at: datetime


@dataclass(frozen=True)
class NewSignal:
    """A signal to queue: where, what, and the sealed part (evidence, message, context)."""

    message_id: str
    kind: str
    guild_id: str
    channel_id: str
    score: float
    details: dict[str, Any]


class SignalQueue:
    """The ``message_signals`` table."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, signals: Iterable[NewSignal], source: str, actor: str) -> int:
        """Queue the signals not queued before (by message and kind); returns how many."""
        added = 0
        for signal in signals:
            sealed = self.store.cipher.encrypt(
                _DETAILS,
                json.dumps(signal.details, ensure_ascii=False, separators=(",", ":")).encode(),
            )
            try:
                with self.store.transaction() as session:
                    session.add(
                        MessageSignalRow(
                            message_id=signal.message_id[:24],
                            kind=signal.kind[:24],
                            guild_id=signal.guild_id[:24],
                            channel_id=signal.channel_id[:24],
                            source=source[:10],
                            score=float(signal.score),
                            details=sealed,
                            status="pending",
                            decided_by="",
                            created_at=utcnow(),
                        )
                    )
                    session.flush()
                    self.store.audit(
                        session,
                        actor,
                        "signal.queue",
                        f"{signal.kind} in message {signal.message_id} (guild {signal.guild_id})",
                    )
                added += 1
            except IntegrityError:  # queued before: its decision stands
                continue
        return added

    def pending(self, actor: str, limit: int = 200) -> list[QueuedSignal]:
        """The oldest pending signals, decrypted; the read is audited."""
        with self.store.transaction() as session:
            rows = session.scalars(
                select(MessageSignalRow)
                .where(MessageSignalRow.status == "pending")
                .order_by(MessageSignalRow.id)
                .limit(limit)
            ).all()
            self.store.audit(session, actor, "signal.read", f"{len(rows)} pending signals")
            return [self._signal(row) for row in rows]

    def decide(self, signal_id: int, decision: str, reviewer: str) -> bool:
        """Record a reviewer's decision; False when there is no such pending signal."""
        return decide_pending(
            self.store,
            MessageSignalRow,
            signal_id,
            decision,
            reviewer,
            "signal.decide",
            lambda row: f"signal {signal_id} ({row.kind}): {decision}",
        )

    def counts(self) -> dict[str, int]:
        """Signals by status."""
        from sqlalchemy import func

        with self.store.session() as session:
            return {
                str(status): int(n)
                for status, n in session.execute(
                    select(MessageSignalRow.status, func.count()).group_by(MessageSignalRow.status)
                )
            }

    def _signal(self, row: MessageSignalRow) -> QueuedSignal:
        details = json.loads(self.store.cipher.decrypt(_DETAILS, row.details))
        return QueuedSignal(
            row.id,
            row.message_id,
            row.kind,
            row.guild_id,
            row.channel_id,
            row.source,
            row.score,
            details,
            row.status,
            row.created_at,
        )
