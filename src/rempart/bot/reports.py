"""Members' reports ("Report to Rempart" on a message): one per member and message, a few per
member per hour at most, each queued for review with its media preserved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from rempart.store import Store
from rempart.store.decisions import decide_pending
from rempart.store.models import BotReportRow, utcnow

#: The bank name of members' report cases (entry ``-report id``; no real bank has entries below
#: zero, so a report's case never mixes with a registered photo's).
REPORTS_BANK = "member-reports"
#: Reports one member may file per hour (a report preserves media: not a way to fill the vault).
REPORTS_PER_HOUR = 10


@dataclass(frozen=True)
class Report:
    id: int
    guild_id: str
    channel_id: str
    message_id: str
    reporter_id: str
    media: int
    matched: int
    status: str
    created_at: datetime


def _report(row: BotReportRow) -> Report:
    return Report(
        row.id,
        row.guild_id,
        row.channel_id,
        row.message_id,
        row.reporter_id,
        row.media,
        row.matched,
        row.status,
        row.created_at,
    )


class Reports:
    """The ``bot_reports`` table."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def recent(self, reporter_id: str) -> int:
        """Reports this member filed in the last hour."""
        since = utcnow() - timedelta(hours=1)
        with self.store.session() as session:
            return int(
                session.scalar(
                    select(func.count()).where(
                        BotReportRow.reporter_id == reporter_id, BotReportRow.created_at >= since
                    )
                )
                or 0
            )

    def open(self, guild_id: str, channel_id: str, message_id: str, reporter_id: str) -> int | None:
        """A new report's id; None when this member reported this message before."""
        try:
            with self.store.transaction() as session:
                row = BotReportRow(
                    guild_id=guild_id,
                    channel_id=channel_id,
                    message_id=message_id,
                    reporter_id=reporter_id,
                    media=0,
                    matched=0,
                    status="pending",
                    decided_by="",
                    created_at=utcnow(),
                )
                session.add(row)
                session.flush()
                self.store.audit(
                    session,
                    "discord-bot",
                    "bot.report",
                    f"report {row.id}: guild {guild_id} channel {channel_id} message "
                    f"{message_id} reported by member {reporter_id}",
                )
                return int(row.id)
        except IntegrityError:
            return None

    def counted(self, report_id: int, media: int, matched: int) -> None:
        with self.store.transaction() as session:
            row = session.get(BotReportRow, report_id)
            if row is not None:
                row.media, row.matched = media, matched

    def pending(self) -> list[Report]:
        with self.store.session() as session:
            rows = session.scalars(
                select(BotReportRow)
                .where(BotReportRow.status == "pending")
                .order_by(BotReportRow.id)
            ).all()
            return [_report(r) for r in rows]

    def decide(self, report_id: int, decision: str, reviewer: str) -> bool:
        """Record a reviewer's decision; False when there is no such pending report."""
        return decide_pending(
            self.store,
            BotReportRow,
            report_id,
            decision,
            reviewer,
            "bot.report.decide",
            lambda _row: f"report {report_id}: {decision}",
        )
