"""What the HTTP routes share: the store, one matcher over all banks (rebuilt after writes), uploads."""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import HTTPException, Request, UploadFile, status

from rempart.api.auth import Caller
from rempart.api.ratelimit import RateLimiter
from rempart.errors import MediaError
from rempart.index.matcher import Matcher
from rempart.investigate.runner import fetch_from_discord_cdn
from rempart.settings import Settings
from rempart.signals.fingerprint import Fingerprint, fingerprint_file
from rempart.store import Store


class Service:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = Store.open(settings)
        self.anonymous_limit = RateLimiter(settings.api_anonymous_rate, settings.api_anonymous_burst)
        self._matcher: Matcher | None = None
        self._lock = threading.Lock()

    def close(self) -> None:
        self.store.close()

    def matcher(self) -> Matcher:
        with self._lock:
            if self._matcher is None:
                self._matcher = Matcher(self.store, self.settings)
            return self._matcher

    def banks_changed(self) -> None:
        """Rebuild the matcher (snapshot swap: lookups in flight keep the old one)."""
        with self._lock:
            if self._matcher is not None:
                self._matcher.reload()

    def limit_anonymous(self, caller: Caller) -> None:
        """Refuse (429) a caller without a key who is over the anonymous rate; keys are not limited."""
        if caller.key is None and not self.anonymous_limit.allow(caller.address):
            raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "too many requests; slow down", headers={"Retry-After": "1"})

    def fingerprint_upload(self, upload: UploadFile, *, register: bool = False) -> Fingerprint:
        """Fingerprint an uploaded file (size-limited, kept only in a temporary file while hashing)."""
        with self._spooled(upload) as path:
            return self._fingerprint(path, register)

    def fingerprint_url(self, url: str, *, register: bool = False) -> Fingerprint:
        """Fetch from an allowed host (``REMPART_DISCORD_CDN_HOSTS``) and fingerprint."""
        with tempfile.TemporaryDirectory(prefix="rempart-url-") as folder:
            try:
                path = fetch_from_discord_cdn(url, Path(folder), self.settings)
            except MediaError as exc:
                raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from exc
            return self._fingerprint(path, register)

    def _fingerprint(self, path: Path, register: bool) -> Fingerprint:
        try:
            return fingerprint_file(path, self.settings, register=register)
        except MediaError as exc:
            raise HTTPException(422, str(exc)) from exc

    @contextmanager
    def _spooled(self, upload: UploadFile) -> Iterator[Path]:
        with tempfile.NamedTemporaryFile(prefix="rempart-upload-") as handle:
            written = 0
            while chunk := upload.file.read(1024 * 1024):
                written += len(chunk)
                if written > self.settings.max_file_bytes:
                    raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "file over the size limit")
                handle.write(chunk)
            handle.flush()
            yield Path(handle.name)


def service_of(request: Request) -> Service:
    """The service the app was created with."""
    service: Service = request.app.state.service
    return service
