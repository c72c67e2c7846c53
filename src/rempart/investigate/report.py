"""The investigator's report: one self-contained HTML file, in French and English (a button
switches).

Summary, one timeline per case with the messages around each sighting, actors, servers, a
picture of how servers connect (SVG: servers as nodes, shared members and images as edges),
and the media that could not be read. Matched pictures are embedded as small thumbnails,
blurred until clicked; ``with_media=False`` leaves them out. Nothing is loaded from outside the
file: no scripts, fonts or images from the network.
"""

from __future__ import annotations

import base64
import io
import math
from html import escape
from pathlib import Path

from rempart.errors import MediaError
from rempart.i18n import language
from rempart.investigate.linking import Case, Investigation, ServerLink
from rempart.pages.language import LANGUAGE_BUTTON, LANGUAGE_CSS, LANGUAGE_SCRIPT, both_text
from rempart.pages.language import both as _t
from rempart.private_files import write_private
from rempart.settings import Settings

THUMBNAIL_SIDE = 320

_CSS = """
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 2rem;
color:#1d1d1f;background:#fafafa}
h1{margin-bottom:.2rem} h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}
th{background:#f0f0f0}
.warning{background:#fff3cd;border:1px solid #e0c060;padding:.6rem 1rem;border-radius:6px}
.case{background:#fff;border:1px solid #ddd;border-radius:8px;padding:.5rem 1rem;margin:1rem 0}
.context{font-size:.8rem;color:#555;margin:.3rem 0 0 0;padding-left:1rem;border-left:3px solid #ddd}
.context .hit{color:#000;font-weight:600}
img.evidence{max-width:240px;max-height:240px;cursor:pointer;filter:blur(18px);
transition:filter .2s}
img.evidence.revealed{filter:none}
#lang{position:fixed;top:1rem;right:1rem}
.muted{color:#777}
"""

_SCRIPT = """
document.addEventListener('click',function(e){if(e.target.classList.contains('evidence')){e.target.classList.toggle('revealed');}});
"""


def write_report(
    findings: Investigation, path: Path, settings: Settings, *, with_media: bool = True
) -> None:
    """Write the report to ``path`` (overwritten)."""
    thumbnails: dict[str, str | None] = {}
    parts = [
        f'<!doctype html><html lang="{language()}" data-lang="{language()}"><head><meta '
        'charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        "<title>Rempart — rapport / report</title>",
        f"<style>{_CSS}{LANGUAGE_CSS}</style><script>{_SCRIPT}{LANGUAGE_SCRIPT}</script></head>"
        "<body>",
        LANGUAGE_BUTTON,
        f"<h1>Rempart — {_t('investigation report', 'rapport d’enquête')}</h1>",
        '<p class="warning">'
        + _t(
            "Confidential: this report describes the sharing of a person's photos without "
            "consent. Pictures are blurred; click one to reveal it, click again to blur it.",
            "Confidentiel : ce rapport décrit le partage de photos d’une personne sans son "
            "consentement. Les images sont floutées ; cliquez pour afficher, cliquez à nouveau "
            "pour flouter.",
        )
        + "</p>",
        _summary(findings),
        f"<h2>{_t('Cases', 'Dossiers')} ({len(findings.cases)})</h2>",
    ]
    if not findings.cases:
        parts.append(
            "<p>"
            + _t("No registered photo was found.", "Aucune photo enregistrée n’a été trouvée.")
            + "</p>"
        )
    for case in findings.cases:
        parts.append(_case(case, settings, thumbnails if with_media else None))
    parts += [_actors(findings), _servers(findings), _unavailable(findings), "</body></html>"]
    write_private(path, "\n".join(parts))  # evidence: readable by its owner only


def _summary(findings: Investigation) -> str:
    s = findings.summary
    rows = [
        (_t("Servers", "Serveurs"), s["servers"]),
        (_t("Channels", "Salons"), s["channels"]),
        (_t("Messages", "Messages"), s["messages"]),
        (
            _t(
                "Distinct people (by account id)",
                "Personnes distinctes (par identifiant de compte)",
            ),
            s["people"],
        ),
        (_t("Media references", "Médias référencés"), s["media"]),
        (
            _t("hashed / not available / unreadable", "hachés / indisponibles / illisibles"),
            f"{s['media_hashed']} / {s['media_unavailable']} / {s['media_failed']}",
        ),
        (
            _t("Cases (registered photos found)", "Dossiers (photos enregistrées retrouvées)"),
            s["cases"],
        ),
        (_t("Posts showing them", "Publications les montrant"), s["sightings"]),
        (_t("Accounts that posted them", "Comptes qui les ont publiées"), s["actors"]),
    ]
    body = "".join(
        f"<tr><th>{label}</th><td>{escape(str(value))}</td></tr>" for label, value in rows
    )
    return f"<h2>{_t('Summary', 'Résumé')}</h2><table>{body}</table>"


