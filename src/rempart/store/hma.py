"""HMA's curation state kept beside the store's banks and entries: each bank's enabled ratio,
renaming and deleting banks, and per content item its enabled time, the signals HMA gave back,
a note and metadata (sealed), and the operator's signal type switches.

An entry added by Rempart's own routes has no row here and reads as HMA's defaults (enabled, no
note, no metadata). A deleted bank's entries are withdrawn (fingerprints shredded) and the bank
is renamed out of sight, so the matcher's change feed still sees the withdrawals.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from rempart.errors import BankExistsError, BankNotFoundError, EntryNotFoundError, StoreError
from rempart.signals.fingerprint import Fingerprint
from rempart.store.models import (
    BankRow,
    EntryRow,
    FingerprintRow,
    HmaContentRow,
    HmaSignalTypeRow,
)
from rempart.store.store import DELETED_BANK_PREFIX as DELETED_PREFIX
from rempart.store.store import Store, id_chunks
from rempart.store.values import Consent

NOTE = "hma-note"
METADATA = "hma-metadata"
SIGNALS = "hma-signals"
#: HMA's magic values of ``disable_until_ts``.
DISABLED, ENABLED = 0, 1


@dataclass(frozen=True)
class HmaBank:
    name: str
    matching_enabled_ratio: float

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "matching_enabled_ratio": self.matching_enabled_ratio}


@dataclass(frozen=True)
class HmaContent:
    """One active entry as HMA's content routes show it."""

    id: int
    bank: HmaBank
    disable_until_ts: int
    signals: dict[str, str]
    note: str | None
    metadata: dict[str, Any] | None

    def enabled(self, now: float | None = None) -> bool:
        """HMA's rule: 0 never, 1 always, else once that time has passed."""
        if self.disable_until_ts == DISABLED:
            return False
        if self.disable_until_ts == ENABLED:
            return True
        return self.disable_until_ts <= (time.time() if now is None else now)


def _forget_content(session: Session, entry_id: int) -> None:
    session.execute(delete(HmaContentRow).where(HmaContentRow.entry_id == entry_id))


Store.on_withdrawal(_forget_content)


