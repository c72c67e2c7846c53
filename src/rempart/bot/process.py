"""The bot's work on one message: each media item claimed in the ledger, downloaded, checked on a
worker thread, and — for a match — acted on by the server's policy after it was preserved.

Actions, in order: delete the message (``review`` hides it, ``delete`` deletes it; only on a
confident match — see ``rempart.bot.policy``), time the author out (confident matches only),
post an alert to the moderators' channel (no picture; a link to the review queue). Each deletion
and timeout carries an audit-log reason and is written to the chained log. Discord's rate limits
are left to discord.py; the bot files no report to Discord itself.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord

from rempart.bot.cdn import describe, download
from rempart.bot.checker import CACHE_SECONDS, Checker, CheckResult, Seen
from rempart.bot.intake import MediaItem, media_items
from rempart.bot.ledger import Ledger
from rempart.bot.policy import Policies, Policy
from rempart.bot.texts import language_of, say
from rempart.errors import FetchError, MediaError
from rempart.index.live import LiveMatcher
from rempart.intel.messages import MessageSignal, message_signals
from rempart.settings import Settings
from rempart.store import Store
from rempart.store.signals import NewSignal, SignalQueue

if TYPE_CHECKING:
    from rempart.bot.client import RempartBot

log = logging.getLogger(__name__)

#: Called when an item is finished: (message id, item key, outcome, monotonic time).
Listener = Callable[[str, str, str, float], None]
ACTOR = "discord-bot"
DOWNLOADS_AT_ONCE = 8
#: Message signals that, together, make the bot alert the moderators about a message's text.
ALERT_KINDS = frozenset({"solicitation", "identifies_person"})
#: The longest a matched item's review-queue record waits for the checks to drain (seconds).
BOOKKEEPING_DELAY = 10.0


def seen_of(message: discord.Message | discord.PartialMessage) -> Seen:
    """What the bot knows of a message's place and author."""
    guild = message.guild
    channel: Any = message.channel
    author: Any = getattr(message, "author", None)
    created = message.created_at
    return Seen(
        guild_id=str(guild.id) if guild else "",
        guild_name=guild.name if guild else "",
        channel_id=str(channel.id),
        channel_name=str(getattr(channel, "name", "") or ""),
        message_id=str(message.id),
        author_id=str(author.id) if author else "",
        author_name=str(author.name) if author else "",
        author_nickname=str(getattr(author, "nick", None) or "") if author else "",
        content=str(getattr(message, "content", "") or "")[:2000],
        created_at=created,
    )