def _case(case: Case, settings: Settings, thumbnails: dict[str, str | None] | None) -> str:
    header = (
        f'<div class="case" id="case-{escape(case.bank)}-{case.entry_id}"><h3>'
        f"{_t('Case', 'Dossier')} {escape(case.bank)} #{case.entry_id}"
        f' <span class="muted">{escape(case.label)}</span></h3>'
        f"<p>{len(case.sightings)} {_t('posts', 'publications')} · {len(case.servers)} "
        f"{_t('servers', 'serveurs')}: {escape(', '.join(case.servers))}"
        f" · {len(case.authors)} {_t('accounts', 'comptes')} · "
        f"{_t('first seen', 'vu la première fois')} {escape(case.first_seen)}"
        f" · {_t('last seen', 'vu la dernière fois')} {escape(case.last_seen)}</p>"
    )
    rows = []
    for s in case.sightings:
        picture = ""
        if thumbnails is not None and s.local_path:
            if s.local_path not in thumbnails:
                thumbnails[s.local_path] = thumbnail(Path(s.local_path), settings)
            data = thumbnails[s.local_path]
            picture = (
                '<img class="evidence" alt="matched picture / image correspondante" '
                f'src="data:image/jpeg;base64,{data}">'
                if data
                else (
                    '<span class="muted">'
                    f"{_t('file no longer readable', 'fichier illisible')}</span>"
                )
            )
        context = "".join(
            f'<div class="{"hit" if c["is_match"] else ""}">{escape(c["time"][:19])} <b>'
            f"{escape(c['author_name'])}</b>: {escape(c['content'])}</div>"
            for c in s.context
        )
        rows.append(
            f"<tr><td>{escape(s.time[:19])}</td><td>{escape(s.guild_name)}<br><span class='muted'>"
            f"#{escape(s.channel_name)}</span></td>"
            f"<td>{escape(s.author_name)}<br><span class='muted'>{escape(s.author_id)}</span></td>"
            f"<td><span class='meaning'>{both_text(s.meaning)}</span>"
            f"{' · rescan' if s.found_by == 'rescan' else ''}<br><span "
            f"class='muted'>{escape(s.role)} {escape(s.file_name)}</span>"
            f"<div class='context'>{context}</div></td><td>{picture}</td></tr>"
        )
    table = (
        f"<table><tr><th>{_t('Time (UTC)', 'Heure (UTC)')}</th><th>"
        f"{_t('Server / channel', 'Serveur / salon')}</th>"
        f"<th>{_t('Author', 'Auteur')}</th><th>"
        f"{_t('Match and context', 'Correspondance et contexte')}</th><th>"
        f"{_t('Picture', 'Image')}</th></tr>" + "".join(rows) + "</table></div>"
    )
    return header + table


def _actors(findings: Investigation) -> str:
    rows = "".join(
        f"<tr><td>{escape(a.id)}</td><td>{escape(', '.join(a.names))}</td><td>"
        f"{escape(', '.join(a.servers))}</td>"
        f"<td>{a.matched_posts}</td><td>{a.messages}</td><td>"
        f"{escape(', '.join(map(str, a.cases)))}</td></tr>"
        for a in findings.actors
    )
    return (
        f"<h2>{_t('Actors', 'Acteurs')} ({len(findings.actors)})</h2>"
        f"<table><tr><th>{_t('Account id', 'Identifiant')}</th><th>"
        f"{_t('Names seen', 'Noms vus')}</th><th>{_t('Servers', 'Serveurs')}</th>"
        f"<th>{_t('Matched posts', 'Publications en cause')}</th><th>"
        f"{_t('Messages', 'Messages')}</th><th>{_t('Cases', 'Dossiers')}</th></tr>{rows}</table>"
    )


def _servers(findings: Investigation) -> str:
    rows = "".join(
        f"<tr><td>{escape(s.name)}<br><span class='muted'>{escape(s.id)}</span></td><td>"
        f"{s.channels}</td><td>{s.messages}</td>"
        f"<td>{s.members}</td><td>{s.media}</td><td>{s.matched_media}</td></tr>"
        for s in findings.servers
    )
    names = {s.id: s.name or s.id for s in findings.servers}
    links = "".join(
        f"<tr><td>{escape(names.get(link.source, link.source))} ↔ "
        f"{escape(names.get(link.target, link.target))}</td><td>{len(link.shared_members)}</td>"
        f"<td>{link.shared_files}</td><td>{escape(', '.join(map(str, link.shared_cases)))}</td>"
        f"<td>{escape(', '.join(link.cross_posters))}</td></tr>"
        for link in findings.links
    )
    return (
        f"<h2>{_t('Servers', 'Serveurs')} ({len(findings.servers)})</h2>{_graph(findings, names)}"
        f"<table><tr><th>{_t('Server', 'Serveur')}</th><th>{_t('Channels', 'Salons')}</th><th>"
        f"{_t('Messages', 'Messages')}</th>"
        f"<th>{_t('Members who posted', 'Membres ayant publié')}</th><th>"
        f"{_t('Media', 'Médias')}</th><th>{_t('Matched', 'En cause')}</th></tr>{rows}</table>"
        f"<h3>{_t('How servers connect', 'Liens entre serveurs')}</h3>"
        f"<table><tr><th>{_t('Servers', 'Serveurs')}</th><th>"
        f"{_t('Shared members', 'Membres communs')}</th><th>"
        f"{_t('Shared files', 'Fichiers communs')}</th>"
        f"<th>{_t('Shared cases', 'Dossiers communs')}</th><th>"
        f"{_t('Cross-posting accounts', 'Comptes publiant dans les deux')}</th></tr>"
        f"{links}</table>"
    )


