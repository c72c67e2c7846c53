"""HMA's hashing routes (``/h/hash``) and the hashing the matching and curation routes share.

By URL: fetched only from ``REMPART_FETCH_HOSTS`` (never a redirect, never a private address
unless allowed), the content type taken from ``content_type`` or the answer's ``Content-Type``
(``image/…`` a photo, ``video/…`` a video), 413 over the size limit. By upload: exactly one file,
whose multipart field name is its content type (``photo`` or ``video``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from rempart.api.auth import ERROR_RESPONSES, Caller, Permission, require
from rempart.api.hma.common import abort, content_type_of, one_upload, signal_types_for
from rempart.api.service import service_of
from rempart.errors import FetchError, FetchTooLargeError
from rempart.signals.fingerprint import Fingerprint
from rempart.signals.hma import hma_hashes
from rempart.sources.fetch import fetch_media_typed

router = APIRouter(prefix="/h", tags=["hma: hashing"], responses=ERROR_RESPONSES)


@dataclass(frozen=True)
class Media:
    """A fetched or uploaded file, its content type and the signal types to hash it with."""

    path: Path
    content_type: str
    types: tuple[str, ...]


def _content_type_from_header(header: str) -> str:
    lowered = header.lower()
    if lowered.startswith("image"):
        return "photo"
    if lowered.startswith("video"):
        return "video"
    abort(
        400,
        f"unsupported url ContentType: '{header[:60]}', if you know the expected type, provide "
        "it with the content_type query param",
    )


@contextmanager
def fetched(
    request: Request, url: str, content_type: str | None, types: str | None
) -> Iterator[Media]:
    """The file at ``url`` in a temporary folder, for the time of the block."""
    if content_type:
        content_type_of(content_type)
    settings = service_of(request).settings
    with tempfile.TemporaryDirectory(prefix="rempart-hma-") as folder:
        try:
            path, header = fetch_media_typed(url, Path(folder), settings)
        except FetchTooLargeError:
            abort(413, "Content too large")
        except FetchError as exc:
            abort(400, f"Invalid or unsafe URL provided: {exc}")
        kind = content_type or _content_type_from_header(header)
        yield Media(path, kind, signal_types_for(kind, types))


@contextmanager
def uploaded(request: Request, field: str, upload_file: object) -> Iterator[Media]:
    """An uploaded file spooled to disk; its field name is its content type."""
    kind = content_type_of(field)
    assert isinstance(upload_file, UploadFile)
    with service_of(request).spooled(upload_file) as path:  # type: ignore[arg-type]
        yield Media(path, kind, signal_types_for(kind, request.query_params.get("types")))


def hash_media(
    request: Request, media: Media, *, with_fingerprint: bool = False
) -> tuple[dict[str, str], Fingerprint | None]:
    """HMA's hashes of the file (and its Rempart fingerprint), in the decoder pool."""
    return service_of(request).decode(
        media.path,
        hma_hashes,
        media.path,
        media.content_type,
        media.types,
        service_of(request).settings,
        with_fingerprint=with_fingerprint,
    )


@router.get("/hash")
def hash_url(
    request: Request,
    _caller: Annotated[Caller, Depends(require(Permission.HASH))],
    url: str | None = None,
    content_type: str | None = None,
    types: str | None = None,
) -> dict[str, str]:
    """``{signal_type: hash}`` of the media at ``url`` (see the module docstring)."""
    if not url:
        abort(400, "url is required")
    with fetched(request, url, content_type, types) as media:
        return hash_media(request, media)[0]


@router.post("/hash")
async def hash_upload(
    request: Request, _caller: Annotated[Caller, Depends(require(Permission.HASH))]
) -> dict[str, str]:
    """``{signal_type: hash}`` of one uploaded file (field name ``photo`` or ``video``)."""
    upload = await one_upload(request)
    if upload is None:
        abort(400, "Missing multipart/form-data file upload")
    field, upload_file, _ = upload

    def work() -> dict[str, str]:
        with uploaded(request, field, upload_file) as media:
            return hash_media(request, media)[0]

    return await run_in_threadpool(work)
