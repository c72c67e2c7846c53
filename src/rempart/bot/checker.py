"""One downloaded media item: fingerprinted, matched against the server's banks with the live
matcher, and — when it matches — preserved first (vault and chained log) and queued for review.
An item that does not match leaves nothing behind. Runs on a worker thread (CPU-bound).

Two steps: the quick signals (digests, PDQ) are matched first; a confident match is preserved and
acted on at once, and the local features — computed from the same decoded pixels — are matched
afterwards (``complete``, before the item is queued for review), so another registered photo in
the same picture is still found and preserved. Without a confident quick match, the local
features are matched before anything is decided.

A member's report preserves the item whatever the match says: in the matched entries' cases when
it matches, else in the report's own case (bank ``member-reports``, entry ``-report id``), so a
reviewer sees it and the custody log holds it.
"""

from __future__ import annotations

import functools
import hashlib
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from rempart.bot.intake import MediaItem
from rempart.bot.policy import Policy, confident
from rempart.bot.reports import REPORTS_BANK
from rempart.evidence.preserve import Preserver, Sighting
from rempart.evidence.vault import Cases
from rempart.index.live import LiveMatcher
from rempart.settings import Settings
from rempart.signals.fingerprint import Fingerprint, fingerprint_in_two_steps
from rempart.store import Store
from rempart.store.scans import ScanStore
from rempart.store.values import Match

EXPORT_NAME = "discord bot"
#: Signals matched only when the quick ones (digests, PDQ) give no confident match, or after
#: the bot has acted on one.
LATER_SIGNALS = frozenset({"orb"})
#: How long a bank's threshold or a server's policy is reused before it is read again.
CACHE_SECONDS = 5.0


@dataclass(frozen=True)
class Seen:
    """Where an item was posted, as the bot saw it."""

    guild_id: str
    guild_name: str
    channel_id: str
    channel_name: str
    message_id: str
    author_id: str
    author_name: str
    author_nickname: str
    content: str
    created_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "created_at": self.created_at.isoformat()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Seen:
        return cls(**{**data, "created_at": datetime.fromisoformat(data["created_at"])})


@dataclass
class CheckResult:
    """What one item came to (and, for a match, what completing and queuing it needs)."""

    matches: list[Match] = field(default_factory=list)
    confident: bool = False
    file_id: int | None = None
    preserved: int = 0
    sha256: str = ""
    fingerprint: Fingerprint | None = None
    #: After a confident match on the quick signals: the whole fingerprint (local features from
    #: the same pixels), the bytes, the sighting and the rejected entries, to finish the search
    #: once the bot has acted.
    rest: tuple[Callable[[], Fingerprint], bytes, Sighting, frozenset[int]] | None = None

    @property
    def matched(self) -> bool:
        return bool(self.matches)


def position_of(item: MediaItem) -> int:
    """A stable position number for an item of a message (its key, hashed)."""
    return zlib.crc32(item.key.encode()) & 0x7FFFFFFF