def _graph(findings: Investigation, names: dict[str, str]) -> str:
    """Servers on a circle; an edge's width grows with shared members + shared files, red when a
    case is shared."""
    servers = findings.servers
    if not servers:
        return ""
    size, radius = 520, 190
    centre = size / 2
    position = {
        s.id: (
            centre + radius * math.cos(2 * math.pi * i / len(servers) - math.pi / 2),
            centre + radius * math.sin(2 * math.pi * i / len(servers) - math.pi / 2),
        )
        for i, s in enumerate(servers)
    }
    edges = "".join(_edge(link, position) for link in findings.links)
    nodes = "".join(
        f'<g><circle cx="{position[s.id][0]:.1f}" cy="{position[s.id][1]:.1f}" '
        f'r="{12 + min(30, 2 * math.sqrt(s.members)):.1f}" '
        f'fill="{"#d9534f" if s.matched_media else "#6c8ebf"}" opacity="0.85"><title>'
        f"{escape(names[s.id])}</title></circle>"
        f'<text x="{position[s.id][0]:.1f}" y="{position[s.id][1] + 48:.1f}" text-anchor="middle" '
        f'font-size="13">{escape(names[s.id])}</text></g>'
        for s in servers
    )
    return (
        f'<svg id="server-graph" width="{size}" height="{size}" viewBox="0 0 {size} {size}" '
        f'role="img" aria-label="server graph">{edges}{nodes}</svg>'
    )


def _edge(link: ServerLink, position: dict[str, tuple[float, float]]) -> str:
    (x1, y1), (x2, y2) = position[link.source], position[link.target]
    weight = len(link.shared_members) + link.shared_files
    colour = "#d9534f" if link.shared_cases else "#999"
    label = (
        f"{len(link.shared_members)} members, {link.shared_files} files, {len(link.shared_cases)} "
        "cases"
    )
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
        f'stroke-width="{1 + min(12, weight):.1f}" opacity="0.7">'
        f"<title>{escape(label)}</title></line>"
        f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2:.1f}" font-size="11" '
        f'text-anchor="middle" fill="#444">{len(link.shared_members)}·{link.shared_files}</text>'
    )


def _unavailable(findings: Investigation) -> str:
    if not findings.unavailable:
        return ""
    rows = "".join(
        f"<tr><td>{escape(u['message_id'])}</td><td>{escape(u['role'])}</td><td>"
        f"{escape(u['status'])}</td><td>{escape(u['reason'])}</td><td>"
        f"{escape(u['source'][:120])}</td></tr>"
        for u in findings.unavailable
    )
    return (
        f"<h2>{_t('Media not scanned', 'Médias non analysés')} ({len(findings.unavailable)})</h2>"
        f"<table><tr><th>Message</th><th>{_t('Kind', 'Type')}</th><th>{_t('Status', 'État')}</th>"
        f"<th>{_t('Reason', 'Raison')}</th><th>{_t('Source', 'Source')}</th></tr>{rows}</table>"
    )


def thumbnail(path: Path, settings: Settings) -> str | None:
    """A small JPEG of the picture (first sampled frame of a video), base64; None if unreadable
    now."""
    from PIL import Image

    from rempart.media import MediaKind, decode_image, iter_video_frames, sniff_kind

    try:
        kind = sniff_kind(path, settings.max_file_bytes)
        if kind is MediaKind.VIDEO:
            frame = next(
                iter(iter_video_frames(path, max_frames=1, max_pixels=settings.max_image_pixels))
            )
            pixels = frame.rgb
        else:
            pixels = decode_image(
                path,
                kind,
                max_pixels=settings.max_image_pixels,
                draft_size=THUMBNAIL_SIDE,
                max_frames=1,
            ).frames[0]
    except (MediaError, OSError, StopIteration):
        return None
    image = Image.fromarray(pixels)
    image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return base64.b64encode(buffer.getvalue()).decode()
