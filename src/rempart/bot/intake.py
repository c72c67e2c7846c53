"""The media items of a Discord message: attachments, embed images, thumbnails and videos,
stickers, and the same inside forwarded messages (``message_snapshots``).

Each item gets a key that is stable for that message (the attachment's id, the embed's position
and part, the sticker's id), so a redelivered or edited message names the same items again and
the ledger processes each once. Embeds are read from Discord's media proxy (``proxy_url``), never
from the site the embed points at; Lottie stickers (vector animations) carry no picture and are
left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord


@dataclass(frozen=True)
class MediaItem:
    """One picture or video of a message, where to download it and what it was."""

    key: str
    url: str
    role: str
    file_name: str = ""
    size: int | None = None


def _attachments(attachments: list[discord.Attachment], prefix: str, role: str) -> list[MediaItem]:
    return [
        MediaItem(f"{prefix}a{a.id}", a.url, role, a.filename, a.size)
        for a in attachments
        if not (a.content_type or "").startswith(("text/", "audio/", "application/"))
    ]


def _embeds(embeds: list[discord.Embed], prefix: str, role: str) -> list[MediaItem]:
    items = []
    for number, embed in enumerate(embeds):
        for part in ("image", "thumbnail", "video"):
            proxy: Any = getattr(embed, part)
            url = getattr(proxy, "proxy_url", None)
            if url:
                items.append(MediaItem(f"{prefix}e{number}:{part}", str(url), f"{role} {part}"))
    return items


def _stickers(stickers: list[discord.StickerItem], cdn_base: str) -> list[MediaItem]:
    items = []
    for sticker in stickers:
        if sticker.format is discord.StickerFormatType.lottie:
            continue
        extension = sticker.format.file_extension
        items.append(
            MediaItem(
                f"s{sticker.id}",
                f"{cdn_base.rstrip('/')}/stickers/{sticker.id}.{extension}",
                "sticker",
                f"{sticker.name}.{extension}",
            )
        )
    return items


def media_items(message: discord.Message, cdn_base: str) -> list[MediaItem]:
    """Every media item of ``message``, forwarded ones included."""
    items = _attachments(message.attachments, "", "attachment")
    items += _embeds(message.embeds, "", "embed")
    items += _stickers(message.stickers, cdn_base)
    for number, snapshot in enumerate(getattr(message, "message_snapshots", None) or []):
        prefix = f"f{number}:"
        items += _attachments(snapshot.attachments, prefix, "forwarded attachment")
        items += _embeds(snapshot.embeds, prefix, "forwarded embed")
    return items
