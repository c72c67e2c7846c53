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

import tempfile
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
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
from rempart.bot.reports import Reports
from rempart.errors import (
    EvidenceAlteredError,
    EvidenceError,
    EvidenceUnavailableError,
    MediaError,
)
from rempart.evidence.pack import export_pack
from rempart.evidence.preserve import discord_link
from rempart.evidence.vault import Case, Cases, Vault
from rempart.i18n import preferred_language
from rempart.index.local import matched_region
from rempart.investigate.exported import verified_copy
from rempart.investigate.linking import meaning
from rempart.investigate.report import thumbnail
from rempart.pages.render import render
from rempart.settings import Settings
from rempart.signals.local import WORKING_AREA, LocalFeatures, query_features
from rempart.store import Store
from rempart.store.keys import ApiKeys
from rempart.store.models import SightingRow
from rempart.store.scans import ScanStore, StoredMatch, StoredMedia, StoredMessage
from rempart.store.sessions import WebSessions
from rempart.store.signals import SignalQueue

router = APIRouter(tags=["review"], responses=ERROR_RESPONSES)
#: What /evidence answers carry: the file can run nothing and load nothing, even opened directly.
EVIDENCE_POLICY = "sandbox; default-src 'none'"


def reader_language(request: Request) -> str:
    """The reader's language: ``?lang=``, else the browser's first of French and English, else
    French."""
    return preferred_language(
        request.query_params.get("lang"), request.headers.get("accept-language", ""), "fr"
    )


Decision = Literal["confirm", "reject", "escalate"]


class DecisionIn(BaseModel):
    decision: Decision
    note: str = Field(default="", max_length=2000)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request) -> str:
    return render("home.html", lang=reader_language(request))


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_form(request: Request) -> str:
    return render("login.html", lang=reader_language(request))


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


Region = tuple[float, float, float, float]


def _verified_picture(
    details: dict[str, Any], settings: Settings, registered: list[LocalFeatures]
) -> tuple[str | None, Region | None]:
    """The thumbnail of a verified copy and, given her photo's local features, the part of the
    picture that shows it (fractions of its width and height: x0, y0, x1, y1)."""
    try:
        with verified_copy(details, settings.max_file_bytes) as exported:
            if not exported.inline:
                return None, None
            return _picture_at(exported.path, settings, registered)
    except EvidenceUnavailableError:
        return None, None


def _picture_at(
    path: Path, settings: Settings, registered: list[LocalFeatures]
) -> tuple[str | None, Region | None]:
    """The thumbnail of the picture at ``path`` and, given her photo's local features, where
    her photo lies in it."""
    picture = thumbnail(path, settings)
    if picture is None or not registered:
        return picture, None
    return picture, _matched_region(path, settings, registered)


def _preserved_picture(
    store: Store,
    settings: Settings,
    entry_id: int,
    details: dict[str, Any],
    caller: Caller,
    registered: list[LocalFeatures],
) -> tuple[str | None, Region | None]:
    """The picture from the evidence vault, when the exported file is gone (moved, deleted, the
    scan's copy removed): the preserved copy of that file for this case, read as a logged vault
    read (who, role, why)."""
    sha256 = str(details.get("sha256") or "")
    case = Cases(store).get(entry_id)
    if not sha256 or case is None or case.key is None or case.minor:
        return None, None
    with store.session() as session:
        name = session.scalar(
            select(SightingRow.object_name).where(
                SightingRow.case_id == case.id,
                SightingRow.media_sha256 == sha256,
                SightingRow.object_name.is_not(None),
            )
        )
    if name is None:
        return None, None
    return _vault_picture(store, settings, case, name, sha256, caller, registered, "review queue")


