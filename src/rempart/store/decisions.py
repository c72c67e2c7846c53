"""A reviewer's decision on a row waiting in a review queue (a member's report, a message
signal): one of the same three decisions, recorded once, in the same transaction as its audit
entry. A row already decided stays as it was decided."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rempart.store.models import utcnow
from rempart.store.store import Store

DECISIONS = ("confirm", "reject", "escalate")


def decide_pending(
    store: Store,
    row_type: type[Any],
    row_id: int,
    decision: str,
    reviewer: str,
    action: str,
    describe: Callable[[Any], str],
) -> bool:
    """Record ``decision`` on the pending row ``row_id`` of ``row_type`` (a table with ``status``,
    ``decided_by`` and ``decided_at``) and audit it as ``action``, ``describe(row)``; False when
    there is no such pending row. ValueError for a decision not in ``DECISIONS``."""
    if decision not in DECISIONS:
        raise ValueError(decision)
    with store.transaction() as session:
        row = session.get(row_type, row_id)
        if row is None or row.status != "pending":
            return False
        row.status, row.decided_by, row.decided_at = decision, reviewer[:200], utcnow()
        store.audit(session, reviewer, action, describe(row))
        return True
