"""Read DiscordChatExporter JSON exports (one file per channel) exactly as that tool writes them.

Exports are read as a stream (ijson): a 200 MB channel costs one message of memory at a time.
Every field the investigation needs is kept: guild, channel, and per message its id, type,
timestamps, content, author (id, name, discriminator, nickname, bot flag, roles), attachments,
embed images/thumbnails/videos, stickers, reactions, mentions, the message it replies to and a
forwarded message. Creation times are also decoded from the snowflake ids (UTC, whatever offset
the exporting machine wrote). Media references are resolved against the export's folder when
it was exported with ``--media`` (relative paths, Windows backslashes allowed) and otherwise
recorded as remote URLs, never fetched here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path, PureWindowsPath
from typing import Any
from urllib.parse import urlsplit

from rempart.errors import ImportFormatError

#: Discord's epoch (2015-01-01T00:00:00Z) in milliseconds; a snowflake's top 42 bits count from it.
DISCORD_EPOCH_MS = 1_420_070_400_000


def snowflake_time(snowflake: str | int) -> datetime:
    """The UTC creation time encoded in a Discord id."""
    text = str(snowflake)
    if not (text.isascii() and text.isdigit()) or len(text) > 20 or int(text) >= 1 << 64:
        raise ImportFormatError(f"not a Discord id: {text[:40]!r}")
    value = int(text)
    return datetime.fromtimestamp(((value >> 22) + DISCORD_EPOCH_MS) / 1000, tz=timezone.utc)


@dataclass(frozen=True)
class Author:
    id: str
    name: str
    discriminator: str = "0000"
    nickname: str = ""
    is_bot: bool = False
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class MediaRef:
    """One picture or video a message shows: where it comes from and where its bytes are."""

    #: attachment, embed_image, embed_thumbnail, embed_video or sticker
    role: str
    #: The URL or path exactly as exported.
    source: str
    file_name: str = ""
    size_bytes: int | None = None
    #: The file on disk, when exported with --media and inside the archive; else None.
    local_path: Path | None = None
    #: Why the bytes are not available (remote URL, outside the archive…); "" when they are.
    unavailable_reason: str = ""

    @property
    def is_remote(self) -> bool:
        return urlsplit(self.source).scheme in {"http", "https"}


@dataclass(frozen=True)
class Message:
    id: str
    type: str
    timestamp: str
    timestamp_edited: str | None
    content: str
    author: Author
    media: tuple[MediaRef, ...] = ()
    stickers: tuple[str, ...] = ()
    reactions: tuple[tuple[str, int], ...] = ()
    mentions: tuple[str, ...] = ()
    reply_to: str | None = None
    forwarded: dict[str, Any] | None = None
    is_pinned: bool = False

    @property
    def created_at(self) -> datetime:
        return snowflake_time(self.id)


@dataclass(frozen=True)
class ChannelExport:
    """One exported channel (or thread): where it lives and its messages."""

    path: Path
    guild_id: str
    guild_name: str
    channel_id: str
    channel_name: str
    category: str
    messages: list[Message] = field(default_factory=list)


def read_export(path: Path, root: Path, *, max_bytes: int) -> ChannelExport:
    """Parse one export file whole; media paths are resolved against its folder and must stay in
    ``root``."""
    channel, messages = stream_export(path, root, max_bytes=max_bytes)
    return replace(channel, messages=list(messages))


def stream_export(
    path: Path, root: Path, *, max_bytes: int
) -> tuple[ChannelExport, Iterator[Message]]:
    """The export's channel (its ``messages`` left empty) and its messages, parsed one at a time as
    read.

    Memory stays bounded whatever the export's size: only one message is built at a time. The
    header is checked first (a JSON object, a ``messages`` list); a malformed message raises
    ImportFormatError from the iterator when it is reached.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read ({exc.strerror})") from exc
    if size > max_bytes:
        raise ImportFormatError(f"{path}: {size} bytes is over the export size limit ({max_bytes})")
    guild, channel = _header(path)
    try:
        header = ChannelExport(
            path=path,
            guild_id=str(guild.get("id", "0")),
            guild_name=str(guild.get("name", "")),
            channel_id=str(channel.get("id", "")),
            channel_name=str(channel.get("name", "")),
            category=str(channel.get("category") or ""),
        )
    except (TypeError, ValueError) as exc:
        raise ImportFormatError(f"{path}: malformed guild or channel ({str(exc)[:100]})") from exc
    return header, _messages(path, root)


