"""Rendering HTML pages from Jinja2 templates (``pages/templates``), escaped by default.

Every value a template prints is HTML-escaped unless it is marked safe; the only safe values are
the language spans made here from Rempart's own literal texts (``both``) and markup the page
code built itself. Templates name their texts in both languages, ``{{ both("Check", "Vérifier")
}}``; ``both_markup`` is for texts carrying Rempart's own tags (``<strong>3018</strong>``), never
for anything a user or an export supplied.
"""

from __future__ import annotations

from functools import cache
from html import escape
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from rempart.pages.language import LANGUAGE_BUTTON, PAGE_HEAD


def both(english: str, french: str) -> Markup:
    """The same text in English and French (escaped); the page's language decides which shows."""
    return Markup(
        f'<span class="en">{escape(english)}</span><span class="fr">{escape(french)}</span>'
    )


def both_markup(english: str, french: str) -> Markup:
    """Like ``both`` for Rempart's own texts that carry tags (literals in templates only)."""
    return Markup(f'<span class="en">{english}</span><span class="fr">{french}</span>')


def plain(english: str, french: str, lang: str) -> str:
    """The text in one language (for attributes and titles, where spans cannot go)."""
    return french if lang == "fr" else english


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
        plain=plain,
        page_head=Markup(PAGE_HEAD),
        language_button=Markup(LANGUAGE_BUTTON),
    )
    return made


def render(template: str, **values: Any) -> str:
    """``template`` rendered with ``values`` (every one escaped unless marked safe)."""
    return environment().get_template(template).render(**values)