class HmaCuration:
    """HMA's banks and content over a `Store` (see the module docstring)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- banks -------------------------------------------------------------------------------

    def banks(self) -> list[HmaBank]:
        """Every bank a caller can name (deleted ones left out), oldest first as HMA lists them."""
        with self.store.session() as session:
            rows = session.execute(
                select(BankRow.name, BankRow.matching_enabled_ratio).order_by(BankRow.id)
            ).all()
        return [HmaBank(n, float(r)) for n, r in rows if not n.startswith(DELETED_PREFIX)]

    def bank(self, name: str) -> HmaBank | None:
        with self.store.session() as session:
            try:
                row = self._row(session, name)
            except BankNotFoundError:
                return None
            return HmaBank(row.name, float(row.matching_enabled_ratio))

    def create_bank(self, name: str, ratio: float, *, actor: str) -> HmaBank:
        self.store.create_bank(name, actor=actor)
        if ratio != 1.0:
            self.update_bank(name, ratio=ratio, actor=actor)
        return HmaBank(name, ratio)

    def update_bank(
        self, name: str, *, new_name: str | None = None, ratio: float | None = None, actor: str
    ) -> HmaBank:
        """Rename a bank and/or set its enabled ratio; BankNotFoundError, or BankExistsError when
        the new name is taken."""
        with self.store.transaction() as session:
            row = self._row(session, name)
            if new_name is not None and new_name != row.name:
                if session.scalar(select(BankRow.id).where(BankRow.name == new_name)) is not None:
                    raise BankExistsError("Bank name already exists")
                row.name = new_name
            if ratio is not None:
                row.matching_enabled_ratio = ratio
            self.store.audit(
                session,
                actor,
                "bank.update",
                f"renamed from {name!r}" if row.name != name else f"ratio={ratio}",
                bank=row.name,
            )
            return HmaBank(row.name, float(row.matching_enabled_ratio))

    def delete_bank(self, name: str, *, actor: str) -> bool:
        """Withdraw every entry of the bank and put it out of sight; False if there was none."""
        with self.store.session() as session:
            try:
                bank_id = self._row(session, name).id
            except BankNotFoundError:
                return False
            active = list(
                session.scalars(
                    select(EntryRow.id).where(
                        EntryRow.bank_id == bank_id, EntryRow.withdrawn_at.is_(None)
                    )
                )
            )
        for entry_id in active:
            self.store.withdraw(name, entry_id, actor=actor)
        with self.store.transaction() as session:
            row = self._row(session, name)
            row.name = f"{DELETED_PREFIX}{bank_id}"
            self.store.audit(
                session, actor, "bank.delete", f"{len(active)} entries withdrawn", bank=name
            )
        return True

    def _row(self, session: Session, name: str) -> BankRow:
        """The store's bank row, a deleted bank's included as not found."""
        if name.startswith(DELETED_PREFIX):
            raise BankNotFoundError(f"no bank named {name!r}")
        return self.store._bank_row(session, name)

    # -- content -----------------------------------------------------------------------------

    def add_content(
        self,
        bank: str,
        fingerprint: Fingerprint,
        signals: dict[str, str],
        *,
        note: str | None,
        metadata: dict[str, Any] | None,
        actor: str,
    ) -> int:
        """A new entry (never de-duplicated, as HMA) with its HMA row, in one transaction."""
        cipher = self.store.cipher

        def keep(session: Session, ids: list[int]) -> None:
            session.add(
                HmaContentRow(
                    entry_id=ids[0],
                    disable_until_ts=ENABLED,
                    signals=cipher.seal_text(SIGNALS, json.dumps(signals)),
                    note=cipher.seal_text(NOTE, note) if note else "",
                    user_metadata=cipher.seal_text(METADATA, json.dumps(metadata))
                    if metadata
                    else "",
                )
            )

        result = self.store.add_fingerprints(
            bank,
            [fingerprint],
            consent=Consent("platform", actor),
            provenance="hma-api",
            actor=actor,
            dedupe=False,
            on_added=keep,
        )
        if not result.added:
            raise StoreError("the content could not be added")
        return result.added[0]

    def contents(self, ids: Iterable[int]) -> dict[int, HmaContent]:
        """The active entries among ``ids`` with their bank and HMA state."""
        found: dict[int, HmaContent] = {}
        cipher = self.store.cipher
        with self.store.session() as session:
            for chunk in id_chunks(dict.fromkeys(int(i) for i in ids)):
                rows = session.execute(
                    select(EntryRow.id, BankRow.name, BankRow.matching_enabled_ratio, HmaContentRow)
                    .join(BankRow, EntryRow.bank_id == BankRow.id)
                    .outerjoin(HmaContentRow, HmaContentRow.entry_id == EntryRow.id)
                    .where(EntryRow.id.in_(chunk), EntryRow.withdrawn_at.is_(None))
                ).all()
                for entry_id, bank, ratio, extra in rows:
                    note = cipher.open_text(NOTE, extra.note) if extra and extra.note else None
                    meta = (
                        json.loads(cipher.open_text(METADATA, extra.user_metadata))
                        if extra and extra.user_metadata
                        else None
                    )
                    signals = (
                        json.loads(cipher.open_text(SIGNALS, extra.signals))
                        if extra and extra.signals
                        else {}
                    )
                    found[int(entry_id)] = HmaContent(
                        int(entry_id),
                        HmaBank(bank, float(ratio)),
                        extra.disable_until_ts if extra else ENABLED,
                        signals,
                        note,
                        meta,
                    )
        return found

    def update_content(
        self,
        entry_id: int,
        *,
        disable_until_ts: int | None = None,
        note: str | None = None,
        set_note: bool = False,
        actor: str,
    ) -> HmaContent:
        """Set when the content matches again and/or its note (``set_note``: even to none)."""
        with self.store.transaction() as session:
            entry = session.get(EntryRow, entry_id)
            if entry is None or entry.withdrawn_at is not None:
                raise EntryNotFoundError(f"content '{entry_id}' not found")
            row = session.get(HmaContentRow, entry_id)
            if row is None:
                row = HmaContentRow(
                    entry_id=entry_id,
                    disable_until_ts=ENABLED,
                    signals="",
                    note="",
                    user_metadata="",
                )
                session.add(row)
            if disable_until_ts is not None:
                row.disable_until_ts = disable_until_ts
            if set_note:
                row.note = self.store.cipher.seal_text(NOTE, note) if note else ""
            self.store.audit(
                session,
                actor,
                "entry.update",
                f"disable_until_ts={row.disable_until_ts}",
                entry_id=entry_id,
            )
        return self.contents([entry_id])[entry_id]

    def delete_content(self, bank: str, entry_id: int, *, actor: str) -> int:
        """Withdraw one content item of ``bank``: 1, or 0 when it is not there (HMA's count)."""
        content = self.contents([entry_id]).get(entry_id)
        if content is None or content.bank.name != bank:
            return 0
        try:
            self.store.withdraw(bank, entry_id, actor=actor)
        except EntryNotFoundError:
            return 0
        return 1

    def changes(
        self, bank: str, after_id: int, removed_after: int, limit: int
    ) -> tuple[list[int], list[tuple[int, int]], bool]:
        """A page of a bank's changes for another instance: active entry ids after ``after_id``,
        (entry id, withdrawal generation) of those withdrawn after ``removed_after``, and
        whether more follow."""
        with self.store.session() as session:
            bank_id = self._row(session, bank).id
            added = list(
                session.scalars(
                    select(EntryRow.id)
                    .where(
                        EntryRow.bank_id == bank_id,
                        EntryRow.withdrawn_at.is_(None),
                        EntryRow.id > after_id,
                    )
                    .order_by(EntryRow.id)
                    .limit(limit + 1)
                )
            )
            removed = [
                (int(i), int(g or 0))
                for i, g in session.execute(
                    select(EntryRow.id, EntryRow.withdrawn_gen)
                    .where(EntryRow.bank_id == bank_id, EntryRow.withdrawn_gen > removed_after)
                    .order_by(EntryRow.withdrawn_gen, EntryRow.id)
                    .limit(limit + 1)
                )
            ]
        more = len(added) > limit or len(removed) > limit
        return [int(i) for i in added[:limit]], removed[:limit], more

    def signal_counts(self) -> dict[str, tuple[int, int]]:
        """Per stored signal: active entries holding it, and the newest one's Unix time."""
        with self.store.session() as session:
            rows = session.execute(
                select(
                    FingerprintRow.signal,
                    func.count(func.distinct(EntryRow.id)),
                    func.max(EntryRow.created_at),
                )
                .join(EntryRow, FingerprintRow.entry_id == EntryRow.id)
                .where(EntryRow.withdrawn_at.is_(None))
                .group_by(FingerprintRow.signal)
            ).all()
        return {
            str(signal): (int(count), int(_as_utc(newest).timestamp()) if newest else -1)
            for signal, count, newest in rows
        }

    # -- signal types ------------------------------------------------------------------------

    def signal_type_ratios(self) -> dict[str, float]:
        with self.store.session() as session:
            return {
                str(n): float(r)
                for n, r in session.execute(
                    select(HmaSignalTypeRow.name, HmaSignalTypeRow.enabled_ratio)
                )
            }

    def set_signal_type_ratio(self, name: str, ratio: float, *, actor: str) -> None:
        with self.store.transaction() as session:
            row = session.get(HmaSignalTypeRow, name)
            if row is None:
                session.add(HmaSignalTypeRow(name=name, enabled_ratio=ratio))
            else:
                row.enabled_ratio = ratio
            self.store.audit(session, actor, "signal_type.update", f"{name} ratio={ratio}")


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