#: Deeper nesting than any export has is refused before it costs anything (a few bytes of "[" can
#: otherwise make a parser build path strings of quadratic size).
MAX_DEPTH = 64
_SCALARS = ("null", "boolean", "integer", "double", "number", "string")


def _events(handle: Any) -> Iterator[tuple[str, Any, int]]:
    """JSON events with the nesting depth after each; ImportFormatError past ``MAX_DEPTH``."""
    import ijson

    depth = 0
    for event, value in ijson.basic_parse(handle, use_float=True):
        if event in ("start_map", "start_array"):
            depth += 1
            if depth > MAX_DEPTH:
                raise ImportFormatError(f"JSON nested more than {MAX_DEPTH} levels deep")
        elif event in ("end_map", "end_array"):
            depth -= 1
        yield event, value, depth


def _build(first: tuple[str, Any, int], events: Iterator[tuple[str, Any, int]]) -> Any:
    """The value that starts with event ``first`` (read to its end from ``events``)."""
    import ijson

    event, value, depth = first
    builder = ijson.ObjectBuilder()
    builder.event(event, value)
    if event in _SCALARS:
        return builder.value
    for event, value, inner in events:
        builder.event(event, value)
        if inner < depth:
            return builder.value
    raise ImportFormatError("JSON ends in the middle of a value")


