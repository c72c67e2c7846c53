"""User-facing messages in English and French; the language comes from REMPART_LANG or LANG.

Fixed texts — the CLI's messages, the pages, the report, what a match means — live in one
gettext catalogue (``locale/fr/LC_MESSAGES/rempart.po``). Error details composed at run time
(names, sizes, limits inside them) are translated phrase by phrase (``localized``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

#: The one message catalogue (gettext ``.po``, read with Babel): msgid is the English text,
#: msgstr the French; the CLI's messages carry their key as msgctxt.
CATALOGUE = files("rempart") / "locale" / "fr" / "LC_MESSAGES" / "rempart.po"


@dataclass(frozen=True)
class _Entry:
    english: str
    french: str


@cache
def _catalogue() -> tuple[dict[str, _Entry], dict[str, str]]:
    """(entries by message key, French by English text), read once from the ``.po`` file."""
    from babel.messages.pofile import read_po

    with CATALOGUE.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    by_key: dict[str, _Entry] = {}
    by_text: dict[str, str] = {}
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue
        french = str(message.string or message.id)
        if message.context:
            by_key[message.context] = _Entry(message.id, french)
        else:
            by_text[message.id] = french
    return by_key, by_text


def translate(text: str, lang: str) -> str:
    """``text`` (the English, as the catalogue's msgid) in ``lang``; untranslated texts stay as
    they are."""
    if lang != "fr":
        return text
    return _catalogue()[1].get(text, text)


def message(key: str, lang: str) -> str:
    """The CLI message ``key`` in ``lang`` (unformatted)."""
    entry = _catalogue()[0][key]
    return entry.french if lang == "fr" else entry.english


#: French for the phrases of Rempart's error details (the details name files and values, so they
#: are translated phrase by phrase; a phrase missing here stays in English).
_FRENCH_DETAILS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern), replacement)
    for pattern, replacement in [
        (
            r"no bank named ('[^']*') \(see `rempart bank list`\)",
            r"aucune banque nommée \1 (voir `rempart bank list`)",
        ),
        (r"a bank named ('[^']*') already exists", r"une banque nommée \1 existe déjà"),
        (r"no entry (\d+) in bank ('[^']*')", r"aucune entrée \1 dans la banque \2"),
        (r"a bank name must be 1 to 100 characters", "un nom de banque fait de 1 à 100 caractères"),
        (
            r"not an image or video Rempart can read \(unknown content\)",
            "ni une image ni une vidéo que Rempart sait lire (contenu inconnu)",
        ),
        (r"\bempty file\b", "fichier vide"),
        (r"not a regular file", "pas un fichier ordinaire"),
        (r"cannot read file", "fichier illisible"),
        (r"cannot read\b", "lecture impossible"),
        (r"truncated or corrupt", "tronqué ou corrompu"),
        (r"looks like (\w+) but cannot be decoded", r"ressemble à du \1 mais ne se décode pas"),
        (r"cannot decode video", "vidéo impossible à décoder"),
        (r"cannot decode", "impossible à décoder"),
        (
            r"too many pixels, over the (\S+) limit \(decompression bomb\?\)",
            r"trop de pixels, au-delà de la limite \1 (bombe de décompression ?)",
        ),
        (r"is over the (\S+) limit", r"dépasse la limite \1"),
        (r"bytes is over the", "octets, au-delà de la limite de"),
        (r"possible decompression bomb", "bombe de décompression possible"),
        (r"no decodable video frames", "aucune image vidéo décodable"),
        (r"no video stream", "aucun flux vidéo"),
        (r"no such file or folder", "fichier ou dossier introuvable"),
        (
            r"neither a DiscordChatExporter JSON export, a folder nor a zip archive",
            "ni un export JSON DiscordChatExporter, ni un dossier, ni une archive zip",
        ),
        (r"unreadable zip archive", "archive zip illisible"),
        (
            r"would be written outside the archive folder \(refused\)",
            "serait écrit hors du dossier de l'archive (refusé)",
        ),
        (r"is a symbolic link \(refused\)", "est un lien symbolique (refusé)"),
        (r"malformed message", "message mal formé"),
        (r"not a Discord id", "pas un identifiant Discord"),
        (r"nested more than (\d+) levels deep", r"imbriqué sur plus de \1 niveaux"),
        (r"not JSON", "pas du JSON"),
        (r"not a DiscordChatExporter JSON export", "pas un export JSON DiscordChatExporter"),
        (
            r"not a PDQ hash \(64 hex characters\)",
            "pas une empreinte PDQ (64 caractères hexadécimaux)",
        ),
        (r"not a Rempart fingerprint line", "pas une ligne d'empreinte Rempart"),
        (
            r"holds more than the (\d+) keypoints Rempart computes",
            r"contient plus que les \1 points-clés que Rempart calcule",
        ),
        (
            r"URL not allowed: only https:// URLs on the configured hosts \(REMPART_FETCH_HOSTS\) "
            r"are fetched",
            "URL refusée : seules les URL https:// des hôtes configurés (REMPART_FETCH_HOSTS) "
            "sont téléchargées",
        ),
        (r"could not fetch the URL", "téléchargement impossible"),
        (r"no hashes found", "aucune empreinte trouvée"),
    ]
]


def localized(detail: str) -> str:
    """An error detail in the user's language (phrase by phrase; names and values as they are)."""
    if language() != "fr":
        return detail
    for pattern, replacement in _FRENCH_DETAILS:
        detail = pattern.sub(replacement, detail)
    return detail


def language() -> str:
    """'fr' or 'en', from REMPART_LANG, then LANG."""
    chosen = os.environ.get("REMPART_LANG") or os.environ.get("LANG", "en")
    return "fr" if chosen.lower().startswith("fr") else "en"


#: Characters never printed from data: controls (ESC starts terminal escapes, CR/LF split records)
#: and bidirectional overrides (RLO makes "gpj.exe" read as "exe.jpg").
_UNPRINTABLE: dict[int, str | None] = {
    code: None
    for code in [
        *range(0x00, 0x20),
        0x7F,
        *range(0x80, 0xA0),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ]
}
_UNPRINTABLE.update({0x0A: " ", 0x0D: " ", 0x09: " "})


def terminal_safe(text: str) -> str:
    """``text`` as one printable line: control and bidi-override characters removed, line breaks
    as spaces."""
    return text.translate(_UNPRINTABLE)


def t(key: str, **values: object) -> str:
    """The message ``key`` in the user's language, formatted with ``values`` made terminal-safe."""
    safe = {
        name: terminal_safe(value)
        if isinstance(value, str)
        else terminal_safe(str(value))
        if hasattr(value, "__fspath__")
        else value
        for name, value in values.items()
    }
    for name in ("reason", "message"):  # error details: in the user's language too
        detail = safe.get(name)
        if isinstance(detail, str):
            safe[name] = localized(detail)
    return message(key, language()).format(**safe)