def _vault_picture(
    store: Store,
    settings: Settings,
    case: Case,
    name: str,
    sha256: str,
    caller: Caller,
    registered: list[LocalFeatures],
    why: str,
) -> tuple[str | None, Region | None]:
    """A vault object's thumbnail (and where her photo is in it), read as a logged vault read."""
    try:
        data = Vault(store, settings).read(
            case, name, sha256, actor=caller.actor, role=caller.role, why=why
        )
    except EvidenceError:
        return None, None
    with tempfile.NamedTemporaryFile(prefix="rempart-preserved-") as copy:  # owner-only
        copy.write(data)
        copy.flush()
        return _picture_at(Path(copy.name), settings, registered)


def _member_reports(store: Store, settings: Settings, caller: Caller) -> list[dict[str, Any]]:
    """Pending "Report to Rempart" reports, with the pictures preserved in their own cases (a
    reported item that matched a photo is in the queue above, under that photo's case)."""
    items = []
    for report in Reports(store).pending():
        case = Cases(store).get(-report.id)
        pictures: list[str] = []
        if case is not None and case.key is not None:
            with store.session() as session:
                kept = session.execute(
                    select(SightingRow.object_name, SightingRow.media_sha256).where(
                        SightingRow.case_id == case.id, SightingRow.object_name.is_not(None)
                    )
                ).all()
            for name, sha256 in kept:
                picture, _ = _vault_picture(
                    store, settings, case, str(name), str(sha256), caller, [], "member report"
                )
                if picture:
                    pictures.append(picture)
        items.append(
            {
                "report": report,
                "pictures": pictures,
                "link": discord_link(report.guild_id, report.channel_id, report.message_id),
            }
        )
    return items


def _matched_region(
    path: Path, settings: Settings, registered: list[LocalFeatures]
) -> Region | None:
    """Where her photo is in the picture at ``path`` (a still image), from the keypoints one
    homography maps onto it; None when no registered value gives one."""
    from rempart.media import MediaKind, decode_image, sniff_kind

    try:
        kind = sniff_kind(path, settings.max_file_bytes)
        if kind is MediaKind.VIDEO:
            return None
        rgb = decode_image(
            path,
            kind,
            max_pixels=settings.max_image_pixels,
            draft_size=settings.jpeg_draft_size,
            max_frames=1,
        ).frames[0]
    except (MediaError, OSError):
        return None
    query = query_features(rgb)
    height, width = rgb.shape[:2]
    scale = (WORKING_AREA / (height * width)) ** 0.5  # the scale query features are taken at
    working_w, working_h = max(1, round(width * scale)), max(1, round(height * scale))
    for value in registered:
        found = matched_region(query, value, settings.local_min_inliers)
        if found is not None:
            x0, y0, x1, y1 = found
            return (
                max(0.0, x0 / working_w),
                max(0.0, y0 / working_h),
                min(1.0, x1 / working_w),
                min(1.0, y1 / working_h),
            )
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
    minors = Cases(service.store).minor_entries()
    for match in pending:
        item = _item(match, labels.get(match.entry_id, ""), media_of[match.file_id], messages)
        item["meaning"] = meaning(
            match.signal,
            match.distance,
            match.inliers,
            thresholds.get(match.bank, 31),
            match.frames,
        )
        item["minor"] = match.entry_id in minors  # a minor's case: never a picture
        item["picture"], item["region"] = None, None
        if item["details"] and not item["minor"]:
            registered = (
                [
                    LocalFeatures.from_bytes(raw)
                    for raw in service.store.entry_values(match.entry_id, "orb", actor=caller.actor)
                ]
                if match.signal == "orb"  # a crop or a photo of a screen: show where she is
                else []
            )
            item["picture"], item["region"] = _verified_picture(
                item["details"], service.settings, registered
            )
            if item["picture"] is None:  # the exported file is gone: the preserved copy
                item["picture"], item["region"] = _preserved_picture(
                    service.store,
                    service.settings,
                    match.entry_id,
                    item["details"],
                    caller,
                    registered,
                )
        items.append(item)
    return render(
        "review.html",
        lang=reader_language(request),
        items=items,
        reports=_member_reports(service.store, service.settings, caller) if page == 1 else [],
        signals=SignalQueue(service.store).pending(caller.actor) if page == 1 else [],
        total=len(queue),
        next_page=page + 1 if len(queue) > page * REVIEW_PAGE else None,
    )