class Processor:
    """Processes messages' media for one bot process (see the module docstring)."""

    def __init__(
        self, bot: RempartBot, store: Store, settings: Settings, matcher: LiveMatcher
    ) -> None:
        self.bot = bot
        self.store = store
        self.settings = settings
        worker = f"{os.uname().nodename}:{bot.shard_id or 0}"
        self.ledger = Ledger(store, worker)
        self.policies = Policies(store)
        self.checker = Checker(store, settings, matcher)
        self.pool = ThreadPoolExecutor(
            max_workers=settings.bot_workers or os.cpu_count() or 1,
            thread_name_prefix="rempart-check",
        )
        self.folder = Path(tempfile.mkdtemp(prefix="rempart-bot-"))  # owner-only
        self.listeners: list[Listener] = []
        self.in_flight: set[tuple[str, str]] = set()
        self.tasks: set[asyncio.Task[Any]] = set()
        self._policies: dict[str, tuple[Policy, float]] = {}
        #: Downloads at once: enough to hide the CDN's latency, few enough that a burst does not
        #: turn into dozens of threads fighting the checks for the interpreter.
        self.downloading = asyncio.Semaphore(DOWNLOADS_AT_ONCE)
        self.checks_waiting = 0
        self.idle = asyncio.Event()

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- intake ------------------------------------------------------------------------------

    def examine(self, message: discord.Message) -> int:
        """Start processing every media item of a posted or edited message; returns how many.
        Its text is read for signals too (``examine_text``)."""
        if message.guild is None or (self.bot.user and message.author.id == self.bot.user.id):
            return 0
        self.examine_text(message)
        items = media_items(message, self.settings.discord_cdn_base)
        if not items:
            return 0
        seen = seen_of(message)
        for item in items:
            self._spawn(self.handle(item, seen))
        return len(items)

    def examine_text(self, message: discord.Message) -> bool:
        """A message that solicits sexual content about an identified woman (``ALERT_KINDS``
        together) is queued for review and, where the server set an alert channel, reported there
        once; returns whether it was. Nothing else of the text is kept."""
        content = str(getattr(message, "content", "") or "")
        if not content:
            return False
        found = message_signals(content)
        if not ALERT_KINDS <= {s.kind for s in found}:
            return False
        self._spawn(self._alert_on_text(seen_of(message), found))
        return True

    async def _alert_on_text(self, seen: Seen, found: list[MessageSignal]) -> None:
        context = {
            "guild_name": seen.guild_name,
            "channel_name": seen.channel_name,
            "author_id": seen.author_id,
            "author_name": seen.author_nickname or seen.author_name,
            "time": seen.created_at.isoformat(),
            "content": seen.content,
            "context": [],
        }
        new = await asyncio.to_thread(
            SignalQueue(self.store).record,
            [
                NewSignal(
                    seen.message_id,
                    signal.kind,
                    seen.guild_id,
                    seen.channel_id,
                    signal.score,
                    context | {"evidence": [e.as_dict() for e in signal.evidence]},
                )
                for signal in found
            ],
            "bot",
            ACTOR,
        )
        policy = await self.policy(seen.guild_id)
        if new:  # not seen before (an edit, a redelivery): one alert per message
            jump = (
                f"https://discord.com/channels/{seen.guild_id}/{seen.channel_id}/{seen.message_id}"
            )
            await self._post_alert(
                seen,
                policy,
                lambda lang, link: say(
                    "bot_signal_alert",
                    lang,
                    channel=f"<#{seen.channel_id}>",
                    author=f"<@{seen.author_id}>",
                    jump=jump,
                    kinds=", ".join(s.kind for s in found),
                    link=link,
                ),
            )

    def _spawn(self, work: Any) -> asyncio.Task[Any]:
        task = asyncio.create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def settle(self) -> None:
        """Wait until every item started so far is finished (tests, benchmarks, shutdown)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    async def resume_abandoned(self) -> int:
        """Finish the items a crash or a dead shard left pending; returns how many started."""
        started = 0
        for pending in await asyncio.to_thread(self.ledger.abandoned):
            key = (pending.message_id, pending.item_key)
            if key in self.in_flight or "seen" not in pending.context:
                continue
            if not await asyncio.to_thread(
                self.ledger.reclaim, pending.message_id, pending.item_key, own=True
            ):
                continue
            seen = Seen.from_dict(pending.context["seen"])
            item = MediaItem(**pending.context["item"])
            self._spawn(self.handle(item, seen, claimed=True))
            started += 1
        return started

    # -- one item ----------------------------------------------------------------------------

    async def handle(
        self,
        item: MediaItem,
        seen: Seen,
        *,
        claimed: bool = False,
        report_id: int = 0,
    ) -> CheckResult | None:
        """Claim, download, check and act on one item; None when it was not ours to do."""
        key = (seen.message_id, f"r{report_id}:{item.key}" if report_id else item.key)
        if key in self.in_flight:
            return None
        self.in_flight.add(key)
        try:
            if not claimed:
                context = {"seen": seen.as_dict(), "item": asdict(item)}
                if not await asyncio.to_thread(
                    self.ledger.claim, key[0], key[1], seen.guild_id, seen.channel_id, context
                ):
                    return None
            return await self._process(item, seen, key, report_id)
        except Exception as error:  # the store or the index failed: left pending, resumed later
            log.exception("media item %s of message %s left pending", key[1], key[0])
            await asyncio.to_thread(
                self.ledger.attempt, key[0], key[1], f"left pending: {type(error).__name__}"
            )
            return None
        finally:
            self.in_flight.discard(key)

    async def _process(
        self,
        item: MediaItem,
        seen: Seen,
        key: tuple[str, str],
        report_id: int,
    ) -> CheckResult | None:
        if item.size is not None and item.size > self.settings.max_file_bytes:
            await self._finish(key, "failed: over the size limit (REMPART_MAX_FILE_BYTES)", True)
            return None
        folder = self.folder / f"{key[0]}-{abs(hash(key[1]))}"
        try:
            async with self.downloading:
                path = await download(
                    item.url,
                    folder,
                    self.settings,
                    on_failure=lambda error, attempt: self.ledger.attempt(
                        key[0], key[1], f"attempt {attempt}: {describe(error)}"
                    ),
                )
        except FetchError as error:
            await self._finish(key, f"failed: CDN: {describe(error)}", True)
            return None
        policy = await self.policy(seen.guild_id)
        loop = asyncio.get_running_loop()
        self.checks_waiting += 1
        self.idle.clear()
        try:
            result: CheckResult = await loop.run_in_executor(
                self.pool, self._check, path, item, seen, policy, report_id
            )
        except MediaError as error:
            await self._finish(key, f"failed: {error}", True)
            return None
        finally:
            self.checks_waiting -= 1
            if not self.checks_waiting:
                self.idle.set()
            shutil.rmtree(folder, ignore_errors=True)
        if report_id:
            if result.matched:  # in the matched photo's queue too
                await loop.run_in_executor(
                    self.pool, self.checker.queue, result, item, seen, policy
                )
            await self._finish(key, "reported" + (" (matched)" if result.matched else ""))
        elif not result.matched:  # finished on the worker thread already
            self._notify(key, "no-match")
        else:
            await self._finish(key, await self.act(item, seen, policy, result))
        return result

    async def _when_idle(self) -> None:
        """Until no check is waiting, or ``BOOKKEEPING_DELAY`` seconds."""
        if self.checks_waiting:
            try:
                await asyncio.wait_for(self.idle.wait(), BOOKKEEPING_DELAY)
            except asyncio.TimeoutError:
                pass

    async def policy(self, guild_id: str) -> Policy:
        """The server's policy, read at most every ``CACHE_SECONDS`` (at once after a change
        made through this bot)."""
        cached = self._policies.get(guild_id)
        if cached is None or time.monotonic() - cached[1] > CACHE_SECONDS:
            cached = (await asyncio.to_thread(self.policies.get, guild_id), time.monotonic())
            self._policies[guild_id] = cached
        return cached[0]

    def forget_policy(self, guild_id: str) -> None:
        self._policies.pop(guild_id, None)

    def _check(
        self, path: Path, item: MediaItem, seen: Seen, policy: Policy, report_id: int
    ) -> CheckResult:
        """The check on the worker thread; an unmatched item is finished there too (one thread
        hop less per post), its download removed first (nothing of it is kept once it is
        recorded finished)."""
        result = self.checker.check(path, item, seen, policy, report_id=report_id)
        if not result.matched and not report_id:
            shutil.rmtree(path.parent, ignore_errors=True)
            self.ledger.finish(seen.message_id, item.key, "no-match")
        return result

    async def _finish(self, key: tuple[str, str], outcome: str, failed: bool = False) -> None:
        await asyncio.to_thread(self.ledger.finish, key[0], key[1], outcome, failed=failed)
        self._notify(key, outcome)

    def _notify(self, key: tuple[str, str], outcome: str) -> None:
        at = time.monotonic()
        for listener in self.listeners:
            listener(key[0], key[1], outcome, at)

    # -- acting ------------------------------------------------------------------------------

    async def act(
        self,
        item: MediaItem,
        seen: Seen,
        policy: Policy,
        result: CheckResult,
    ) -> str:
        """Apply the policy to a preserved match; returns the outcome."""
        banks = ", ".join(sorted({m.bank for m in result.matches}))
        reason = f"Rempart: registered photo (bank {banks}; message {seen.message_id})"
        removes = policy.mode in {"review", "delete"} and result.confident
        outcome = "review" if policy.mode != "log" else "logged"
        if removes:
            try:
                await self.bot.http.delete_message(
                    int(seen.channel_id), int(seen.message_id), reason=reason
                )
                outcome = "deleted" if policy.mode == "delete" else "hidden"
            except discord.NotFound:
                outcome = "already deleted"
            except discord.HTTPException as error:
                outcome = f"review (delete refused: {error.status})"
            await self._log(
                "bot.delete",
                f"guild {seen.guild_id} channel {seen.channel_id} message {seen.message_id}: "
                f"{outcome}; {reason}",
            )
        if policy.timeout_minutes and result.confident:
            await self._timeout(seen, policy, reason)
        # The review queue's record is bookkeeping: it waits until no check is waiting (at most
        # BOOKKEEPING_DELAY), so that a burst of posts is acted on first.
        await self._when_idle()
        await asyncio.get_running_loop().run_in_executor(
            self.pool, self.checker.queue, result, item, seen, policy
        )
        if policy.alert_channel_id:
            await self._alert(seen, policy, outcome, result)
        return outcome

    async def _timeout(self, seen: Seen, policy: Policy, reason: str) -> None:
        guild = self.bot.get_guild(int(seen.guild_id)) if seen.guild_id else None
        if guild is None or not seen.author_id:
            return
        try:
            await self.bot.http.edit_member(
                guild.id,
                int(seen.author_id),
                reason=reason,
                communication_disabled_until=(
                    discord.utils.utcnow() + timedelta(minutes=policy.timeout_minutes)
                ).isoformat(),
            )
            done = f"{policy.timeout_minutes} min"
        except discord.HTTPException as error:
            done = f"refused ({error.status})"
        await self._log(
            "bot.timeout",
            f"guild {seen.guild_id} author {seen.author_id}: timeout {done}; {reason}",
        )

    async def _log(self, action: str, detail: str) -> None:
        """An action of the bot, in the chained log."""
        await asyncio.to_thread(self.store.record, ACTOR, action, detail)

    async def _alert(self, seen: Seen, policy: Policy, outcome: str, result: CheckResult) -> None:
        await self._post_alert(
            seen,
            policy,
            lambda lang, link: say(
                "bot_alert",
                lang,
                channel=f"<#{seen.channel_id}>",
                author=f"<@{seen.author_id}>",
                outcome={
                    "deleted": say("bot_outcome_deleted", lang),
                    "hidden": say("bot_outcome_hidden", lang),
                    "logged": say("bot_outcome_logged", lang),
                    "already deleted": say("bot_outcome_already_deleted", lang),
                }.get(outcome, say("bot_outcome_review", lang)),
                item=result.file_id,
                link=link,
            ),
        )

    async def _post_alert(
        self, seen: Seen, policy: Policy, compose: Callable[[str, str], str]
    ) -> None:
        """``compose(language, review link)`` posted in the moderators' channel, in the server's
        language; nothing when the server set no channel. Never a picture, never a mention."""
        channel: Any = self.bot.get_channel(int(policy.alert_channel_id or 0))
        if channel is None or not hasattr(channel, "send"):
            return
        guild = self.bot.get_guild(int(seen.guild_id)) if seen.guild_id else None
        lang = language_of(guild.preferred_locale if guild else "")
        link = (
            f"{self.settings.public_url.rstrip('/')}/review"
            if self.settings.public_url
            else say("bot_review_unset", lang)
        )
        text = compose(lang, link)
        try:
            await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as error:
            log.warning("alert not posted in %s: %s", policy.alert_channel_id, error)
