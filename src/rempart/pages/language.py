"""What every Rempart HTML page (web pages and the scan report) shares: text in both languages and
the switch.

Each text is written in both languages; the page shows one (``<html data-lang="fr|en">``) and a
button swaps them without a round trip.
"""

from __future__ import annotations

LANGUAGE_CSS = "html[data-lang=en] .fr, html[data-lang=fr] .en{display:none}"
#: The switch; ``static/page.js`` (served pages) or ``LANGUAGE_SCRIPT`` (the self-contained report)
#: makes it work.
LANGUAGE_BUTTON = '<button id="lang" type="button">FR / EN</button>'
LANGUAGE_SCRIPT = (
    "document.addEventListener('click',function(e){if(e.target.id==='lang'){var "
    "r=document.documentElement;"
    "r.dataset.lang=r.dataset.lang==='fr'?'en':'fr';}});"
)
#: What a served page loads in its head: no inline style or script (the Content-Security-Policy
#: forbids them).
PAGE_HEAD = (
    '<link rel="stylesheet" href="/static/rempart.css"><script src="/static/page.js" defer>'
    "</script>"
)