class Checker:
    """Fingerprint, match, preserve, queue (see the module docstring)."""

    def __init__(self, store: Store, settings: Settings, matcher: LiveMatcher) -> None:
        self.store = store
        self.settings = settings
        self.matcher = matcher
        self.preserver = Preserver(store, settings)
        self.scans = ScanStore(store)
        self._thresholds: dict[str, int] = {}
        self._thresholds_at = -CACHE_SECONDS

    def _found(self, fingerprint: Fingerprint, policy: Policy) -> list[Match]:
        return [m for m in self.matcher.matcher().match(fingerprint) if policy.wants(m.bank)]

    def check(
        self, path: Path, item: MediaItem, seen: Seen, policy: Policy, *, report_id: int = 0
    ) -> CheckResult:
        """Check one downloaded item (MediaError when it cannot be read as media).

        The quick signals (digests, PDQ) are matched first; when they give a confident match the
        local features wait (``complete``) until the bot has acted, else they are matched now.
        """
        quick, whole = fingerprint_in_two_steps(path, self.settings, LATER_SIGNALS)

        @functools.cache
        def content() -> tuple[bytes, str, frozenset[int]]:
            """The bytes, their SHA-256 and the entries rejected for them: read once, and only
            when something matched or a member reported it."""
            data = path.read_bytes()
            sha256 = hashlib.sha256(data).hexdigest()
            return data, sha256, frozenset(self.scans.rejected_entries(sha256))

        def kept(found: list[Match]) -> list[Match]:
            return [m for m in found if m.entry_id not in content()[2]] if found else []

        found = kept(self._found(quick, policy))
        acting_now = bool(found) and not report_id and self._confident(found)
        fingerprint = quick
        if not acting_now:
            fingerprint = whole()
            found = kept(self._found(fingerprint, policy))
        data, sha256, rejected = content() if found or report_id else (b"", "", frozenset())
        result = CheckResult(found, sha256=sha256, fingerprint=fingerprint)
        if not found and not report_id:
            return result
        sighting = Sighting(
            source="bot",
            source_key=f"discord:{seen.message_id}:{item.key}"
            + (f":report{report_id}" if report_id and not found else ""),
            guild_id=seen.guild_id,
            guild_name=seen.guild_name,
            channel_id=seen.channel_id,
            channel_name=seen.channel_name,
            message_id=seen.message_id,
            author_id=seen.author_id,
            author_name=seen.author_name,
            author_nickname=seen.author_nickname,
            content=seen.content,
            file_name=item.file_name,
            role=item.role,
            extra={"reported": True, "report": report_id} if report_id else {},
        )
        if found:
            result.preserved = len(self.preserver.preserve(data, sighting, found, actor="bot"))
            result.confident = acting_now or self._confident(found)
            if acting_now and self.settings.local_features:
                result.rest = (whole, data, sighting, rejected)
        else:  # a member's report that matches nothing: kept in the report's own case
            case = Cases(self.store).open(REPORTS_BANK, -report_id, actor="bot")
            preserved = self.preserver.preserve_in(case, data, sha256, sighting, [], actor="bot")
            result.preserved = 0 if preserved is None else 1
        return result

    def complete(self, result: CheckResult, policy: Policy) -> None:
        """After the bot acted on a quick match: the local features, matched; any further photo
        they find (another registered photo in the same picture) is preserved too."""
        if result.rest is None:
            return
        whole, data, sighting, rejected = result.rest
        result.rest = None
        result.fingerprint = whole()
        known = {(m.entry_id, m.signal) for m in result.matches}
        more = [
            m
            for m in self._found(result.fingerprint, policy)
            if m.entry_id not in rejected and (m.entry_id, m.signal) not in known
        ]
        if more:
            result.preserved += len(self.preserver.preserve(data, sighting, more, actor="bot"))
            result.matches = result.matches + more

    def _confident(self, found: list[Match]) -> bool:
        return confident(found, self.thresholds(), self.settings.bot_delete_margin)

    def queue(self, result: CheckResult, item: MediaItem, seen: Seen, policy: Policy) -> int:
        """Complete the match and queue it for review (after the action: deleting comes first);
        returns the review item's file id."""
        self.complete(result, policy)
        assert result.fingerprint is not None
        result.file_id = self.scans.record_live_match(
            (
                seen.message_id,
                seen.guild_id,
                seen.channel_id,
                seen.author_id,
                seen.created_at,
                EXPORT_NAME,
                {
                    "guild_name": seen.guild_name,
                    "channel_name": seen.channel_name,
                    "author": {"name": seen.author_name, "nickname": seen.author_nickname},
                    "source": "discord bot",
                },
            ),
            position_of(item),
            item.role,
            {"sha256": result.sha256, "file_name": item.file_name, "url_kind": item.role},
            (result.sha256, result.fingerprint.kind, result.fingerprint),
            result.matches,
            "bot",
        )
        return result.file_id

    def thresholds(self) -> dict[str, int]:
        """Banks' PDQ thresholds, read at most every few seconds."""
        now = time.monotonic()
        if now - self._thresholds_at > CACHE_SECONDS:
            self._thresholds, self._thresholds_at = self.store.bank_thresholds(), now
        return self._thresholds
