"""Reviewers' pages: /login, the review queue (/review) and the case page (/cases/<bank>/<entry>).

Pending matches from archive scans are shown with their picture blurred and greyscale until
clicked; each gets a decision (confirm / reject / escalate) recorded with who and when. A
rejection puts the (file, photo) pair on the negative list, so that false match never returns.
The pages use the same API keys as the API: typed once at /login (from this origin only), which
starts a session whose random id — never the key — goes in an HttpOnly, SameSite=Strict cookie
(Secure over HTTPS); /logout ends it. /evidence serves an exported file only while it is still
the scanned file (``rempart.investigate.exported``), only for a sighting or a review item, with
the type read from its bytes, inside a sandboxing Content-Security-Policy.
Pages are left out of the OpenAPI spec (it describes the JSON API); their tests drive Chromium.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import ExitStack
from html import escape
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from rempart.api.auth import (
    ERROR_RESPONSES,
    SESSION_COOKIE,
    Caller,
    Permission,
    RowId,
    identify,
    require,
)
from rempart.api.service import service_of
from rempart.errors import EvidenceAlteredError, EvidenceUnavailableError
from rempart.investigate.exported import verified_copy
from rempart.investigate.linking import meaning
from rempart.investigate.report import thumbnail
from rempart.pages.language import LANGUAGE_BUTTON, PAGE_HEAD, both_text
from rempart.pages.language import both as _t
from rempart.settings import Settings
from rempart.store.keys import ApiKeys
from rempart.store.scans import ScanStore, StoredMatch, StoredMedia, StoredMessage
from rempart.store.sessions import WebSessions

router = APIRouter(tags=["review"], responses=ERROR_RESPONSES)
#: What /evidence answers carry: the file can run nothing and load nothing, even opened directly.
EVIDENCE_POLICY = "sandbox; default-src 'none'"


def _page(title: str, body: str, lang: str = "fr") -> str:
    return (
        f'<!doctype html><html lang="{lang}" data-lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{title}</title>{PAGE_HEAD}</head>"
        f'<body class="wide">{LANGUAGE_BUTTON}{body}</body></html>'
    )


Decision = Literal["confirm", "reject", "escalate"]


class DecisionIn(BaseModel):
    decision: Decision
    note: str = Field(default="", max_length=2000)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home() -> str:
    links = [
        ("protect", "Protect my photos (for victims)", "Protéger mes photos (pour les victimes)"),
        ("login", "Sign in (moderators, caseworkers)", "Connexion (modération, accompagnement)"),
        ("review", "Review queue", "File de revue"),
        ("docs", "API documentation (OpenAPI)", "Documentation de l’API (OpenAPI)"),
    ]
    items = "".join(f'<li><a href="{href}">{_t(en, fr)}</a></li>' for href, en, fr in links)
    return _page("Rempart", f"<h1>Rempart</h1><ul>{items}</ul>")


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_form() -> str:
    return _page(
        "Rempart",
        f"<h1>Rempart</h1><form method=post action=login><label>{_t('API key', 'Clé d’API')} "
        "<input name=key type=password autocomplete=off></label>"
        f" <button>{_t('Sign in', 'Se connecter')}</button></form>",
    )


@router.post("/login", include_in_schema=False)
def login(request: Request, key: Annotated[str, Form(max_length=200)]) -> RedirectResponse:
    """Start a session (the guard has checked the form came from this origin); guesses are
    rate-limited and audited."""
    caller = identify(request)
    service = service_of(request)
    https = bool(request.scope.get("state", {}).get("https"))
    service.limit_anonymous(caller)
    found = ApiKeys(service.store).authenticate(key)
    if found is None:
        service.store.record(caller.actor, "login.failed", "unknown or revoked key")
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown or revoked API key")
    session = WebSessions(service.store).start(found, service.settings.session_hours)
    response = RedirectResponse("review", status_code=status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        SESSION_COOKIE,
        session,
        httponly=True,
        samesite="strict",
        secure=https,
        path="/",
        max_age=int(service.settings.session_hours * 3600),
    )
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request) -> RedirectResponse:
    """End this browser's session (the guard has checked the request came from this origin)."""
    caller = identify(request)
    session = request.cookies.get(SESSION_COOKIE, "")
    if caller.via == "cookie" and session:
        WebSessions(service_of(request).store).end(session, caller.actor)
    response = RedirectResponse("login", status_code=status.HTTP_303_SEE_OTHER)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _item(
    match: StoredMatch, label: str, media: list[StoredMedia], messages: dict[str, StoredMessage]
) -> dict[str, Any]:
    first = media[0] if media else None
    message = messages.get(first.message_id) if first else None
    return {
        "match": match,
        "label": label,
        "posts": len(media),
        "where": (
            f"{message.details.get('guild_name', '')} #{message.details.get('channel_name', '')}"
        )
        if message
        else "",
        "author": str(message.details.get("author", {}).get("name", "")) if message else "",
        "time": message.created_at.isoformat()[:19] if message else "",
        "details": first.details if first else None,
    }


