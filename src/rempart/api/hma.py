"""An HMA-compatible subset (Meta's Hasher-Matcher-Actioner, "Open Media Match"), so HMA clients
work.

Routes and shapes follow HMA's blueprints (hashing, matching, curation):

- ``GET /status`` → ``I-AM-ALIVE``, or 503 ``INDEX-NOT-LOADED`` / ``INDEX-STALE``; ``GET
  /status/live`` → ``I-AM-ALIVE``;
- ``GET /h/hash?url=`` (or a file POSTed) → ``{"pdq": hex}`` for a photo, ``{"video_md5": hex}`` for
  a video (HMA's default signal types for each content type);
- ``GET /m/raw_lookup?signal_type=&signal=[&include_distance=true]`` → ``{"matches": [id, …]}`` or
  ``{"matches": [{"bank_content_id": id, "distance": "d"}]}``;
- ``GET /m/lookup?signal_type=&signal=`` → ``{bank: [{"bank_content_id": id, "distance": "d"}]}``;
  ``GET /m/lookup?url=`` (or a file POSTed) → ``{signal_type: {bank: [...]}}``. Content is matched
  with Rempart's whole fingerprint, so crops and photos of screens found by local features appear
  under ``"orb"`` with ``"inliers"`` and a distance of ``"0"`` (they passed geometric verification);
- ``GET /c/banks`` → ``[{"name", "matching_enabled_ratio"}]``; ``POST /c/banks`` with ``{"name"}``
  → 201 and the bank; ``GET /c/bank/<name>``;
- ``POST /c/bank/<name>/content?url=`` (or a file) and ``POST /c/bank/<name>/signal`` with
  ``{"pdq": hex}`` (or ``video_md5``, ``sha256``, ``video_pdq``) → ``{"id": id, "signals": {…}}``.

Rempart banks are always matched: ``matching_enabled_ratio`` is 1.0, and a bank created disabled is
refused rather than silently enabled. Rempart's API keys and roles apply here too.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, UploadFile, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from rempart.api.auth import ERROR_RESPONSES, Caller, Permission, require
from rempart.api.core import HASH_SIGNALS, disclosed, log_lookup, match_signal
from rempart.api.service import service_of
from rempart.errors import SignalError
from rempart.signals.fingerprint import Fingerprint, SignalValue
from rempart.signals.registry import get_signal
from rempart.store import Consent
from rempart.store.values import Match

router = APIRouter(tags=["hma"], responses=ERROR_RESPONSES)


@router.get(
    "/status",
    response_class=PlainTextResponse,
    responses={503: {"description": "INDEX-NOT-LOADED or INDEX-STALE"}},
)
def status_check(request: Request) -> PlainTextResponse:
    """Ready to match: 200 ``I-AM-ALIVE``; 503 while the first index builds or when refreshing
    keeps failing. Builds nothing."""
    live = service_of(request).live
    if not live.ready:
        return PlainTextResponse("INDEX-NOT-LOADED", status_code=503, headers={"Retry-After": "5"})
    if live.stale:
        return PlainTextResponse("INDEX-STALE", status_code=503)
    return PlainTextResponse("I-AM-ALIVE")


@router.get("/status/live", response_class=PlainTextResponse)
def liveness() -> str:
    """The process answers (never looks at the index)."""
    return "I-AM-ALIVE"


async def _form_file(request: Request) -> UploadFile | None:
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return None
    form = await request.form()
    for value in form.values():
        if isinstance(value, UploadFile) or hasattr(value, "filename"):
            return value  # type: ignore[return-value]
    return None


def _fingerprint(
    request: Request, url: str | None, upload: UploadFile | None, register: bool = False
) -> Fingerprint:
    service = service_of(request)
    if upload is not None:
        return service.fingerprint_upload(upload, register=register)
    if url:
        return service.fingerprint_url(url, register=register)
    raise HTTPException(status.HTTP_400_BAD_REQUEST, "give url= or upload a file")


def _hma_signals(fingerprint: Fingerprint) -> dict[str, str]:
    """HMA's hashes of one file: PDQ for a photo, the MD5 for a video."""
    wanted = "video_md5" if fingerprint.kind == "video" else "pdq"
    values = fingerprint.of_signal(wanted)
    if not values:
        raise HTTPException(422, f"no {wanted} hash could be computed")
    return {wanted: values[0].value}


@router.get("/h/hash")
def hash_url(
    request: Request,
    url: Annotated[str, Query(max_length=2000)],
    _caller: Annotated[Caller, Depends(require(Permission.HASH))],
) -> dict[str, str]:
    return _hma_signals(_fingerprint(request, url, None))


@router.post("/h/hash")
async def hash_file(
    request: Request, _caller: Annotated[Caller, Depends(require(Permission.HASH))]
) -> dict[str, str]:
    upload = await _form_file(request)
    return await run_in_threadpool(lambda: _hma_signals(_fingerprint(request, None, upload)))


def _with_distance(m: Match) -> dict[str, Any]:
    """HMA's MatchWithDistance; local-feature matches (no distance) say "0" and add their
    inliers."""
    found: dict[str, Any] = {"bank_content_id": m.entry_id, "distance": str(m.distance or 0)}
    if m.inliers is not None:
        found["inliers"] = m.inliers
    return found


def _by_bank(matches: list[Match]) -> dict[str, list[dict[str, Any]]]:
    by_bank: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in matches:
        by_bank[m.bank].append(_with_distance(m))
    return dict(by_bank)


