"""User-facing messages in English and French; the language comes from REMPART_LANG or LANG.

Fixed texts — the CLI's messages, the pages, the report, what a match means — live in one
gettext catalogue (``locale/fr/LC_MESSAGES/rempart.po``). Error details composed at run time
(names, sizes, limits inside them) are translated phrase by phrase (``localized``) from the same
catalogue's "detail" phrases.
"""

from __future__ import annotations

import os
import re
import string
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
        if not message.id or not isinstance(message.id, str) or message.context == "detail":
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


#: What a placeholder of an error-detail phrase matches: a quoted name, digits (number, size,
#: limit), else one word.
_PLACEHOLDER_PATTERNS = {"name": r"'[^']*'", "number": r"\d+", "size": r"\d+", "limit": r"\d+"}
_ONE_WORD = r"\S+"


@cache
def _detail_phrases() -> list[tuple[re.Pattern[str], str]]:
    """The catalogue's error-detail phrases (msgctxt "detail") as (English pattern, French), in
    the catalogue's order."""
    from babel.messages.pofile import read_po

    with CATALOGUE.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    phrases = []
    for entry in catalog:
        if entry.context != "detail" or not isinstance(entry.id, str):
            continue
        pattern, names = [], []
        for literal, name, _, _ in string.Formatter().parse(entry.id):
            pattern.append(re.escape(literal))
            if name:
                names.append(name)
                matches = _PLACEHOLDER_PATTERNS.get(name, _ONE_WORD)
                pattern.append(f"(?P<{name}>{matches})")
        joined = "".join(pattern)
        if joined[:1].isalpha():
            joined = r"\b" + joined
        if joined[-1:].isalpha():
            joined += r"\b"
        french = str(entry.string or entry.id).replace("\\", "\\\\")
        for name in names:  # each placeholder becomes its group's back-reference
            french = french.replace("{" + name + "}", f"\\g<{name}>")
        phrases.append((re.compile(joined), french))
    return phrases


def localized(detail: str, lang: str | None = None) -> str:
    """An error detail in ``lang`` (the user's language when None), phrase by phrase from the
    catalogue; names and values inside it stay as they are."""
    if (lang or language()) != "fr":
        return detail
    whole = _catalogue()[1].get(detail)  # a fixed text (an API answer) is translated whole
    if whole is not None:
        return whole
    for pattern, replacement in _detail_phrases():
        detail = pattern.sub(replacement, detail)
    return detail


def preferred_language(asked: str | None, accept_language: str, default: str) -> str:
    """'fr' or 'en' for an HTTP reader: ``asked`` (a ``?lang=``) when it is one of them, else the
    first of them in the ``Accept-Language`` header, else ``default``."""
    if asked in {"en", "fr"}:
        return asked
    for part in accept_language.split(",")[:20]:
        code = part.split(";")[0].strip().lower()[:2]
        if code in {"en", "fr"}:
            return code
    return default


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
