"""The victim's page, /protect: she picks photos, her browser fingerprints them, only those leave.

Plain words, no image shown back, help contacts (3018, the French helpline for online violence).
She gets a case number and a secret to check the status or withdraw everything in one click.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from rempart.api.auth import ERROR_RESPONSES, identify
from rempart.api.guard import content_security_policy
from rempart.api.service import service_of
from rempart.errors import ImportFormatError
from rempart.evidence.vault import Cases, destroy_evidence
from rempart.i18n import preferred_language
from rempart.pages.render import render
from rempart.store.protect import MAX_PHOTOS, ProtectCases, parse_registration

router = APIRouter(tags=["protect"], responses=ERROR_RESPONSES)
STATIC = files("rempart.web") / "static"
#: opencv.js, the npm package @techstark/opencv-js (see static/vendor/README.md).
OPENCV_JS = "opencv-4.12.0.js"
#: Every file /static serves, and its type (nothing else is served from there).
STATIC_FILES = {
    "pdq.js": "text/javascript",
    "orb.js": "text/javascript",
    "protect.js": "text/javascript",
    "page.js": "text/javascript",
    OPENCV_JS: "text/javascript",
    "rempart.css": "text/css",
}


class RegistrationIn(BaseModel):
    fingerprints: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_PHOTOS)
    #: She is under 18: no picture of her cases is ever kept or shown.
    minor: bool = False


class RegistrationOut(BaseModel):
    case: str
    secret: str


class CaseIn(BaseModel):
    case: str = Field(max_length=40)
    secret: str = Field(max_length=200)


class WithdrawIn(CaseIn):
    #: Her choice: destroy the preserved evidence too (the case keys), not only the fingerprints.
    delete_evidence: bool = False


class CaseOut(BaseModel):
    case: str
    photos: int
    withdrawn: bool


def _cases(request: Request) -> ProtectCases:
    service = service_of(request)
    return ProtectCases(service.store, service.settings.protect_bank)


def _limit(request: Request) -> None:
    service_of(request).limit_anonymous(identify(request))


@router.post("/protect/cases", response_model=RegistrationOut, status_code=status.HTTP_201_CREATED)
def register(request: Request, body: RegistrationIn) -> RegistrationOut:
    """Register fingerprints computed in her browser (SHA-256, PDQ, ORB: no media is accepted)."""
    _limit(request)
    try:
        prints = parse_registration(body.model_dump(), service_of(request).settings)
    except ImportFormatError as exc:
        raise HTTPException(422, str(exc)) from exc
    number, secret = _cases(request).register(prints)
    if body.minor:
        cases = _cases(request)
        for entry_id in cases.entries(number, secret) or []:
            Cases(service_of(request).store).mark_minor(
                cases.bank, entry_id, actor=f"protect:{number}"
            )
    service_of(request).banks_changed()  # live at once: a platform's next match finds her photos
    return RegistrationOut(case=number, secret=secret)


@router.post("/protect/status", response_model=CaseOut)
def case_status(request: Request, body: CaseIn) -> CaseOut:
    _limit(request)
    found = _cases(request).status(body.case, body.secret)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no case with this number and secret")
    return CaseOut(case=found.number, photos=found.photos, withdrawn=found.withdrawn_at is not None)


@router.post("/protect/withdraw", response_model=CaseOut)
def withdraw(request: Request, body: WithdrawIn) -> CaseOut:
    """Delete every fingerprint of the case at once (and, if she chooses, the evidence kept)."""
    _limit(request)
    cases = _cases(request)
    entries = cases.entries(body.case, body.secret)
    if entries is None or cases.withdraw(body.case, body.secret) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no case with this number and secret")
    if body.delete_evidence:
        service = service_of(request)
        for entry_id in entries:
            destroy_evidence(
                service.store, service.settings, entry_id, actor="protect", why="her withdrawal"
            )
    service_of(request).banks_changed()
    found = cases.status(body.case, body.secret)
    assert found is not None
    return CaseOut(case=found.number, photos=found.photos, withdrawn=True)


@cache
def _static_file(name: str) -> bytes:
    return (STATIC / "vendor" / name if name == OPENCV_JS else STATIC / name).read_bytes()


@router.get("/static/{name}", include_in_schema=False)
def static(name: Annotated[str, "file name"]) -> Response:
    if name not in STATIC_FILES:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "not found")
    return Response(
        _static_file(name),
        media_type=STATIC_FILES[name],
        headers={"Cache-Control": "max-age=86400"},
    )


#: opencv.js (Emscripten's embind) builds functions from strings and compiles WebAssembly that it
#: carries as a data: URL: this page alone allows that; it still runs only scripts of this origin.
PAGE_POLICY = content_security_policy("'self' 'unsafe-eval' 'wasm-unsafe-eval'", "'self' data:")


@router.get("/protect", response_class=HTMLResponse, include_in_schema=False)
def page(request: Request, lang: str | None = None) -> HTMLResponse:
    """The victim's page, in her language: ``?lang=``, else her browser's, else French (as every
    page)."""
    chosen = preferred_language(lang, request.headers.get("accept-language", ""), "fr")
    return HTMLResponse(_page_html(chosen), headers={"Content-Security-Policy": PAGE_POLICY})


def _page_html(chosen: str) -> str:
    return render("protect.html", lang=chosen, opencv_js=OPENCV_JS)
