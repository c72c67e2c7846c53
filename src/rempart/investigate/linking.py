"""Link scan results into what an investigator reads: cases, actors, servers and how servers
connect.

- A **case** is one registered entry (a victim's photo) and every post where it appears:
  server, channel, author, time, how it matched — in time order.
- An **actor** is a Discord account (by id, so renamed accounts stay one person) that posted a
  matched picture, with every name and nickname seen and every server it posted in.
- **Servers** connect by shared members (the same account posting in both), shared images (the
  same file or the same registered photo in both) and cross-posting (one account posting the
  same registered photo in both).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field
from itertools import combinations
from typing import Any

from rempart.errors import SignalError
from rempart.i18n import translate
from rempart.signals.registry import get_signal
from rempart.store import Store
from rempart.store.scans import ScanStore, StoredMedia, StoredMessage

CONTEXT_MESSAGES = 2


@dataclass
class Sighting:
    media_id: int
    message_id: str
    time: str
    guild_id: str
    guild_name: str
    channel_id: str
    channel_name: str
    author_id: str
    author_name: str
    content: str
    role: str
    file_name: str
    local_path: str | None
    signal: str
    strength: str
    found_by: str
    context: list[dict[str, str]] = field(default_factory=list)
    #: What the match means to a reader, in English and French ("near copy (PDQ 4 of 31 bits)").
    meaning: dict[str, str] = field(default_factory=dict)


@dataclass
class Case:
    bank: str
    entry_id: int
    label: str
    sightings: list[Sighting]
    servers: list[str]
    authors: list[str]
    first_seen: str
    last_seen: str


@dataclass
class Actor:
    id: str
    names: list[str]
    servers: list[str]
    messages: int
    matched_posts: int
    cases: list[int]


@dataclass
class Server:
    id: str
    name: str
    channels: int
    messages: int
    members: int
    media: int
    matched_media: int


@dataclass
class ServerLink:
    source: str
    target: str
    shared_members: list[str]
    shared_files: int
    shared_cases: list[int]
    cross_posters: list[str]


@dataclass
class Investigation:
    summary: dict[str, Any]
    cases: list[Case]
    actors: list[Actor]
    servers: list[Server]
    links: list[ServerLink]
    unavailable: list[dict[str, str]]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def investigate(
    store: Store,
    banks: Sequence[str] | None,
    message_ids: Collection[str] | None = None,
    actor: str = "cli",
    entry_ids: Collection[int] | None = None,
) -> Investigation:
    """Everything scanned (optionally only these messages: what a scan's inputs hold), linked, for
    these banks.

    With ``entry_ids`` only those cases are built, from their own files' media and the messages
    of the channels they were posted in (a case page): nothing else of the database is read.
    Every message is counted from its clear columns; only the messages shown — posts of a
    registered photo and those around them, one per server and channel for its name, and those
    of the accounts that posted one (their names) — are decrypted. Memory follows what is shown.
    """
    scans = ScanStore(store)
    matches = scans.matches(banks, entry_ids)
    if entry_ids is None:
        media_read = scans.media(actor)
    else:  # one case: its files' media, and the messages of the channels it was posted in
        media_read = scans.media(actor, {m.file_id for m in matches}) if matches else []
        if message_ids is None:
            message_ids = scans.channel_message_ids({m.message_id for m in media_read})
    heads = scans.message_heads(message_ids)
    by_id = {m.id: m for m in heads}
    media = [m for m in media_read if m.message_id in by_id]
    labels = store.entry_labels({m.entry_id for m in matches})
    thresholds = store.bank_thresholds()
    media_of_file: dict[int, list[StoredMedia]] = defaultdict(list)
    for item in media:
        if item.file_id is not None:
            media_of_file[item.file_id].append(item)
    channel_messages: dict[str, list[StoredMessage]] = defaultdict(list)
    for message in heads:
        channel_messages[message.channel_id].append(message)
    positions = {
        m.id: (m.channel_id, i) for ms in channel_messages.values() for i, m in enumerate(ms)
    }
    shown = [(match, item) for match in matches for item in media_of_file.get(match.file_id, [])]
    by_id.update(_with_details(scans, actor, _to_read(shown, by_id, channel_messages, positions)))
    channel_messages = {
        channel: [by_id[m.id] for m in ms] for channel, ms in channel_messages.items()
    }
    messages = [by_id[m.id] for m in heads]

    sightings: dict[tuple[str, int], dict[tuple[str, int], Sighting]] = defaultdict(dict)
    for match, item in shown:
        message = by_id[item.message_id]
        key = (item.message_id, item.position)
        if key in sightings[(match.bank, match.entry_id)]:
            continue
        sighting = _sighting(
            message,
            item,
            match.signal,
            _strength(match),
            match.found_by,
            channel_messages,
            positions,
        )
        sighting.meaning = meaning(
            match.signal,
            match.distance,
            match.inliers,
            thresholds.get(match.bank, 31),
            match.frames,
        )
        sightings[(match.bank, match.entry_id)][key] = sighting

    cases = []
    for (bank, entry_id), found in sightings.items():
        ordered = sorted(found.values(), key=lambda s: (s.time, s.message_id))
        cases.append(
            Case(
                bank=bank,
                entry_id=entry_id,
                label=labels.get(entry_id, ""),
                sightings=ordered,
                servers=sorted({s.guild_name or s.guild_id for s in ordered}),
                authors=sorted({s.author_id for s in ordered}),
                first_seen=ordered[0].time,
                last_seen=ordered[-1].time,
            )
        )
    cases.sort(key=lambda c: (-len(c.sightings), c.bank, c.entry_id))

    names_of: dict[str, set[str]] = defaultdict(set)
    servers_of: dict[str, set[str]] = defaultdict(set)
    message_count: dict[str, int] = defaultdict(int)
    for message in messages:
        author = message.details.get("author", {})
        for name in (author.get("name"), author.get("nickname")):
            if name:
                names_of[message.author_id].add(str(name))
        servers_of[message.author_id].add(message.guild_id)
        message_count[message.author_id] += 1
    guild_names = {m.guild_id: str(m.details.get("guild_name", "")) for m in messages}
    posted: dict[str, set[str]] = defaultdict(
        set
    )  # author → ids of the messages showing a registered photo
    cases_of: dict[str, set[int]] = defaultdict(set)
    for case in cases:
        for s in case.sightings:
            posted[s.author_id].add(s.message_id)
            cases_of[s.author_id].add(case.entry_id)
    actors = [
        Actor(
            id=author_id,
            names=sorted(names_of[author_id]),
            servers=sorted(guild_names.get(g) or g for g in servers_of[author_id]),
            messages=message_count[author_id],
            matched_posts=len(posted[author_id]),
            cases=sorted(cases_of[author_id]),
        )
        for author_id in sorted(posted, key=lambda a: (-len(posted[a]), a))
    ]

    servers, links = _servers_and_links(messages, media, cases, guild_names)
    unavailable = [
        {
            "message_id": m.message_id,
            "role": m.role,
            "status": m.status,
            "reason": m.reason,
            "source": str(m.details.get("source", "")),
        }
        for m in media
        if m.status != "hashed"
    ]
    summary = {
        "banks": list(banks) if banks else "all",
        "servers": len(servers),
        "channels": len(channel_messages),
        "messages": len(messages),
        "people": len({m.author_id for m in messages}),
        "media": len(media),
        "media_hashed": sum(1 for m in media if m.status == "hashed"),
        "media_unavailable": sum(1 for m in media if m.status == "unavailable"),
        "media_failed": sum(1 for m in media if m.status == "failed"),
        "cases": len(cases),
        "sightings": sum(len(c.sightings) for c in cases),
        "actors": len(actors),
    }
    return Investigation(summary, cases, actors, servers, links, unavailable)


def _to_read(
    shown: list[tuple[Any, StoredMedia]],
    by_id: dict[str, StoredMessage],
    channel_messages: dict[str, list[StoredMessage]],
    positions: dict[str, tuple[str, int]],
) -> set[str]:
    """Ids of the messages whose sealed details the investigation shows."""
    wanted: set[str] = set()
    posters: set[str] = set()
    for _match, item in shown:
        channel, index = positions[item.message_id]
        wanted.update(
            m.id
            for m in channel_messages[channel][
                max(0, index - CONTEXT_MESSAGES) : index + CONTEXT_MESSAGES + 1
            ]
        )
        posters.add(by_id[item.message_id].author_id)
    for messages in channel_messages.values():
        wanted.add(messages[0].id)  # the server's and the channel's names
    wanted.update(
        m.id for m in by_id.values() if m.author_id in posters
    )  # every name those accounts used
    return wanted


def _with_details(scans: ScanStore, actor: str, ids: set[str]) -> dict[str, StoredMessage]:
    return {m.id: m for m in scans.messages(actor, ids)} if ids else {}


def meaning(
    signal: str,
    distance: int | None,
    inliers: int | None,
    threshold: int,
    frames: str | None = None,
) -> dict[str, str]:
    """What a match means to a reader ({"en": ..., "fr": ...}), as its signal explains it, in the
    catalogue's words."""
    try:
        text, values = get_signal(signal).explain(distance, inliers, threshold)
    except SignalError:
        text, values = "{signal} match", {"signal": signal}
    said = {lang: translate(text, lang).format(**values) for lang in ("en", "fr")}
    if frames:
        seen, sampled = frames.split("/", 1) if "/" in frames else (frames, "?")
        for lang in said:
            part = translate("{seen} of {sampled} sampled frames", lang)
            said[lang] += "; " + part.format(seen=seen, sampled=sampled)
    return said


def _strength(match: Any) -> str:
    if match.inliers is not None:
        text = f"{match.inliers} inliers"
    else:
        text = f"distance {match.distance}"
    return text + (f", frames {match.frames}" if match.frames else "")


def _sighting(
    message: StoredMessage,
    item: StoredMedia,
    signal: str,
    strength: str,
    found_by: str,
    channel_messages: dict[str, list[StoredMessage]],
    positions: dict[str, tuple[str, int]],
) -> Sighting:
    channel, index = positions[message.id]
    around = channel_messages[channel][
        max(0, index - CONTEXT_MESSAGES) : index + CONTEXT_MESSAGES + 1
    ]
    context = [
        {
            "message_id": m.id,
            "time": m.created_at.isoformat(),
            "author_id": m.author_id,
            "author_name": _display_name(m),
            "content": str(m.details.get("content", "")),
            "is_match": "yes" if m.id == message.id else "",
        }
        for m in around
    ]
    return Sighting(
        media_id=item.id,
        message_id=message.id,
        time=message.created_at.isoformat(),
        guild_id=message.guild_id,
        guild_name=str(message.details.get("guild_name", "")),
        channel_id=message.channel_id,
        channel_name=str(message.details.get("channel_name", "")),
        author_id=message.author_id,
        author_name=_display_name(message),
        content=str(message.details.get("content", "")),
        role=item.role,
        file_name=str(item.details.get("file_name", "")),
        local_path=item.details.get("local_path"),
        signal=signal,
        strength=strength,
        found_by=found_by,
        context=context,
    )


def _display_name(message: StoredMessage) -> str:
    author = message.details.get("author", {})
    return str(author.get("nickname") or author.get("name") or message.author_id)


def _servers_and_links(
    messages: list[StoredMessage],
    media: list[StoredMedia],
    cases: list[Case],
    guild_names: dict[str, str],
) -> tuple[list[Server], list[ServerLink]]:
    members: dict[str, set[str]] = defaultdict(set)
    channels: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    guild_of_message = {m.id: m.guild_id for m in messages}
    for message in messages:
        members[message.guild_id].add(message.author_id)
        channels[message.guild_id].add(message.channel_id)
        counts[message.guild_id] += 1
    files: dict[str, set[int]] = defaultdict(set)
    media_count: dict[str, int] = defaultdict(int)
    for item in media:
        guild = guild_of_message[item.message_id]
        media_count[guild] += 1
        if item.file_id is not None:
            files[guild].add(item.file_id)
    matched: dict[str, set[tuple[str, str]]] = defaultdict(set)
    case_guilds: dict[int, set[str]] = defaultdict(set)
    posters: dict[tuple[int, str], set[str]] = defaultdict(set)
    for case in cases:
        for s in case.sightings:
            matched[s.guild_id].add((s.message_id, s.role))
            case_guilds[case.entry_id].add(s.guild_id)
            posters[(case.entry_id, s.author_id)].add(s.guild_id)
    servers = [
        Server(
            guild,
            guild_names.get(guild, ""),
            len(channels[guild]),
            counts[guild],
            len(members[guild]),
            media_count[guild],
            len(matched[guild]),
        )
        for guild in sorted(counts, key=lambda g: (-counts[g], g))
    ]
    links = []
    for left, right in combinations(sorted(counts), 2):
        shared_members = sorted(members[left] & members[right])
        shared_files = len(files[left] & files[right])
        shared_cases = sorted(
            entry for entry, guilds in case_guilds.items() if {left, right} <= guilds
        )
        cross = sorted(
            {author for (entry, author), guilds in posters.items() if {left, right} <= guilds}
        )
        if shared_members or shared_files or shared_cases:
            links.append(ServerLink(left, right, shared_members, shared_files, shared_cases, cross))
    return servers, links
