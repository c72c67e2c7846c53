"""Signal exchanges kept in the store: each one's configuration, its API's credentials (sealed),
its fetch progress and checkpoint, and which entry holds each item it delivered.

An exchange fills the bank of the same name. A fetched page is committed whole: its new entries,
their item keys and the checkpoint after the page in one transaction, so a fetch that stops
half-way resumes from the last committed page without losing or duplicating an item.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from rempart.errors import BankExistsError, StoreError
from rempart.signals.fingerprint import Fingerprint
from rempart.store.models import (
    ExchangeCredentialRow,
    ExchangeItemRow,
    ExchangeRow,
    utcnow,
)
from rempart.store.store import Store, id_chunks
from rempart.store.values import Consent

CREDENTIALS = "exchange-credentials"


@dataclass(frozen=True)
class ExchangeInfo:
    """One exchange as stored: its name (= its bank), API, configuration and fetch state."""

    name: str
    api: str
    config: dict[str, Any]
    enabled: bool
    checkpoint: dict[str, Any] | None
    checkpoint_ts: int | None
    running_fetch_start_ts: int | None
    last_fetch_complete_ts: int | None
    last_fetch_succeeded: bool | None
    up_to_date: bool
    fetched_items: int
    last_error: str

    def status(self) -> dict[str, Any]:
        """HMA's ``FetchStatus`` fields."""
        return {
            "checkpoint_ts": self.checkpoint_ts,
            "running_fetch_start_ts": self.running_fetch_start_ts,
            "last_fetch_complete_ts": self.last_fetch_complete_ts,
            "last_fetch_succeeded": self.last_fetch_succeeded,
            "up_to_date": self.up_to_date,
            "fetched_items": self.fetched_items,
        }


def _info(row: ExchangeRow) -> ExchangeInfo:
    return ExchangeInfo(
        row.name,
        row.api,
        json.loads(row.config or "{}"),
        bool(row.enabled),
        json.loads(row.checkpoint) if row.checkpoint else None,
        row.checkpoint_ts,
        row.running_fetch_start_ts,
        row.last_fetch_complete_ts,
        row.last_fetch_succeeded,
        bool(row.up_to_date),
        int(row.fetched_items or 0),
        row.last_error or "",
    )


def _now() -> int:
    return int(utcnow().timestamp())


