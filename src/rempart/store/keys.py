"""API keys for `rempart serve`: created with a role, shown once, stored only as a keyed hash,
revocable."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from rempart.errors import StoreError
from rempart.store.models import ApiKeyRow, utcnow
from rempart.store.store import Store

_PURPOSE = "api-key"


class Role(str, Enum):
    """Who holds a key; what each may do is in ``rempart.api.auth.PERMISSIONS``."""

    ADMIN = "admin"
    MODERATOR = "moderator"
    CASEWORKER = "caseworker"
    PLATFORM = "platform"


@dataclass(frozen=True)
class ApiKey:
    id: int
    name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None


class ApiKeys:
    """The API keys kept in a `Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, name: str, role: Role, *, actor: str = "cli") -> str:
        """A new key's secret (shown once; only its keyed hash is kept)."""
        secret = "rk_" + secrets.token_urlsafe(32)
        try:
            with self.store.transaction() as session:
                session.add(
                    ApiKeyRow(
                        name=name,
                        role=role.value,
                        secret_tag=self._tag(secret),
                        created_at=utcnow(),
                    )
                )
                self.store.audit(session, actor, "apikey.create", f"{name} ({role.value})")
        except IntegrityError as exc:
            raise StoreError(f"an API key named {name!r} already exists") from exc
        return secret

    def authenticate(self, secret: str) -> ApiKey | None:
        """The active key with this secret, or None."""
        with self.store.session() as session:
            row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.secret_tag == self._tag(secret)))
            if row is None or row.revoked_at is not None:
                return None
            return key_info(row)

    def list(self) -> list[ApiKey]:
        with self.store.session() as session:
            return [
                key_info(row) for row in session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id))
            ]

    def revoke(self, name: str, *, actor: str = "cli") -> None:
        with self.store.transaction() as session:
            row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.name == name))
            if row is None:
                raise StoreError(f"no API key named {name!r}")
            if row.revoked_at is None:
                row.revoked_at = utcnow()
            self.store.audit(session, actor, "apikey.revoke", name)

    def _tag(self, secret: str) -> str:
        return self.store.cipher.tag(_PURPOSE, secret.encode())


def key_info(row: ApiKeyRow) -> ApiKey:
    """A key row as the service sees it (never its secret)."""
    return ApiKey(row.id, row.name, Role(row.role), row.created_at, row.revoked_at)
