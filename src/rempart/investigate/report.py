"""The investigator's report: one self-contained HTML file, in French and English (a button
switches).

Summary, one timeline per case with the messages around each sighting, actors, servers with
their risk, rebirths, a picture of how servers connect (SVG: servers as nodes, shared members
and images as edges, rebirths dashed), message signals in context (filterable by kind), and the
media that could not be read, rendered from ``pages/templates/report.html`` (every value
escaped). Matched pictures are embedded as small thumbnails,
blurred until clicked; ``with_media=False`` leaves them out. Nothing is loaded from outside the
file: no scripts, fonts or images from the network.
"""

from __future__ import annotations

import base64
import io
import math
from pathlib import Path
from typing import Any

from markupsafe import Markup

from rempart.errors import MediaError
from rempart.i18n import language
from rempart.intel.messages import KINDS
from rempart.intel.reborn import Rebirth
from rempart.investigate.intelligence import Intelligence
from rempart.investigate.linking import Investigation, ServerLink
from rempart.pages.language import LANGUAGE_CSS, LANGUAGE_SCRIPT
from rempart.pages.render import render
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
document.addEventListener('change',function(e){if(e.target.id==='signal-kind'){var k=e.target.value;
document.querySelectorAll('tr.signal').forEach(function(r){r.hidden=!!k&&r.dataset.kind!==k;});}});
"""


def results_as_dict(findings: Investigation, intelligence: Intelligence | None) -> dict[str, Any]:
    """What ``rempart scan --json`` prints: the linked results, each server with its risk, and
    the signals and rebirths."""
    results = findings.as_dict()
    if intelligence is None:
        return results
    risk = {r.guild_id: r.as_dict() for r in intelligence.servers}
    results["servers"] = [
        {"guild_id": server["id"], **server, **risk.get(server["id"], {})}
        for server in results["servers"]
    ]
    intel = intelligence.as_dict()
    results["signals"], results["reborn"] = intel["signals"], intel["reborn"]
    return results


def write_report(
    findings: Investigation,
    path: Path,
    settings: Settings,
    *,
    with_media: bool = True,
    intelligence: Intelligence | None = None,
) -> None:
    """Write the report to ``path`` (overwritten, readable by its owner only: it is evidence)."""
    pictures: dict[str, str | None] = {}
    if with_media:
        for case in findings.cases:
            for sighting in case.sightings:
                if sighting.local_path and sighting.local_path not in pictures:
                    pictures[sighting.local_path] = thumbnail(Path(sighting.local_path), settings)
    names = {s.id: s.name or s.id for s in findings.servers}
    page = render(
        "report.html",
        lang=language(),
        css=Markup(_CSS + LANGUAGE_CSS),
        script=Markup(_SCRIPT + LANGUAGE_SCRIPT),
        findings=findings,
        pictures=pictures,
        with_media=with_media,
        names=names,
        graph=_graph(findings, names, intelligence),
        intelligence=intelligence,
        signal_kinds=KINDS,
    )
    write_private(path, page)


def _graph(
    findings: Investigation, names: dict[str, str], intelligence: Intelligence | None = None
) -> dict[str, Any]:
    """Servers on a circle; an edge's width grows with shared members + shared files, red when a
    case is shared; a rebirth is a dashed purple edge (coordinates for the template's SVG)."""
    servers = findings.servers
    size, radius = 520, 190
    centre = size / 2
    position = {
        s.id: (
            centre + radius * math.cos(2 * math.pi * i / len(servers) - math.pi / 2),
            centre + radius * math.sin(2 * math.pi * i / len(servers) - math.pi / 2),
        )
        for i, s in enumerate(servers)
    }
    nodes = [
        {
            "x": f"{position[s.id][0]:.1f}",
            "y": f"{position[s.id][1]:.1f}",
            "label_y": f"{position[s.id][1] + 48:.1f}",
            "r": f"{12 + min(30, 2 * math.sqrt(s.members)):.1f}",
            "fill": "#d9534f" if s.matched_media else "#6c8ebf",
            "name": names[s.id],
        }
        for s in servers
    ]
    edges = [_edge(link, position) for link in findings.links]
    for rebirth in intelligence.reborn if intelligence else []:
        if rebirth.guild_id in position and rebirth.continues in position:
            edges.append(_reborn_edge(rebirth, position))
    return {"size": size, "nodes": nodes, "edges": edges}


def _reborn_edge(rebirth: Rebirth, position: dict[str, tuple[float, float]]) -> dict[str, str]:
    (x1, y1), (x2, y2) = position[rebirth.continues], position[rebirth.guild_id]
    return {
        "x1": f"{x1:.1f}",
        "y1": f"{y1:.1f}",
        "x2": f"{x2:.1f}",
        "y2": f"{y2:.1f}",
        "mx": f"{(x1 + x2) / 2:.1f}",
        "my": f"{(y1 + y2) / 2 + 14:.1f}",
        "colour": "#7b3fa0",
        "width": "3",
        "dash": "8 5",
        "label": f"reborn / recréé (score {rebirth.score})",
        "short": f"↻ {rebirth.score}",
    }


def _edge(link: ServerLink, position: dict[str, tuple[float, float]]) -> dict[str, str]:
    (x1, y1), (x2, y2) = position[link.source], position[link.target]
    weight = len(link.shared_members) + link.shared_files
    return {
        "x1": f"{x1:.1f}",
        "y1": f"{y1:.1f}",
        "x2": f"{x2:.1f}",
        "y2": f"{y2:.1f}",
        "mx": f"{(x1 + x2) / 2:.1f}",
        "my": f"{(y1 + y2) / 2:.1f}",
        "colour": "#d9534f" if link.shared_cases else "#999",
        "width": f"{1 + min(12, weight):.1f}",
        "label": f"{len(link.shared_members)} members, {link.shared_files} files, "
        f"{len(link.shared_cases)} cases",
        "short": f"{len(link.shared_members)}·{link.shared_files}",
        "dash": "",
    }


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