@router.post("/review/reports/{report_id}", include_in_schema=False)
def decide_report_form(
    request: Request,
    report_id: RowId,
    decision: Annotated[Decision, Form()],
    caller: Annotated[Caller, Depends(require(Permission.REVIEW))],
) -> RedirectResponse:
    if not Reports(service_of(request).store).decide(report_id, decision, caller.actor):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such pending report")
    return RedirectResponse("../../review", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/review/signals/{signal_id}", include_in_schema=False)
def decide_signal_form(
    request: Request,
    signal_id: RowId,
    decision: Annotated[Decision, Form()],
    caller: Annotated[Caller, Depends(require(Permission.REVIEW))],
) -> RedirectResponse:
    if not SignalQueue(service_of(request).store).decide(signal_id, decision, caller.actor):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such pending signal")
    return RedirectResponse("../../review", status_code=status.HTTP_303_SEE_OTHER)


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
    matches = scans.file_matches(item.file_id) if item and item.file_id is not None else []
    if item is None or not matches:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no evidence file here")
    minors = Cases(service.store).minor_entries()
    if any(m.entry_id in minors for m in matches):
        service.store.record(caller.actor, "evidence.refused", f"media {media_id}: a minor's case")
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
    actors = [a for a in findings.actors if entry_id in a.cases]
    found = Cases(service_of(request).store).get(entry_id)
    return render(
        "case.html",
        lang=reader_language(request),
        case=case,
        actors=actors,
        minor=bool(found and found.minor),
        may_export=caller.may(Permission.EVIDENCE_EXPORT),
        preserved=found is not None and found.key is not None,
    )


@router.post("/cases/{bank}/{entry_id}/minor", include_in_schema=False)
def case_minor_form(
    request: Request,
    bank: str,
    entry_id: RowId,
    caller: Annotated[Caller, Depends(require(Permission.EVIDENCE_EXPORT))],
) -> RedirectResponse:
    """A caseworker marks the case as a minor's (from the case page)."""
    _mark_minor(request, bank, entry_id, caller)
    return RedirectResponse(f"../{entry_id}", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/api/v1/cases/{bank}/{entry_id}/minor")
def case_minor_api(
    request: Request,
    bank: str,
    entry_id: RowId,
    caller: Annotated[Caller, Depends(require(Permission.EVIDENCE_EXPORT))],
) -> dict[str, Any]:
    """Mark a case as a minor's: from now on no media of it is kept, served or shown."""
    _mark_minor(request, bank, entry_id, caller)
    return {"bank": bank, "entry_id": entry_id, "minor": True}


def _mark_minor(request: Request, bank: str, entry_id: int, caller: Caller) -> None:
    store = service_of(request).store
    if store.get_entry(entry_id).bank != bank:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no sightings of this entry")
    Cases(store).mark_minor(bank, entry_id, actor=caller.actor)


@router.post("/cases/{bank}/{entry_id}/pack", include_in_schema=False)
def case_pack(
    request: Request,
    bank: str,
    entry_id: RowId,
    caller: Annotated[Caller, Depends(require(Permission.EVIDENCE_EXPORT))],
    lang: Annotated[Literal["fr", "en"], Form()] = "fr",
) -> Response:
    """The case's evidence pack as a download (caseworkers and admins; the export is logged)."""
    service = service_of(request)
    with tempfile.TemporaryDirectory(prefix="rempart-pack-") as folder:
        out = Path(folder) / "pack.zip"
        export_pack(
            service.store,
            service.settings,
            bank,
            entry_id,
            out,
            lang=lang,
            actor=caller.actor,
            role=caller.role,
        )
        data = out.read_bytes()
    return Response(
        data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="rempart-case-{entry_id}-pack.zip"',
            "Cache-Control": "no-store",
        },
    )
