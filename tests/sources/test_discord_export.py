import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from rempart.errors import ImportFormatError
from rempart.samples import save_jpeg, synthetic_photo
from rempart.sources.discord_export import looks_like_export, read_export, snowflake_time

EXPORT = {
    "guild": {
        "id": "1111111111111111111",
        "name": "Serveur Test",
        "iconUrl": "https://cdn.discordapp.com/icons/1/a.png",
    },
    "channel": {
        "id": "2222222222222222222",
        "type": "GuildTextChat",
        "categoryId": "3",
        "category": "Salons",
        "name": "général",
        "topic": None,
    },
    "dateRange": {"after": None, "before": None},
    "exportedAt": "2026-03-05T10:00:00+01:00",
    "messages": [
        {
            "id": "1478139335147520001",
            "type": "Default",
            "timestamp": "2026-03-02T22:18:00+01:00",
            "timestampEdited": "2026-03-02T22:20:00+01:00",
            "callEndedTimestamp": None,
            "isPinned": True,
            "content": "regardez <@3333>",
            "author": {
                "id": "3333333333333333333",
                "name": "nightcrawler",
                "discriminator": "0000",
                "nickname": "le boss",
                "color": "#FF0000",
                "isBot": False,
                "roles": [{"id": "5", "name": "membre", "color": None, "position": 1}],
                "avatarUrl": "https://cdn.discordapp.com/embed/avatars/0.png",
            },
            "attachments": [
                {
                    "id": "10",
                    "url": (
                        "Serveur Test - général "
                        "[2222222222222222222].json_Files\\IMG_1-0123456789abcdef.jpg"
                    ),
                    "fileName": "IMG_1.jpg",
                    "fileSizeBytes": 1234,
                },
                {
                    "id": "11",
                    "url": "https://cdn.discordapp.com/attachments/2/11/remote.png",
                    "fileName": "remote.png",
                    "fileSizeBytes": 99,
                },
                {
                    "id": "12",
                    "url": "../../outside.jpg",
                    "fileName": "outside.jpg",
                    "fileSizeBytes": 5,
                },
            ],
            "embeds": [
                {
                    "title": "",
                    "url": "https://example.org",
                    "image": {
                        "url": "https://media.discordapp.net/e/1.png",
                        "canonicalUrl": "https://example.org/1.png",
                        "width": 10,
                        "height": 10,
                    },
                    "images": [
                        {"url": "https://media.discordapp.net/e/1.png"},
                        {"url": "https://media.discordapp.net/e/2.png"},
                    ],
                    "thumbnail": {"url": "https://media.discordapp.net/e/thumb.png"},
                    "video": {"url": "https://media.discordapp.net/e/clip.mp4"},
                }
            ],
            "stickers": [
                {
                    "id": "9",
                    "name": "pepe",
                    "format": "Png",
                    "sourceUrl": "https://cdn.discordapp.com/stickers/9.png",
                }
            ],
            "reactions": [
                {
                    "emoji": {
                        "id": None,
                        "name": "😂",
                        "code": "joy",
                        "isAnimated": False,
                        "imageUrl": "",
                    },
                    "count": 4,
                    "users": [],
                }
            ],
            "mentions": [
                {
                    "id": "3333",
                    "name": "victim-friend",
                    "discriminator": "0000",
                    "nickname": None,
                    "isBot": False,
                }
            ],
            "reference": {
                "messageId": "1478139335147520000",
                "channelId": "2222222222222222222",
                "guildId": "1111111111111111111",
            },
            "forwardedMessage": {
                "content": "transféré",
                "timestamp": "2026-03-01T10:00:00+01:00",
                "attachments": [],
            },
            "inlineEmojis": [],
        },
        {
            "id": "1478139335147520002",
            "type": "19",
            "timestamp": "2026-03-02T22:19:00+01:00",
            "timestampEdited": None,
            "callEndedTimestamp": None,
            "isPinned": False,
            "content": "",
            "author": {
                "id": "4444",
                "name": "bot",
                "discriminator": "1234",
                "nickname": None,
                "color": None,
                "isBot": True,
                "roles": [],
                "avatarUrl": "",
            },
            "attachments": [],
            "embeds": [],
            "stickers": [],
            "reactions": [],
            "mentions": [],
            "inlineEmojis": [],
        },
    ],
    "messageCount": 2,
}


