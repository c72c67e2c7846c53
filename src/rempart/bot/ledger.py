"""Each media item processed once: by message id and item key, across resumes, restarts and
several bot processes (shards) sharing one store.

A worker *claims* an item by inserting its row (the unique key decides between processes); a
redelivered message finds the row and is skipped. While an item is pending its row holds the
media URL and the message's context, sealed with the store key, so a restarted bot finishes
what a crash interrupted; a pending claim older than ``LEASE_SECONDS`` may be taken over by
another process. Finished rows keep IDs and the outcome only: an unmatched item leaves nothing
about its picture.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from rempart.store import Store
from rempart.store.models import BotItemRow, utcnow

#: A pending claim older than this is considered abandoned (its process died).
LEASE_SECONDS = 300
_PENDING = "bot item pending"


@dataclass(frozen=True)
class PendingItem:
    """An item a crash left unfinished: its ids and sealed context."""

    message_id: str
    item_key: str
    context: dict[str, Any]


class Ledger:
    """The bot's record of media items (table ``bot_items``)."""

    def __init__(self, store: Store, worker: str) -> None:
        self.store = store
        self.worker = worker[:100]

    def claim(
        self, message_id: str, item_key: str, guild_id: str, channel_id: str, context: dict
    ) -> bool:
        """True when this process now owns the item (new, or abandoned by a dead process);
        False when it is done, failed for good, or being processed elsewhere."""
        sealed = self.store.cipher.encrypt(_PENDING, json.dumps(context).encode())
        now = utcnow()
        try:
            with (
                self.store.core_transaction() as connection
            ):  # Core: one INSERT, no ORM unit of work
                connection.execute(
                    insert(BotItemRow).values(
                        message_id=message_id,
                        item_key=item_key[:60],
                        guild_id=guild_id,
                        channel_id=channel_id,
                        state="pending",
                        attempts=0,
                        outcome="",
                        pending=sealed,
                        claimed_by=self.worker,
                        claimed_at=now,
                        updated_at=now,
                    )
                )
            return True
        except IntegrityError:
            return self.reclaim(message_id, item_key, own=False)

    def reclaim(self, message_id: str, item_key: str, *, own: bool) -> bool:
        """Take a pending item over: one whose claim expired, or (``own``, at start-up) one this
        worker's previous run left."""
        cutoff = utcnow() - timedelta(seconds=LEASE_SECONDS)
        stale = BotItemRow.claimed_at < cutoff
        with self.store.core_transaction() as connection:
            taken = connection.execute(
                update(BotItemRow)
                .where(
                    BotItemRow.message_id == message_id,
                    BotItemRow.item_key == item_key[:60],
                    BotItemRow.state == "pending",
                    (stale | (BotItemRow.claimed_by == self.worker)) if own else stale,
                )
                .values(claimed_by=self.worker, claimed_at=utcnow())
            )
            return bool(getattr(taken, "rowcount", 0))

    def attempt(self, message_id: str, item_key: str, error: str) -> None:
        """Record one failed attempt (kept pending, still owned)."""
        with self.store.core_transaction() as connection:
            connection.execute(
                update(BotItemRow)
                .where(BotItemRow.message_id == message_id, BotItemRow.item_key == item_key[:60])
                .values(
                    attempts=BotItemRow.attempts + 1,
                    outcome=error[:500],
                    claimed_at=utcnow(),
                    updated_at=utcnow(),
                )
            )

    def finish(self, message_id: str, item_key: str, outcome: str, *, failed: bool = False) -> None:
        """The item is done (or failed for good); its sealed context is dropped."""
        with self.store.core_transaction() as connection:
            connection.execute(
                update(BotItemRow)
                .where(BotItemRow.message_id == message_id, BotItemRow.item_key == item_key[:60])
                .values(
                    state="failed" if failed else "done",
                    outcome=outcome[:500],
                    pending=None,
                    updated_at=utcnow(),
                )
            )

    def abandoned(self, older_than: float = LEASE_SECONDS) -> list[PendingItem]:
        """Pending items whose claim is older than ``older_than`` seconds, or held by a
        previous run of this worker."""
        cutoff = utcnow() - timedelta(seconds=older_than)
        with self.store.session() as session:
            rows = session.scalars(
                select(BotItemRow).where(
                    BotItemRow.state == "pending",
                    (BotItemRow.claimed_at < cutoff) | (BotItemRow.claimed_by == self.worker),
                )
            ).all()
            return [
                PendingItem(
                    r.message_id,
                    r.item_key,
                    json.loads(self.store.cipher.decrypt(_PENDING, r.pending)) if r.pending else {},
                )
                for r in rows
            ]

    def outcome(self, message_id: str, item_key: str) -> tuple[str, str] | None:
        """(state, outcome) of an item, or None when it was never claimed."""
        with self.store.session() as session:
            row = session.execute(
                select(BotItemRow.state, BotItemRow.outcome).where(
                    BotItemRow.message_id == message_id, BotItemRow.item_key == item_key[:60]
                )
            ).first()
            return None if row is None else (str(row[0]), str(row[1]))

    def counts(self, guild_id: str) -> dict[str, int]:
        """Items per outcome in one server."""
        with self.store.session() as session:
            return {
                str(outcome or state): int(n)
                for state, outcome, n in session.execute(
                    select(BotItemRow.state, BotItemRow.outcome, func.count())
                    .where(BotItemRow.guild_id == guild_id)
                    .group_by(BotItemRow.state, BotItemRow.outcome)
                )
            }
