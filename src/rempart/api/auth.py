"""Who is calling and what they may do: API keys with roles, checked on every route.

A key travels as ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``. Callers without a key
may only ask "is this hash registered?" (match / no match and entry ids, never distances), and
are rate-limited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any

from fastapi import HTTPException, Request, status
from fastapi import Path as PathParam
from pydantic import BaseModel

from rempart.store.keys import ApiKey, ApiKeys, Role

#: A database row id in a URL path: bounded, so a huge number is a 422 and not a database error.
RowId = Annotated[int, PathParam(ge=1, le=2**62)]

#: Cookie holding the API key a reviewer typed at /login (HttpOnly, SameSite=Strict).
SESSION_COOKIE = "rempart_key"


class Permission(str, Enum):
    BANKS_READ = "banks:read"
    BANKS_WRITE = "banks:write"
    ENTRIES_WRITE = "entries:write"
    HASH = "hash"
    MATCH = "match"
    CASES_READ = "cases:read"
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
        413: "file over the size limit",
        422: "unreadable media or invalid body",
        429: "too many requests without an API key",
    }.items()
}

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.CASEWORKER: frozenset({Permission.BANKS_READ, Permission.ENTRIES_WRITE, Permission.HASH, Permission.MATCH, Permission.CASES_READ, Permission.REVIEW}),
    Role.MODERATOR: frozenset({Permission.BANKS_READ, Permission.HASH, Permission.MATCH, Permission.CASES_READ, Permission.REVIEW}),
    Role.PLATFORM: frozenset({Permission.BANKS_READ, Permission.HASH, Permission.MATCH}),
}


@dataclass(frozen=True)
class Caller:
    """The key behind a request (None: anonymous) and where it came from."""

    key: ApiKey | None
    address: str

    @property
    def actor(self) -> str:
        return f"api:{self.key.name}" if self.key else f"api:anonymous@{self.address}"

    def may(self, permission: Permission) -> bool:
        return self.key is not None and permission in PERMISSIONS[self.key.role]


def identify(request: Request) -> Caller:
    """The caller of this request; a key that is present but unknown or revoked is refused."""
    header = request.headers.get("authorization", "")
    secret = header[7:].strip() if header.lower().startswith("bearer ") else request.headers.get("x-api-key", "").strip()
    secret = secret or request.cookies.get(SESSION_COOKIE, "")  # the web pages: key given once at /login
    address = request.client.host if request.client else "unknown"
    if not secret:
        return Caller(None, address)
    key = ApiKeys(request.app.state.service.store).authenticate(secret)
    if key is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown or revoked API key", headers={"WWW-Authenticate": "Bearer"})
    return Caller(key, address)


def require(permission: Permission) -> Callable[[Request], Caller]:
    """A route dependency: the caller, if their role grants ``permission``; else 401/403."""

    def check(request: Request) -> Caller:
        caller = identify(request)
        if caller.key is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "an API key is required", headers={"WWW-Authenticate": "Bearer"})
        if not caller.may(permission):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"role {caller.key.role.value!r} may not {permission.value}")
        return caller

    return check
