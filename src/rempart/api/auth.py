"""Who is calling and what they may do: API keys with roles, checked on every route.

A key travels as ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``; the review pages use
a session cookie from /login instead. The guard middleware (``rempart.api.guard``) checks it
before any body is read; routes then ask for a permission. Callers without a key reach only the
public pages, the victim's /protect routes, and — when enabled — an exact SHA-256 yes/no lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any

from fastapi import HTTPException, Request, status
from fastapi import Path as PathParam
from pydantic import BaseModel

from rempart.store.keys import ApiKey, Role

#: A database row id in a URL path: bounded, so a huge number is a 422 and not a database error.
RowId = Annotated[int, PathParam(ge=1, le=2**62)]

#: Cookie holding a reviewer's session id from /login (HttpOnly, SameSite=Strict; never the key
#: itself).
SESSION_COOKIE = "rempart_session"


class Permission(str, Enum):
    BANKS_READ = "banks:read"
    BANKS_WRITE = "banks:write"
    ENTRIES_WRITE = "entries:write"
    HASH = "hash"
    MATCH = "match"
    CASES_READ = "cases:read"
    #: Write a case's evidence pack (it may hold the preserved media).
    EVIDENCE_EXPORT = "evidence:export"
    REVIEW = "review"
    AUDIT_READ = "audit:read"
    KEYS_ADMIN = "keys:admin"


class ErrorOut(BaseModel):
    detail: Any


#: Every route may answer these; documented so clients (and the OpenAPI check) know them.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in {
        400: "bad request (malformed hash, unsupported signal, URL not allowed)",
        401: "no API key, or an unknown or revoked one",
        403: "the key's role may not do this",
        404: "no such bank or entry",
        409: "already exists",
        413: "request body or file over the size limit",
        422: "unreadable media or invalid body",
        429: "too many requests (per address without a key, per key with one)",
        503: "busy: too many files being decoded; try again",
    }.items()
}

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.CASEWORKER: frozenset(
        {
            Permission.BANKS_READ,
            Permission.ENTRIES_WRITE,
            Permission.HASH,
            Permission.MATCH,
            Permission.CASES_READ,
            Permission.REVIEW,
            Permission.EVIDENCE_EXPORT,
        }
    ),
    Role.MODERATOR: frozenset(
        {
            Permission.BANKS_READ,
            Permission.HASH,
            Permission.MATCH,
            Permission.CASES_READ,
            Permission.REVIEW,
        }
    ),
    Role.PLATFORM: frozenset({Permission.BANKS_READ, Permission.HASH, Permission.MATCH}),
}


@dataclass(frozen=True)
class Caller:
    """The key behind a request (None: anonymous), where it came from, and how the key was given."""

    key: ApiKey | None
    address: str
    #: "header" (Authorization / X-API-Key), "cookie" (a /login session), "network" (no key, from
    #: ``hma_open_networks`` on an HMA route) or "" (anonymous).
    via: str = ""

    @property
    def actor(self) -> str:
        if self.key is None:
            return f"api:anonymous@{self.address}"
        if self.via == "network":  # a keyless HMA caller from an open network: by address
            return f"api:{self.key.name}@{self.address}"
        return f"api:{self.key.name}"

    @property
    def role(self) -> str:
        """The key's role ("" for an anonymous caller), as evidence records name it."""
        return self.key.role.value if self.key else ""

    def may(self, permission: Permission) -> bool:
        return self.key is not None and permission in PERMISSIONS[self.key.role]


def credentials(headers: Mapping[str, str], cookies: Mapping[str, str]) -> tuple[str, str]:
    """(secret, how it came): an API key from the headers, else a session id from the cookie."""
    header = headers.get("authorization", "")
    secret = (
        header[7:].strip()
        if header.lower().startswith("bearer ")
        else headers.get("x-api-key", "").strip()
    )
    if secret:
        return secret, "header"
    session = cookies.get(SESSION_COOKIE, "")
    return (session, "cookie") if session else ("", "")


def identify(request: Request) -> Caller:
    """The caller of this request, as the guard middleware authenticated it before the body was
    read."""
    caller = request.scope.get("state", {}).get("caller")
    if not isinstance(
        caller, Caller
    ):  # every app from create_app has the guard; anything else is a bug
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "an API key is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return caller


#: Permissions whose calls can probe the banks: each key gets a quota of them, and they are logged.
_PROBING = frozenset({Permission.HASH, Permission.MATCH})


def authorize(request: Request, caller: Caller, permission: Permission) -> Caller:
    """``caller`` if their role grants ``permission`` (within their key's quota for probing
    calls); else 401/403 (audited)."""
    service = request.app.state.service
    if caller.key is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "an API key is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not caller.may(permission):
        service.store.record(
            caller.actor,
            "access.denied",
            f"403 {request.method} {request.url.path[:200]} needs {permission.value}",
        )
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, f"role {caller.key.role.value!r} may not {permission.value}"
        )
    if permission in _PROBING:
        service.limit_key(caller)
    return caller


def require(permission: Permission) -> Callable[[Request], Caller]:
    """A route dependency: the caller, if their role grants ``permission``; else 401/403
    (audited)."""

    def check(request: Request) -> Caller:
        return authorize(request, identify(request), permission)

    return check
