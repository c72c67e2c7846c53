"""Preservation: a matched media item's bytes into the vault and its sighting into the custody log,
before anything else happens to it (a scan deleting its copies, a bot deleting the message).

A sighting record says what a court needs: guild, channel, message and author IDs and the names
shown at capture, the message link, the post time decoded from the snowflake (UTC and
Europe/Paris), the capture time, the SHA-256 and size of the bytes, each matching signal with its
algorithm, version, threshold and distance or inliers, the surrounding messages and Rempart's
version. It is sealed with the case key; its SHA-256 goes into the chained log, so a pack can
show it unaltered. Preserving is idempotent: the same media item of the same message is recorded
once, however often a scan is resumed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from rempart import __version__
from rempart.evidence.vault import Case, Cases, Vault, seal_record
from rempart.settings import Settings
from rempart.store import Store
from rempart.store.models import SightingRow, utcnow
from rempart.store.values import Match

DISCORD_EPOCH_MS = 1_420_070_400_000
PARIS = ZoneInfo("Europe/Paris")

#: What each signal is, for a reader of the evidence (algorithm, version, what its figure means).
ALGORITHMS: dict[str, tuple[str, str]] = {
    "pdq": ("PDQ perceptual hash (Meta), 256 bits", "Hamming distance, at most the threshold"),
    "video_pdq": ("PDQ of sampled video frames", "Hamming distance of the closest frame"),
    "orb": (
        "ORB keypoints verified by a RANSAC homography",
        "keypoint pairs one homography explains, at least the threshold",
    ),
    "sha256": ("SHA-256 of the file's bytes", "exact"),
    "video_md5": ("MD5 of the video file (StopNCII/HMA form)", "exact"),
}


def discord_link(guild_id: str, channel_id: str, message_id: str) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def snowflake_time(snowflake: str) -> datetime | None:
    """When Discord created the object with this id (None when it is not a snowflake)."""
    if not snowflake.isdigit() or len(snowflake) > 20:
        return None
    return datetime.fromtimestamp(((int(snowflake) >> 22) + DISCORD_EPOCH_MS) / 1000, timezone.utc)


def both_times(at: datetime | None) -> dict[str, str | None]:
    """An instant in UTC and in Europe/Paris (ISO 8601)."""
    if at is None:
        return {"utc": None, "europe_paris": None}
    return {
        "utc": at.astimezone(timezone.utc).isoformat(),
        "europe_paris": at.astimezone(PARIS).isoformat(),
    }


def signal_facts(match: Match, settings: Settings, pdq_threshold: int) -> dict[str, Any]:
    """One matching signal as the evidence states it."""
    algorithm, meaning = ALGORITHMS.get(match.signal, (match.signal, ""))
    threshold: int | None = None
    if match.signal in {"pdq", "video_pdq"}:
        threshold = pdq_threshold
    elif match.signal == "orb":
        threshold = settings.local_min_inliers
    return {
        "signal": match.signal,
        "algorithm": algorithm,
        "version": f"rempart {__version__}",
        "threshold": threshold,
        "figure": meaning,
        "distance": match.distance,
        "inliers": match.inliers,
        "frames": list(match.frames) if match.frames else None,
        "query_variant": match.query_variant,
    }


@dataclass
class Sighting:
    """Where and how a media item was seen (what is known of it at capture)."""

    source: str  # "discord-export", "api", "bot"
    source_key: str  # unique per media item and place: "discord:MESSAGE:POSITION"…
    guild_id: str = ""
    guild_name: str = ""
    channel_id: str = ""
    channel_name: str = ""
    message_id: str = ""
    author_id: str = ""
    author_name: str = ""
    author_nickname: str = ""
    content: str = ""
    file_name: str = ""
    role: str = ""
    surrounding: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def record(
        self, case: Case, data_sha256: str, size: int, kept: bool, signals: list[dict[str, Any]]
    ) -> dict[str, Any]:
        posted = snowflake_time(self.message_id) if self.message_id else None
        link = (
            discord_link(self.guild_id, self.channel_id, self.message_id)
            if self.guild_id and self.channel_id and self.message_id
            else None
        )
        return {
            "schema": "rempart-sighting v1",
            "case": {"bank": case.bank, "entry": case.entry_id, "minor": case.minor},
            "source": self.source,
            "guild": {"id": self.guild_id, "name": self.guild_name},
            "channel": {"id": self.channel_id, "name": self.channel_name},
            "message": {
                "id": self.message_id,
                "link": link,
                "posted_at": both_times(posted),
                "content": self.content,
            },
            "author": {
                "id": self.author_id,
                "name": self.author_name,
                "nickname": self.author_nickname,
            },
            "captured_at": both_times(utcnow()),
            "media": {
                "sha256": data_sha256,
                "size_bytes": size,
                "file_name": self.file_name,
                "role": self.role,
                "kept_in_vault": kept,
            },
            "signals": signals,
            "surrounding_messages": self.surrounding,
            "rempart_version": __version__,
            **({"extra": self.extra} if self.extra else {}),
        }


class Preserver:
    """Preserve sightings of matched media: vault first, then the sealed record and its log
    entry, in one transaction."""

    def __init__(self, store: Store, settings: Settings, vault: Vault | None = None) -> None:
        self.store = store
        self.settings = settings
        self.cases = Cases(store)
        self.vault = vault or Vault(store, settings)

    def preserve(
        self,
        data: bytes,
        sighting: Sighting,
        matches: list[Match],
        *,
        actor: str,
    ) -> list[int]:
        """Preserve ``data`` seen at ``sighting`` for every case its ``matches`` name; returns
        the new sighting ids (none for a sighting already recorded)."""
        added = []
        sha256 = hashlib.sha256(data).hexdigest()
        by_entry: dict[tuple[str, int], list[Match]] = {}
        for match in matches:
            by_entry.setdefault((match.bank, match.entry_id), []).append(match)
        thresholds = self.store.bank_thresholds() if by_entry else {}
        for (bank, entry_id), found in by_entry.items():
            case = self.cases.open(bank, entry_id, actor=actor)
            threshold = thresholds.get(bank, self.settings.pdq_threshold)
            signals = [signal_facts(m, self.settings, threshold) for m in found]
            sighting_id = self.preserve_in(case, data, sha256, sighting, signals, actor=actor)
            if sighting_id is not None:
                added.append(sighting_id)
        return added

    def preserve_in(
        self,
        case: Case,
        data: bytes,
        sha256: str,
        sighting: Sighting,
        signals: list[dict[str, Any]],
        *,
        actor: str,
    ) -> int | None:
        """Preserve one sighting in one case (a match's, or a member's report's); returns the
        new sighting id, None when it was recorded before or the case's key was destroyed."""
        if case.key is None:  # her evidence was deleted at her request: nothing more is kept
            return None
        if self._recorded(case, sighting.source_key):
            return None
        kept = not case.minor
        name = self.vault.put(case, data)[0] if kept else None
        record = sighting.record(case, sha256, len(data), kept, signals)
        encoded = json.dumps(record, sort_keys=True, ensure_ascii=False).encode()
        record_sha256 = hashlib.sha256(encoded).hexdigest()
        try:
            with self.store.transaction() as session:
                row = SightingRow(
                    case_id=case.id,
                    source_key=sighting.source_key[:120],
                    media_sha256=sha256,
                    media_size=len(data),
                    object_name=name,
                    record=seal_record(case, encoded),
                    record_sha256=record_sha256,
                    captured_at=utcnow(),
                )
                session.add(row)
                session.flush()
                link = record["message"]["link"] or sighting.source
                self.store.audit(
                    session,
                    actor,
                    "evidence.preserve",
                    f"case {case.id} sighting {row.id} record sha256 {record_sha256}; media "
                    f"sha256 {sha256} ({len(data)} bytes, "
                    f"{'kept' if kept else 'not kept: minor'}); {link}",
                    bank=case.bank,
                    entry_id=case.entry_id if case.entry_id > 0 else None,
                )
            return int(row.id)
        except IntegrityError:  # another process preserved the same sighting meanwhile
            return None

    def _recorded(self, case: Case, source_key: str) -> bool:
        with self.store.session() as session:
            return (
                session.scalar(
                    select(SightingRow.id).where(
                        SightingRow.case_id == case.id, SightingRow.source_key == source_key[:120]
                    )
                )
                is not None
            )
