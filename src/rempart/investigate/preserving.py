"""Preserving sightings found after the scan (``rempart rescan``): the scanned file is read back
from its export, if it is still there and still the file that was scanned, and preserved for each
message that showed it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rempart.errors import EvidenceUnavailableError
from rempart.evidence.preserve import Preserver, Sighting
from rempart.investigate.exported import verified_copy
from rempart.settings import Settings
from rempart.store import Store
from rempart.store.scans import ScanStore, StoredMessage
from rempart.store.values import Match


def sighting_of(message: StoredMessage, position: int, media: dict[str, Any]) -> Sighting:
    """A stored message's media item as a sighting (names as the export showed them)."""
    details, author = message.details, message.details.get("author", {})
    return Sighting(
        source="discord-export",
        source_key=f"discord:{message.id}:{position}",
        guild_id=message.guild_id,
        guild_name=str(details.get("guild_name", "")),
        channel_id=message.channel_id,
        channel_name=str(details.get("channel_name", "")),
        message_id=message.id,
        author_id=message.author_id,
        author_name=str(author.get("name", "")),
        author_nickname=str(author.get("nickname") or ""),
        content=str(details.get("content", ""))[:4000],
        file_name=str(media.get("file_name") or ""),
        role=str(media.get("role", "")),
    )


def preserve_recorded(
    store: Store,
    settings: Settings,
    file_id: int,
    matches: Sequence[Match],
    *,
    actor: str,
    preserver: Preserver | None = None,
) -> tuple[int, int]:
    """Preserve every recorded showing of ``file_id`` for ``matches``; returns (preserved, not
    readable any more)."""
    if not matches:
        return 0, 0
    preserver = preserver or Preserver(store, settings)
    scans = ScanStore(store)
    items = [m for m in scans.media(actor, [file_id]) if m.status == "hashed"]
    messages = {m.id: m for m in scans.messages(actor, {i.message_id for i in items})}
    preserved = gone = 0
    for item in items:
        message = messages.get(item.message_id)
        if message is None:
            continue
        try:
            with verified_copy(item.details, settings.max_file_bytes) as exported:
                data = exported.copy.read()
        except EvidenceUnavailableError:
            gone += 1
            continue
        sighting = sighting_of(message, item.position, {**item.details, "role": item.role})
        if preserver.preserve(data, sighting, list(matches), actor=actor):
            preserved += 1
    return preserved, gone
