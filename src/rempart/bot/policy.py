"""What the bot does in a server, and how sure a match must be for it to act alone.

A server's policy (``/rempart policy``, members with Manage Server) is one of ``log`` (record and
preserve only), ``review`` (hide: delete the message, keep the preserved copy for the review
queue) or ``delete``, with an optional moderators' alert channel, an optional timeout of the
author, and the banks to match (all by default). A server with no policy is on ``review``.

The rule for acting without a person: a message is deleted (``review`` or ``delete``) or its
author timed out only on a *confident* match — an exact digest (SHA-256, video MD5) or a PDQ
match at least ``bot_delete_margin`` bits inside the bank's threshold. A match found only by
local features, or a PDQ match near the threshold, is preserved and queued for review; the
message stays until a moderator decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from rempart.errors import RempartError
from rempart.store import Store
from rempart.store.models import BotPolicyRow, utcnow
from rempart.store.values import Match

MODES = ("log", "review", "delete")
#: The longest timeout Discord allows (28 days).
MAX_TIMEOUT_MINUTES = 28 * 24 * 60
EXACT_SIGNALS = frozenset({"sha256", "video_md5"})
HASH_SIGNALS = frozenset({"pdq", "video_pdq"})


class PolicyError(RempartError):
    """A policy value that cannot be set."""


@dataclass(frozen=True)
class Policy:
    guild_id: str
    mode: str = "review"
    banks: tuple[str, ...] = ()
    alert_channel_id: str | None = None
    timeout_minutes: int = 0

    def wants(self, bank: str) -> bool:
        return not self.banks or bank in self.banks


def confident(matches: Sequence[Match], thresholds: dict[str, int], margin: int) -> bool:
    """Whether a match is sure enough for the bot to delete without a person (module docstring)."""
    for match in matches:
        if match.signal in EXACT_SIGNALS:
            return True
        if match.signal in HASH_SIGNALS and match.distance is not None:
            if match.distance <= thresholds.get(match.bank, 31) - margin:
                return True
    return False


class Policies:
    """Per-server policies in the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, guild_id: str) -> Policy:
        with self.store.session() as session:
            row = session.scalar(select(BotPolicyRow).where(BotPolicyRow.guild_id == guild_id))
            if row is None:
                return Policy(guild_id)
            return Policy(
                guild_id,
                row.mode,
                tuple(b for b in row.banks.split(",") if b),
                row.alert_channel_id,
                row.timeout_minutes,
            )

    def set(
        self,
        guild_id: str,
        actor: str,
        *,
        mode: str | None = None,
        banks: Sequence[str] | None = None,
        alert_channel_id: str | None = None,
        clear_alert: bool = False,
        timeout_minutes: int | None = None,
    ) -> Policy:
        """Change the given fields (the others stay); the change is logged."""
        if mode is not None and mode not in MODES:
            raise PolicyError(f"unknown policy {mode!r}: one of {', '.join(MODES)}")
        if timeout_minutes is not None and not 0 <= timeout_minutes <= MAX_TIMEOUT_MINUTES:
            raise PolicyError(f"a timeout is 0 to {MAX_TIMEOUT_MINUTES} minutes")
        if banks is not None:
            known = {bank.name for bank in self.store.list_banks()}
            unknown = [b for b in banks if b not in known]
            if unknown:
                raise PolicyError(f"no bank named {unknown[0]!r}")
        with self.store.transaction() as session:
            row = session.scalar(select(BotPolicyRow).where(BotPolicyRow.guild_id == guild_id))
            if row is None:
                row = BotPolicyRow(guild_id=guild_id, mode="review", banks="", timeout_minutes=0)
                session.add(row)
            if mode is not None:
                row.mode = mode
            if banks is not None:
                row.banks = ",".join(banks)
            if alert_channel_id is not None:
                row.alert_channel_id = alert_channel_id
            if clear_alert:
                row.alert_channel_id = None
            if timeout_minutes is not None:
                row.timeout_minutes = timeout_minutes
            row.updated_by, row.updated_at = actor[:200], utcnow()
            self.store.audit(
                session,
                actor,
                "bot.policy",
                f"guild {guild_id}: {row.mode}, banks {row.banks or 'all'}, alert "
                f"{row.alert_channel_id or 'none'}, timeout {row.timeout_minutes} min",
            )
        return self.get(guild_id)
