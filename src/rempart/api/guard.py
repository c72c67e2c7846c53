"""What every request passes before any route runs: who calls, from where, how much it may send.

A pure ASGI middleware, outermost in the app, so that nothing reads a body first:

- the caller's address is the TCP peer, or — only when that peer is a configured proxy
  (``trusted_proxies``) — the first untrusted address of ``X-Forwarded-For``; IPv6 clients are
  counted per /64 (one subscriber's whole prefix);
- the key (header) or session (cookie) is checked; a route that needs one answers 401 before its
  body is read, and the denial is audited (and rate-limited, so denials cannot flood the log);
  a keyless call to HMA's routes from ``hma_open_networks`` gets ``hma_open_role`` instead (HMA
  is run on a private network, without keys);
- ``Content-Length`` over the route's cap is refused with 413 at once, and a body that streams
  past the cap is cut off and answered 413;
- a request authenticated by the session cookie that changes something, and a sign-in, must come
  from this origin (``Origin``, else the browser's ``Sec-Fetch-Site``);
- every answer carries the security headers (CSP without inline script, nosniff, no referrer,
  no framing, ``no-store`` unless the route set its own caching, HSTS over HTTPS).
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import datetime, timezone
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import urlsplit

import anyio

from rempart.api.auth import Caller, credentials
from rempart.api.hma.core import HMA_KEYED_PREFIXES
from rempart.i18n import localized, preferred_language
from rempart.settings import Settings
from rempart.store.keys import ApiKey, ApiKeys, Role
from rempart.store.sessions import WebSessions

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

#: Pages and routes anyone may call (every other route needs a key or a session).
PUBLIC_GET = frozenset(
    {
        "/",
        "/protect",
        "/login",
        "/status",
        "/status/live",
        "/openapi.json",
        "/openapi/openapi.json",
        "/favicon.ico",
    }
)
PUBLIC_POST = frozenset(
    {"/protect/cases", "/protect/status", "/protect/withdraw", "/login", "/logout"}
)
#: Reviewers' pages: a browser that asks for one without a session is sent to /login.
PAGES = ("/review", "/cases/", "/evidence/")
#: Where a form posted with the session cookie may change state.
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def content_security_policy(script_src: str = "'self'", connect_src: str = "'self'") -> str:
    """The policy of Rempart's answers: scripts and styles from this origin only, nothing framed."""
    return (
        f"default-src 'none'; script-src {script_src}; style-src 'self'; img-src 'self' data: "
        "blob:; "
        f"connect-src {connect_src}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )


CONTENT_SECURITY_POLICY = content_security_policy()
SECURITY_HEADERS = {
    b"content-security-policy": CONTENT_SECURITY_POLICY.encode(),
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
    b"x-frame-options": b"DENY",
    b"cross-origin-opener-policy": b"same-origin",
    b"cross-origin-resource-policy": b"same-origin",
}


def rate_key(address: str) -> str:
    """The unit anonymous rate limits count: the address, or its /64 for IPv6."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped or ip) if isinstance(ip, ipaddress.IPv6Address) else str(ip)


class TrustedProxies:
    """The configured proxies whose forwarding headers are believed."""

    def __init__(self, entries: list[str]) -> None:
        self.networks = [ipaddress.ip_network(entry, strict=False) for entry in entries]

    def __contains__(self, address: object) -> bool:
        try:
            ip = ipaddress.ip_address(str(address))
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def client(
        self, peer: str, forwarded_for: str, forwarded_proto: str, scheme: str
    ) -> tuple[str, bool]:
        """(client address, over HTTPS?) from the peer and, if it is a trusted proxy, its
        headers."""
        https = scheme == "https"
        if peer not in self:
            return peer, https
        for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
            if hop not in self:
                try:
                    return str(ipaddress.ip_address(hop)), forwarded_proto.split(",")[
                        -1
                    ].strip().lower() == "https" or https
                except ValueError:
                    break  # a forged or garbled hop: fall back to the proxy itself
        return peer, forwarded_proto.split(",")[-1].strip().lower() == "https" or https


class Guard:
    """The ASGI middleware described in the module docstring."""

    def __init__(
        self, app: Callable[[Scope, Receive, Send], Awaitable[None]], service: Any
    ) -> None:
        self.app = app
        self.service = service
        self.settings: Settings = service.settings
        self.proxies = TrustedProxies(self.settings.trusted_proxies)
        self.hma_open = TrustedProxies(self.settings.hma_open_networks)
        self.hma_open_key = ApiKey(
            0,
            "hma-open-network",
            Role(self.settings.hma_open_role),
            datetime.now(timezone.utc),
            None,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])
        }
        peer = scope["client"][0] if scope.get("client") else "unknown"
        address, https = self.proxies.client(
            peer,
            headers.get("x-forwarded-for", ""),
            headers.get("x-forwarded-proto", ""),
            scope.get("scheme", "http"),
        )
        method = "GET" if scope["method"] == "HEAD" else scope["method"]
        path = scope.get("path", "")
        send = _secured(send, https)
        lang = preferred_language(None, headers.get("accept-language", ""), "en")
        public = self._is_public(method, path)
        secret, via = credentials(headers, _cookies(headers.get("cookie", "")))
        key = await anyio.to_thread.run_sync(self._authenticate, secret, via) if secret else None
        if not secret and path.startswith(HMA_KEYED_PREFIXES) and address in self.hma_open:
            key, via = self.hma_open_key, "network"  # HMA's private-network deployment
        if key is None and not public:  # on a public route, stale credentials just mean anonymous
            page = (
                method == "GET"
                and "text/html" in headers.get("accept", "")
                and path.startswith(PAGES)
            )
            await self._deny(
                send,
                address,
                method,
                path,
                "unknown, revoked or expired credentials" if secret else "an API key is required",
                page,
                lang,
            )
            return
        limit = self._body_limit(public, headers.get("content-type", ""))
        declared = headers.get("content-length", "")
        if declared and (not declared.isdigit() or int(declared) > limit):
            await _answer(send, 413, "request body over the size limit", lang)
            return
        caller = Caller(key, rate_key(address), via if key else "")
        if (
            method in UNSAFE_METHODS
            and (via == "cookie" or path == "/login")
            and not same_origin(headers, https)
        ):
            await anyio.to_thread.run_sync(
                self.service.store.record,
                caller.actor,
                "access.denied",
                f"cross-origin {method} {path[:200]}",
            )
            await _answer(send, 403, "cross-origin request refused", lang)
            return
        scope.setdefault("state", {})["caller"] = caller
        scope["state"]["https"] = https
        await self._call_limited(scope, receive, send, limit, lang)

    def _is_public(self, method: str, path: str) -> bool:
        if method == "GET" and (path in PUBLIC_GET or path.startswith("/static/")):
            return True
        if (
            method == "GET"
            and self.settings.api_docs
            and path in {"/docs", "/docs/oauth2-redirect"}
        ):
            return True
        if method == "GET" and path == "/api/v1/lookup" and self.settings.api_anonymous_lookup:
            return True
        return method == "POST" and path in PUBLIC_POST

    def _body_limit(self, public: bool, content_type: str) -> int:
        if public:
            return self.settings.api_anonymous_max_body_bytes
        if content_type.startswith("multipart/form-data"):
            return self.settings.max_file_bytes + 1024 * 1024  # the file and its form framing
        return self.settings.api_max_body_bytes

    def _authenticate(self, secret: str, via: str) -> ApiKey | None:
        store = self.service.store
        return (
            ApiKeys(store).authenticate(secret)
            if via == "header"
            else WebSessions(store).authenticate(secret)
        )

    async def _deny(
        self, send: Send, address: str, method: str, path: str, reason: str, page: bool, lang: str
    ) -> None:
        """401 (a browser asking for a page: to /login), audited — unless this address is over its
        rate, then 429 and nothing written."""
        if not self.service.anonymous_limit.allow(rate_key(address)):
            await _answer(send, 429, "too many requests; slow down", lang, {b"retry-after": b"1"})
            return
        await anyio.to_thread.run_sync(
            self.service.store.record,
            f"api:anonymous@{rate_key(address)}",
            "access.denied",
            f"401 {method} {path[:200]}",
        )
        if page:
            await send(
                {
                    "type": "http.response.start",
                    "status": 303,
                    "headers": [(b"location", b"/login"), (b"content-length", b"0")],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        await _answer(send, 401, reason, lang, {b"www-authenticate": b"Bearer"})

    async def _call_limited(
        self, scope: Scope, receive: Receive, send: Send, limit: int, lang: str
    ) -> None:
        """Run the app with its body cut off past ``limit`` bytes (answered 413)."""
        received = 0
        over = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if over:
                if not started:
                    started = True
                    await _answer(send, 413, "request body over the size limit", lang)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not over:
                raise
            if not started:
                await _answer(send, 413, "request body over the size limit", lang)


def _secured(send: Send, https: bool) -> Send:
    """``send`` with the security headers added to the response start (a route's own win)."""

    async def secured(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {name.lower() for name, _ in headers}
            extra = dict(SECURITY_HEADERS)
            extra[b"cache-control"] = b"no-store"
            if https:
                extra[b"strict-transport-security"] = b"max-age=63072000; includeSubDomains"
            headers += [(name, value) for name, value in extra.items() if name not in present]
            message["headers"] = headers
        await send(message)

    return secured


async def _answer(
    send: Send,
    status_code: int,
    message: str,
    lang: str,
    extra: dict[bytes, bytes] | None = None,
) -> None:
    """A JSON error answer (``detail`` and HMA's ``message``) in the caller's language."""
    message = localized(message, lang)
    body = json.dumps({"detail": message, "message": message}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *(extra or {}).items(),
    ]
    await send({"type": "http.response.start", "status": status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _cookies(header: str) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def same_origin(headers: dict[str, str], https: bool) -> bool:
    """True when the browser says the request comes from a page of this very origin.

    ``Origin`` when it names one; pages here send no referrer, so a same-origin form post says
    ``Origin: null`` — then the browser's ``Sec-Fetch-Site`` must say ``same-origin``. A request
    with neither (not a browser) is not from here.
    """
    host = headers.get("host", "")
    origin = headers.get("origin", "")
    if origin and origin != "null":
        parts = urlsplit(origin)
        return (
            bool(host)
            and parts.netloc.lower() == host.lower()
            and parts.scheme == ("https" if https else "http")
        )
    return headers.get("sec-fetch-site", "") == "same-origin"
