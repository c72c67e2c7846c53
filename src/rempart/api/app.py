"""`create_app(settings)`: the FastAPI application — Rempart's API under /api/v1 and the HMA subset."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from rempart import __version__
from rempart.api import core, hma
from rempart.api.service import Service
from rempart.errors import BankExistsError, BankNotFoundError, EntryNotFoundError, RempartError
from rempart.settings import Settings
from rempart.web import protect, review


def create_app(settings: Settings) -> FastAPI:
    service = Service(settings)  # opened now, so the app also serves without a lifespan (ASGI test transports)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            service.close()

    app = FastAPI(
        title="Rempart",
        version=__version__,
        description="Find re-shared copies of registered photos. Rempart's API (/api/v1) and an HMA-compatible subset (/h, /m, /c, /status).",
        lifespan=lifespan,
    )
    app.state.service = service
    app.include_router(core.router)
    app.include_router(hma.router)
    app.include_router(protect.router)
    app.include_router(review.router)

    @app.exception_handler(RempartError)
    async def rempart_error(_request: Request, exc: RempartError) -> JSONResponse:
        code = 404 if isinstance(exc, BankNotFoundError | EntryNotFoundError) else 409 if isinstance(exc, BankExistsError) else 400
        return JSONResponse({"detail": str(exc)}, status_code=code)

    return app