def _header(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``guild`` and ``channel`` objects, checking the file is an object with a ``messages``
    list."""
    import ijson

    found: dict[str, Any] = {}
    has_messages = False
    try:
        with path.open("rb") as handle:
            events = _events(handle)
            if next(events, None) != ("start_map", None, 1):
                raise ImportFormatError(
                    f"{path}: not a DiscordChatExporter JSON export (not a JSON object)"
                )
            key = None
            for event, value, depth in events:
                if depth == 1 and event == "map_key":
                    key = value
                    continue
                if depth == 0:
                    break
                if key in ("guild", "channel") and key not in found:
                    found[key] = _build((event, value, depth), events)
                elif key == "messages":
                    has_messages = has_messages or event == "start_array"
                    if event in ("start_array", "start_map"):
                        for (
                            _event,
                            _value,
                            inner,
                        ) in events:  # skipped here: read one at a time later
                            if inner < depth:
                                break
                elif event in ("start_array", "start_map"):
                    _build((event, value, depth), events)
                if has_messages and len(found) == 2:
                    break
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read ({exc.strerror})") from exc
    except (ijson.JSONError, UnicodeDecodeError, ValueError) as exc:
        raise ImportFormatError(f"{path}: not JSON ({str(exc)[:100]})") from exc
    except ImportFormatError as exc:
        raise ImportFormatError(f"{path}: {exc}") from exc
    if not has_messages:
        raise ImportFormatError(f"{path}: not a DiscordChatExporter JSON export (no messages list)")
    try:
        return _object(found.get("guild")), _object(found.get("channel"))
    except TypeError as exc:
        raise ImportFormatError(f"{path}: malformed guild or channel ({exc})") from exc


def _messages(path: Path, root: Path) -> Iterator[Message]:
    import ijson

    number = 0
    try:
        with path.open("rb") as handle:
            events = _events(handle)
            key = None
            for event, value, depth in events:
                if depth == 1 and event == "map_key":
                    key = value
                elif key == "messages" and depth == 2 and event == "start_array":
                    for item in events:
                        if item[2] < 2:  # the list's end
                            return
                        number += 1
                        yield _checked_message(_build(item, events), number, path, root)
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read ({exc.strerror})") from exc
    except (ijson.JSONError, UnicodeDecodeError, ValueError) as exc:
        raise ImportFormatError(
            f"{path}: not JSON after message {number} ({str(exc)[:100]})"
        ) from exc
    except ImportFormatError as exc:
        if str(path) in str(exc):
            raise
        raise ImportFormatError(f"{path}: after message {number}: {exc}") from exc


def _checked_message(raw: Any, number: int, path: Path, root: Path) -> Message:
    try:
        return _message(_object(raw), path.parent, root)
    except (
        KeyError,
        TypeError,
        ValueError,
        OverflowError,
        OSError,
    ) as exc:  # a NUL or overlong media path, a bad number
        raise ImportFormatError(f"{path}: malformed message {number} ({str(exc)[:200]!r})") from exc
    except ImportFormatError as exc:
        raise ImportFormatError(f"{path}: malformed message {number} ({exc})") from exc


def looks_like_export(path: Path) -> bool:
    """Cheap check on the first bytes: a JSON object that starts with DiscordChatExporter's keys."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", errors="replace")
    except OSError:
        return False
    return head.lstrip().startswith("{") and '"guild"' in head and '"channel"' in head


def iter_media(export: ChannelExport) -> Iterator[tuple[Message, int, MediaRef]]:
    """Every media reference with its message and its position in that message."""
    for message in export.messages:
        for position, ref in enumerate(message.media):
            yield message, position, ref


def _object(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return value


def _message(raw: dict[str, Any], folder: Path, root: Path) -> Message:
    author_raw = _object(raw.get("author"))
    author = Author(
        id=str(author_raw.get("id", "")),
        name=str(author_raw.get("name", "")),
        discriminator=str(author_raw.get("discriminator") or "0000"),
        nickname=str(author_raw.get("nickname") or ""),
        is_bot=bool(author_raw.get("isBot", False)),
        roles=tuple(str(_object(role).get("name", "")) for role in author_raw.get("roles") or []),
    )
    media: list[MediaRef] = []
    for attachment in raw.get("attachments") or []:
        attachment = _object(attachment)
        media.append(
            _media_ref(
                "attachment",
                str(attachment.get("url", "")),
                folder,
                root,
                file_name=str(attachment.get("fileName", "")),
                size=attachment.get("fileSizeBytes"),
            )
        )
    for embed in raw.get("embeds") or []:
        embed = _object(embed)
        seen: set[str] = set()
        images = [embed.get("image"), *(embed.get("images") or [])]  # images[] repeats image
        for role, item in [
            *(("embed_image", i) for i in images),
            ("embed_thumbnail", embed.get("thumbnail")),
            ("embed_video", embed.get("video")),
        ]:
            url = str(_object(item).get("url") or "")
            if url and url not in seen:
                seen.add(url)
                media.append(_media_ref(role, url, folder, root))
    stickers = []
    for sticker in raw.get("stickers") or []:
        sticker = _object(sticker)
        stickers.append(str(sticker.get("name", "")))
        if sticker.get("sourceUrl"):
            media.append(_media_ref("sticker", str(sticker["sourceUrl"]), folder, root))
    reference = _object(raw.get("reference"))
    forwarded = raw.get("forwardedMessage")
    message_id = str(raw["id"])
    snowflake_time(
        message_id
    )  # a message whose id is not a snowflake makes the whole export unreadable, here
    return Message(
        id=message_id,
        type=str(raw.get("type", "Default")),
        timestamp=str(raw.get("timestamp", "")),
        timestamp_edited=None
        if raw.get("timestampEdited") is None
        else str(raw["timestampEdited"]),
        content=str(raw.get("content") or ""),
        author=author,
        media=tuple(media),
        stickers=tuple(stickers),
        reactions=tuple(
            (str(_object(r.get("emoji")).get("name", "")), int(r.get("count", 0)))
            for r in map(_object, raw.get("reactions") or [])
        ),
        mentions=tuple(str(_object(m).get("id", "")) for m in raw.get("mentions") or []),
        reply_to=str(reference["messageId"]) if reference.get("messageId") else None,
        forwarded=_object(forwarded) if forwarded else None,
        is_pinned=bool(raw.get("isPinned", False)),
    )


def _media_ref(
    role: str, source: str, folder: Path, root: Path, *, file_name: str = "", size: Any = None
) -> MediaRef:
    size_bytes = int(size) if isinstance(size, int | float | str) and str(size).isdigit() else None
    name = file_name or PureWindowsPath(urlsplit(source).path).name
    if not source:
        return MediaRef(role, source, name, size_bytes, None, "no URL or path in the export")
    if urlsplit(source).scheme in {"http", "https"}:
        return MediaRef(
            role, source, name, size_bytes, None, "remote URL (exported without --media)"
        )
    relative = source.replace("\\", "/")
    for form in (
        relative,
        unicodedata.normalize("NFC", relative),
        unicodedata.normalize("NFD", relative),
    ):
        # macOS writes names decomposed (NFD), zips and exports usually composed (NFC): either finds
        # the file
        candidate = Path(form) if Path(form).is_absolute() else folder / form
        resolved = candidate.resolve()
        if not resolved.is_relative_to(root.resolve()):
            return MediaRef(
                role, source, name, size_bytes, None, "path leaves the archive (refused)"
            )
        if resolved.is_file():
            return MediaRef(role, source, name, size_bytes, resolved, "")
    return MediaRef(role, source, name, size_bytes, None, "file missing from the export")
