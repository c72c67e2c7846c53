"""Synthetic DiscordChatExporter exports shaped like the abusive servers Rempart is for (no sexual
imagery).

Several servers with channels, an author pool whose members overlap across servers, one account
that pushes the same victims' photos to every server (cropped, recaptioned, inside phone
screenshots), ordinary chat with unrelated photos, remote-only embeds, replies, forwards,
stickers, reactions and mentions — plus broken and hostile media (a truncated JPEG, a text file
named .jpg, a PNG decompression bomb, a path leaving the archive). Files follow the exporter's
layout: ``Guild - Channel [id].json`` beside ``… [id].json_Files/<name>-<16 hex>.<ext>``.
The returned manifest says what a correct scan must find.
"""

from __future__ import annotations

import hashlib
import json
import random
import struct
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from PIL import Image

from rempart.samples import altered_copies, save_jpeg, synthetic_photo, textured_photo
from rempart.sources.discord_export import DISCORD_EPOCH_MS
from rempart.sources.synthetic_intel import write_channel

START = datetime(2026, 3, 2, 20, 0, tzinfo=timezone.utc)


@dataclass
class ExportManifest:
    """Ground truth of a generated set."""

    victim_photos: list[Path]
    exports: list[Path]
    #: victim photo stem → ids of the messages that show it
    sightings: dict[str, list[str]] = field(default_factory=dict)
    #: the account that posts victims' photos in every server
    stalker_id: str = ""
    #: guild id → author ids that posted there
    members: dict[str, set[str]] = field(default_factory=dict)
    broken_messages: list[str] = field(default_factory=list)
    remote_messages: list[str] = field(default_factory=list)
    media_count: int = 0
    #: With ``intel``: the rebirths, decoys and message signals a scan must find.
    intel: Any = None


def snowflake(moment: datetime, sequence: int) -> str:
    """A Discord id for this moment (sequence < 4096 keeps ids unique within a millisecond)."""
    return str(((int(moment.timestamp() * 1000) - DISCORD_EPOCH_MS) << 22) | (sequence & 0xFFF))


