"""Server intelligence for scanned messages: each message's signals (with the messages around it),
each server's risk, and rebirths — ``rempart.intel`` applied to what the store holds. Needs no
bank: it reads the messages' text, the servers' names, channels, roles and rules pages, their own
media's PDQ, and the registered photos already matched (if any).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict, deque
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from rempart.intel.messages import message_signals
from rempart.intel.normalize import fold
from rempart.intel.reborn import Rebirth, find_rebirths
from rempart.intel.servers import ServerRisk, ServerView, assess
from rempart.store import Store
from rempart.store.scans import ScanStore, StoredMessage
from rempart.store.signals import NewSignal, SignalQueue

#: Channels whose messages are the server's rules page.
_RULES_CHANNEL = re.compile(
    r"\b(?:regles?|reglement|rules?|charte|lisez ?moi|read ?me|readme|bienvenue|welcome|infos?)\b"
)
CONTEXT = 2
#: A signal's keys in the JSON output (with the messages around it, ``context``).
SIGNAL_KEYS = ("guild_id", "channel_id", "message_id", "kind", "score", "evidence")
#: The most characters of a rules page kept (a page, not a channel's history).
RULES_CHARACTERS = 4000


@dataclass
class SignalHit:
    """One kind found in one message, where it was, and the messages around it."""

    guild_id: str
    channel_id: str
    message_id: str
    kind: str
    score: float
    evidence: list[dict[str, str]]
    guild_name: str = ""
    channel_name: str = ""
    author_id: str = ""
    author_name: str = ""
    time: str = ""
    content: str = ""
    context: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Intelligence:
    signals: list[SignalHit]
    servers: list[ServerRisk]
    reborn: list[Rebirth]

    def as_dict(self, kind: str | None = None) -> dict[str, Any]:
        """The shapes `rempart scan --json` and the API give: each signal's ``SIGNAL_KEYS`` and
        the messages around it; each server's risk; each rebirth (signals of one ``kind``
        only, when given)."""
        return {
            "signals": [
                {key: getattr(hit, key) for key in SIGNAL_KEYS} | {"context": hit.context}
                for hit in self.signals
                if kind is None or hit.kind == kind
            ],
            "servers": [s.as_dict() for s in self.servers],
            "reborn": [r.as_dict() for r in self.reborn],
        }


def _line(message: StoredMessage) -> dict[str, str]:
    author = message.details.get("author", {})
    return {
        "message_id": message.id,
        "author": str(author.get("nickname") or author.get("name") or message.author_id),
        "time": message.created_at.isoformat(),
        "content": str(message.details.get("content", ""))[:500],
    }


def server_intelligence(
    store: Store,
    message_ids: Collection[str] | None = None,
    *,
    actor: str = "cli",
) -> Intelligence:
    """Signals, risks and rebirths of the scanned messages (all, or these ids).

    Messages are read a batch at a time; what is kept is each server's aggregates, the hits, and
    per channel the last ``CONTEXT`` lines (and the hits still waiting for the lines after
    them): memory follows the servers and the hits, not the number of messages.
    """
    scans = ScanStore(store)
    views: dict[str, ServerView] = {}
    before: dict[str, deque[dict[str, str]]] = defaultdict(lambda: deque(maxlen=CONTEXT))
    waiting: dict[str, list[tuple[SignalHit, int]]] = defaultdict(list)
    signals: list[SignalHit] = []
    rules: dict[str, list[str]] = defaultdict(list)
    guild_of: dict[str, str] = {}
    is_rules: dict[str, bool] = {}
    for message in scans.iter_messages(actor, message_ids):
        details = message.details
        guild_of[message.id] = message.guild_id
        view = views.get(message.guild_id)
        if view is None:
            view = views[message.guild_id] = ServerView(
                message.guild_id, name=str(details.get("guild_name", ""))
            )
        channel_name = str(details.get("channel_name", ""))
        view.channels[message.channel_id] = channel_name
        view.members.add(message.author_id)
        author = details.get("author", {})
        view.roles.update(str(r) for r in author.get("roles", []) if r)
        view.messages += 1
        view.first_seen = view.first_seen or message.created_at
        view.last_seen = message.created_at
        content = str(details.get("content", ""))
        line = _line(message)
        still = []
        for hit, left in waiting[message.channel_id]:  # the lines after earlier hits
            hit.context.append(line)
            if left > 1:
                still.append((hit, left - 1))
        waiting[message.channel_id] = still
        rules_page = is_rules.get(message.channel_id)
        if rules_page is None:  # once per channel, not per message
            rules_page = is_rules[message.channel_id] = bool(
                _RULES_CHANNEL.search(fold(channel_name))
            )
        if rules_page:
            if sum(len(t) for t in rules[message.guild_id]) < RULES_CHARACTERS:
                rules[message.guild_id].append(content)
        else:  # a rules page is read as the server's rules, not as chat
            for signal in message_signals(content):
                view.signal_counts[signal.kind] += 1
                hit = SignalHit(
                    guild_id=message.guild_id,
                    channel_id=message.channel_id,
                    message_id=message.id,
                    kind=signal.kind,
                    score=signal.score,
                    evidence=[e.as_dict() for e in signal.evidence],
                    guild_name=view.name,
                    channel_name=channel_name,
                    author_id=message.author_id,
                    author_name=line["author"],
                    time=line["time"],
                    content=content[:2000],
                    context=list(before[message.channel_id]),
                )
                signals.append(hit)
                waiting[message.channel_id].append((hit, CONTEXT))
        before[message.channel_id].append(line)
    for guild_id, texts in rules.items():
        views[guild_id].rules_text = "\n".join(texts)[:RULES_CHARACTERS]
    _add_media(scans, views, guild_of, actor)
    ordered = list(views.values())
    return Intelligence(signals, assess(ordered), find_rebirths(ordered))


def _add_media(
    scans: ScanStore, views: dict[str, ServerView], guild_of: dict[str, str], actor: str
) -> None:
    """Each server's own media (file ids and PDQ) and its registered photos found."""
    files_of: dict[int, set[str]] = defaultdict(set)
    for item in scans.media(actor):
        guild = guild_of.get(item.message_id)
        if guild is not None and item.file_id is not None:
            views[guild].media_files.add(item.file_id)
            files_of[item.file_id].add(guild)
    matched: Counter[str] = Counter()
    for file_id in {m.file_id for m in scans.matches()}:
        for guild in files_of.get(file_id, ()):
            matched[guild] += 1
    for guild, count in matched.items():
        views[guild].matched_media = count
    if not files_of:
        return
    for file_id, fingerprint in scans.hashed_files(actor):
        guilds = files_of.get(file_id)
        if not guilds:
            continue
        pdq = next((v.value for v in fingerprint.values if v.signal == "pdq"), None)
        if pdq:
            for guild in guilds:
                views[guild].media_pdq.append(pdq)


def queue_signals(store: Store, intelligence: Intelligence, *, source: str, actor: str) -> int:
    """Put the signals found into the review queue (each message and kind once); returns how
    many were new."""
    return SignalQueue(store).record(
        (
            NewSignal(
                hit.message_id,
                hit.kind,
                hit.guild_id,
                hit.channel_id,
                hit.score,
                {
                    key: value
                    for key, value in hit.as_dict().items()
                    if key not in {"message_id", "kind", "guild_id", "channel_id", "score"}
                },
            )
            for hit in intelligence.signals
        ),
        source,
        actor,
    )
