"""What `rempart sample-export` adds for server intelligence: each server's rules page and a
requests channel where members solicit "tributes" (one thread speaks of a minor), a server that
continues the last one after its ban (most members, rules, channels and pictures carried over),
and a decoy — an ordinary gaming server, created later, that a few of the same members joined.
Texts are written to be recognisable, never graphic. The manifest says what a scan must find.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

#: Written beside the exports: the rebirths and decoys (``rempart bench intel DIR`` reads it).
TRUTH_FILE = "intel-truth.json"
#: A rules page such servers pin: its "pas de mineurs" defends nothing.
RULES_PAGE = (
    "Règles du serveur : 1. pas de mineurs 2. les tribs uniquement dans #demandes 3. envoyez "
    "prénom + photos en mp aux modos 4. on respecte le consentement 5. pas de leak du serveur"
)
ORDINARY_RULES = "Bienvenue ! Respect entre joueurs, pas de spam, pas de pub, amusez-vous bien"
#: (text, kinds a correct reading finds)
THREAD: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "qui veut un trib sur ma cousine ? je vous envoie ses photos",
        ("solicitation", "identifies_person"),
    ),
    ("moi je prends", ()),
    ("dispo pour cumtrib ce soir, envoyez en mp", ("solicitation",)),
    ("photo scred de ma prof pendant le cours", ("covert_capture", "identifies_person")),
    ("elle a 15 ans mais bon", ("minor",)),
    ("j'ai fait un deepfake de la déléguée, qui veut", ("deepfake", "solicitation")),
    ("mdr", ()),
)
ORDINARY_CHAT = (
    "qui est chaud pour une ranked ce soir ?",
    "gg les gars",
    "le patch sort demain",
    "je suis dispo à 21h",
    "quelqu'un a le lien du tournoi ?",
)


@dataclass
class IntelTruth:
    """What the intelligence of a generated set must find."""

    #: new guild id → the guild id it continues
    reborn: dict[str, str] = field(default_factory=dict)
    decoys: list[str] = field(default_factory=list)
    #: message id → the kinds its text shows
    signals: dict[str, tuple[str, ...]] = field(default_factory=dict)


def write_channel(
    out: Path,
    guild: dict[str, Any],
    channel_id: str,
    name: str,
    messages: list[dict[str, Any]],
    exported_at: datetime,
) -> Path:
    """One channel export in DiscordChatExporter's layout."""
    path = out / f"{guild['name']} - {name} [{channel_id}].json"
    payload = {
        "guild": guild,
        "channel": {
            "id": channel_id,
            "type": "GuildTextChat",
            "categoryId": "1",
            "category": "Salons",
            "name": name,
            "topic": None,
        },
        "dateRange": {"after": None, "before": None},
        "exportedAt": exported_at.isoformat(),
        "messages": messages,
        "messageCount": len(messages),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def text_message(
    make_id: Any, moment: datetime, author: dict[str, Any], content: str
) -> dict[str, Any]:
    return {
        "id": make_id(moment),
        "type": "Default",
        "timestamp": moment.isoformat(),
        "timestampEdited": None,
        "callEndedTimestamp": None,
        "isPinned": False,
        "content": content,
        "author": author,
        "attachments": [],
        "embeds": [],
        "stickers": [],
        "reactions": [],
        "mentions": [],
        "inlineEmojis": [],
    }


def author_like(number: int, make_id: Any, moment: datetime) -> dict[str, Any]:
    """An ordinary member account (for the decoy server's own members)."""
    return {
        "id": make_id(moment - timedelta(days=700 + number)),
        "name": f"joueur{number}",
        "discriminator": "0000",
        "nickname": "",
        "color": None,
        "isBot": False,
        "roles": [{"id": "6", "name": "joueur", "color": None, "position": 1}],
        "avatarUrl": "https://cdn.discordapp.com/embed/avatars/1.png",
    }


def thread_messages(
    make_id: Any,
    start: datetime,
    authors: list[dict[str, Any]],
    rng: random.Random,
    truth: IntelTruth,
) -> list[dict[str, Any]]:
    """The requests channel's thread; the truth records each message's kinds."""
    messages = []
    moment = start
    for text, kinds in THREAD:
        moment += timedelta(minutes=rng.randint(1, 20))
        message = text_message(make_id, moment, rng.choice(authors), text)
        truth.signals[message["id"]] = kinds
        messages.append(message)
    return messages


def copy_attachment(attachment: dict[str, Any], source_root: Path, target: Path) -> dict[str, Any]:
    """The same picture posted again in another server (same bytes, the reborn server's folder)."""
    source = source_root / attachment["url"]
    folder_name = target.name
    target.mkdir(parents=True, exist_ok=True)
    (target / source.name).write_bytes(source.read_bytes())
    return {**attachment, "url": f"{folder_name}/{source.name}"}
