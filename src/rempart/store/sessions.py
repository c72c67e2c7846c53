"""Reviewers' browser sessions (/login): a random id in an HttpOnly cookie, only its keyed hash
stored.

The cookie never holds the API key itself, so a stolen cookie dies with its session (expiry,
/logout, or the key's revocation) and never reveals a key usable from elsewhere.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from rempart.store.keys import ApiKey, key_info
from rempart.store.models import ApiKeyRow, WebSessionRow, utcnow
from rempart.store.store import Store

_PURPOSE = "web-session"


class WebSessions:
    """Sessions kept in a `Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def start(self, key: ApiKey, hours: float) -> str:
        """A new session for ``key``; returns the cookie value (shown once, only its hash kept)."""
        secret = secrets.token_urlsafe(32)
        now = utcnow()
        with self.store.transaction() as session:
            session.execute(
                delete(WebSessionRow).where(WebSessionRow.expires_at < now)
            )  # tidy as we go
            session.add(
                WebSessionRow(
                    session_tag=self._tag(secret),
                    key_id=key.id,
                    created_at=now,
                    expires_at=now + timedelta(hours=hours),
                )
            )
            self.store.audit(session, f"api:{key.name}", "login", "session started")
        return secret

    def authenticate(self, secret: str) -> ApiKey | None:
        """The key behind a live session, or None (unknown, expired, or its key revoked)."""
        with self.store.session() as session:
            found = session.execute(
                select(WebSessionRow.expires_at, ApiKeyRow)
                .join(ApiKeyRow, ApiKeyRow.id == WebSessionRow.key_id)
                .where(WebSessionRow.session_tag == self._tag(secret))
            ).first()
        if found is None:
            return None
        expires_at, key_row = found
        if expires_at.tzinfo is None:  # SQLite hands back naive UTC
            expires_at = expires_at.replace(tzinfo=utcnow().tzinfo)
        if expires_at < utcnow() or key_row.revoked_at is not None:
            return None
        return key_info(key_row)

    def end(self, secret: str, actor: str) -> None:
        """End a session (logout)."""
        with self.store.transaction() as session:
            session.execute(
                delete(WebSessionRow).where(WebSessionRow.session_tag == self._tag(secret))
            )
            self.store.audit(session, actor, "logout", "session ended")

    def _tag(self, secret: str) -> str:
        return self.store.cipher.tag(_PURPOSE, secret.encode())
