"""Reborn servers: for each server, the earlier server it most likely continues after a ban, with
the evidence — members in common, media in common (the two servers' own pictures matched by
PDQ, no bank needed), rules and channel-layout similarity, name similarity, and the time order
(created after the old one went quiet, from Discord's snowflake ids).

Candidates come from MinHash LSH over member ids (``datasketch``) and from the servers that
showed the same files: the search touches the few servers that share members or files, not
every pair (rules pages and channel names are evidence, not candidates: many servers copy the
same rules template, so a search by them would compare nearly every pair). A candidate is a
rebirth only when a large share of the old server's members moved (its members, not a few of a
big ordinary server's) *and* a second line of evidence agrees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from rempart.intel.normalize import fold
from rempart.intel.servers import ServerView

#: Discord's epoch (2015-01-01) in milliseconds; a snowflake's top bits count from it.
DISCORD_EPOCH_MS = 1_420_070_400_000
PERMUTATIONS = 128
#: LSH candidate thresholds (Jaccard estimates): low, since a new server holds only part of the
#: old one's members.
MEMBERS_LSH = 0.1
#: A new server may appear a little before the old one is banned (members warned to move).
OVERLAP_ALLOWED = timedelta(days=3)
#: Share of the old server's members found in the new one for the members evidence to count.
MOVED_MEMBERS = 0.3
PDQ_DISTANCE = 31
REBORN_FROM = 0.5
WEIGHTS = {"members": 0.4, "media": 0.25, "rules": 0.15, "layout": 0.1, "name": 0.1}


def created_at(snowflake: str) -> datetime | None:
    """When a Discord id was made (None for an id that is not a snowflake)."""
    try:
        value = int(snowflake)
    except ValueError:
        return None
    return datetime.fromtimestamp(((value >> 22) + DISCORD_EPOCH_MS) / 1000, tz=UTC)


@dataclass
class Rebirth:
    guild_id: str
    continues: str
    score: float
    evidence: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "guild_id": self.guild_id,
            "continues": self.continues,
            "score": self.score,
            "evidence": self.evidence,
        }


def _minhash(tokens: set[str]) -> Any:
    from datasketch import MinHash

    signature = MinHash(num_perm=PERMUTATIONS, seed=1)
    signature.update_batch([token.encode() for token in tokens])
    return signature


def _similarity(left: str, right: str) -> float:
    """How alike two texts are, word order aside (0–1). Not a subset measure: a name or a rules
    page that merely contains the other's few words is not "the same"."""
    from rapidfuzz import fuzz

    if not left or not right:
        return 0.0
    return round(fuzz.token_sort_ratio(fold(left), fold(right)) / 100, 2)


def _layout_similarity(left: ServerView, right: ServerView) -> float:
    """Jaccard of the two servers' channel names (folded)."""
    names_left = {fold(n) for n in left.channels.values() if n}
    names_right = {fold(n) for n in right.channels.values() if n}
    if not names_left or not names_right:
        return 0.0
    return round(len(names_left & names_right) / len(names_left | names_right), 2)


def _shared_media(new: ServerView, old: ServerView) -> int:
    """The new server's pictures that the old one also showed (same file, or PDQ ≤ 31)."""
    same_files = len(new.media_files & old.media_files)
    if not new.media_pdq or not old.media_pdq:
        return same_files
    import numpy as np

    def packed(hashes: list[str]) -> np.ndarray:
        return np.frombuffer(bytes.fromhex("".join(hashes)), dtype=np.uint64).reshape(-1, 4)

    left, right = packed(new.media_pdq), packed(old.media_pdq)
    near = 0
    for row in left:
        distances = np.bitwise_count(right ^ row).sum(axis=1)
        near += int(distances.min() <= PDQ_DISTANCE)
    return max(same_files, near)


def find_rebirths(views: list[ServerView]) -> list[Rebirth]:
    """For each server, the earlier server it continues, when the evidence says so."""
    from datasketch import MinHashLSH

    by_id = {v.guild_id: v for v in views}
    members_index = MinHashLSH(threshold=MEMBERS_LSH, num_perm=PERMUTATIONS)
    signatures: dict[str, Any] = {}
    for view in views:
        if view.members:
            signatures[view.guild_id] = _minhash(view.members)
            members_index.insert(view.guild_id, signatures[view.guild_id])
    media_owner: dict[int, set[str]] = {}
    for view in views:
        for file_id in view.media_files:
            media_owner.setdefault(file_id, set()).add(view.guild_id)
    found = []
    for view in views:
        born = created_at(view.guild_id)
        if born is None:
            continue
        candidates: set[str] = set()
        if view.members:
            candidates.update(members_index.query(signatures[view.guild_id]))
        for file_id in view.media_files:
            candidates.update(media_owner.get(file_id, ()))
        best: Rebirth | None = None
        for other_id in candidates - {view.guild_id}:
            rebirth = _compare(view, by_id[other_id], born)
            if rebirth is not None and (best is None or rebirth.score > best.score):
                best = rebirth
        if best is not None:
            found.append(best)
    found.sort(key=lambda r: (-r.score, r.guild_id))
    return found


def _compare(new: ServerView, old: ServerView, born: datetime) -> Rebirth | None:
    """The evidence that ``new`` continues ``old``; None when it does not."""
    old_born = created_at(old.guild_id)
    quiet = old.last_seen  # its last message: when it went quiet (banned, or abandoned)
    if old_born is None or old_born >= born or quiet is None:
        return None
    if born < quiet - OVERLAP_ALLOWED:  # the old server was still active long after: a sibling
        return None
    shared = new.members & old.members
    moved = len(shared) / len(old.members) if old.members else 0.0
    of_new = len(shared) / len(new.members) if new.members else 0.0
    media = _shared_media(new, old)
    media_share = media / len(new.media_pdq or new.media_files) if media else 0.0
    parts = {
        "members": min(1.0, moved / 0.6) if moved >= MOVED_MEMBERS else 0.0,
        "media": min(1.0, media_share * 2),
        "rules": _similarity(new.rules_text, old.rules_text),
        "layout": _layout_similarity(new, old),
        "name": _similarity(new.name, old.name),
    }
    lines = sum(1 for key in ("media", "rules", "layout", "name") if parts[key] >= 0.6)
    score = round(sum(WEIGHTS[k] * v for k, v in parts.items()), 2)
    if not parts["members"] or lines < 1 or score < REBORN_FROM:
        return None
    return Rebirth(
        new.guild_id,
        old.guild_id,
        score,
        {
            "members_in_common": len(shared),
            "share_of_old_members": round(moved, 2),
            "share_of_new_members": round(of_new, 2),
            "media_in_common": media,
            "rules_similarity": parts["rules"],
            "layout_similarity": parts["layout"],
            "name_similarity": parts["name"],
            "old_created": old_born.isoformat(),
            "old_last_message": quiet.isoformat(),
            "new_created": born.isoformat(),
            "days_between": round((born - quiet).total_seconds() / 86400, 1),
        },
    )
