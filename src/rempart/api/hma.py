"""An HMA-compatible subset (Meta's Hasher-Matcher-Actioner, "Open Media Match"), so HMA clients work.

Routes and shapes follow HMA's blueprints (hashing, matching, curation):
``GET /status`` → ``I-AM-ALIVE``; ``GET /h/hash?url=`` (or a file POSTed) → ``{"pdq": hex}``;
``GET /m/raw_lookup?signal_type=&signal=[&include_distance=true]`` → ``{"matches": [id, …]}`` or
``{"matches": [{"bank_content_id": id, "distance": "d"}]}``; ``GET /m/lookup?url=`` (or
``signal_type``/``signal``) → ``{signal_type: {bank: [{"bank_content_id": id, "distance": "d"}]}}``;
``GET /c/banks`` → ``[{"name", "matching_enabled_ratio"}]``; ``GET /c/bank/<name>``;
``POST /c/bank/<name>/content?url=`` (or a file) and ``POST /c/bank/<name>/signal`` with
``{"pdq": hex}`` → ``{"id": id, "signals": {…}}``. Rempart's API keys and roles apply here too.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, UploadFile, status
from fastapi.responses import PlainTextResponse

from rempart.api.auth import ERROR_RESPONSES, Caller, Permission, require
from rempart.api.core import HASH_SIGNALS, match_signal
from rempart.api.service import service_of
from rempart.errors import SignalError
from rempart.signals.fingerprint import Fingerprint, SignalValue
from rempart.signals.registry import get_signal
from rempart.store import Consent

router = APIRouter(tags=["hma"], responses=ERROR_RESPONSES)


@router.get("/status", response_class=PlainTextResponse)
def status_check(request: Request) -> str:
    service_of(request).matcher()  # the index loads: the service can answer
    return "I-AM-ALIVE"


async def _form_file(request: Request) -> UploadFile | None:
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return None
    form = await request.form()
    for value in form.values():
        if isinstance(value, UploadFile) or hasattr(value, "filename"):
            return value  # type: ignore[return-value]
    return None


def _fingerprint(request: Request, url: str | None, upload: UploadFile | None, register: bool = False) -> Fingerprint:
    service = service_of(request)
    if upload is not None:
        return service.fingerprint_upload(upload, register=register)
    if url:
        return service.fingerprint_url(url, register=register)
    raise HTTPException(status.HTTP_400_BAD_REQUEST, "give url= or upload a file")


def _pdq_signals(fingerprint: Fingerprint) -> dict[str, str]:
    pdq = fingerprint.of_signal("pdq", "video_pdq")
    if not pdq:
        raise HTTPException(422, "no PDQ hash could be computed")
    return {"pdq": pdq[0].value}


@router.get("/h/hash")
def hash_url(request: Request, url: str, _caller: Annotated[Caller, Depends(require(Permission.HASH))]) -> dict[str, str]:
    return _pdq_signals(_fingerprint(request, url, None))


@router.post("/h/hash")
async def hash_file(request: Request, _caller: Annotated[Caller, Depends(require(Permission.HASH))]) -> dict[str, str]:
    return _pdq_signals(_fingerprint(request, None, await _form_file(request)))


@router.get("/m/raw_lookup")
def raw_lookup(
    request: Request,
    signal_type: str,
    signal: str,
    _caller: Annotated[Caller, Depends(require(Permission.MATCH))],
    include_distance: bool = False,
) -> dict[str, list[Any]]:
    found = match_signal(service_of(request), signal_type, signal)
    if include_distance:
        return {"matches": [{"bank_content_id": m.entry_id, "distance": str(m.distance)} for m in found]}
    return {"matches": [m.entry_id for m in found]}


@router.get("/m/lookup")
def lookup(
    request: Request,
    _caller: Annotated[Caller, Depends(require(Permission.MATCH))],
    url: str | None = None,
    signal_type: str | None = None,
    signal: str | None = None,
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    service = service_of(request)
    if signal_type and signal:
        found = {signal_type: match_signal(service, signal_type, signal)}
    else:
        pdq = _pdq_signals(_fingerprint(request, url, None))["pdq"]
        found = {"pdq": match_signal(service, "pdq", pdq)}
    response: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for name, matches in found.items():
        by_bank: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for m in matches:
            by_bank[m.bank].append({"bank_content_id": m.entry_id, "distance": str(m.distance)})
        response[name] = dict(by_bank)
    return response


@router.get("/c/banks")
def banks(request: Request, _caller: Annotated[Caller, Depends(require(Permission.BANKS_READ))]) -> list[dict[str, Any]]:
    return [{"name": b.name, "matching_enabled_ratio": 1.0} for b in service_of(request).store.list_banks()]


@router.get("/c/bank/{bank_name}")
def bank(request: Request, bank_name: str, _caller: Annotated[Caller, Depends(require(Permission.BANKS_READ))]) -> dict[str, Any]:
    info = service_of(request).store.get_bank(bank_name)
    return {"name": info.name, "matching_enabled_ratio": 1.0}


@router.post("/c/bank/{bank_name}/content")
async def add_content(
    request: Request, bank_name: str, caller: Annotated[Caller, Depends(require(Permission.ENTRIES_WRITE))], url: Annotated[str | None, Query()] = None
) -> dict[str, Any]:
    fingerprint = _fingerprint(request, url, await _form_file(request), register=True)
    return _register(request, bank_name, fingerprint, caller)


@router.post("/c/bank/{bank_name}/signal")
def add_signal(request: Request, bank_name: str, signals: dict[str, str], caller: Annotated[Caller, Depends(require(Permission.ENTRIES_WRITE))]) -> dict[str, Any]:
    values = []
    for signal_type, value in signals.items():
        if signal_type not in HASH_SIGNALS:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, f"unsupported signal type {signal_type!r}")
        try:
            values.append(SignalValue(signal_type, get_signal(signal_type).validate(value)))
        except SignalError as exc:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from exc
    if not values:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, 'give at least one signal, e.g. {"pdq": "<64 hex>"}')
    return _register(request, bank_name, Fingerprint(source="", kind="hash", values=tuple(values)), caller)


def _register(request: Request, bank_name: str, fingerprint: Fingerprint, caller: Caller) -> dict[str, Any]:
    service = service_of(request)
    result = service.store.add_fingerprints(bank_name, [fingerprint], consent=Consent("platform", caller.actor), provenance="hma-api", actor=caller.actor)
    service.banks_changed()
    entry_id = (result.added or result.already_present)[0]
    signals = {v.signal: v.value for v in fingerprint.values if v.signal in {"pdq", "video_pdq"} and v.variant in {"original", ""}}
    return {"id": entry_id, "signals": signals or {v.signal: v.value for v in fingerprint.values[:1]}}
