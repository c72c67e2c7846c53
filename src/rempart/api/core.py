"""Rempart's own API (/api/v1): banks, entries, hashing, matching, lookups, cases, audit log.

What a caller learns of a match depends on who they are: entry labels (victims' file names)
only with the right to read cases, and entries a victim registered herself (/protect) never
under their bank's name for platforms — that name alone would say she came forward. Every
lookup and match is written to the audit log; each key has a quota of them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sized
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile, status
from pydantic import BaseModel, Field

from rempart.api.auth import (
    ERROR_RESPONSES,
    Caller,
    Permission,
    RowId,
    authorize,
    identify,
    require,
)
from rempart.api.service import Service, service_of
from rempart.errors import ImportFormatError, SignalError
from rempart.evidence.preserve import Preserver, Sighting
from rempart.index.matcher import MatchTable
from rempart.settings import Settings
from rempart.signals.fingerprint import Fingerprint, SignalValue, check_submitted
from rempart.signals.registry import get_signal, text_lookup_signals
from rempart.store import Consent
from rempart.store.values import Match

router = APIRouter(prefix="/api/v1", tags=["rempart"], responses=ERROR_RESPONSES)

#: Signals a single hash may be looked up or registered by (local features need a whole
#: fingerprint).
HASH_SIGNALS = text_lookup_signals()
#: The bank name platforms see for entries a victim registered herself (no real bank can have a
#: ':').
SELF_REGISTERED = "rempart:self-registered"


class BankIn(BaseModel):
    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    pdq_threshold: int | None = Field(default=None, ge=0, le=128)


class BankOut(BaseModel):
    name: str
    description: str
    pdq_threshold: int
    active_entries: int
    withdrawn_entries: int
    fingerprints: int


class EntriesIn(BaseModel):
    """Fingerprints as `rempart fingerprint` writes them (one object per photo), and the consent
    basis."""

    fingerprints: list[dict[str, Any]] = Field(min_length=1, max_length=1000)
    consent_basis: str = Field(default="self", max_length=50)


class EntriesOut(BaseModel):
    added: list[int]
    already_present: list[int]


class WithdrawOut(BaseModel):
    entry_id: int
    fingerprints_deleted: int


class MatchOut(BaseModel):
    bank: str
    entry_id: int
    label: str
    signal: str
    distance: int | None
    inliers: int | None
    frames: list[int] | None
    query_variant: str


class MatchesOut(BaseModel):
    matches: list[MatchOut]


class LookupOut(BaseModel):
    """Whether the hash is registered and, for a caller with a key, under which entries."""

    match: bool
    entries: list[dict[str, Any]]


def disclosed_bank(settings: Settings, caller: Caller, bank: str) -> str:
    """The name this caller may see for a bank: the victims' bank never by its own name unless
    the caller may read cases (see the module docstring)."""
    if bank == settings.protect_bank and not caller.may(Permission.CASES_READ):
        return SELF_REGISTERED
    return bank


def disclosed(request: Request, caller: Caller, found: list[Match]) -> list[Match]:
    """The matches as this caller may see them (see the module docstring)."""
    if caller.may(Permission.CASES_READ):
        return found
    settings = service_of(request).settings
    return [m._replace(label="", bank=disclosed_bank(settings, caller, m.bank)) for m in found]


def log_lookup(request: Request, caller: Caller, what: str, found: Sized) -> None:
    """Every lookup goes to the audit log: who, what kind, how many matches (never the hash
    itself)."""
    service_of(request).store.record(
        caller.actor, "lookup", f"{request.url.path[:100]} {what[:40]}: {len(found)} matches"
    )


def _matches(found: list[Match]) -> MatchesOut:
    return MatchesOut(
        matches=[
            MatchOut(
                bank=m.bank,
                entry_id=m.entry_id,
                label=m.label,
                signal=m.signal,
                distance=m.distance,
                inliers=m.inliers,
                frames=list(m.frames) if m.frames else None,
                query_variant=m.query_variant,
            )
            for m in found
        ]
    )


@router.get("/banks", response_model=list[BankOut])
def list_banks(
    request: Request, _caller: Annotated[Caller, Depends(require(Permission.BANKS_READ))]
) -> list[BankOut]:
    return [
        BankOut(**{k: v for k, v in asdict(b).items() if k != "created_at"})
        for b in service_of(request).store.list_banks()
    ]


@router.post("/banks", response_model=BankOut, status_code=status.HTTP_201_CREATED)
def create_bank(
    request: Request,
    bank: BankIn,
    caller: Annotated[Caller, Depends(require(Permission.BANKS_WRITE))],
) -> BankOut:
    info = service_of(request).store.create_bank(
        bank.name,
        description=bank.description,
        pdq_threshold=bank.pdq_threshold,
        actor=caller.actor,
    )
    return BankOut(**{k: v for k, v in asdict(info).items() if k != "created_at"})


@router.post(
    "/banks/{bank}/entries", response_model=EntriesOut, status_code=status.HTTP_201_CREATED
)
def add_entries(
    request: Request,
    bank: str,
    body: EntriesIn,
    caller: Annotated[Caller, Depends(require(Permission.ENTRIES_WRITE))],
) -> EntriesOut:
    prints = [
        parse_fingerprint(item, service_of(request).settings, registering=True)
        for item in body.fingerprints
    ]
    service = service_of(request)
    result = service.store.add_fingerprints(
        bank,
        prints,
        consent=Consent(body.consent_basis, caller.actor),
        provenance="api",
        actor=caller.actor,
    )
    service.banks_changed()
    return EntriesOut(added=result.added, already_present=result.already_present)


@router.delete("/banks/{bank}/entries/{entry_id}", response_model=WithdrawOut)
def withdraw_entry(
    request: Request,
    bank: str,
    entry_id: RowId,
    caller: Annotated[Caller, Depends(require(Permission.ENTRIES_WRITE))],
) -> WithdrawOut:
    service = service_of(request)
    deleted = service.store.withdraw(bank, entry_id, actor=caller.actor)
    service.banks_changed()
    return WithdrawOut(entry_id=entry_id, fingerprints_deleted=deleted)


@router.post("/hash")
def hash_upload(
    request: Request,
    file: Annotated[UploadFile, File(description="A photo or video.")],
    _caller: Annotated[Caller, Depends(require(Permission.HASH))],
    register: bool = False,
) -> dict[str, Any]:
    """The file's fingerprint (the bank-side form with ``register=true``); the file is not kept."""
    return service_of(request).fingerprint_upload(file, register=register).to_dict()


