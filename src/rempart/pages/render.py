"""Rendering HTML pages from Jinja2 templates (``pages/templates``), escaped by default.

Every value a template prints is HTML-escaped unless it is marked safe; the only safe values are
the language spans made here from Rempart's own catalogue texts (``both``) and markup the page
code built itself. Templates name a text by its English, ``{{ both("Check") }}``, and the one
message catalogue (``rempart.i18n``) gives the French; ``both_markup`` is for catalogue texts
carrying Rempart's own tags (``<strong>3018</strong>``), never for anything a user or an export
supplied.
"""

from __future__ import annotations

from functools import cache
from html import escape
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from rempart.i18n import translate
from rempart.pages.language import LANGUAGE_BUTTON, PAGE_HEAD


def _spans(english: str, french: str) -> Markup:
    return Markup(f'<span class="en">{english}</span><span class="fr">{french}</span>')


def both(text: str, **values: object) -> Markup:
    """``text`` (English, a catalogue msgid) in English and French, escaped, ``values`` filled
    in; the page's language decides which shows."""
    english, french = text.format(**values), translate(text, "fr").format(**values)
    return _spans(escape(english), escape(french))


def both_markup(text: str) -> Markup:
    """Like ``both`` for Rempart's own catalogue texts that carry tags (never for data)."""
    return _spans(text, translate(text, "fr"))


def both_languages(texts: dict[str, str]) -> Markup:
    """Texts already made in both languages (``{"en": ..., "fr": ...}``), escaped."""
    english = texts.get("en", "")
    return _spans(escape(english), escape(texts.get("fr", english)))


def plain(text: str, lang: str) -> str:
    """The text in one language (for attributes and titles, where spans cannot go)."""
    return translate(text, lang)


@cache
def environment() -> Environment:
    made = Environment(
        loader=PackageLoader("rempart.pages", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    made.globals.update(
        both=both,
        both_markup=both_markup,
        both_languages=both_languages,
        plain=plain,
        page_head=Markup(PAGE_HEAD),
        language_button=Markup(LANGUAGE_BUTTON),
    )
    return made


def render(template: str, **values: Any) -> str:
    """``template`` rendered with ``values`` (every one escaped unless marked safe)."""
    return environment().get_template(template).render(**values)
