"""HMA's curation routes (``/c/…``): banks, their content, signal and content types, in HMA's
shapes and status codes.

Content is added by URL, by uploaded file (field name = content type) or by hash, each time as a
new item (HMA never de-duplicates), and matches at once. A photo's ``signals`` is its exact
threatexchange PDQ; the entry is also matched by Rempart's whole fingerprint of the file. The
victims' bank (``REMPART_PROTECT_BANK``) is invisible to callers who may not read cases, and no
one deletes or renames it here.
"""

from __future__ import annotations

import json
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool

from rempart.api.auth import ERROR_RESPONSES, Caller, Permission, RowId, require
from rempart.api.hma.common import (
    abort,
    check_bank_name,
    flag,
    hides_bank,
    is_json,
    json_body,
    json_object,
    one_upload,
)
from rempart.api.hma.hashing import fetched, hash_media, uploaded
from rempart.api.hma.matching import checked_value, signal_types
from rempart.api.service import service_of
from rempart.errors import BankExistsError, SignalError, StoreError
from rempart.signals import vpdq
from rempart.signals.fingerprint import Fingerprint
from rempart.signals.hma import CONTENT_OF, SIGNALS_OF, STORED_AS, signal_fingerprint
from rempart.store.hma import HmaBank, HmaContent, HmaCuration

router = APIRouter(prefix="/c", tags=["hma: curation"], responses=ERROR_RESPONSES)

NOTE_MAX = 255
METADATA_KEYS = frozenset({"content_id", "content_uri", "json"})
FIVE_YEARS = 5 * 365 * 24 * 3600


def curation(request: Request) -> HmaCuration:
    return HmaCuration(service_of(request).store)


def _visible(request: Request, caller: Caller, name: str) -> HmaBank | None:
    if hides_bank(service_of(request), caller, name):
        return None
    return curation(request).bank(name)


def _bank_or_404(request: Request, caller: Caller, name: str) -> HmaBank:
    bank = _visible(request, caller, name)
    if bank is None:
        abort(404, f"bank '{name[:100]}' not found")
    return bank


def _not_protected(request: Request, name: str) -> None:
    if name == service_of(request).settings.protect_bank:
        abort(403, "this bank holds victims' own registrations: it is managed by Rempart")


@router.get("/banks")
def banks(
    request: Request, caller: Annotated[Caller, Depends(require(Permission.BANKS_READ))]
) -> list[dict[str, Any]]:
    service = service_of(request)
    return [
        b.as_dict() for b in curation(request).banks() if not hides_bank(service, caller, b.name)
    ]


@router.get("/bank/{bank_name}")
def bank(
    request: Request,
    bank_name: str,
    caller: Annotated[Caller, Depends(require(Permission.BANKS_READ))],
) -> dict[str, Any]:
    return _bank_or_404(request, caller, bank_name).as_dict()


