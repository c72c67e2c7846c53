"""Victims' own registrations (the /protect page): a case number and a secret only she holds.

The case number and secret let her check the status or withdraw everything in one step; only a
keyed hash of the secret is stored. A case owns the entries it created and only those: a
registration of a photo someone else registered gets entries of its own (never a link to hers),
so withdrawing a case can never touch another case's entries. Its status counts the entries
that are still active, so it tells the truth even after someone else withdrew one.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from rempart.errors import ImportFormatError
from rempart.settings import Settings
from rempart.signals.fingerprint import Fingerprint, check_submitted
from rempart.signals.registry import browser_signals
from rempart.store.models import EntryRow, ProtectCaseRow, utcnow
from rempart.store.store import Consent, Store

_PURPOSE = "protect-secret"
#: What her browser sends: photos' SHA-256, PDQ and local features — never media, never video.
ALLOWED_SIGNALS = browser_signals()
#: Photos one registration may hold.
MAX_PHOTOS = 50
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over the phone


def parse_registration(payload: object, settings: Settings) -> list[Fingerprint]:
    """The fingerprints of a /protect registration body, each checked as Rempart would compute it.

    Raises ImportFormatError for anything else: not an object with 1 to ``MAX_PHOTOS``
    fingerprints, another signal, a video, or values Rempart never computes (``check_submitted``).
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("fingerprints"), list):
        raise ImportFormatError('expected {"fingerprints": [...]}')
    items = payload["fingerprints"]
    if not 1 <= len(items) <= MAX_PHOTOS:
        raise ImportFormatError(f"a registration holds 1 to {MAX_PHOTOS} photos")
    prints = []
    for number, item in enumerate(items, start=1):
        fingerprint = Fingerprint.from_dict(item)
        if (
            not fingerprint.values
            or {v.signal for v in fingerprint.values} - ALLOWED_SIGNALS
            or fingerprint.kind == "video"
        ):
            raise ImportFormatError(
                f"photo {number}: only photos' SHA-256, PDQ and local-feature values are accepted "
                "here"
            )
        check_submitted(fingerprint, settings, registering=True, where=f"photo {number}")
        prints.append(fingerprint)
    return prints


@dataclass(frozen=True)
class ProtectCase:
    number: str
    #: Entries of the case still active (matching).
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
            self.store.create_bank(
                self.bank, description="self-registrations from /protect", actor="protect"
            )
        number = (
            "RMP-"
            + "".join(secrets.choice(_ALPHABET) for _ in range(4))
            + "-"
            + "".join(secrets.choice(_ALPHABET) for _ in range(4))
        )
        secret = secrets.token_urlsafe(18)
        result = self.store.add_fingerprints(
            self.bank,
            fingerprints,
            consent=Consent("self", f"protect:{number}"),
            provenance="protect-page",
            actor=f"protect:{number}",
            dedupe=False,
        )
        entries = list(
            dict.fromkeys(result.added + result.already_present)
        )  # only entries of this batch: dedupe=False
        with self.store.transaction() as session:
            session.add(
                ProtectCaseRow(
                    number=number,
                    secret_tag=self._tag(secret),
                    bank=self.bank,
                    entry_ids=",".join(map(str, entries)),
                    created_at=utcnow(),
                )
            )
        return number, secret

    def status(self, number: str, secret: str) -> ProtectCase | None:
        row = self._row(number, secret)
        if row is None:
            return None
        with self.store.session() as session:
            active = (
                session.scalar(
                    select(func.count()).where(
                        EntryRow.id.in_(_ids(row)), EntryRow.withdrawn_at.is_(None)
                    )
                )
                or 0
            )
        return ProtectCase(row.number, int(active), row.created_at, row.withdrawn_at)

    def withdraw(self, number: str, secret: str) -> int | None:
        """Delete every fingerprint of the case; None if the number or secret is wrong."""
        row = self._row(number, secret)
        if row is None:
            return None
        deleted = 0
        for entry in _ids(row):
            deleted += self.store.withdraw(row.bank, entry, actor=f"protect:{number}")
        with self.store.transaction() as session:
            stored = session.get(ProtectCaseRow, row.id)
            if stored is not None and stored.withdrawn_at is None:
                stored.withdrawn_at = utcnow()
        return deleted

    def entries(self, number: str, secret: str) -> list[int] | None:
        """The entries her case registered; None if the number or secret is wrong."""
        row = self._row(number, secret)
        return None if row is None else _ids(row)

    def _row(self, number: str, secret: str) -> ProtectCaseRow | None:
        with self.store.session() as session:
            row = session.scalar(
                select(ProtectCaseRow).where(ProtectCaseRow.number == number.strip().upper())
            )
        if row is None or not hmac.compare_digest(row.secret_tag, self._tag(secret.strip())):
            return None
        return row

    def _tag(self, secret: str) -> str:
        return self.store.cipher.tag(_PURPOSE, secret.encode())


def _ids(row: ProtectCaseRow) -> list[int]:
    """The entries the case created."""
    return [int(e) for e in row.entry_ids.split(",") if e]
