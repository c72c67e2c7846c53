"""What the HTTP routes share: the store, one live matcher over all banks, rate limits, uploads,
fetches.

Files are decoded by a pool of ``max_concurrent_decodes`` threads (a request waits its turn, or
gets 503 after a while), so that concurrent uploads at the pixel limit cannot take the machine's
memory together. A pool, not a semaphore over the server's many request threads: the C
allocator keeps freed memory per thread, so decoding on few threads is what bounds the peak.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from fastapi import HTTPException, Request, UploadFile, status

from rempart.api.auth import Caller
from rempart.api.ratelimit import RateLimiter
from rempart.errors import FetchError, MediaError
from rempart.evidence.custody import Checkpointer
from rempart.exchanges.fetch import ExchangeScheduler
from rempart.index.live import LiveMatcher
from rempart.index.matcher import Matcher
from rempart.settings import Settings
from rempart.signals.fingerprint import Fingerprint, fingerprint_file
from rempart.sources.fetch import fetch_media
from rempart.store import Store

T = TypeVar("T")

#: Seconds a request waits for a decoding slot before it is told to come back (503).
DECODE_WAIT_SECONDS = 60.0


class Service:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = Store.open(settings)
        self.anonymous_limit = RateLimiter(
            settings.api_anonymous_rate, settings.api_anonymous_burst
        )
        self.key_limit = RateLimiter(settings.api_key_rate, settings.api_key_burst)
        self.live = LiveMatcher(self.store, settings)
        self.checkpoints = Checkpointer(self.store, settings)
        self.checkpoints.start()
        self.exchanges = ExchangeScheduler(self.store, settings, self.banks_changed)
        self.exchanges.start()
        self._decoders = ThreadPoolExecutor(
            settings.max_concurrent_decodes, thread_name_prefix="rempart-decode"
        )

    def close(self) -> None:
        self.exchanges.close()
        self.checkpoints.close()
        self.live.close()
        self._decoders.shutdown(wait=False, cancel_futures=True)
        self.store.close()

    def matcher(self) -> Matcher:
        """The matcher over every bank, kept current (see ``rempart.index.live``)."""
        return self.live.matcher()

    def banks_changed(self) -> None:
        """A write to banks or entries was committed: lookups see it from the next request on."""
        self.live.changed()

    def limit_anonymous(self, caller: Caller) -> None:
        """Refuse (429) a caller without a key who is over the anonymous rate of their address."""
        if caller.key is None and not self.anonymous_limit.allow(caller.address):
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                "too many requests; slow down",
                headers={"Retry-After": "1"},
            )

    def limit_key(self, caller: Caller) -> None:
        """Refuse (429) a key over its quota of hashing, matching and lookups."""
        if caller.key is None:
            return
        unit = f"net:{caller.address}" if caller.via == "network" else f"key:{caller.key.id}"
        if not self.key_limit.allow(unit):
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                "this key is over its request quota; slow down",
                headers={"Retry-After": "1"},
            )

    def fingerprint_upload(self, upload: UploadFile, *, register: bool = False) -> Fingerprint:
        """Fingerprint an uploaded file (size-limited, kept only in a temporary file while
        hashing)."""
        with self.spooled(upload) as path:
            return self._fingerprint(path, register)

    def fingerprint_upload_kept(self, upload: UploadFile) -> tuple[Fingerprint, bytes]:
        """Fingerprint an upload and give its bytes back too (to preserve it when it matches)."""
        with self.spooled(upload) as path:
            return self._fingerprint(path, False), path.read_bytes()

    def fingerprint_url(self, url: str, *, register: bool = False) -> Fingerprint:
        """Fetch from an allowed host (``REMPART_FETCH_HOSTS``, see ``rempart.sources.fetch``)
        and fingerprint."""
        with tempfile.TemporaryDirectory(prefix="rempart-url-") as folder:
            try:
                path = fetch_media(url, Path(folder), self.settings)
            except FetchError as exc:
                raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from exc
            return self._fingerprint(path, register)

    def _fingerprint(self, path: Path, register: bool) -> Fingerprint:
        return self.decode(path, fingerprint_file, path, self.settings, register=register)

    def decode(self, path: Path, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``work`` (decoding ``path``) in the decoder pool: 503 when every decoder stays busy,
        422 with the media error (this server's paths left out) when the file is refused."""
        job = self._decoders.submit(work, *args, **kwargs)
        try:
            try:
                return job.result(timeout=DECODE_WAIT_SECONDS)
            except FutureTimeout as exc:
                if job.cancel():  # still queued: free its place and tell the caller to come back
                    raise HTTPException(
                        status.HTTP_503_SERVICE_UNAVAILABLE,
                        "busy decoding other files; try again",
                        headers={"Retry-After": "5"},
                    ) from exc
                return (
                    job.result()
                )  # already decoding a file that exists until it is done: wait for it
        except MediaError as exc:
            raise HTTPException(422, _without_paths(str(exc), path)) from exc

    @contextmanager
    def spooled(self, upload: UploadFile) -> Iterator[Path]:
        with tempfile.NamedTemporaryFile(prefix="rempart-upload-") as handle:
            written = 0
            while chunk := upload.file.read(1024 * 1024):
                written += len(chunk)
                if written > self.settings.max_file_bytes:
                    raise HTTPException(
                        status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "file over the size limit"
                    )
                handle.write(chunk)
            handle.flush()
            yield Path(handle.name)


def _without_paths(message: str, path: Path) -> str:
    """A media error as the caller may see it: without this server's temporary file path."""
    return message.replace(str(path), "the file")


def service_of(request: Request) -> Service:
    """The service the app was created with."""
    service: Service = request.app.state.service
    return service