def _ratio(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        abort(400, "enabled_ratio must be a number between 0 and 1")
    return float(value)


@router.post("/banks", status_code=201)
async def create_bank(
    request: Request, caller: Annotated[Caller, Depends(require(Permission.BANKS_WRITE))]
) -> dict[str, Any]:
    """201 ``{"name", "matching_enabled_ratio"}``; 400 bad name; 403 when it exists."""
    body = await json_object(request, "name is required")
    name = check_bank_name(body.get("name"))
    if body.get("enabled_ratio") is not None:
        ratio = _ratio(body["enabled_ratio"])
    elif body.get("enabled") is not None:
        ratio = 1.0 if body["enabled"] else 0.0
    else:
        ratio = 1.0

    def create() -> dict[str, Any]:
        try:
            return curation(request).create_bank(name, ratio, actor=caller.actor).as_dict()
        except BankExistsError:
            abort(403, "Bank already exists")

    return await run_in_threadpool(create)


@router.put("/bank/{bank_name}")
async def update_bank(
    request: Request,
    bank_name: str,
    caller: Annotated[Caller, Depends(require(Permission.BANKS_WRITE))],
) -> dict[str, Any]:
    """Rename (``name``) and/or set ``enabled`` / ``enabled_ratio``."""
    body = await json_object(request)
    _bank_or_404(request, caller, bank_name)
    _not_protected(request, bank_name)
    new_name = check_bank_name(body["name"]) if body.get("name") is not None else None
    ratio = None
    if body.get("enabled") is not None:
        ratio = 1.0 if body["enabled"] else 0.0
    if body.get("enabled_ratio") is not None:
        ratio = _ratio(body["enabled_ratio"])
    if new_name is not None and new_name != bank_name:
        _not_protected(request, new_name)

    def update() -> dict[str, Any]:
        try:
            updated = curation(request).update_bank(
                bank_name, new_name=new_name, ratio=ratio, actor=caller.actor
            )
        except BankExistsError:
            abort(403, "Bank name already exists")
        except StoreError as exc:  # the bank went away meanwhile
            abort(403, str(exc))
        service_of(request).banks_changed()
        return updated.as_dict()

    return await run_in_threadpool(update)


@router.delete("/bank/{bank_name}")
def delete_bank(
    request: Request,
    bank_name: str,
    caller: Annotated[Caller, Depends(require(Permission.BANKS_WRITE))],
) -> dict[str, str]:
    """``{"message": "Done"}``, even when there was no such bank (as HMA)."""
    if _visible(request, caller, bank_name) is not None:
        _not_protected(request, bank_name)
        curation(request).delete_bank(bank_name, actor=caller.actor)
        service_of(request).banks_changed()
    return {"message": "Done"}


def _note(value: Any) -> str | None:
    if not value:
        return None
    if not isinstance(value, str):
        abort(400, "note should be a string")
    if len(value) > NOTE_MAX:
        abort(400, f"note must be at most {NOTE_MAX} characters")
    return value


def _metadata(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        abort(400, "metadata should be a json object")
    value = {k: v for k, v in value.items() if k != "collab"}
    unknown = set(value) - METADATA_KEYS
    if unknown:
        abort(400, f"Invalid metadata: unknown field {sorted(unknown)[0][:40]!r}")
    for key in ("content_id", "content_uri"):
        if value.get(key) is not None and not isinstance(value[key], str):
            abort(400, f"Invalid metadata: {key} should be a string")
    if value.get("json") is not None and not isinstance(value["json"], dict):
        abort(400, "Invalid metadata: json should be an object")
    kept = {k: v for k, v in value.items() if v is not None}
    if len(json.dumps(kept)) > 64 * 1024:
        abort(400, "Invalid metadata: over 64 KiB")
    return kept or None


def _added(
    request: Request,
    caller: Caller,
    bank_name: str,
    fingerprint: Fingerprint,
    signals: dict[str, str],
    note: str | None,
    metadata: dict[str, Any] | None,
) -> dict[str, Any]:
    if not signals:
        abort(400, "No signals given")
    for name, value in signals.items():
        if not value:
            abort(400, f"Invalid {name} signal: empty (the photo's PDQ quality is under 50)")
    content_id = curation(request).add_content(
        bank_name, fingerprint, signals, note=note, metadata=metadata, actor=caller.actor
    )
    service_of(request).banks_changed()
    return {"id": content_id, "signals": signals}


@router.post("/bank/{bank_name}/content")
async def add_content(
    request: Request,
    bank_name: str,
    caller: Annotated[Caller, Depends(require(Permission.ENTRIES_WRITE))],
    url: str | None = None,
    content_type: str | None = None,
    types: str | None = None,
) -> dict[str, Any]:
    """Hash the media at ``url`` or one uploaded file and add it: ``{"id", "signals"}``.
    ``metadata`` (``content_id``, ``content_uri``, ``json``) and ``note`` come as JSON body
    fields or form fields."""
    _bank_or_404(request, caller, bank_name)
    upload = await one_upload(request) if not url else None
    fields: dict[str, Any] = {}
    if is_json(request):
        body = await json_body(request)
        fields = body if isinstance(body, dict) else {}
        metadata = _metadata(fields.get("metadata"))
    elif upload is not None:
        fields = upload[2]
        raw = fields.get("metadata")
        try:
            metadata = _metadata(json.loads(raw)) if raw is not None else None
        except (ValueError, RecursionError):
            abort(400, "metadata form field must be valid JSON")
    else:
        metadata = None
    note = _note(fields.get("note"))
    if not url and upload is None:
        abort(400, "Neither `url` nor multipart file upload was received")

    def add() -> dict[str, Any]:
        if url:
            with fetched(request, url, content_type, types) as media:
                hashes, fingerprint = hash_media(request, media, with_fingerprint=True)
        else:
            assert upload is not None
            with uploaded(request, upload[0], upload[1]) as media:
                hashes, fingerprint = hash_media(request, media, with_fingerprint=True)
        assert fingerprint is not None
        return _added(request, caller, bank_name, fingerprint, hashes, note, metadata)

    return await run_in_threadpool(add)


@router.post("/bank/{bank_name}/signal")
async def add_signal(
    request: Request,
    bank_name: str,
    caller: Annotated[Caller, Depends(require(Permission.ENTRIES_WRITE))],
) -> dict[str, Any]:
    """Add hashes directly: body ``{signal_type: value, …, "note"?}`` → ``{"id", "signals"}``."""
    _bank_or_404(request, caller, bank_name)
    body = await json_object(request, "No signals given")
    note = _note(body.pop("note", None))
    known = signal_types(request)
    signals: dict[str, str] = {}
    for name, value in body.items():
        if name not in known:
            abort(400, f"No such signal type {str(name)[:40]}")
        if not isinstance(value, str):
            abort(400, f"Invalid {name} signal: not a string")
        signals[name] = checked_value(request, name, value)
    if not signals:
        abort(400, "No signals given")
    try:
        fingerprint = signal_fingerprint(signals)
    except SignalError as exc:
        abort(400, f"Invalid signal: {exc}")
    return await run_in_threadpool(
        _added, request, caller, bank_name, fingerprint, signals, note, None
    )


def _content_or_404(
    request: Request, caller: Caller, bank_name: str, content_id: int
) -> HmaContent:
    _bank_or_404(request, caller, bank_name)
    content = curation(request).contents([content_id]).get(content_id)
    if content is None or content.bank.name != bank_name:
        abort(404, f"content '{content_id}' not found")
    return content


def _content_out(
    request: Request, content: HmaContent, *, signals: bool, metadata: bool, actor: str
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": content.id,
        "disable_until_ts": content.disable_until_ts,
        "original_media_uri": None,
        "bank": content.bank.as_dict(),
    }
    if signals:
        stored = content.signals or stored_signals(request, content.id, actor)
        if stored:
            out["signals"] = stored
    if metadata:
        collab = _collab(request, content.id)
        if content.metadata or collab:
            out["metadata"] = {
                "content_id": None,
                "content_uri": None,
                "json": None,
                **(content.metadata or {}),
                "collab": collab or None,
            }
    if content.note is not None:
        out["note"] = content.note
    return out


def stored_signals(request: Request, entry_id: int, actor: str) -> dict[str, str]:
    """HMA signals of an entry kept without them (added by Rempart's own routes, imported from a
    bank file): its first PDQ, its MD5, its frames as vPDQ (audited reads)."""
    store = service_of(request).store
    found = {}
    for name in ("pdq", "video_md5"):
        values = store.entry_values(entry_id, name, actor=actor)
        if values:
            found[name] = values[0].hex()
    frames = store.entry_signal_rows(entry_id, "video_pdq", actor=actor)
    if frames:
        found["vpdq"] = vpdq.dumps(vpdq.from_stored(frames))
    return found


def _collab(request: Request, entry_id: int) -> dict[str, list[str]]:
    from rempart.store.exchanges import Exchanges

    return Exchanges(service_of(request).store).items_of(entry_id)


@router.get("/bank/{bank_name}/content/{content_id}")
def get_content(
    request: Request,
    bank_name: str,
    content_id: RowId,
    caller: Annotated[Caller, Depends(require(Permission.BANKS_READ))],
    include_signals: str | None = None,
    include_metadata: str | None = None,
) -> dict[str, Any]:
    """The content's state; with ``include_signals`` its hashes too, for roles that may read
    cases only (a bank's hashes are its people's fingerprints: a platform key that matches
    against a bank does not read them)."""
    content = _content_or_404(request, caller, bank_name, content_id)
    wants_signals = flag(include_signals, "include_signals")
    if wants_signals and not caller.may(Permission.CASES_READ):
        abort(403, "reading a bank's hashes needs a role that may read cases")
    return _content_out(
        request,
        content,
        signals=wants_signals,
        metadata=flag(include_metadata, "include_metadata", default=True),
        actor=caller.actor,
    )


@router.put("/bank/{bank_name}/content/{content_id}")
async def update_content(
    request: Request,
    bank_name: str,
    content_id: RowId,
    caller: Annotated[Caller, Depends(require(Permission.ENTRIES_WRITE))],
) -> dict[str, Any]:
    """Set ``disable_until_ts`` (0: disabled, 1: enabled, else a Unix time under five years
    away) and/or ``note``."""
    body = await json_object(request)
    _content_or_404(request, caller, bank_name, content_id)
    disable_until_ts = None
    if "disable_until_ts" in body:
        try:
            disable_until_ts = int(str(body["disable_until_ts"]))
        except ValueError:
            abort(400, f"Invalid int: '{str(body['disable_until_ts'])[:40]}'")
        if disable_until_ts < 0:
            abort(400, "disable_until_ts must be a non-negative integer")
        if disable_until_ts > int(time.time()) + FIVE_YEARS:
            abort(400, "disable_until_ts must be less than 5 years in the future")
    note = _note(body.get("note")) if "note" in body else None

    def update() -> dict[str, Any]:
        updated = curation(request).update_content(
            content_id,
            disable_until_ts=disable_until_ts,
            note=note,
            set_note="note" in body,
            actor=caller.actor,
        )
        out = _content_out(request, updated, signals=False, metadata=False, actor=caller.actor)
        # HMA answers with its stored record: these two fields as it names them
        out["collab_metadata"] = _collab(request, content_id)
        out["user_metadata"] = updated.metadata
        out.setdefault("note", None)
        return out

    return await run_in_threadpool(update)


@router.delete("/bank/{bank_name}/content/{content_id}")
def delete_content(
    request: Request,
    bank_name: str,
    content_id: RowId,
    caller: Annotated[Caller, Depends(require(Permission.ENTRIES_WRITE))],
) -> dict[str, int]:
    """``{"deleted": n}`` (its fingerprints are shredded, as every withdrawal)."""
    _bank_or_404(request, caller, bank_name)
    deleted = curation(request).delete_content(bank_name, content_id, actor=caller.actor)
    service_of(request).banks_changed()
    return {"deleted": deleted}


@router.get("/signal_type")
def list_signal_types(
    request: Request, _caller: Annotated[Caller, Depends(require(Permission.BANKS_READ))]
) -> list[dict[str, Any]]:
    return [{"name": n, "enabled_ratio": r} for n, r in signal_types(request).items()]


@router.get("/signal_type/index")
def signal_type_index(
    request: Request,
    _caller: Annotated[Caller, Depends(require(Permission.BANKS_READ))],
    signal_type: str | None = None,
) -> dict[str, dict[str, Any]]:
    """HMA's build status per signal type; Rempart's index is never out of date."""
    names = list(CONTENT_OF)
    if signal_type is not None:
        if signal_type not in names:
            abort(400, f"No such signal type '{signal_type[:40]}'")
        names = [signal_type]
    counts = curation(request).signal_counts()
    result = {}
    for name in names:
        size, newest = counts.get(STORED_AS[name], (0, 0))
        result[name] = {
            "db_size": size,
            "index_size": size,
            "index_out_of_date": False,
            "newest_db_item": max(newest, 0),
            "index_built_to": max(newest, 0),
        }
    return result


@router.put("/signal_type/{signal_type_name}", status_code=204)
async def update_signal_type(
    request: Request,
    signal_type_name: str,
    caller: Annotated[Caller, Depends(require(Permission.BANKS_WRITE))],
) -> Response:
    """Set a signal type's ``enabled_ratio`` (204, as HMA)."""
    body = await json_body(request)
    if not isinstance(body, dict) or body.get("enabled_ratio") is None:
        abort(400, "enabled_ratio is required")
    if signal_type_name not in CONTENT_OF:
        abort(400, f"No such signal type '{signal_type_name[:40]}'")
    try:
        ratio = float(str(body["enabled_ratio"]))
    except ValueError:
        abort(400, f"Invalid float: '{str(body['enabled_ratio'])[:40]}'")
    await run_in_threadpool(
        curation(request).set_signal_type_ratio, signal_type_name, ratio, actor=caller.actor
    )
    return Response(status_code=204)


@router.get("/content_type")
def content_types(
    _caller: Annotated[Caller, Depends(require(Permission.BANKS_READ))],
) -> list[dict[str, Any]]:
    return [{"name": name, "enabled": True} for name in SIGNALS_OF]