@router.get("/hash")
def hash_url(
    request: Request,
    url: Annotated[str, Query(max_length=2000)],
    _caller: Annotated[Caller, Depends(require(Permission.HASH))],
    register: bool = False,
) -> dict[str, Any]:
    """Fetch ``url`` (HTTPS, an allowed host: ``REMPART_FETCH_HOSTS``) and return its
    fingerprint."""
    return service_of(request).fingerprint_url(url, register=register).to_dict()


_SNOWFLAKE = r"^[0-9]{1,20}$"


@router.post("/match", response_model=MatchesOut)
def match_upload(
    request: Request,
    file: Annotated[UploadFile, File(description="A photo or video.")],
    caller: Annotated[Caller, Depends(require(Permission.MATCH))],
    preserve: Annotated[
        bool, Query(description="Keep a matched file in the evidence vault with its sighting.")
    ] = False,
    guild_id: Annotated[str, Query(pattern=_SNOWFLAKE)] = "",
    channel_id: Annotated[str, Query(pattern=_SNOWFLAKE)] = "",
    message_id: Annotated[str, Query(pattern=_SNOWFLAKE)] = "",
    author_id: Annotated[str, Query(pattern=_SNOWFLAKE)] = "",
) -> MatchesOut:
    """Match an uploaded file; with ``preserve=true`` a match is preserved first (the bytes into
    the vault, the sighting — where it was posted, when, by whom — into the custody log)."""
    service = service_of(request)
    if not preserve:
        found = service.matcher().match(service.fingerprint_upload(file), with_labels=True)
    else:
        fingerprint, data = service.fingerprint_upload_kept(file)
        found = service.matcher().match(fingerprint, with_labels=True)
        if found:
            sighting = Sighting(
                source="api",
                source_key=(
                    f"discord:{message_id}:{hashlib.sha256(data).hexdigest()[:16]}"
                    if message_id
                    else f"api:{hashlib.sha256(data).hexdigest()}:{caller.actor[:40]}"
                ),
                guild_id=guild_id,
                channel_id=channel_id,
                message_id=message_id,
                author_id=author_id,
                file_name="",
                extra={"submitted_by": caller.actor},
            )
            Preserver(service.store, service.settings).preserve(
                data, sighting, found, actor=caller.actor
            )
    log_lookup(request, caller, "file", found)
    return _matches(disclosed(request, caller, found))


@router.post("/match/fingerprint", response_model=MatchesOut)
def match_fingerprint(
    request: Request,
    fingerprint: dict[str, Any],
    caller: Annotated[Caller, Depends(require(Permission.MATCH))],
) -> MatchesOut:
    found = (
        service_of(request)
        .matcher()
        .match(
            parse_fingerprint(fingerprint, service_of(request).settings, registering=False),
            with_labels=True,
        )
    )
    log_lookup(request, caller, "fingerprint", found)
    return _matches(disclosed(request, caller, found))


