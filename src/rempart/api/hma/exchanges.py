"""HMA's exchange routes (``/c/exchanges…``, ``/c/exchange/<name>…``) over python-threatexchange's
``SignalExchangeAPI`` implementations, plus two of Rempart's: ``POST /c/exchange/<name>/fetch``
(fetch now, not only on the schedule) and ``GET /c/bank/<name>/changes`` (a bank's entries and
withdrawals since a point, what another Rempart's ``rempart`` exchange reads).
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool

from rempart.api.auth import ERROR_RESPONSES, Caller, Permission, require
from rempart.api.hma.common import abort, json_object
from rempart.api.hma.curation import stored_signals
from rempart.api.service import service_of
from rempart.errors import BankExistsError, StoreError
from rempart.exchanges import fetch as fetching
from rempart.store.exchanges import Exchanges
from rempart.store.hma import HmaCuration

router = APIRouter(prefix="/c", tags=["hma: exchanges"], responses=ERROR_RESPONSES)

ADMIN = Depends(require(Permission.BANKS_WRITE))
EXCHANGE_NAME = r"[A-Z0-9_]+"


def _exchanges(request: Request) -> Exchanges:
    return Exchanges(service_of(request).store)


def _api_or_400(api_name: str) -> Any:
    api_cls = fetching.installed_apis().get(api_name)
    if api_cls is None:
        abort(400, f"no such Exchange API '{api_name[:40]}'")
    return api_cls


@router.get("/exchanges/apis")
def exchange_apis(caller: Annotated[Caller, ADMIN]) -> list[str]:
    return list(fetching.installed_apis())


def _auth_state(request: Request, api_cls: Any) -> dict[str, bool]:
    supports = fetching.supports_credentials(api_cls)
    return {
        "supports_authentification": supports,
        "has_set_authentification": supports
        and _exchanges(request).credentials(api_cls.get_name()) is not None,
    }


@router.get("/exchanges/api/{api_name}")
def exchange_api(
    request: Request, api_name: str, caller: Annotated[Caller, ADMIN]
) -> dict[str, bool]:
    return _auth_state(request, _api_or_400(api_name))


@router.post("/exchanges/api/{api_name}")
async def set_exchange_api_credentials(
    request: Request, api_name: str, caller: Annotated[Caller, ADMIN]
) -> dict[str, bool]:
    """``{"credential_json": {...}}`` sets the API's credentials (stored sealed); ``{}``
    clears them."""
    api_cls = _api_or_400(api_name)
    body = await json_object(request)
    credentials = body.get("credential_json")
    if credentials is not None:
        if credentials and not fetching.supports_credentials(api_cls):
            abort(400, f"{api_name} does not support credentials")
        if credentials:
            if not isinstance(credentials, dict):
                abort(400, "credential_json must be an object")
            try:
                loaded = fetching.load_credentials(api_cls, credentials)
            except Exception as exc:
                abort(400, f"invalid credential_json: {str(exc)[:200]}")
            credentials = fetching.dump(loaded)
        await run_in_threadpool(
            _exchanges(request).set_credentials,
            api_name,
            credentials or None,
            actor=caller.actor,
        )
    return _auth_state(request, api_cls)


def _field_type(annotation: Any) -> str:
    text = str(annotation).lower()
    for word, kind in (("bool", "boolean"), ("int", "number"), ("float", "number")):
        if word in text:
            return kind
    if "list" in text or "set" in text:
        return "array"
    return "string"


def _schema(cls: Any, skip: frozenset[str]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    fields = []
    for f in dataclasses.fields(cls):
        if f.name in skip or not f.init:
            continue
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        fields.append(
            {
                "name": f.name,
                "type": _field_type(hints.get(f.name, f.type)),
                "required": required,
                "default": None if required or f.default is dataclasses.MISSING else f.default,
                "help": f.metadata.get("help", ""),
                "choices": None,
            }
        )
    return {"fields": fields}


@router.get("/exchanges/api/{api_name}/schema")
def exchange_api_schema(api_name: str, caller: Annotated[Caller, ADMIN]) -> dict[str, Any]:
    """Field descriptors of the API's configuration (``api_json``) and credentials."""
    api_cls = fetching.installed_apis().get(api_name)
    if api_cls is None:
        abort(404, f"Exchange API '{api_name[:40]}' not found")
    config = _schema(api_cls.get_config_cls(), frozenset({"name", "api", "enabled"}))
    credentials = (
        _schema(api_cls.get_credential_cls(), frozenset())
        if fetching.supports_credentials(api_cls)
        else None
    )
    return {"config_schema": config, "credentials_schema": credentials}