class Exchanges:
    """The exchanges kept in a `Store` (see the module docstring)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- configuration -----------------------------------------------------------------------

    def create(self, name: str, api: str, config: dict[str, Any], *, actor: str) -> ExchangeInfo:
        """The exchange and its bank; BankExistsError when either name is taken."""
        self.store.create_bank(name, description=f"exchange {api}", actor=actor)
        with self.store.transaction() as session:
            if session.get(ExchangeRow, name) is not None:
                raise BankExistsError(f"an exchange named {name!r} already exists")
            row = ExchangeRow(
                name=name,
                api=api,
                config=json.dumps(config),
                enabled=bool(config.get("enabled", True)),
                checkpoint="",
                up_to_date=False,
                fetched_items=0,
                last_error="",
            )
            session.add(row)
            self.store.audit(session, actor, "exchange.create", api, bank=name)
        return self.get(name)

    def names(self) -> list[str]:
        with self.store.session() as session:
            return list(session.scalars(select(ExchangeRow.name).order_by(ExchangeRow.name)))

    def find(self, name: str) -> ExchangeInfo | None:
        with self.store.session() as session:
            row = session.get(ExchangeRow, name)
            return None if row is None else _info(row)

    def get(self, name: str) -> ExchangeInfo:
        found = self.find(name)
        if found is None:
            raise StoreError(f"Exchange '{name}' not found")
        return found

    def set_enabled(self, name: str, enabled: bool, *, actor: str) -> ExchangeInfo:
        with self.store.transaction() as session:
            row = self._row(session, name)
            row.enabled = enabled
            config = json.loads(row.config or "{}")
            config["enabled"] = enabled
            row.config = json.dumps(config)
            self.store.audit(session, actor, "exchange.update", f"enabled={enabled}", bank=name)
        return self.get(name)

    def delete(self, name: str, *, actor: str) -> bool:
        """Forget the exchange and its item keys (its bank stays, to delete on its own)."""
        with self.store.transaction() as session:
            row = session.get(ExchangeRow, name)
            if row is None:
                return False
            session.execute(delete(ExchangeItemRow).where(ExchangeItemRow.exchange == name))
            session.delete(row)
            self.store.audit(session, actor, "exchange.delete", "", bank=name)
        return True

    @staticmethod
    def _row(session: Session, name: str) -> ExchangeRow:
        row = session.get(ExchangeRow, name)
        if row is None:
            raise StoreError(f"Exchange '{name}' not found")
        return row

    # -- credentials -------------------------------------------------------------------------

    def credentials(self, api: str) -> dict[str, Any] | None:
        with self.store.session() as session:
            row = session.get(ExchangeCredentialRow, api)
            if row is None or not row.credentials:
                return None
            return dict(json.loads(self.store.cipher.open_text(CREDENTIALS, row.credentials)))

    def set_credentials(self, api: str, credentials: dict[str, Any] | None, *, actor: str) -> None:
        with self.store.transaction() as session:
            row = session.get(ExchangeCredentialRow, api)
            sealed = (
                self.store.cipher.seal_text(CREDENTIALS, json.dumps(credentials))
                if credentials
                else ""
            )
            if row is None:
                session.add(ExchangeCredentialRow(api=api, credentials=sealed))
            else:
                row.credentials = sealed
            self.store.audit(
                session, actor, "exchange.credentials", f"{api} {'set' if sealed else 'cleared'}"
            )

    # -- fetching ----------------------------------------------------------------------------

    def start_fetch(self, name: str) -> None:
        with self.store.transaction() as session:
            row = self._row(session, name)
            row.running_fetch_start_ts = _now()

    def finish_fetch(self, name: str, *, up_to_date: bool, error: str = "") -> None:
        with self.store.transaction() as session:
            row = session.get(ExchangeRow, name)
            if row is None:
                return
            row.running_fetch_start_ts = None
            row.last_fetch_complete_ts = _now()
            row.last_fetch_succeeded = not error
            row.up_to_date = up_to_date and not error
            row.last_error = error[:500]

    def known_items(self, name: str, keys: Sequence[str]) -> dict[str, int]:
        """Of ``keys``, those the exchange already delivered, with their entries."""
        found: dict[str, int] = {}
        with self.store.session() as session:
            for chunk in id_chunks(keys):
                found.update(
                    (str(k), int(e))
                    for k, e in session.execute(
                        select(ExchangeItemRow.item_key, ExchangeItemRow.entry_id).where(
                            ExchangeItemRow.exchange == name, ExchangeItemRow.item_key.in_(chunk)
                        )
                    )
                )
        return found

    def forget_items(self, name: str, keys: Iterable[str]) -> None:
        with self.store.transaction() as session:
            for chunk in id_chunks(list(keys)):
                session.execute(
                    delete(ExchangeItemRow).where(
                        ExchangeItemRow.exchange == name, ExchangeItemRow.item_key.in_(chunk)
                    )
                )

    def commit_page(
        self,
        name: str,
        items: list[tuple[str, Fingerprint]],
        checkpoint: dict[str, Any],
        checkpoint_ts: int | None,
        *,
        actor: str,
    ) -> int:
        """Add the page's new items as entries of the exchange's bank and move the checkpoint,
        in one transaction; how many entries were added."""

        def record(session: Session, ids: list[int]) -> None:
            session.add_all(
                ExchangeItemRow(exchange=name, item_key=key, entry_id=entry_id)
                for (key, _), entry_id in zip(items, ids, strict=True)
            )
            self._move_checkpoint(session, name, checkpoint, checkpoint_ts, len(ids))

        if not items:
            with self.store.transaction() as session:
                self._move_checkpoint(session, name, checkpoint, checkpoint_ts, 0)
            return 0
        result = self.store.add_fingerprints(
            name,
            [fingerprint for _, fingerprint in items],
            consent=Consent("exchange", actor),
            provenance=f"exchange:{name}",
            actor=actor,
            dedupe=False,
            on_added=record,
        )
        return len(result.added)

    @staticmethod
    def _move_checkpoint(
        session: Session, name: str, checkpoint: dict[str, Any], ts: int | None, added: int
    ) -> None:
        row = Exchanges._row(session, name)
        row.checkpoint = json.dumps(checkpoint)
        row.checkpoint_ts = ts
        row.fetched_items = int(row.fetched_items or 0) + added

    def items_of(self, entry_id: int) -> dict[str, list[str]]:
        """The exchanges that delivered an entry, with their item keys (HMA's ``collab``)."""
        with self.store.session() as session:
            found: dict[str, list[str]] = {}
            for exchange, key in session.execute(
                select(ExchangeItemRow.exchange, ExchangeItemRow.item_key).where(
                    ExchangeItemRow.entry_id == entry_id
                )
            ):
                found.setdefault(str(exchange), []).append(str(key))
            return found
