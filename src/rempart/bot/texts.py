"""The bot's words, in the reader's language: Discord gives each interaction the member's locale
and each server a preferred locale; French for ``fr``, English otherwise. The texts live in the
one message catalogue, under ``bot_*`` keys."""

from __future__ import annotations

from rempart.i18n import message


def language_of(locale: object) -> str:
    """ "fr" for a French Discord locale, else "en"."""
    return "fr" if str(getattr(locale, "value", locale) or "").lower().startswith("fr") else "en"


def say(key: str, lang: str, **values: object) -> str:
    """The catalogue message ``key`` in ``lang``, formatted."""
    return message(key, lang).format(**values)