@router.post("/exchanges", status_code=201)
async def create_exchange(request: Request, caller: Annotated[Caller, ADMIN]) -> dict[str, str]:
    """``{"bank": NAME, "api": type, "api_json": {...}}``: the exchange and its bank."""
    import re

    body = await json_object(request, "bank is required")
    bank = body.get("bank")
    if bank is None:
        abort(400, "bank is required")
    if not isinstance(bank, str) or not re.fullmatch(EXCHANGE_NAME, bank) or len(bank) > 100:
        abort(400, "Field `bank` must match /^[A-Z0-9_]+$/")
    api_json = body.get("api_json", {})
    if not isinstance(api_json, dict):
        abort(400, "Field `api_json` must be object")
    api_name = body.get("api")
    if api_name is None:
        abort(400, "Field `api_type` is required")
    api_cls = fetching.installed_apis().get(str(api_name))
    if api_cls is None:
        abort(400, f"No such exchange type '{str(api_name)[:40]}'")
    try:
        config = fetching.dump(fetching.load_config(api_cls, bank, api_json))
    except Exception as exc:
        abort(400, f"Failed to parse `api_json` - {str(exc)[:200]}")

    def create() -> None:
        try:
            _exchanges(request).create(bank, str(api_name), config, actor=caller.actor)
        except BankExistsError:
            abort(400, f"a bank or exchange named {bank} already exists")
        service_of(request).banks_changed()

    await run_in_threadpool(create)
    return {"message": "Created successfully"}


@router.get("/exchanges")
def list_exchanges(request: Request, caller: Annotated[Caller, ADMIN]) -> list[str]:
    return _exchanges(request).names()


def _config_out(request: Request, name: str) -> dict[str, Any]:
    info = _exchanges(request).find(name)
    if info is None:
        abort(404, f"Exchange '{name[:100]}' not found")
    return {**info.config, "name": info.name, "api": info.api, "enabled": info.enabled}


@router.get("/exchange/{exchange_name}")
def exchange(request: Request, exchange_name: str, caller: Annotated[Caller, ADMIN]) -> Any:
    return _config_out(request, exchange_name)


@router.get("/exchange/{exchange_name}/status")
def exchange_status(
    request: Request, exchange_name: str, caller: Annotated[Caller, ADMIN]
) -> dict[str, Any]:
    """The fetch status: checkpoint time, a fetch running since, last completion and success,
    up to date, items fetched."""
    info = _exchanges(request).find(exchange_name)
    if info is None:
        abort(404, f"Exchange '{exchange_name[:100]}' not found")
    return info.status()


@router.put("/exchange/{exchange_name}")
async def update_exchange(
    request: Request, exchange_name: str, caller: Annotated[Caller, ADMIN]
) -> dict[str, Any]:
    body = await json_object(request)
    _config_out(request, exchange_name)
    if body.get("enabled") is not None:
        await run_in_threadpool(
            _exchanges(request).set_enabled,
            exchange_name,
            bool(body["enabled"]),
            actor=caller.actor,
        )
    return _config_out(request, exchange_name)


@router.delete("/exchange/{exchange_name}")
def delete_exchange(
    request: Request, exchange_name: str, caller: Annotated[Caller, ADMIN]
) -> dict[str, str]:
    """``{"message": "Exchange deleted"}``, also when there was none (as HMA). Its bank and what
    it fetched are deleted with it."""
    if _exchanges(request).delete(exchange_name, actor=caller.actor):
        HmaCuration(service_of(request).store).delete_bank(exchange_name, actor=caller.actor)
        service_of(request).banks_changed()
    return {"message": "Exchange deleted"}


@router.post("/exchange/{exchange_name}/fetch")
async def fetch_exchange(
    request: Request, exchange_name: str, caller: Annotated[Caller, ADMIN]
) -> dict[str, Any]:
    """Rempart's: fetch the exchange now; what the fetch did and the status after it."""
    service = service_of(request)
    if _exchanges(request).find(exchange_name) is None:
        abort(404, f"Exchange '{exchange_name[:100]}' not found")
    report = await run_in_threadpool(
        fetching.fetch,
        service.store,
        service.settings,
        exchange_name,
        actor=caller.actor,
        on_change=service.banks_changed,
    )
    return {
        "pages": report.pages,
        "added": report.added,
        "removed": report.removed,
        "skipped": report.skipped,
        "error": report.error,
        "status": _exchanges(request).get(exchange_name).status(),
    }


@router.get("/bank/{bank_name}/changes")
def bank_changes(
    request: Request,
    bank_name: str,
    caller: Annotated[Caller, ADMIN],
    after_id: Annotated[int, Query(ge=0, le=2**62)] = 0,
    removed_after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> dict[str, Any]:
    """Rempart's: a bank's entries after ``after_id`` with their HMA signals, and those withdrawn
    after ``removed_after`` — what another instance's ``rempart`` exchange fetches. Never the
    victims' bank."""
    service = service_of(request)
    if bank_name == service.settings.protect_bank:
        abort(403, "victims' registrations are never exchanged")
    curation = HmaCuration(service.store)
    if curation.bank(bank_name) is None:
        abort(404, f"bank '{bank_name[:100]}' not found")
    try:
        added, removed, more = curation.changes(bank_name, after_id, removed_after, limit)
    except StoreError as exc:
        abort(404, str(exc))
    contents = curation.contents(added)
    items = []
    for entry_id in added:
        content = contents.get(entry_id)
        signals = dict(content.signals) if content and content.signals else {}
        if not signals:
            signals = stored_signals(request, entry_id, caller.actor)
        if signals:
            items.append({"id": entry_id, "signals": signals})
    service.store.record(caller.actor, "bank.export", f"{bank_name}: {len(items)} entries")
    return {
        "items": items,
        "removed": [entry_id for entry_id, _ in removed],
        "after_id": added[-1] if added else after_id,
        "removed_after": removed[-1][1] if removed else removed_after,
        "more": more,
    }
