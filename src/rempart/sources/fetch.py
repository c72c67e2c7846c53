"""Fetch one media file from an allowed host — the only way Rempart reaches out to the network.

A URL given by a caller or found in an export is a way into the network behind Rempart (SSRF),
so a fetch is refused unless: the scheme is ``https`` (or ``http`` where the operator allowed it
with ``fetch_allow_http``, for a private network); the host is one of ``fetch_hosts``
(Discord's CDN by default); no user or password is in the URL; every address the host resolves
to is a public one (no private, loopback, link-local or reserved address, IPv4-mapped included)
unless ``fetch_allow_private``; and the answer is a plain 200 — redirects are never followed.
The connection goes to the address that was checked (no second DNS lookup to rebind), TLS is
verified against the system's CAs (or ``fetch_ca_file``) for the URL's host name. Errors are
deliberately alike: a caller learns "not allowed" or "could not fetch", never which port
answered or why.
"""

from __future__ import annotations

import functools
import hashlib
import http.client
import ipaddress
import socket
import ssl
import tempfile
import time
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from rempart.errors import FetchError, FetchTooLargeError
from rempart.settings import Settings

NOT_ALLOWED = (
    "URL not allowed: only https:// URLs on the configured hosts (REMPART_FETCH_HOSTS) are fetched"
)
NOT_FETCHED = "could not fetch the URL"
TOO_LARGE = "not downloaded: the file is over the size limit (REMPART_MAX_FILE_BYTES)"
#: Answers after which a CDN may serve the file later (not yet propagated, a signed URL being
#: refreshed, rate limited); 5xx answers too.
RETRYABLE_STATUSES = frozenset({403, 404, 408, 425, 429})


def check_url(url: str, settings: Settings) -> SplitResult:
    """The parsed URL if it may be fetched at all (scheme, host, no credentials), else
    FetchError."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:  # unparsable URL or port
        raise FetchError(NOT_ALLOWED) from exc
    host = (parts.hostname or "").lower().rstrip(".")
    allowed = {h.lower().rstrip(".") for h in settings.fetch_hosts}
    schemes = {"https", "http"} if settings.fetch_allow_http else {"https"}
    if (
        parts.scheme not in schemes
        or not host
        or host not in allowed
        or parts.username is not None
        or parts.password is not None
    ):
        raise FetchError(NOT_ALLOWED)
    if port is not None and not 0 < port < 65536:
        raise FetchError(NOT_ALLOWED)
    return parts


def is_public_address(address: str) -> bool:
    """True for an address on the public internet (not private, loopback, link-local, reserved…)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(ip.is_global) and not ip.is_multicast


def resolve(host: str, port: int, settings: Settings) -> list[str]:
    """The host's addresses, all of them checked; FetchError if any is not public (unless
    allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchError(NOT_FETCHED) from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise FetchError(NOT_FETCHED)
    if not settings.fetch_allow_private and not all(is_public_address(a) for a in addresses):
        raise FetchError(NOT_FETCHED)  # said as any other failure: no probing of what lies behind
    return addresses


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to one checked address, with SNI and certificate checks for the URL's host name."""

    def __init__(
        self, host: str, port: int, address: str, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


@functools.lru_cache(maxsize=4)
def _tls_context(cafile: str | None) -> ssl.SSLContext:
    """One verifying TLS context per CA bundle: loading the system's CAs costs milliseconds, a
    bot downloads many files a second (a context is safe to share between threads)."""
    return ssl.create_default_context(cafile=cafile)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP to one checked address (only where ``fetch_allow_http``)."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def fetch_media(url: str, folder: Path, settings: Settings) -> Path:
    """Download one file from an allowed host into ``folder`` (size- and time-limited);
    FetchError otherwise. A URL already fetched into ``folder`` is not fetched again."""
    target = folder / hashlib.sha256(url.encode()).hexdigest()
    if target.is_file():
        check_url(url, settings)
        return target
    return fetch_media_typed(url, folder, settings)[0]


def fetch_media_typed(url: str, folder: Path, settings: Settings) -> tuple[Path, str]:
    """``fetch_media``, always fetching, with the ``Content-Type`` the server answered."""
    parts = check_url(url, settings)
    host = (parts.hostname or "").lower().rstrip(".")
    plain = parts.scheme == "http"
    port = parts.port or (80 if plain else 443)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = folder / hashlib.sha256(url.encode()).hexdigest()
    address = resolve(host, port, settings)[0]
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    deadline = time.monotonic() + settings.download_timeout_seconds
    handle, partial_name = tempfile.mkstemp(dir=folder, suffix=".part")
    partial = Path(partial_name)
    connection: http.client.HTTPConnection = (
        _PinnedHTTPConnection(host, port, address, settings.download_timeout_seconds)
        if plain
        else _PinnedHTTPSConnection(
            host,
            port,
            address,
            settings.download_timeout_seconds,
            _tls_context(str(settings.fetch_ca_file) if settings.fetch_ca_file else None),
        )
    )
    content_type = ""
    try:
        with open(handle, "wb") as sink:
            connection.request(
                "GET", path, headers={"User-Agent": "Rempart", "Accept": "image/*, video/*"}
            )
            response = connection.getresponse()
            if response.status != 200:  # redirects included: never followed
                raise FetchError(
                    NOT_FETCHED,
                    status=response.status,
                    retryable=response.status in RETRYABLE_STATUSES or response.status >= 500,
                )
            content_type = (response.getheader("Content-Type") or "")[:200]
            declared = response.getheader("Content-Length")
            if declared and declared.isdigit() and int(declared) > settings.max_file_bytes:
                raise FetchTooLargeError(TOO_LARGE)
            written = 0
            while chunk := response.read(1024 * 1024):
                written += len(chunk)
                if written > settings.max_file_bytes:
                    raise FetchTooLargeError(TOO_LARGE)
                if time.monotonic() > deadline:
                    raise FetchError(NOT_FETCHED, retryable=True)
                sink.write(chunk)
        partial.replace(target)
    except (OSError, http.client.HTTPException, ssl.SSLError, ValueError) as exc:
        raise FetchError(NOT_FETCHED, retryable=not isinstance(exc, ssl.SSLError)) from exc
    finally:
        connection.close()
        partial.unlink(missing_ok=True)
    return target, content_type