def make_export_set(
    out: Path,
    *,
    seed: int = 1,
    servers: int = 3,
    channels: int = 2,
    messages: int = 24,
    victims: int = 2,
    intel: bool = False,
) -> ExportManifest:
    """Write victims' photos under ``out/victim-photos`` and exports under ``out/exports``;
    ``intel`` adds rules pages, solicitation threads, a reborn server and a decoy
    (``rempart.sources.synthetic_intel``; the truth in ``manifest.intel``)."""
    rng = random.Random(seed)
    victim_photos = [
        save_jpeg(
            textured_photo(1000 + seed * 10 + i, (900, 1125)),
            out / "victim-photos" / f"victim-{i + 1}.jpg",
        )
        for i in range(victims)
    ]
    authors = [_author(rng, i) for i in range(10)]
    stalker = authors[0]
    manifest = ExportManifest(victim_photos=victim_photos, exports=[], stalker_id=stalker["id"])
    manifest.sightings = {p.stem: [] for p in victim_photos}
    sequence = 0
    made: list[dict[str, Any]] = []
    for server in range(servers):
        guild = {
            "id": snowflake(START - timedelta(days=400 - server), server),
            "name": f"Serveur {chr(65 + server)} ({seed})",
            "iconUrl": "",
        }
        pool = [
            stalker,
            *rng.sample(authors[1:], 5),
        ]  # the stalker everywhere; others overlap by chance
        made.append({"guild": guild, "pool": pool, "last": START, "posted": []})
        for channel_number in range(channels):
            channel_id = snowflake(
                START - timedelta(days=300, minutes=channel_number),
                100 + server * 10 + channel_number,
            )
            name = ["général", "tributes", "photos", "tournoi"][channel_number % 4]
            path = out / "exports" / f"{guild['name']} - {name} [{channel_id}].json"
            files = Path(f"{path.name}_Files")
            raw_messages: list[dict[str, Any]] = []
            moment = START + timedelta(days=server, hours=channel_number)
            for number in range(messages):
                moment += timedelta(minutes=rng.randint(1, 90))
                sequence += 1
                author = stalker if number % 6 == 0 else rng.choice(pool)
                message = _message(snowflake(moment, sequence), moment, author, rng)
                manifest.members.setdefault(guild["id"], set()).add(author["id"])
                kind = (
                    "victim"
                    if author is stalker and number % 12 == 0
                    else rng.choice(["text", "text", "photo", "remote", "text"])
                )
                if server == 0 and channel_number == 0 and number in (3, 5, 7, 9):
                    kind = ["truncated", "not_an_image", "bomb", "traversal"][(number - 3) // 2]
                if server == 0 and number == 6:
                    kind = "victim_video"  # a "tribute": the photo shown in a short clip
                if kind == "victim":
                    victim = victim_photos[(number // 12 + server) % len(victim_photos)]
                    variant = ["crop", "caption", "screenshot", "resized"][
                        (number // 12 + channel_number + server) % 4
                    ]
                    message["content"] = rng.choice(
                        ["regardez qui c'est", "tribute ?", "elle est de ma classe", "vote 1 ou 2"]
                    )
                    image = _victim_variant(victim, variant)
                    message["attachments"].append(
                        _attach(
                            path.parent / files, files, f"IMG_{number}.jpg", image, message["id"]
                        )
                    )
                    manifest.sightings[victim.stem].append(message["id"])
                elif kind == "victim_video":
                    victim = victim_photos[channel_number % len(victim_photos)]
                    message["content"] = "tribute 🎥"
                    message["attachments"].append(
                        _attach_video(path.parent / files, files, victim, message["id"])
                    )
                    manifest.sightings[victim.stem].append(message["id"])
                elif kind == "photo":
                    image = (
                        synthetic_photo(5000 + seed * 1000 + sequence, (800, 600))
                        if rng.random() < 0.5
                        else textured_photo(7000 + seed * 1000 + sequence, (640, 640))
                    )
                    message["attachments"].append(
                        _attach(
                            path.parent / files, files, f"photo_{number}.jpg", image, message["id"]
                        )
                    )
                elif kind == "remote":
                    message["embeds"].append(
                        {
                            "title": "",
                            "url": "https://example.org/post",
                            "image": {
                                "url": f"https://media.discordapp.net/attachments/1/{sequence}/meme.png",
                                "width": 500,
                                "height": 500,
                            },
                        }
                    )
                    manifest.remote_messages.append(message["id"])
                elif kind in {"truncated", "not_an_image", "bomb", "traversal"}:
                    message["attachments"].append(_hostile(kind, path.parent / files, files))
                    manifest.broken_messages.append(message["id"])
                manifest.media_count += len(message["attachments"]) + len(message["embeds"])
                raw_messages.append(message)
                made[-1]["last"] = max(made[-1]["last"], moment)
                if kind in {"victim", "photo"}:
                    made[-1]["posted"].append((path.parent, message["attachments"][0]))
            if raw_messages:
                raw_messages[-1]["reference"] = {
                    "messageId": raw_messages[0]["id"],
                    "channelId": channel_id,
                    "guildId": guild["id"],
                }
                raw_messages[-2]["forwardedMessage"] = {
                    "content": "transféré",
                    "timestamp": raw_messages[1]["timestamp"],
                    "attachments": [],
                }
            written = write_channel(
                path.parent, guild, channel_id, name, raw_messages, moment + timedelta(days=1)
            )
            assert written == path  # the media folder above was named after this file
            manifest.exports.append(path)
    if intel:
        _add_intelligence(out / "exports", manifest, made, rng)
    return manifest


def _add_intelligence(
    out: Path, manifest: ExportManifest, made: list[dict[str, Any]], rng: random.Random
) -> None:
    """Rules pages and request threads in every server, a reborn server and a decoy (see
    ``rempart.sources.synthetic_intel``)."""
    from rempart.sources import synthetic_intel as extra

    counter = iter(range(3000, 4000))

    def make_id(moment: datetime) -> str:
        return snowflake(moment, next(counter))

    truth = extra.IntelTruth()
    for server in made:
        guild, pool = server["guild"], server["pool"]
        opened = START - timedelta(days=200)
        rules = [extra.text_message(make_id, opened, pool[0], extra.RULES_PAGE)]
        manifest.exports.append(
            extra.write_channel(out, guild, make_id(opened), "règles", rules, server["last"])
        )
        thread = extra.thread_messages(
            make_id, server["last"] - timedelta(hours=5), pool, rng, truth
        )
        manifest.exports.append(
            extra.write_channel(
                out,
                guild,
                make_id(opened + timedelta(minutes=1)),
                "demandes",
                thread,
                server["last"],
            )
        )
    old = made[-1]
    born = old["last"] + timedelta(days=3)  # banned, then back under a new name
    guild = {"id": make_id(born), "name": f"{old['guild']['name']} 2.0", "iconUrl": ""}
    moved = old["pool"][: max(2, len(old["pool"]) - 1)]
    manifest.members[guild["id"]] = {a["id"] for a in moved}
    rules = [extra.text_message(make_id, born + timedelta(minutes=2), moved[0], extra.RULES_PAGE)]
    manifest.exports.append(extra.write_channel(out, guild, make_id(born), "règles", rules, born))
    moment = born + timedelta(hours=1)
    reposted = []
    channel_id = make_id(born + timedelta(minutes=1))
    folder = out / f"{guild['name']} - tributes [{channel_id}].json_Files"
    for number, (root, attachment) in enumerate(old["posted"][:6]):
        moment += timedelta(minutes=rng.randint(5, 60))
        message = extra.text_message(make_id, moment, moved[number % len(moved)], "de retour")
        message["attachments"].append(extra.copy_attachment(attachment, root, folder))
        manifest.media_count += 1
        reposted.append(message)
    manifest.exports.append(
        extra.write_channel(out, guild, channel_id, "tributes", reposted, moment)
    )
    thread = extra.thread_messages(make_id, moment, moved, rng, truth)
    manifest.exports.append(
        extra.write_channel(
            out, guild, make_id(born + timedelta(minutes=3)), "demandes", thread, moment
        )
    )
    truth.reborn[guild["id"]] = old["guild"]["id"]
    decoy_born = old["last"] + timedelta(days=5)
    decoy = {"id": make_id(decoy_born), "name": "Les Joueurs du Dimanche", "iconUrl": ""}
    players = [extra.author_like(n, make_id, decoy_born) for n in range(14)] + old["pool"][1:3]
    chat = []
    moment = decoy_born + timedelta(hours=2)
    for number in range(30):
        moment += timedelta(minutes=rng.randint(1, 30))
        chat.append(
            extra.text_message(
                make_id, moment, players[number % len(players)], rng.choice(extra.ORDINARY_CHAT)
            )
        )
    manifest.exports.append(
        extra.write_channel(out, decoy, make_id(decoy_born), "général", chat, moment)
    )
    rules = [extra.text_message(make_id, decoy_born, players[0], extra.ORDINARY_RULES)]
    manifest.exports.append(
        extra.write_channel(
            out, decoy, make_id(decoy_born + timedelta(minutes=1)), "règles", rules, moment
        )
    )
    manifest.members[decoy["id"]] = {a["id"] for a in players}
    truth.decoys.append(decoy["id"])
    manifest.intel = truth
    (out.parent / extra.TRUTH_FILE).write_text(
        json.dumps({"reborn": truth.reborn, "decoys": truth.decoys}, indent=2), encoding="utf-8"
    )


def _author(rng: random.Random, number: int) -> dict[str, Any]:
    names = [
        "nightcrawler",
        "lucas_b",
        "tomtom",
        "k3vin",
        "maxou",
        "rayan.p",
        "enzo77",
        "hugo_",
        "nathan",
        "yanis",
    ]
    return {
        "id": snowflake(START - timedelta(days=900 + number * 13), number),
        "name": names[number % len(names)],
        "discriminator": "0000",
        "nickname": rng.choice(["", "", f"{names[number % len(names)].upper()}", "le boss"]),
        "color": None,
        "isBot": False,
        "roles": [{"id": "5", "name": "membre", "color": None, "position": 1}],
        "avatarUrl": f"https://cdn.discordapp.com/embed/avatars/{number % 5}.png",
    }


def _message(
    message_id: str, moment: datetime, author: dict[str, Any], rng: random.Random
) -> dict[str, Any]:
    local = moment.astimezone(
        timezone(timedelta(hours=1))
    )  # the exporter writes its machine's offset
    return {
        "id": message_id,
        "type": "Default",
        "timestamp": local.isoformat(),
        "timestampEdited": (local + timedelta(minutes=3)).isoformat()
        if rng.random() < 0.1
        else None,
        "callEndedTimestamp": None,
        "isPinned": rng.random() < 0.05,
        "content": rng.choice(
            ["mdr", "qui a la suite ?", "ptdr", "envoie", "c'est qui ?", "", "trop bien", "dm moi"]
        ),
        "author": author,
        "attachments": [],
        "embeds": [],
        "stickers": [
            {
                "id": "9",
                "name": "pepe",
                "format": "Png",
                "sourceUrl": "https://cdn.discordapp.com/stickers/9.png",
            }
        ]
        if rng.random() < 0.05
        else [],
        "reactions": [
            {
                "emoji": {
                    "id": None,
                    "name": "😂",
                    "code": "joy",
                    "isAnimated": False,
                    "imageUrl": "",
                },
                "count": rng.randint(1, 9),
                "users": [],
            }
        ]
        if rng.random() < 0.3
        else [],
        "mentions": [],
        "inlineEmojis": [],
    }


def _attach(
    folder: Path, relative_folder: Path, file_name: str, image: Image.Image, message_id: str
) -> dict[str, Any]:
    """Save like the exporter: ``<stem ≤ 42>-<16 hex of SHA-256 of the URL>.<ext>``, url =
    relative path."""
    stem, extension = file_name.rsplit(".", 1)
    url = f"https://cdn.discordapp.com/attachments/1/{message_id}/{file_name}"
    stored = f"{stem[:42]}-{hashlib.sha256(url.encode()).hexdigest()[:16]}.{extension}"
    save_jpeg(image, folder / stored, quality=80)
    return {
        "id": message_id,
        "url": f"{relative_folder.as_posix()}/{stored}",
        "fileName": file_name,
        "fileSizeBytes": (folder / stored).stat().st_size,
    }


def _attach_video(
    folder: Path, relative_folder: Path, photo: Path, message_id: str
) -> dict[str, Any]:
    """A 3 s, 10 fps clip: the photo slowly zooming, as a phone filming it would show it."""
    from fractions import Fraction

    import av
    import numpy as np

    url = f"https://cdn.discordapp.com/attachments/1/{message_id}/tribute.mp4"
    stored = f"tribute-{hashlib.sha256(url.encode()).hexdigest()[:16]}.mp4"
    folder.mkdir(parents=True, exist_ok=True)
    image = Image.open(photo).convert("RGB")
    width, height = 480, 600
    with av.open(str(folder / stored), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = Fraction(1, 10)
        for frame_number in range(30):
            zoom = 1 + frame_number / 100
            crop_w, crop_h = image.width / zoom, image.height / zoom
            left, top = (image.width - crop_w) / 2, (image.height - crop_h) / 2
            pixels = np.asarray(
                image.crop((int(left), int(top), int(left + crop_w), int(top + crop_h))).resize(
                    (width, height)
                )
            )
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return {
        "id": message_id,
        "url": f"{relative_folder.as_posix()}/{stored}",
        "fileName": "tribute.mp4",
        "fileSizeBytes": (folder / stored).stat().st_size,
    }


def _victim_variant(photo: Path, variant: str) -> Image.Image:
    image = Image.open(photo).convert("RGB")
    width, height = image.size
    if variant == "crop":
        return image.crop((width // 6, height // 8, width * 5 // 6, height * 7 // 8))
    if variant == "caption":
        return altered_copies(image)["caption"]
    if variant == "screenshot":
        screen = Image.new("RGB", (1170, 2532), (250, 250, 250))
        screen.paste(image.resize((1170, int(1170 * height / width))), (0, 380))
        return screen
    return image.resize((width // 2, height // 2))


def _hostile(kind: str, folder: Path, relative_folder: Path) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "traversal":
        return {
            "id": "1",
            "url": "../../../../etc/passwd",
            "fileName": "passwd.jpg",
            "fileSizeBytes": 1,
        }
    name = {
        "truncated": "cut-0123456789abcdef.jpg",
        "not_an_image": "notes-0123456789abcdef.jpg",
        "bomb": "huge-0123456789abcdef.png",
    }[kind]
    target = folder / name
    if kind == "truncated":
        save_jpeg(synthetic_photo(3, (800, 600)), target)
        target.write_bytes(target.read_bytes()[:2000])
    elif kind == "not_an_image":
        target.write_text("ceci n'est pas une image\n")
    else:
        target.write_bytes(png_bomb(60_000, 60_000))
    return {
        "id": "2",
        "url": f"{relative_folder.as_posix()}/{name}",
        "fileName": name,
        "fileSizeBytes": target.stat().st_size,
    }


def png_bomb(width: int, height: int) -> bytes:
    """A small PNG whose header claims width × height pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000, 9))
        + chunk(b"IEND", b"")
    )
