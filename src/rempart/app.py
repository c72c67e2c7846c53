"""`create_app(settings)`: the FastAPI application — Rempart's API under /api/v1, the HMA subset and
the web pages.

The guard middleware (``rempart.api.guard``) runs before every route. Error answers never echo
more than a short prefix of what the caller sent, and an unexpected failure is a bare 500.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from rempart import __version__
from rempart.api import core, hma
from rempart.api.guard import Guard
from rempart.api.service import Service
from rempart.errors import (
    BankExistsError,
    BankNotFoundError,
    EntryNotFoundError,
    IndexNotReady,
    RempartError,
)
from rempart.i18n import localized, preferred_language
from rempart.settings import Settings
from rempart.web import protect, review

log = logging.getLogger(__name__)
#: The longest piece of a caller's input an error answer repeats.
ECHO_CHARS = 40


def create_app(settings: Settings) -> FastAPI:
    service = Service(
        settings
    )  # opened now, so the app also serves without a lifespan (ASGI test transports)
    service.live.start()  # the index builds in the background; /status says 503 until it is there

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            service.close()

    app = FastAPI(
        title="Rempart",
        version=__version__,
        description=(
            "Find re-shared copies of registered photos. Rempart's API (/api/v1) and an "
            "HMA-compatible subset (/h, /m, /c, /status)."
        ),
        lifespan=lifespan,
        docs_url="/docs" if settings.api_docs else None,
        redoc_url=None,
    )
    app.state.service = service
    app.include_router(core.router)
    app.include_router(hma.router)
    app.include_router(protect.router)
    app.include_router(review.router)
    app.add_middleware(Guard, service=service)

    @app.exception_handler(RempartError)
    async def rempart_error(request: Request, exc: RempartError) -> JSONResponse:
        code = (
            404
            if isinstance(exc, BankNotFoundError | EntryNotFoundError)
            else 409
            if isinstance(exc, BankExistsError)
            else 400
        )
        return _error(request, code, str(exc)[:300])

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not isinstance(exc.detail, str):
            return await http_exception_handler(request, exc)
        response = _error(request, exc.status_code, exc.detail)
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(IndexNotReady)
    async def not_ready(request: Request, exc: IndexNotReady) -> JSONResponse:
        response = _error(request, 503, str(exc))
        response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        message = localized("invalid request", _language(request))
        return JSONResponse(
            {"detail": [_short_error(e) for e in exc.errors()[:20]], "message": message},
            status_code=422,
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error", exc_info=exc)
        return _error(request, 500, "internal error")

    return app


def _language(request: Request) -> str:
    """An API caller's language: English unless its ``Accept-Language`` prefers French."""
    return preferred_language(None, request.headers.get("accept-language", ""), "en")


def _error(request: Request, code: int, message: str) -> JSONResponse:
    """A JSON error answer (``detail`` and HMA's ``message``) in the caller's language."""
    message = localized(message, _language(request))
    return JSONResponse({"detail": message, "message": message}, status_code=code)


def _short_error(error: dict[str, Any]) -> dict[str, Any]:
    """A validation error without the caller's whole input (at most a short prefix of it)."""
    short: dict[str, Any] = {
        "loc": [str(part)[:ECHO_CHARS] for part in error.get("loc", ())][:8],
        "msg": str(error.get("msg", ""))[:200],
        "type": error.get("type", ""),
    }
    if "input" in error and isinstance(error["input"], str | int | float | bool):
        short["input"] = str(error["input"])[:ECHO_CHARS]
    return short
