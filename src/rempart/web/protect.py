"""The victim's page, /protect: she picks photos, her browser computes their fingerprints, only those leave.

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
from rempart.i18n import language
from rempart.pages.language import LANGUAGE_BUTTON, PAGE_HEAD
from rempart.pages.language import both as _t
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


class RegistrationOut(BaseModel):
    case: str
    secret: str


class CaseIn(BaseModel):
    case: str = Field(max_length=40)
    secret: str = Field(max_length=200)


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
def withdraw(request: Request, body: CaseIn) -> CaseOut:
    """Delete every fingerprint of the case at once."""
    _limit(request)
    cases = _cases(request)
    if cases.withdraw(body.case, body.secret) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no case with this number and secret")
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
    return Response(_static_file(name), media_type=STATIC_FILES[name], headers={"Cache-Control": "max-age=86400"})


#: opencv.js (Emscripten's embind) builds functions from strings and compiles WebAssembly that it
#: carries as a data: URL: this page alone allows that; it still runs only scripts of this origin.
PAGE_POLICY = content_security_policy("'self' 'unsafe-eval' 'wasm-unsafe-eval'", "'self' data:")


@router.get("/protect", response_class=HTMLResponse, include_in_schema=False)
def page(lang: str | None = None) -> HTMLResponse:
    chosen = lang if lang in {"en", "fr"} else language()
    return HTMLResponse(_page_html(chosen), headers={"Content-Security-Policy": PAGE_POLICY})


def _page_html(chosen: str) -> str:
    return f"""<!doctype html><html lang="{chosen}" data-lang="{chosen}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>Rempart — {_plain('Protect my photos', 'Protéger mes photos', chosen)}</title>
{PAGE_HEAD}</head><body class="narrow">
{LANGUAGE_BUTTON}
<h1>{_t('Protect my photos', 'Protéger mes photos')}</h1>
<p>{_t('If photos of you are being shared without your consent, you can stop copies from spreading. Choose the photos here: your device turns each one into a fingerprint (a short code). <strong>Your photos never leave this page</strong>; only the fingerprints are sent.',
       'Si des photos de vous circulent sans votre accord, vous pouvez empêcher leurs copies de se répandre. Choisissez les photos ici : votre appareil transforme chacune en empreinte (un code court). <strong>Vos photos ne quittent jamais cette page</strong> ; seules les empreintes sont envoyées.')}</p>
<div class="box help"><strong>{_t('You are not alone.', 'Vous n’êtes pas seule.')}</strong>
{_t('In France, call or write to <strong>3018</strong> (free, anonymous, 7 days a week, 3018.fr). In danger: call 17 or 112.',
    'En France, appelez ou écrivez au <strong>3018</strong> (gratuit, anonyme, 7 jours sur 7, 3018.fr). En danger : appelez le 17 ou le 112.')}</div>
<div class="box"><label for="photos"><strong>{_t('1. Choose your photos', '1. Choisissez vos photos')}</strong></label><br>
<input id="photos" type="file" accept="image/*" multiple>
<ol id="progress" class="progress"></ol>
<p class="muted small" id="thumbs-note" hidden>{_t('These previews are shown by your browser only: they are never sent.', 'Ces aperçus sont affichés par votre navigateur seulement : ils ne sont jamais envoyés.')}</p>
<p id="prepared" hidden>{_t('Fingerprints ready for', 'Empreintes prêtes pour')} <span id="count">0</span> {_t('photo(s)', 'photo(s)')}
({_t('could not be read:', 'illisibles :')} <span id="failed">0</span>). {_t('Nothing has been sent yet.', 'Rien n’a encore été envoyé.')}</p>
<button id="send" disabled>{_t('2. Send the fingerprints', '2. Envoyer les empreintes')}</button>
<p id="no-local" hidden>{_t(
    'This browser could not load the part that recognises crops, screenshots and photos of a screen: '
    'exact and near copies are still protected. Reload the page, or use another browser, to protect against crops too.',
    'Ce navigateur n’a pas pu charger la partie qui reconnaît les recadrages, captures d’écran et photos d’écran : '
    'les copies exactes et proches restent protégées. Rechargez la page, ou utilisez un autre navigateur, pour protéger aussi contre les recadrages.'
)}</p>
<p id="error" hidden>{_t('Sending failed. Please try again in a moment.', 'L’envoi a échoué. Réessayez dans un instant.')}</p></div>
<div class="box" id="registered" hidden><strong>{_t('Done.', 'C’est fait.')}</strong>
{_t('Keep these two codes somewhere safe: they let you check or withdraw at any time.', 'Gardez ces deux codes en lieu sûr : ils permettent de vérifier ou de tout retirer à tout moment.')}<br>
{_t('Case number', 'Numéro de dossier')}: <code id="case-number"></code><br>{_t('Secret', 'Code secret')}: <code id="case-secret"></code></div>
<div class="box"><strong>{_t('Check or withdraw', 'Vérifier ou retirer')}</strong><br>
<input id="manage-case" placeholder="RMP-XXXX-XXXX" autocomplete="off"> <input id="manage-secret" type="password" placeholder="{_plain('secret', 'code secret', chosen)}" autocomplete="off"><br>
<button id="status">{_t('Check', 'Vérifier')}</button> <button id="withdraw">{_t('Withdraw everything', 'Tout retirer')}</button>
<p id="manage-result"><span class="state active">{_t('Active: fingerprints of', 'Actif : empreintes de')} <span id="manage-photos">–</span> {_t('photo(s) are being used to find copies.', 'photo(s) servent à retrouver les copies.')}</span>
<span class="state withdrawn">{_t('Withdrawn: every fingerprint has been deleted.', 'Retiré : toutes les empreintes ont été supprimées.')}</span>
<span class="state unknown">{_t('No case with this number and secret.', 'Aucun dossier avec ce numéro et ce code.')}</span></p></div>
<script src="/static/pdq.js"></script><script async src="/static/{OPENCV_JS}"></script><script src="/static/orb.js"></script><script src="/static/protect.js"></script>
</body></html>"""


def _plain(english: str, french: str, lang: str) -> str:
    return french if lang == "fr" else english