def _write(tmp_path: Path) -> Path:
    export = tmp_path / "exports" / "Serveur Test - général [2222222222222222222].json"
    export.parent.mkdir(parents=True)
    export.write_text(json.dumps(EXPORT, ensure_ascii=False), encoding="utf-8")
    save_jpeg(
        synthetic_photo(1, (200, 200)),
        export.parent / f"{export.name}_Files" / "IMG_1-0123456789abcdef.jpg",
    )
    save_jpeg(synthetic_photo(2, (200, 200)), tmp_path / "outside.jpg")
    return export


def test_every_listed_field_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path)
    assert looks_like_export(path)
    export = read_export(path, path.parent, max_bytes=10**7)
    assert (
        export.guild_id,
        export.guild_name,
        export.channel_id,
        export.channel_name,
        export.category,
    ) == (
        "1111111111111111111",
        "Serveur Test",
        "2222222222222222222",
        "général",
        "Salons",
    )
    first, second = export.messages
    assert (
        first.id,
        first.type,
        first.timestamp,
        first.timestamp_edited,
        first.content,
        first.is_pinned,
    ) == (
        "1478139335147520001",
        "Default",
        "2026-03-02T22:18:00+01:00",
        "2026-03-02T22:20:00+01:00",
        "regardez <@3333>",
        True,
    )
    author = first.author
    assert (
        author.id,
        author.name,
        author.discriminator,
        author.nickname,
        author.is_bot,
        author.roles,
    ) == (
        "3333333333333333333",
        "nightcrawler",
        "0000",
        "le boss",
        False,
        ("membre",),
    )
    assert (
        first.stickers == ("pepe",)
        and first.reactions == (("😂", 4),)
        and first.mentions == ("3333",)
    )
    assert first.reply_to == "1478139335147520000" and first.forwarded == {
        "content": "transféré",
        "timestamp": "2026-03-01T10:00:00+01:00",
        "attachments": [],
    }
    roles = [(m.role, m.source.rsplit("/", 1)[-1]) for m in first.media]
    assert roles == [
        (
            "attachment",
            "Serveur Test - général [2222222222222222222].json_Files\\IMG_1-0123456789abcdef.jpg",
        ),
        ("attachment", "remote.png"),
        ("attachment", "outside.jpg"),
        ("embed_image", "1.png"),  # image and images[0] are the same picture: once
        ("embed_image", "2.png"),
        ("embed_thumbnail", "thumb.png"),
        ("embed_video", "clip.mp4"),
        ("sticker", "9.png"),
    ]
    local, remote, outside = first.media[:3]
    assert (
        local.local_path is not None
        and local.local_path.is_file()
        and local.file_name == "IMG_1.jpg"
        and local.size_bytes == 1234
    )
    assert (
        remote.local_path is None and "remote URL" in remote.unavailable_reason and remote.is_remote
    )
    assert outside.local_path is None and "leaves the archive" in outside.unavailable_reason
    assert (
        second.type == "19"
        and second.author.is_bot
        and second.author.discriminator == "1234"
        and second.media == ()
    )


def test_creation_time_comes_from_the_snowflake() -> None:
    # Discord's documented example: 175928847299117063 → 2016-04-30 11:18:25.796 UTC
    assert snowflake_time("175928847299117063") == datetime(
        2016, 4, 30, 11, 18, 25, 796000, tzinfo=timezone.utc
    )
    with pytest.raises(ImportFormatError):
        snowflake_time("not-an-id")


def test_timestamps_with_local_offsets_do_not_change_the_utc_time(tmp_path: Path) -> None:
    export = read_export(_write(tmp_path), tmp_path, max_bytes=10**7)
    assert export.messages[0].created_at.tzinfo is timezone.utc


@pytest.mark.parametrize(
    "content,message",
    [
        (b"{not json", "not JSON"),
        (b'{"guild": {}, "channel": {}}', "no messages list"),
        (b'{"guild": {}, "channel": {}, "messages": [{"author": {}}]}', "malformed message"),
        (
            b'{"guild": {}, "channel": {}, "messages": [{"id": "1", "author": "x"}]}',
            "malformed message",
        ),
        (b"\xff\xfe\x00", "not JSON"),
    ],
)
def test_malformed_exports_are_refused_clearly(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ImportFormatError, match=message):
        read_export(path, tmp_path, max_bytes=10**7)


def test_an_export_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path)
    with pytest.raises(ImportFormatError, match="size limit"):
        read_export(path, path.parent, max_bytes=100)
