"""What every Rempart HTML page (web pages and the scan report) shares: text in both languages and the switch.

Each text is written in both languages; the page shows one (``<html data-lang="fr|en">``) and a
button swaps them without a round trip.
"""

from __future__ import annotations

LANGUAGE_CSS = "html[data-lang=en] .fr, html[data-lang=fr] .en{display:none}"
LANGUAGE_BUTTON = (
    "<button id=\"lang\" onclick=\"document.documentElement.dataset.lang="
    "document.documentElement.dataset.lang==='fr'?'en':'fr'\">FR / EN</button>"
)


def both(english: str, french: str) -> str:
    """The same text in English and French; the page's language decides which shows."""
    return f'<span class="en">{english}</span><span class="fr">{french}</span>'
