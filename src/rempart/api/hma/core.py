"""HMA's core routes: readiness (``/status``: 503 ``INDEX-NOT-LOADED`` while the first index
builds, ``INDEX-STALE`` while refreshing keeps failing), liveness (``/status/live``), the route
list (``/site-map``) and the OpenAPI document of the HMA routes (``/openapi/openapi.json``, titled
as HMA's)."""

from __future__ import annotations

import copy
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse

from rempart import __version__
from rempart.api.auth import Caller, Permission, require
from rempart.api.service import service_of

router = APIRouter(tags=["hma: core"])

#: HMA's routes behind a key (keyless callers from ``hma_open_networks`` may call them too).
HMA_KEYED_PREFIXES = ("/h/", "/m/", "/c/", "/site-map")
#: Where HMA's routes live (the rest is Rempart's own API and pages): the keyed ones and the
#: public status and OpenAPI document.
HMA_PREFIXES = (*HMA_KEYED_PREFIXES, "/status", "/openapi/")


def is_hma_path(path: str) -> bool:
    return path.startswith(HMA_PREFIXES)


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


def _flask_rule(path: str) -> str:
    """A route path as HMA's site map writes it (``<name>``, ``<int:content_id>``)."""
    path = path.replace("{content_id}", "<int:content_id>")
    return re.sub(r"\{(\w+)\}", r"<\1>", path)


def _hma_paths(request: Request) -> dict[str, Any]:
    paths: dict[str, Any] = request.app.openapi().get("paths", {})
    return {path: item for path, item in paths.items() if is_hma_path(path)}


@router.get("/site-map")
def site_map(
    request: Request, _caller: Annotated[Caller, Depends(require(Permission.BANKS_READ))]
) -> list[str]:
    """Every HMA route rule, sorted (Rempart's own API is in /openapi.json)."""
    rules = {_flask_rule(path) for path in _hma_paths(request)} | {"/openapi/openapi.json"}
    return sorted(rules)


@router.get("/openapi/openapi.json", include_in_schema=False)
def hma_openapi(request: Request) -> dict[str, Any]:
    """The OpenAPI document of the HMA routes, under HMA's title."""
    document = copy.deepcopy(request.app.openapi())
    document["info"] = {
        "title": "Open Media Match API",
        "version": __version__,
        "description": (
            "Hasher-Matcher-Actioner's API as served by Rempart (the README's HMA section says "
            "what differs)."
        ),
    }
    document["paths"] = _hma_paths(request)
    return document
