"""Server risk: a score (0–100) and a level per server from what it shows — its name, the names of
its channels and roles, its rules page, how often its messages carry signals, registered photos
found in it, and members it shares with servers already high-risk. Every component is returned
with its points and what earned them: a number alone is never the answer.

A rules page that forbids minors or asks for consent lowers nothing: such pages are quoted by the
very servers they describe.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rempart.intel.messages import message_signals
from rempart.intel.normalize import fold

#: Words that name the practice in a server, channel or role name (folded form, word starts).
_LAYOUT_WORDS = re.compile(
    r"\b(?:c[u*]m ?)?tr[i*]b(?!un|u\b|us\b|al)\w*|\bc[u*]m\w*|\bleaks?\b|\bexpos\w*|\bnudes?\b"
    r"|\bnsfw\b|\bfap\w*|\bbranl\w*|\bsalope?s?\b|\bchaudasses?\b|\bscred\b|\bdeep ?fakes?\b"
    r"|\bnudif\w*|\bundress\w*|\bsmash or pass\b|\btournois?\b|\bcousines?\b|\bsoeurs?\b|\bprofs?\b"
    r"|\bvoisines?\b|\bexs?\b|\bcopines?\b|\bmeufs?\b|\bdemandes?\b|\brequests?\b|\bdossiers?\b"
    r"|\bbonnes?\b|\bhot\b|\breveal\w*|\bsnap ?leaks?\b|\bfuites?\b|\bvotes?\b"
)
LEVELS = ((70, "critical"), (45, "high"), (20, "medium"), (0, "low"))
HIGH = 45
#: The most points each component can give.
CAPS = {
    "name": 15,
    "layout": 20,
    "rules": 10,
    "messages": 30,
    "registered_media": 30,
    "shared_members": 15,
}


@dataclass
class ServerView:
    """What a scan (or the bot) saw of one server."""

    guild_id: str
    name: str = ""
    channels: dict[str, str] = field(default_factory=dict)  # id → name
    roles: set[str] = field(default_factory=set)
    members: set[str] = field(default_factory=set)
    rules_text: str = ""
    messages: int = 0
    signal_counts: Counter[str] = field(default_factory=Counter)
    matched_media: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    #: PDQ hashes (hex) and content digests of the server's own media, for rebirth evidence.
    media_pdq: list[str] = field(default_factory=list)
    media_files: set[int] = field(default_factory=set)


@dataclass
class Reason:
    """One component of a server's risk."""

    component: str
    points: int
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"component": self.component, "points": self.points, "detail": self.detail}


@dataclass
class ServerRisk:
    guild_id: str
    name: str
    risk: int
    level: str
    reasons: list[Reason]

    def as_dict(self) -> dict[str, Any]:
        return {
            "guild_id": self.guild_id,
            "name": self.name,
            "risk": self.risk,
            "level": self.level,
            "reasons": [r.as_dict() for r in self.reasons],
        }


def level_of(risk: int) -> str:
    return next(name for floor, name in LEVELS if risk >= floor)


def _name_points(view: ServerView) -> Reason | None:
    words = sorted(set(_LAYOUT_WORDS.findall(fold(view.name))))
    kinds = sorted({s.kind for s in message_signals(view.name)})
    points = min(CAPS["name"], 6 * len(words) + 8 * len(kinds))
    if not points:
        return None
    detail = ", ".join([*(f"“{w}”" for w in words), *kinds])
    return Reason("name", points, f"{view.name!r}: {detail}")


def _layout_points(view: ServerView) -> Reason | None:
    named = []
    for label in [*view.channels.values(), *sorted(view.roles)]:
        found = _LAYOUT_WORDS.findall(fold(label))
        if found:
            named.append(f"{label} ({', '.join(sorted(set(found)))})")
    points = min(CAPS["layout"], 5 * len(named))
    if not points:
        return None
    return Reason("layout", points, "; ".join(named[:8]))


def _rules_points(view: ServerView) -> Reason | None:
    if not view.rules_text:
        return None
    kinds = sorted({s.kind for s in message_signals(view.rules_text)})
    words = sorted(set(_LAYOUT_WORDS.findall(fold(view.rules_text))))
    points = min(CAPS["rules"], 5 * len(kinds) + 2 * len(words))
    if not points:
        return None
    return Reason("rules", points, ", ".join([*kinds, *(f"“{w}”" for w in words)]))


def _message_points(view: ServerView) -> Reason | None:
    hits = sum(view.signal_counts.values())
    if not hits or not view.messages:
        return None
    rate = 100 * view.signal_counts["solicitation"] / view.messages
    points = 4 * min(hits, 3) + round(min(10.0, rate))
    points += 4 * sum(1 for k in ("minor", "covert_capture", "deepfake") if view.signal_counts[k])
    counts = ", ".join(f"{kind} {n}" for kind, n in sorted(view.signal_counts.items()) if n)
    return Reason(
        "messages",
        min(CAPS["messages"], points),
        f"{counts} in {view.messages} messages ({rate:.1f} % solicitation)",
    )


def _media_points(view: ServerView) -> Reason | None:
    if not view.matched_media:
        return None
    points = min(CAPS["registered_media"], 15 + 5 * (view.matched_media - 1))
    return Reason("registered_media", points, f"{view.matched_media} registered photo(s) posted")


def assess(views: list[ServerView]) -> list[ServerRisk]:
    """Each server's risk; members shared with servers found high-risk on their own add a last
    component (one round, so that two servers cannot raise each other without other grounds)."""
    own: dict[str, list[Reason]] = {}
    for view in views:
        reasons = [
            r
            for r in (
                _name_points(view),
                _layout_points(view),
                _rules_points(view),
                _message_points(view),
                _media_points(view),
            )
            if r is not None
        ]
        own[view.guild_id] = reasons
    risky = {v.guild_id: v for v in views if sum(r.points for r in own[v.guild_id]) >= HIGH}
    results = []
    for view in views:
        reasons = list(own[view.guild_id])
        shared_with = {
            other.name or gid: len(view.members & other.members)
            for gid, other in risky.items()
            if gid != view.guild_id and view.members & other.members
        }
        if shared_with and view.members:
            others = set().union(*(risky[g].members for g in risky if g != view.guild_id))
            shared = len(view.members & others)
            share = shared / len(view.members)
            points = min(CAPS["shared_members"], round(30 * share))
            if points:
                listing = ", ".join(f"{name} ({n})" for name, n in sorted(shared_with.items()))
                reasons.append(
                    Reason(
                        "shared_members",
                        points,
                        f"{shared} of {len(view.members)} members also in high-risk servers: "
                        f"{listing}",
                    )
                )
        risk = min(100, sum(r.points for r in reasons))
        results.append(ServerRisk(view.guild_id, view.name, risk, level_of(risk), reasons))
    results.sort(key=lambda r: (-r.risk, r.guild_id))
    return results
