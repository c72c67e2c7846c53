"""Victims' own registrations (the /protect page): a case number and a secret only she holds.

The case number and secret let her check the status or withdraw everything in one step; only a
keyed hash of the secret is stored. Withdrawal deletes the fingerprints of every entry of the case.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from rempart.signals.fingerprint import Fingerprint
from rempart.store.models import ProtectCaseRow, utcnow
from rempart.store.store import Consent, Store

_PURPOSE = "protect-secret"
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over the phone


@dataclass(frozen=True)
class ProtectCase:
    number: str
    photos: int
    created_at: datetime
    withdrawn_at: datetime | None


class ProtectCases:
    def __init__(self, store: Store, bank: str) -> None:
        self.store = store
        self.bank = bank

    def register(self, fingerprints: list[Fingerprint]) -> tuple[str, str]:
        """Register her photos' fingerprints; returns (case number, secret)."""
        if self.bank not in {b.name for b in self.store.list_banks()}:
            self.store.create_bank(self.bank, description="self-registrations from /protect", actor="protect")
        number = "RMP-" + "".join(secrets.choice(_ALPHABET) for _ in range(4)) + "-" + "".join(secrets.choice(_ALPHABET) for _ in range(4))
        secret = secrets.token_urlsafe(18)
        result = self.store.add_fingerprints(self.bank, fingerprints, consent=Consent("self", f"protect:{number}"), provenance="protect-page", actor=f"protect:{number}")
        entries = result.added + result.already_present
        with self.store._session() as session, session.begin():
            session.add(ProtectCaseRow(number=number, secret_tag=self._tag(secret), bank=self.bank, entry_ids=",".join(map(str, entries)), created_at=utcnow()))
        return number, secret

    def status(self, number: str, secret: str) -> ProtectCase | None:
        row = self._row(number, secret)
        if row is None:
            return None
        return ProtectCase(row.number, len([e for e in row.entry_ids.split(",") if e]), row.created_at, row.withdrawn_at)

    def withdraw(self, number: str, secret: str) -> int | None:
        """Delete every fingerprint of the case; None if the number or secret is wrong."""
        row = self._row(number, secret)
        if row is None:
            return None
        deleted = 0
        for entry in (int(e) for e in row.entry_ids.split(",") if e):
            deleted += self.store.withdraw(row.bank, entry, actor=f"protect:{number}")
        with self.store._session() as session, session.begin():
            stored = session.get(ProtectCaseRow, row.id)
            if stored is not None and stored.withdrawn_at is None:
                stored.withdrawn_at = utcnow()
        return deleted

    def _row(self, number: str, secret: str) -> ProtectCaseRow | None:
        with self.store._session() as session:
            row = session.scalar(select(ProtectCaseRow).where(ProtectCaseRow.number == number.strip().upper()))
        if row is None or not hmac.compare_digest(row.secret_tag, self._tag(secret.strip())):
            return None
        return row

    def _tag(self, secret: str) -> str:
        return self.store.cipher.tag(_PURPOSE, secret.encode())