@router.get("/lookup", response_model=LookupOut)
def lookup(
    request: Request,
    signal_type: Annotated[
        str, Query(max_length=40, description="pdq, video_pdq, video_md5 or sha256")
    ],
    signal: Annotated[
        str, Query(max_length=128, description="The hash, in threatexchange hex form.")
    ],
) -> LookupOut:
    """Is this hash registered? With a key: the matching entries and distances. Without one, and
    only
    if the operator enabled it (``REMPART_API_ANONYMOUS_LOOKUP``): yes or no for an exact SHA-256.
    """
    caller = identify(request)
    service = service_of(request)
    if caller.key is None:
        service.limit_anonymous(caller)
        if signal_type != "sha256":
            raise HTTPException(
                status.HTTP_400_BAD_REQUEST,
                "without an API key only an exact SHA-256 can be looked up",
            )
        table = match_signal(service, signal_type, signal)
        log_lookup(request, caller, signal_type, table)
        return LookupOut(match=len(table) > 0, entries=[])
    authorize(request, caller, Permission.MATCH)
    found = match_signal(service, signal_type, signal).matches()
    log_lookup(request, caller, signal_type, found)
    return LookupOut(
        match=bool(found),
        entries=[
            {"bank": m.bank, "entry_id": m.entry_id, "distance": m.distance}
            for m in disclosed(request, caller, found)
        ],
    )


def parse_fingerprint(
    payload: dict[str, Any], settings: Settings, *, registering: bool
) -> Fingerprint:
    """A fingerprint object from a request body (as `rempart fingerprint` writes it), checked, or
    422."""
    try:
        fingerprint = Fingerprint.from_dict(payload)
        check_submitted(fingerprint, settings, registering=registering)
    except ImportFormatError as exc:
        raise HTTPException(422, str(exc)) from exc
    return fingerprint


def match_signal(service: Service, signal_type: str, signal: str) -> MatchTable:
    """Matches of one hash value, as columns (400 for an unknown type or a malformed value)."""
    if signal_type not in HASH_SIGNALS:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, f"unsupported signal type {signal_type[:40]!r}"
        )
    try:
        value = get_signal(signal_type).validate(signal)
    except SignalError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from exc
    return service.matcher().lookup(
        Fingerprint(source="lookup", kind="hash", values=(SignalValue(signal_type, value),))
    )


@router.get("/cases")
def cases(
    request: Request,
    caller: Annotated[Caller, Depends(require(Permission.CASES_READ))],
    bank: Annotated[list[str] | None, Query()] = None,
    entry: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="One case only.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Cases per page.")] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Cases, actors and server links from archive scans (``rempart scan``), a page of cases at a
    time (``limit``, ``offset``); ``entry`` builds one case from its own sightings only."""
    from rempart.investigate.linking import investigate

    found = investigate(
        service_of(request).store,
        bank,
        actor=caller.actor,
        entry_ids=None if entry is None else [entry],
    ).as_dict()
    found["summary"]["cases_total"] = len(found["cases"])
    found["cases"] = found["cases"][offset : offset + limit]
    found["page"] = {"limit": limit, "offset": offset}
    return found


@router.get("/intel")
def intel(
    request: Request,
    caller: Annotated[Caller, Depends(require(Permission.CASES_READ))],
    kind: Annotated[
        Literal["solicitation", "identifies_person", "covert_capture", "minor", "deepfake"] | None,
        Query(description="Signals of this kind only."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=5000, description="Signals per page.")] = 500,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Server intelligence from archive scans, as ``rempart scan --json`` gives it: message
    signals (a page at a time), each server's risk with its reasons, and reborn servers."""
    from rempart.investigate.intelligence import server_intelligence

    found = server_intelligence(service_of(request).store, actor=caller.actor).as_dict(kind)
    found["page"] = {"limit": limit, "offset": offset, "signals_total": len(found["signals"])}
    found["signals"] = found["signals"][offset : offset + limit]
    return found


@router.get("/audit")
def audit(
    request: Request,
    _caller: Annotated[Caller, Depends(require(Permission.AUDIT_READ))],
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
) -> list[dict[str, Any]]:
    """The most recent audit events, newest first."""
    return [
        {
            "at": at.isoformat(),
            "actor": actor,
            "action": action,
            "bank": bank,
            "entry_id": entry_id,
            "detail": detail,
        }
        for at, actor, action, bank, entry_id, detail in service_of(request).store.audit_log(limit)
    ]