@router.get("/m/raw_lookup")
def raw_lookup(
    request: Request,
    signal_type: Annotated[str, Query(max_length=40)],
    signal: Annotated[str, Query(max_length=128)],
    caller: Annotated[Caller, Depends(require(Permission.MATCH))],
    include_distance: bool = False,
) -> dict[str, list[Any]]:
    found = match_signal(service_of(request), signal_type, signal)
    log_lookup(request, caller, signal_type, found)
    if include_distance:
        return {"matches": [_with_distance(m) for m in found.matches()]}
    return {"matches": found.entry_ids.tolist()}  # read from the columns: no object per match


def _lookup_content(
    request: Request, caller: Caller, fingerprint: Fingerprint
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    by_signal: dict[str, list[Match]] = defaultdict(list)
    found = service_of(request).matcher().match(fingerprint)
    log_lookup(request, caller, "content", found)
    for m in disclosed(request, caller, found):
        by_signal[m.signal].append(m)
    return {signal_type: _by_bank(matches) for signal_type, matches in by_signal.items()}


@router.get("/m/lookup")
def lookup(
    request: Request,
    caller: Annotated[Caller, Depends(require(Permission.MATCH))],
    url: Annotated[str | None, Query(max_length=2000)] = None,
    signal_type: Annotated[str | None, Query(max_length=40)] = None,
    signal: Annotated[str | None, Query(max_length=128)] = None,
) -> dict[str, Any]:
    """Banks matching one hash (``signal_type``, ``signal``), or, for ``url``, each signal type's
    matching banks."""
    if url is None and signal_type and signal:
        found = match_signal(service_of(request), signal_type, signal).matches()
        log_lookup(request, caller, signal_type, found)
        return _by_bank(disclosed(request, caller, found))
    if url is None:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "give url=, or signal_type= and signal=")
    return _lookup_content(request, caller, _fingerprint(request, url, None))


@router.post("/m/lookup")
async def lookup_file(
    request: Request, caller: Annotated[Caller, Depends(require(Permission.MATCH))]
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Each signal type's banks matching an uploaded photo or video (the file is not kept)."""
    upload = await _form_file(request)
    return await run_in_threadpool(
        lambda: _lookup_content(request, caller, _fingerprint(request, None, upload))
    )


class BankCreate(BaseModel):
    """HMA's bank-creation body; Rempart banks always match, so only enabled banks can be made."""

    model_config = ConfigDict(extra="allow")

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
    enabled: bool = True
    enabled_ratio: float | None = Field(default=None, ge=0.0, le=1.0)


def _bank_out(name: str) -> dict[str, Any]:
    return {"name": name, "matching_enabled_ratio": 1.0}


@router.get("/c/banks")
def banks(
    request: Request, _caller: Annotated[Caller, Depends(require(Permission.BANKS_READ))]
) -> list[dict[str, Any]]:
    return [_bank_out(b.name) for b in service_of(request).store.list_banks()]


@router.post("/c/banks", status_code=status.HTTP_201_CREATED)
def create_bank(
    request: Request,
    bank: BankCreate,
    caller: Annotated[Caller, Depends(require(Permission.BANKS_WRITE))],
) -> dict[str, Any]:
    if not bank.enabled or (bank.enabled_ratio is not None and bank.enabled_ratio < 1.0):
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            "Rempart banks are always matched: a bank cannot be created disabled or partly enabled",
        )
    return _bank_out(service_of(request).store.create_bank(bank.name, actor=caller.actor).name)


@router.get("/c/bank/{bank_name}")
def bank(
    request: Request,
    bank_name: str,
    _caller: Annotated[Caller, Depends(require(Permission.BANKS_READ))],
) -> dict[str, Any]:
    return _bank_out(service_of(request).store.get_bank(bank_name).name)


@router.post("/c/bank/{bank_name}/content")
async def add_content(
    request: Request,
    bank_name: str,
    caller: Annotated[Caller, Depends(require(Permission.ENTRIES_WRITE))],
    url: Annotated[str | None, Query()] = None,
) -> dict[str, Any]:
    upload = await _form_file(request)

    def register() -> dict[str, Any]:  # decoding and writing: off the event loop
        fingerprint = _fingerprint(request, url, upload, register=True)
        return _register(request, bank_name, fingerprint, caller, _hma_signals(fingerprint))

    return await run_in_threadpool(register)


@router.post("/c/bank/{bank_name}/signal")
def add_signal(
    request: Request,
    bank_name: str,
    signals: dict[str, str],
    caller: Annotated[Caller, Depends(require(Permission.ENTRIES_WRITE))],
) -> dict[str, Any]:
    values = []
    for signal_type, value in signals.items():
        if signal_type not in HASH_SIGNALS:
            raise HTTPException(
                status.HTTP_400_BAD_REQUEST, f"unsupported signal type {signal_type!r}"
            )
        try:
            values.append(SignalValue(signal_type, get_signal(signal_type).validate(value)))
        except SignalError as exc:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from exc
    if not values:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, 'give at least one signal, e.g. {"pdq": "<64 hex>"}'
        )
    return _register(
        request,
        bank_name,
        Fingerprint(source="", kind="hash", values=tuple(values)),
        caller,
        {v.signal: v.value for v in values},
    )


def _register(
    request: Request,
    bank_name: str,
    fingerprint: Fingerprint,
    caller: Caller,
    signals: dict[str, str],
) -> dict[str, Any]:
    service = service_of(request)
    result = service.store.add_fingerprints(
        bank_name,
        [fingerprint],
        consent=Consent("platform", caller.actor),
        provenance="hma-api",
        actor=caller.actor,
    )
    service.banks_changed()
    return {"id": (result.added or result.already_present)[0], "signals": signals}