def _verified_thumbnail(details: dict[str, Any], settings: Settings) -> str | None:
    """A thumbnail of the exported file, made from a verified copy (None if it cannot be
    verified)."""
    try:
        with verified_copy(details, settings.max_file_bytes) as exported:
            return thumbnail(exported.path, settings) if exported.inline else None
    except EvidenceUnavailableError:
        return None


#: Items per page of the review queue.
REVIEW_PAGE = 25


@router.get("/review", response_class=HTMLResponse, include_in_schema=False)
def review_page(
    request: Request,
    caller: Annotated[Caller, Depends(require(Permission.REVIEW))],
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> str:
    """One page of the queue: only its items' media are read, verified and thumbnailed."""
    service = service_of(request)
    scans = ScanStore(service.store)
    items = []
    queue = scans.pending_review()
    pending = queue[(page - 1) * REVIEW_PAGE : page * REVIEW_PAGE]
    media_of: dict[int, list[StoredMedia]] = defaultdict(list)
    for media in (
        scans.media(caller.actor, [m.file_id for m in pending]) if pending else []
    ):  # one audited read for the page
        if media.file_id is not None:
            media_of[media.file_id].append(media)
    shown = {media[0].message_id for media in media_of.values() if media}
    messages = {m.id: m for m in scans.messages(caller.actor, shown)} if shown else {}
    labels = service.store.entry_labels({m.entry_id for m in pending})
    thresholds = service.store.bank_thresholds()
    for match in pending:
        item = _item(match, labels.get(match.entry_id, ""), media_of[match.file_id], messages)
        item["meaning"] = meaning(
            match.signal,
            match.distance,
            match.inliers,
            thresholds.get(match.bank, 31),
            match.frames,
        )
        picture_data = (
            _verified_thumbnail(item["details"], service.settings) if item["details"] else None
        )
        picture = (
            f'<img class="evidence" alt="match" src="data:image/jpeg;base64,{picture_data}">'
            if picture_data
            else f"<em>{_t('picture not available', 'image indisponible')}</em>"
        )
        buttons = "".join(
            f'<button name=decision value={d} class="decide-{d}">{_t(en, fr)}</button> '
            for d, en, fr in (
                ("confirm", "Confirm", "Confirmer"),
                ("reject", "Reject (false match)", "Rejeter (fausse correspondance)"),
                ("escalate", "Escalate", "Escalader"),
            )
        )
        m = item["match"]
        items.append(
            f'<div class="item" data-match="{m.id}">{picture}<div><strong>{escape(m.bank)} '
            f"#{m.entry_id}</strong> {escape(item['label'])}<br>"
            f"<span class=meaning>{both_text(item['meaning'])}"
            f"</span> · {item['posts']} {_t('post(s)', 'publication(s)')}<br>"
            f"{escape(item['where'])} · {escape(item['author'])} · {escape(item['time'])}<br>"
            f'<a href="cases/{escape(m.bank)}/{m.entry_id}">'
            f"{_t('case page', 'page du dossier')}</a>"
            f'<form method=post action="review/{m.id}"><input name=note placeholder="note">'
            f"{buttons}</form></div></div>"
        )
    body = (
        "<form method=post action=logout><button id=logout>"
        f"{_t('Sign out', 'Se déconnecter')}</button></form>"
    )
    body += (
        f"<h1>{_t('Review queue', 'File de revue')} (<span id=pending>{len(queue)}</span>)</h1>"
        + ("".join(items) or f"<p>{_t('Nothing to review.', 'Rien à revoir.')}</p>")
        + (
            f'<p><a id=next href="review?page={page + 1}">'
            f"{_t('Next page', 'Page suivante')}</a></p>"
            if len(queue) > page * REVIEW_PAGE
            else ""
        )
    )
    return _page("Rempart — review", body)


@router.post("/review/{match_id}", include_in_schema=False)
def decide_form(
    request: Request,
    match_id: RowId,
    decision: Annotated[Decision, Form()],
    caller: Annotated[Caller, Depends(require(Permission.REVIEW))],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    ScanStore(service_of(request).store).decide(match_id, decision, caller.actor, note)
    return RedirectResponse("../review", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/api/v1/review")
def pending_api(
    request: Request, _caller: Annotated[Caller, Depends(require(Permission.REVIEW))]
) -> list[dict[str, Any]]:
    return [
        {
            "match_id": m.id,
            "bank": m.bank,
            "entry_id": m.entry_id,
            "file_id": m.file_id,
            "signal": m.signal,
            "distance": m.distance,
            "inliers": m.inliers,
        }
        for m in ScanStore(service_of(request).store).pending_review()
    ]


@router.post("/api/v1/review/{match_id}")
def decide_api(
    request: Request,
    match_id: RowId,
    body: DecisionIn,
    caller: Annotated[Caller, Depends(require(Permission.REVIEW))],
) -> dict[str, Any]:
    ScanStore(service_of(request).store).decide(match_id, body.decision, caller.actor, body.note)
    return {"match_id": match_id, "decision": body.decision, "reviewer": caller.actor}


@router.get("/evidence/{media_id}", include_in_schema=False)
def evidence(
    request: Request,
    media_id: RowId,
    caller: Annotated[Caller, Depends(require(Permission.CASES_READ))],
) -> StreamingResponse:
    """The exported file behind a sighting or review item, if it is still the file scanned; every
    access is audited."""
    service = service_of(request)
    scans = ScanStore(service.store)
    item = scans.media_item(media_id, caller.actor)
    if item is None or item.file_id is None or not scans.is_matched(item.file_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no evidence file here")
    stack = ExitStack()
    try:
        exported = stack.enter_context(verified_copy(item.details, service.settings.max_file_bytes))
    except EvidenceAlteredError as exc:
        stack.close()
        service.store.record(
            caller.actor, "evidence.altered", f"media {media_id}: content changed since the scan"
        )
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    except EvidenceUnavailableError as exc:
        stack.close()
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    disposition = "inline" if exported.inline else "attachment"
    headers = {
        "Cache-Control": "no-store",
        "Content-Security-Policy": EVIDENCE_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'{disposition}; filename="evidence-{media_id}"',
    }
    return StreamingResponse(
        _chunks(exported.copy),
        media_type=exported.media_type,
        headers=headers,
        background=BackgroundTask(stack.close),
    )


def _chunks(handle: Any) -> Any:
    while chunk := handle.read(256 * 1024):
        yield chunk


@router.get("/cases/{bank}/{entry_id}", response_class=HTMLResponse, include_in_schema=False)
def case_page(
    request: Request,
    bank: str,
    entry_id: RowId,
    caller: Annotated[Caller, Depends(require(Permission.CASES_READ))],
) -> str:
    from rempart.investigate.linking import investigate

    findings = investigate(
        service_of(request).store, [bank], actor=caller.actor, entry_ids=[entry_id]
    )  # this case only: its sightings and the channels they were posted in
    case = next((c for c in findings.cases if c.entry_id == entry_id), None)
    if case is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no sightings of this entry")
    rows = "".join(
        f"<tr><td>{escape(s.time[:19])}</td><td>{escape(s.guild_name)} "
        f"#{escape(s.channel_name)}</td><td>{escape(s.author_name)} <small>"
        f"{escape(s.author_id)}</small></td>"
        f"<td class=meaning>{both_text(s.meaning)}</td>"
        f"<td><a class=evidence-link "
        f'href="../../evidence/{s.media_id}">{escape(s.role)} {escape(s.file_name)}</a></td></tr>'
        for s in case.sightings
    )
    actors = "".join(
        f"<li>{escape(a.id)}: {escape(', '.join(a.names))} — {escape(', '.join(a.servers))}</li>"
        for a in findings.actors
        if entry_id in a.cases
    )
    body = (
        f"<h1>{_t('Case', 'Dossier')} {escape(bank)} #{entry_id} <small>"
        f"{escape(case.label)}</small></h1>"
        f"<p>{len(case.sightings)} {_t('posts', 'publications')} · {_t('servers', 'serveurs')}: "
        f"{escape(', '.join(case.servers))}</p>"
        f"<h2>{_t('Timeline', 'Chronologie')}</h2><table id=timeline><tr><th>UTC</th><th>"
        f"{_t('Where', 'Où')}</th><th>{_t('Author', 'Auteur')}</th><th>"
        f"{_t('Match', 'Correspondance')}</th><th>{_t('Evidence', 'Preuve')}</th></tr>"
        f"{rows}</table>"
        f"<h2>{_t('Actors', 'Acteurs')}</h2><ul id=actors>{actors}</ul>"
    )
    return _page(f"Rempart — case {entry_id}", body)
