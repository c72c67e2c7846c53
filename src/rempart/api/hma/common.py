"""What HMA's routes share: its error form and name rule, its query flags, reading a JSON body or
one uploaded file, and turning index hits into HMA's per-bank answer (enabled content only, the
per-bank coin flip, the banks asked for, victims' registrations never under their bank's name).
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from typing import Any, NoReturn

from fastapi import HTTPException, Request
from starlette.datastructures import UploadFile

from rempart.api.auth import Caller
from rempart.api.core import disclosed_bank
from rempart.api.service import Service, service_of
from rempart.signals.hma import AVAILABLE_OF, SIGNALS_OF
from rempart.store.hma import HmaContent, HmaCuration

#: HMA's bank (and exchange) name rule.
BANK_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")
#: Ask for Rempart's own signals beside HMA's: ``?rempart_signals=true`` or this header.
EXTRA_HEADER = "x-rempart-signals"
EXTRA_QUERY = "rempart_signals"


def abort(code: int, message: str) -> NoReturn:
    """HMA's error answer: ``{"message": ...}`` with the status (``detail`` too)."""
    raise HTTPException(code, message)


def flag(value: str | None, name: str, default: bool = False) -> bool:
    """A boolean query parameter as HMA's models read it."""
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"true", "1", "yes", "on", "t", "y"}:
        return True
    if lowered in {"false", "0", "no", "off", "f", "n"}:
        return False
    abort(400, f"invalid boolean for {name}")


def wants_extras(request: Request) -> bool:
    """Whether the caller asked for Rempart's signals beside HMA's (see the README)."""
    header = request.headers.get(EXTRA_HEADER, "").strip().lower()
    return header in {"1", "true", "all", "yes"} or flag(
        request.query_params.get(EXTRA_QUERY), EXTRA_QUERY
    )


def requested_banks(value: str | None) -> set[str] | None:
    """HMA's ``banks=A,B`` (None: every bank)."""
    return set(value.split(",")) if value else None


def check_bank_name(name: Any) -> str:
    if not isinstance(name, str) or not BANK_NAME.fullmatch(name) or len(name) > 100:
        abort(400, "Bank names must be UPPER_WITH_UNDERSCORE (matching [A-Z_][A-Z0-9_]*)")
    return name


async def json_body(request: Request) -> Any:
    """The request's JSON (None when it sent none); 400 when it is not JSON."""
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # malformed, not UTF-8, or absurdly nested
        abort(400, "the request body is not valid JSON")


async def json_object(
    request: Request, message: str = "this endpoint expects a json object payload"
) -> dict[str, Any]:
    """The request's JSON object; 400 with ``message`` when it sent anything else."""
    body = await json_body(request)
    if not isinstance(body, dict):
        abort(400, message)
    return body


def is_json(request: Request) -> bool:
    return request.headers.get("content-type", "").split(";")[0].strip() == "application/json"


async def one_upload(request: Request) -> tuple[str, UploadFile, dict[str, str]] | None:
    """(field name, file, other form fields) of a multipart request holding exactly one file;
    None when the request is not multipart; 400 when it holds no file or several."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return None
    form = await request.form()
    files = [(k, v) for k, v in form.multi_items() if isinstance(v, UploadFile)]
    fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    if not files:
        abort(400, "Missing multipart/form-data file upload")
    if len(files) > 1:
        abort(400, "Only one file allowed per request")
    name, upload = files[0]
    return name, upload, fields


def content_type_of(name: str) -> str:
    if name not in SIGNALS_OF:
        abort(400, f"no such content_type: '{name[:40]}'")
    return name


def signal_types_for(content_type: str, types: str | None) -> tuple[str, ...]:
    """The content type's default signal types, or those of ``types=a,b`` (400 for an unknown
    one; ``vpdq`` is hashed only when asked for)."""
    available = AVAILABLE_OF[content_type]
    if types is None:
        return SIGNALS_OF[content_type]
    chosen = []
    for name in (t.strip() for t in types.split(",")):
        if not name:
            continue
        if name not in available:
            abort(400, f"signal type '{name[:40]}' doesn't exist or is disabled")
        chosen.append(name)
    if not chosen:
        abort(400, "empty signal type selection")
    return tuple(dict.fromkeys(chosen))


def hides_bank(service: Service, caller: Caller, bank: str) -> bool:
    """Whether this caller may not see the bank itself (the victims' bank, for most roles)."""
    return disclosed_bank(service.settings, caller, bank) != bank


@dataclass(frozen=True)
class Hit:
    """One index hit: the entry, and what HMA's answer says of it besides its id."""

    entry_id: int
    fields: dict[str, Any]


def by_bank(
    request: Request,
    caller: Caller,
    hits: list[Hit],
    *,
    banks: set[str] | None,
    seed: str | None,
    bypass_coinflip: bool,
) -> dict[str, list[dict[str, Any]]]:
    """HMA's ``lookup``: enabled content only, banks kept by one coin flip against each bank's
    enabled ratio (``seed`` makes it repeatable), restricted to ``banks``."""
    service = service_of(request)
    contents = HmaCuration(service.store).contents(h.entry_id for h in hits)
    coinflip = 0.0 if bypass_coinflip else random.Random(seed).random()
    found: dict[str, list[dict[str, Any]]] = {}
    for hit in hits:
        content = contents.get(hit.entry_id)
        if content is None or not content.enabled():
            continue
        if content.bank.matching_enabled_ratio < coinflip:
            continue
        name = disclosed_bank(service.settings, caller, content.bank.name)
        if banks is not None and name not in banks:
            continue
        found.setdefault(name, []).append({"bank_content_id": hit.entry_id, **hit.fields})
    return found


def in_banks(
    request: Request, caller: Caller, hits: list[Hit], banks: set[str] | None
) -> list[Hit]:
    """HMA's ``raw_lookup`` filter: the hits whose content is in ``banks`` (all when None)."""
    if banks is None:
        return hits
    service = service_of(request)
    contents: dict[int, HmaContent] = HmaCuration(service.store).contents(h.entry_id for h in hits)
    return [
        h
        for h in hits
        if h.entry_id in contents
        and disclosed_bank(service.settings, caller, contents[h.entry_id].bank.name) in banks
    ]
