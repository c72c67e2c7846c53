"""The store: banks, entries and their encrypted fingerprints, the audit log; one API over SQLite or
PostgreSQL.

Every read of fingerprint values (index loading) and every change is written to the audit log.
Withdrawing an entry deletes its fingerprints and keeps only a tombstone (dates). Every write to
banks and entries increments the store generation in the same transaction and stamps the
entries it adds or withdraws with it, so a running matcher applies just those changes.
Entry labels and provenance (victims' file names) are sealed like fingerprints. The SQLite
file is created readable by its owner only.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from sqlalchemy import Connection, Engine, Select, delete, func, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from rempart.errors import (
    BankExistsError,
    BankNotFoundError,
    ConfigError,
    EntryNotFoundError,
    StoreError,
)
from rempart.settings import Settings
from rempart.signals.fingerprint import Fingerprint, SignalValue
from rempart.store.chain import record_hash
from rempart.store.changes import CHANNEL, ChangeFeed
from rempart.store.crypto import FingerprintCipher, load_or_create_key
from rempart.store.database import make_engine, migrate
from rempart.store.models import (
    AuditChainRow,
    AuditRow,
    BankRow,
    Base,
    EntryIdentityRow,
    EntryRow,
    FingerprintRow,
    GenerationRow,
    MetaRow,
    utcnow,
)
from rempart.store.values import AddResult, BankInfo, Consent, EntryInfo, StoredFingerprint

T = TypeVar("T")

#: A deleted bank's name while its withdrawn entries remain (no bank a caller names has a ':').
DELETED_BANK_PREFIX = "rempart:deleted:"

#: Purposes sealed text columns are bound to (a value sealed for one cannot be opened as another).
LABEL = "entry-label"
PROVENANCE = "entry-provenance"
#: Entries registered per bulk statement.
REGISTER_CHUNK = 5_000
#: Rows fetched from the database at a time when streaming fingerprint values.
STREAM_BATCH = 20_000
#: Bind parameters per IN (...) query: under SQLite's and PostgreSQL's limits.
ID_CHUNK = 10_000


def id_chunks(ids: Iterable[T], size: int = ID_CHUNK) -> Iterator[list[T]]:
    """``ids`` (duplicates dropped, in order) in lists short enough for one ``IN (...)`` each."""
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), size):
        yield unique[start : start + size]


def _imported(external_id: str | None, actor: str) -> dict[str, object]:
    """The fields of an entry imported from a bank file."""
    return {
        "label": external_id or "",
        "kind": "hash",
        "external_id": external_id,
        "consent_basis": "imported",
        "consent_recorded_by": actor,
    }


def _raw_value(value: SignalValue) -> bytes:
    return bytes.fromhex(value.value)


class Store:
    """Curation role: owns banks, entries and fingerprints."""

    def __init__(self, engine: Engine, cipher: FingerprintCipher, settings: Settings) -> None:
        self.engine = engine
        self.cipher = cipher
        self.settings = settings
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # SQLite has one writer at a time, and a writer that finds the file locked sleeps and
        # retries (1, 2, 5… 100 ms): threads of one process queue on a lock instead, and the
        # next one starts the moment the last commits. PostgreSQL needs no such thing.
        self._sqlite_writes = threading.RLock() if engine.dialect.name == "sqlite" else None

    @classmethod
    def open(cls, settings: Settings) -> Store:
        """Open (and create or migrate) the store the settings point to."""
        url = settings.resolved_database_url
        if url.startswith("sqlite") and not settings.database_url:
            settings.ensure_data_dir()
        _private_sqlite_file(url)
        engine = make_engine(url)
        migrate(engine)
        store = cls(engine, FingerprintCipher(load_or_create_key(settings)), settings)
        store._check_key()
        store._seal_legacy_text()
        return store

    def close(self) -> None:
        self.engine.dispose()

    def session(self) -> Session:
        """A session for reads (``with store.session() as session: ...``)."""
        return self._sessions()

    @contextmanager
    def _one_writer(self) -> Iterator[None]:
        if self._sqlite_writes is None:
            yield
            return
        with self._sqlite_writes:
            yield

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session inside one transaction: committed when the block ends, rolled back if it
        raises."""
        with self._one_writer(), self._sessions() as session, session.begin():
            yield session
            self._append_audit(session)

    @contextmanager
    def core_transaction(self) -> Iterator[Connection]:
        """A Core connection inside one transaction (single statements where the ORM's unit of
        work costs more than the statement: the bot's ledger); nothing it does is audited."""
        with self._one_writer(), self.engine.begin() as connection:
            yield connection

    # Concerns stored beside banks (scan results…) register what withdrawal and legacy sealing must
    # also do to their own tables, so the store never reaches into them.
    _withdrawal_cleanups: ClassVar[list[Callable[[Session, int], None]]] = []
    _legacy_sealers: ClassVar[list[Callable[[Session, FingerprintCipher], None]]] = []

    @classmethod
    def on_withdrawal(cls, cleanup: Callable[[Session, int], None]) -> None:
        """Run ``cleanup(session, entry_id)`` inside every withdrawal's transaction."""
        cls._withdrawal_cleanups.append(cleanup)

    @classmethod
    def on_legacy_sealing(cls, sealer: Callable[[Session, FingerprintCipher], None]) -> None:
        """Run ``sealer(session, cipher)`` when a store written before sealing existed is first
        opened."""
        cls._legacy_sealers.append(sealer)

    def _check_key(self) -> None:
        with self.transaction() as session:
            row = session.get(MetaRow, "key_check")
            if row is None:
                session.add(MetaRow(key="key_check", value=self.cipher.check_value))
            elif row.value != self.cipher.check_value:
                raise ConfigError(
                    "this store was encrypted with another key: set REMPART_SECRET_KEY or restore "
                    "DATA_DIR/secret.key"
                )

    def _seal_legacy_text(self) -> None:
        """Seal text columns written in clear by versions before sealing existed (once per
        store)."""
        with self.transaction() as session:
            if session.get(MetaRow, "sealed_text") is not None:
                return
            for entry in session.scalars(select(EntryRow)):
                entry.label = self.cipher.seal_text(
                    LABEL, self.cipher.open_text(LABEL, entry.label)
                )
                entry.provenance = self.cipher.seal_text(
                    PROVENANCE, self.cipher.open_text(PROVENANCE, entry.provenance)
                )
            for sealer in self._legacy_sealers:
                sealer(session, self.cipher)
            session.add(MetaRow(key="sealed_text", value="1"))

    # -- generations (the matcher's change feed) ----------------------------------------------

    def _next_generation(self, session: Session) -> int:
        """Increment the store generation inside the caller's transaction (its row lock orders
        writers)."""
        value = session.execute(
            update(GenerationRow)
            .where(GenerationRow.id == 1)
            .values(value=GenerationRow.value + 1)
            .returning(GenerationRow.value)
        ).scalar_one()
        if (
            self.engine.dialect.name == "postgresql"
        ):  # delivered to listeners when this transaction commits
            session.execute(select(func.pg_notify(CHANNEL, str(value))))
        return int(value)

    def changes(self) -> ChangeFeed:
        """A feed that wakes its reader when another process commits a change (see
        ``rempart.store.changes``)."""
        return ChangeFeed(self.engine)

    def generation(self) -> int:
        """The generation of the last committed write to banks or entries."""
        with self.session() as session:
            return int(
                session.scalar(select(GenerationRow.value).where(GenerationRow.id == 1)) or 0
            )

    def withdrawn_between(self, after: int, upto: int) -> list[int]:
        """Entries withdrawn by writes of generations ``after`` < g ≤ ``upto``."""
        with self.session() as session:
            return [
                int(i)
                for i in session.scalars(
                    select(EntryRow.id).where(
                        EntryRow.withdrawn_gen > after, EntryRow.withdrawn_gen <= upto
                    )
                )
            ]

    # -- banks -------------------------------------------------------------------------------

    def create_bank(
        self,
        name: str,
        *,
        description: str = "",
        pdq_threshold: int | None = None,
        actor: str = "cli",
    ) -> BankInfo:
        """Create an empty bank."""
        name = name.strip()
        if not name or len(name) > 100:
            raise StoreError("a bank name must be 1 to 100 characters")
        threshold = self.settings.pdq_threshold if pdq_threshold is None else pdq_threshold
        if not 0 <= threshold <= 128:
            raise StoreError("the PDQ threshold must be between 0 and 128")
        try:
            with self.transaction() as session:
                bank = BankRow(
                    name=name, description=description, pdq_threshold=threshold, created_at=utcnow()
                )
                session.add(bank)
                session.flush()
                self._next_generation(session)
                self.audit(session, actor, "bank.create", f"pdq_threshold={threshold}", bank=name)
        except IntegrityError as exc:
            raise BankExistsError(f"a bank named {name!r} already exists") from exc
        return BankInfo(name, description, threshold, bank.created_at)

    def list_banks(self) -> list[BankInfo]:
        """Every bank with entry and fingerprint counts."""
        with self.session() as session:
            banks = session.scalars(select(BankRow).order_by(BankRow.name)).all()
            active = dict(
                session.execute(
                    select(EntryRow.bank_id, func.count())
                    .where(EntryRow.withdrawn_at.is_(None))
                    .group_by(EntryRow.bank_id)
                ).all()
            )
            withdrawn = dict(
                session.execute(
                    select(EntryRow.bank_id, func.count())
                    .where(EntryRow.withdrawn_at.is_not(None))
                    .group_by(EntryRow.bank_id)
                ).all()
            )
            prints = dict(
                session.execute(
                    select(EntryRow.bank_id, func.count(FingerprintRow.id))
                    .join(FingerprintRow)
                    .group_by(EntryRow.bank_id)
                ).all()
            )
            return [
                BankInfo(
                    b.name,
                    b.description,
                    b.pdq_threshold,
                    b.created_at,
                    active.get(b.id, 0),
                    withdrawn.get(b.id, 0),
                    prints.get(b.id, 0),
                )
                for b in banks
                if not b.name.startswith(DELETED_BANK_PREFIX)
            ]

    def bank_thresholds(self) -> dict[str, int]:
        """Each bank's PDQ threshold, by name (no counts: cheap enough for every matcher
        refresh)."""
        with self.session() as session:
            return {
                str(name): int(threshold)
                for name, threshold in session.execute(select(BankRow.name, BankRow.pdq_threshold))
            }

    def get_bank(self, name: str) -> BankInfo:
        """One bank by name."""
        for bank in self.list_banks():
            if bank.name == name:
                return bank
        raise BankNotFoundError(f"no bank named {name!r} (see `rempart bank list`)")

    def _bank_row(self, session: Session, name: str) -> BankRow:
        bank = session.scalar(select(BankRow).where(BankRow.name == name))
        if bank is None:
            raise BankNotFoundError(f"no bank named {name!r} (see `rempart bank list`)")
        return bank

    # -- entries -----------------------------------------------------------------------------

    def add_fingerprints(
        self,
        bank_name: str,
        fingerprints: Iterable[Fingerprint],
        *,
        consent: Consent = Consent(),
        provenance: str = "",
        actor: str = "cli",
        dedupe: bool = True,
        on_added: Callable[[Session, list[int]], None] | None = None,
    ) -> AddResult:
        """Register each fingerprint as one entry, all or nothing; a file already in the bank is
        skipped. ``on_added(session, ids)`` runs in the same transaction with the new entries' ids
        (a caller's own rows about them commit with them or not at all).

        "Already in the bank" means an active entry with the same SHA-256, so re-running an
        interrupted or repeated add never duplicates entries. With ``dedupe`` False only repeats
        inside this batch are skipped: a registration that must own its entries (a victim's
        case) never attaches itself to someone else's.
        """
        batch = (
            (
                {
                    "label": fp.source[:300],
                    "kind": fp.kind[:20],
                    "consent_basis": consent.basis[:50],
                    "consent_recorded_by": consent.recorded_by[:200],
                },
                fp.values,
                fp.of_signal("sha256"),
            )
            for fp in fingerprints
        )
        return self._register(
            bank_name,
            batch,
            action="entry.add",
            provenance=provenance,
            actor=actor,
            dedupe=dedupe,
            on_added=on_added,
        )

    def import_values(
        self,
        bank_name: str,
        rows: Sequence[tuple[str | None, SignalValue]],
        *,
        provenance: str,
        actor: str = "cli",
    ) -> AddResult:
        """Register hash-only entries (external id, value) from a bank file; all or nothing.

        A value the bank already holds in an active entry is skipped, so re-importing is safe.
        """
        batch = ((_imported(external_id, actor), [value], [value]) for external_id, value in rows)
        return self._register(
            bank_name, batch, action="entry.import", provenance=provenance, actor=actor
        )

    def import_videos(
        self,
        bank_name: str,
        rows: Sequence[tuple[str | None, Sequence[SignalValue], str]],
        *,
        provenance: str,
        actor: str = "cli",
    ) -> AddResult:
        """Register videos given by their frame PDQ values (a vPDQ bank file): one entry per
        (external id, frame values, identity); the identity (a digest of the whole vPDQ value)
        makes re-importing safe. All or nothing."""
        batch = (
            (_imported(external_id, actor), list(values), [SignalValue("vpdq", identity)])
            for external_id, values, identity in rows
        )
        return self._register(
            bank_name, batch, action="entry.import", provenance=provenance, actor=actor
        )

    def _register(
        self,
        bank_name: str,
        batch: Iterable[tuple[Mapping[str, object], Sequence[SignalValue], Sequence[SignalValue]]],
        *,
        action: str,
        provenance: str,
        actor: str,
        dedupe: bool = True,
        on_added: Callable[[Session, list[int]], None] | None = None,
    ) -> AddResult:
        """Create one entry per (entry fields, values, identity values) in one transaction.

        An item whose identity values an active entry of the bank already holds is not added
        (with ``dedupe`` False: an entry added earlier in this same batch).
        """
        items = list(batch)
        for attempt in range(3):
            try:
                return self._register_once(
                    bank_name,
                    items,
                    action=action,
                    provenance=provenance,
                    actor=actor,
                    dedupe=dedupe,
                    on_added=on_added,
                )
            except IntegrityError:
                if attempt == 2:  # a concurrent add of the same file won each time: it is there now
                    raise StoreError(
                        f"could not add entries to {bank_name!r}: concurrent writes kept colliding"
                    ) from None
            except SQLAlchemyError as exc:
                raise StoreError(f"could not add entries to {bank_name!r}: {exc}") from exc
        raise AssertionError("unreachable")

    def _register_once(
        self,
        bank_name: str,
        items: list[tuple[Mapping[str, object], Sequence[SignalValue], Sequence[SignalValue]]],
        *,
        action: str,
        provenance: str,
        actor: str,
        dedupe: bool,
        on_added: Callable[[Session, list[int]], None] | None,
    ) -> AddResult:
        added: list[int] = []
        present: list[int] = []
        in_batch: dict[tuple[str, str], int] = {}
        with self.transaction() as session:
            generation = self._next_generation(
                session
            )  # first: takes the write lock before anything is read
            bank = self._bank_row(session, bank_name)
            sealed_provenance = self.cipher.seal_text(PROVENANCE, provenance)
            for start in range(
                0, len(items), REGISTER_CHUNK
            ):  # bulk statements: millions of hashes import in minutes
                chunk = items[start : start + REGISTER_CHUNK]
                tags = [
                    list(
                        dict.fromkeys(
                            (v.signal, self.cipher.tag(v.signal, _raw_value(v))) for v in identity
                        )
                    )
                    for _, _, identity in chunk
                ]
                known = (
                    self._existing_entries(
                        session, bank.id, [t for item_tags in tags for t in item_tags]
                    )
                    if dedupe
                    else {}
                )
                new: list[int] = []  # positions in the chunk of the items that become entries
                first_of: dict[
                    tuple[str, str], int
                ] = {}  # identity → position of the chunk's first item holding it
                repeats: list[
                    int
                ] = []  # positions of this chunk's first items that later items repeat
                for position, item_tags in enumerate(tags):
                    existing = next(
                        (
                            in_batch.get(t, known.get(t))
                            for t in item_tags
                            if t in in_batch or t in known
                        ),
                        None,
                    )
                    earlier = next((first_of[t] for t in item_tags if t in first_of), None)
                    if existing is not None:
                        present.append(existing)
                    elif earlier is not None:
                        repeats.append(earlier)
                    else:
                        new.append(position)
                        first_of.update((t, position) for t in item_tags)
                if not new:
                    continue
                entry_rows = [
                    {
                        **{k: v for k, v in chunk[p][0].items() if k != "label"},
                        "label": self.cipher.seal_text(LABEL, str(chunk[p][0].get("label", ""))),
                        "bank_id": bank.id,
                        "provenance": sealed_provenance,
                        "created_at": utcnow(),
                        "added_gen": generation,
                    }
                    for p in new
                ]
                ids = self._insert_entries(session, entry_rows)
                id_at = dict(zip(new, ids))
                values = [
                    row
                    for p, entry_id in id_at.items()
                    for row in self._fingerprint_rows(entry_id, chunk[p][1])
                ]
                self._bulk_insert(session, FingerprintRow, values)
                if dedupe:  # the unique constraint holds the dedupe under concurrent adds
                    identities = [
                        {"bank_id": bank.id, "signal": sig, "tag": tag, "entry_id": i}
                        for p, i in id_at.items()
                        for sig, tag in tags[p]
                    ]
                    self._bulk_insert(session, EntryIdentityRow, identities)
                for p, entry_id in id_at.items():
                    in_batch.update((t, entry_id) for t in tags[p])
                present.extend(id_at[p] for p in repeats)
                added.extend(ids)
            if on_added is not None and added:
                on_added(session, added)
            kind = provenance.split(":", 1)[0]  # the kind only: a file name may name her
            self.audit(
                session,
                actor,
                action,
                f"{len(added)} added, {len(present)} present; {kind}",
                bank=bank_name,
            )
        return AddResult(added, present)

    def _insert_entries(self, session: Session, rows: list[dict[str, Any]]) -> list[int]:
        """Insert entry rows; their ids, in order. On PostgreSQL the ids are drawn from the
        table's sequence and the rows copied in (``COPY``: an import of millions is bound by the
        disk, not by statements)."""
        if self.engine.dialect.name != "postgresql":
            return list(
                session.scalars(
                    insert(EntryRow).returning(EntryRow.id, sort_by_parameter_order=True), rows
                )
            )
        ids = sorted(
            int(i)
            for i in session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence('entries', 'id')) "
                    "FROM generate_series(1, :count)"
                ),
                {"count": len(rows)},
            )
        )
        self._bulk_insert(session, EntryRow, [{"id": i, **row} for i, row in zip(ids, rows)])
        return ids

    def _bulk_insert(self, session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
        """Insert ``rows`` (dicts with the same keys) into ``model``'s table in the session's
        transaction: ``COPY`` on PostgreSQL, one executemany elsewhere."""
        if not rows:
            return
        if self.engine.dialect.name != "postgresql":
            session.execute(insert(model), rows)
            return
        columns = list(rows[0])
        table = str(model.__tablename__)
        session.flush()
        driver = session.connection().connection.driver_connection
        if driver is None:
            raise StoreError("the database connection is closed")
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row([row[column] for column in columns])

    def _existing_entries(
        self, session: Session, bank_id: int, tags: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], int]:
        """The active entries of this bank registered under any of these exact (signal, tag)
        identities."""
        found: dict[tuple[str, str], int] = {}
        for chunk in id_chunks(tag for _, tag in tags):
            query = select(
                EntryIdentityRow.signal, EntryIdentityRow.tag, EntryIdentityRow.entry_id
            ).where(EntryIdentityRow.bank_id == bank_id, EntryIdentityRow.tag.in_(chunk))
            for signal, tag, entry_id in session.execute(query):
                found.setdefault((str(signal), str(tag)), int(entry_id))
        return found

    def _fingerprint_rows(
        self, entry_id: int, values: Iterable[SignalValue]
    ) -> list[dict[str, Any]]:
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for value in values:
            raw = _raw_value(value)
            tag = self.cipher.tag(value.signal, raw)
            if (value.signal, tag) in rows:  # dihedral hashes of symmetric images coincide
                continue
            rows[(value.signal, tag)] = {
                "entry_id": entry_id,
                "signal": value.signal,
                "variant": value.variant[:60],
                "quality": value.quality,
                "low_quality": value.is_low_quality(self.settings.pdq_min_quality),
                "ciphertext": self.cipher.encrypt(value.signal, raw),
                "lookup_tag": tag,
            }
        return list(rows.values())

    def list_entries(self, bank_name: str, *, actor: str = "cli") -> list[EntryInfo]:
        """Entries of a bank, withdrawn ones included (as tombstones); the read is audited."""
        with self.transaction() as session:
            bank = self._bank_row(session, bank_name)
            rows = session.scalars(
                select(EntryRow).where(EntryRow.bank_id == bank.id).order_by(EntryRow.id)
            ).all()
            self.audit(session, actor, "entry.list", f"{len(rows)} entries", bank=bank_name)
            return [self._entry_info(row, bank.name) for row in rows]

    def get_entry(self, entry_id: int) -> EntryInfo:
        with self.session() as session:
            row = session.get(EntryRow, entry_id)
            if row is None:
                raise EntryNotFoundError(f"no entry {entry_id}")
            return self._entry_info(row, row.bank.name)

    def _entry_info(self, row: EntryRow, bank: str) -> EntryInfo:
        """An entry row as users see it (label and provenance unsealed)."""
        return EntryInfo(
            row.id,
            bank,
            self.cipher.open_text(LABEL, row.label),
            row.kind,
            row.external_id,
            row.consent_basis,
            self.cipher.open_text(PROVENANCE, row.provenance),
            row.created_at,
            row.withdrawn_at,
        )

    def withdraw(self, bank_name: str, entry_id: int, *, actor: str = "cli") -> int:
        """Delete an entry's fingerprints (a tombstone stays); returns how many were deleted."""
        with self.transaction() as session:
            bank = self._bank_row(session, bank_name)
            entry = session.get(EntryRow, entry_id)
            if entry is None or entry.bank_id != bank.id:
                raise EntryNotFoundError(f"no entry {entry_id} in bank {bank_name!r}")
            deleted = len(entry.fingerprints)
            entry.fingerprints.clear()
            for cleanup in self._withdrawal_cleanups:  # her photo's sightings go too
                cleanup(session, entry_id)
            session.execute(delete(EntryIdentityRow).where(EntryIdentityRow.entry_id == entry_id))
            entry.label = ""
            entry.provenance = ""
            if entry.withdrawn_at is None:
                entry.withdrawn_at = utcnow()
                entry.withdrawn_gen = self._next_generation(session)
            self.audit(
                session,
                actor,
                "entry.withdraw",
                f"{deleted} fingerprints deleted",
                bank=bank_name,
                entry_id=entry_id,
            )
        return deleted

    def count_fingerprints(self, entry_id: int) -> int:
        with self.session() as session:
            return int(
                session.scalar(select(func.count()).where(FingerprintRow.entry_id == entry_id)) or 0
            )

    # -- reading fingerprints ----------------------------------------------------------------

    def _active_values(
        self,
        session: Session,
        columns: Sequence[Any],
        banks: Sequence[str] | None,
        added_after: int | None,
        added_upto: int | None,
    ) -> Select[Any]:
        """A query over the active fingerprint values of these banks, added in this generation
        range."""
        query = (
            select(*columns)
            .select_from(FingerprintRow)
            .join(EntryRow, FingerprintRow.entry_id == EntryRow.id)
            .join(BankRow, EntryRow.bank_id == BankRow.id)
            .where(EntryRow.withdrawn_at.is_(None))
        )
        if added_after is not None:
            query = query.where(EntryRow.added_gen > added_after)
        if added_upto is not None:
            query = query.where(EntryRow.added_gen <= added_upto)
        if banks is not None:
            for name in banks:
                self._bank_row(session, name)
            query = query.where(BankRow.name.in_(list(banks)))
        return query

    def count_values(
        self,
        banks: Sequence[str] | None = None,
        *,
        added_after: int | None = None,
        added_upto: int | None = None,
    ) -> dict[str, int]:
        """How many active values each signal has (what an index build sizes its arrays by)."""
        with self.session() as session:
            query = self._active_values(
                session, [FingerprintRow.signal, func.count()], banks, added_after, added_upto
            )
            return {
                str(signal): int(count)
                for signal, count in session.execute(query.group_by(FingerprintRow.signal))
            }

    def stream_fingerprints(
        self,
        banks: Sequence[str] | None = None,
        *,
        actor: str = "matcher",
        added_after: int | None = None,
        added_upto: int | None = None,
        expected: int | None = None,
    ) -> Iterator[StoredFingerprint]:
        """Decrypt the active values of the given banks (all when None) one at a time, in storage
        order.

        Rows come from the database in batches (a server-side cursor on PostgreSQL), so memory holds
        one batch, never the whole bank. The read is audited before it starts (``expected`` values,
        counted when not given). ``added_after`` / ``added_upto`` keep entries added by writes of
        generations in that range.
        """
        if expected is None:
            expected = sum(
                self.count_values(banks, added_after=added_after, added_upto=added_upto).values()
            )
        if (
            expected or added_after is None
        ):  # an empty incremental read reads nothing: not worth a record
            self.record(
                actor,
                "fingerprint.read",
                f"{expected} values",
                bank=",".join(banks) if banks else None,
            )
        columns = [
            FingerprintRow.id,
            FingerprintRow.entry_id,
            BankRow.name,
            FingerprintRow.signal,
            FingerprintRow.ciphertext,
            FingerprintRow.quality,
            FingerprintRow.variant,
        ]
        with self.session() as session:
            query = self._active_values(session, columns, banks, added_after, added_upto).order_by(
                FingerprintRow.id
            )
            for row_id, entry_id, bank, signal, ciphertext, quality, variant in session.execute(
                query.execution_options(yield_per=STREAM_BATCH)
            ):
                yield StoredFingerprint(
                    row_id,
                    entry_id,
                    bank,
                    signal,
                    self.cipher.decrypt(signal, ciphertext),
                    quality,
                    variant,
                )

    def load_fingerprints(
        self,
        banks: Sequence[str] | None = None,
        *,
        actor: str = "matcher",
        added_after: int | None = None,
        added_upto: int | None = None,
    ) -> list[StoredFingerprint]:
        """Every value ``stream_fingerprints`` gives, as a list (small reads and tests)."""
        return list(
            self.stream_fingerprints(
                banks, actor=actor, added_after=added_after, added_upto=added_upto
            )
        )

    def entry_values(self, entry_id: int, signal: str, *, actor: str) -> list[bytes]:
        """One active entry's decrypted values of one signal (to explain a match to a reviewer);
        the read is audited."""
        return [raw for raw, _, _ in self.entry_signal_rows(entry_id, signal, actor=actor)]

    def entry_signal_rows(
        self, entry_id: int, signal: str, *, actor: str
    ) -> list[tuple[bytes, int | None, str]]:
        """``entry_values`` with each value's quality and variant, in the order they were added;
        the read is audited."""
        with self.transaction() as session:
            rows = session.execute(
                select(FingerprintRow.ciphertext, FingerprintRow.quality, FingerprintRow.variant)
                .join(EntryRow, FingerprintRow.entry_id == EntryRow.id)
                .where(
                    FingerprintRow.entry_id == entry_id,
                    FingerprintRow.signal == signal,
                    EntryRow.withdrawn_at.is_(None),
                )
                .order_by(FingerprintRow.id)
            ).all()
            self.audit(
                session,
                actor,
                "fingerprint.read",
                f"{len(rows)} {signal} values",
                entry_id=entry_id,
            )
        return [
            (self.cipher.decrypt(signal, blob), quality, variant) for blob, quality, variant in rows
        ]

    def entry_labels(self, entry_ids: Iterable[int]) -> dict[int, str]:
        """Labels (unsealed) of these entries."""
        labels: dict[int, str] = {}
        with self.session() as session:
            for chunk in id_chunks(entry_ids):
                for entry_id, label in session.execute(
                    select(EntryRow.id, EntryRow.label).where(EntryRow.id.in_(chunk))
                ):
                    labels[int(entry_id)] = self.cipher.open_text(LABEL, label)
        return labels

    # -- audit -------------------------------------------------------------------------------

    def audit(
        self,
        session: Session,
        actor: str,
        action: str,
        detail: str = "",
        *,
        bank: str | None = None,
        entry_id: int | None = None,
    ) -> None:
        """Add one record to the custody log in the caller's transaction (it commits, or rolls
        back, with the change it records; it is chained when the transaction ends)."""
        pending: list[tuple[str, str, str, str | None, int | None]] = session.info.setdefault(
            "audit", []
        )
        pending.append((actor[:200], action[:60], detail[:500], bank, entry_id))

    def _append_audit(self, session: Session) -> None:
        """Chain and insert the transaction's records, last thing before it commits: the chain
        head's row lock (taken after any generation lock, in every transaction) orders
        appenders, and each record is inserted once, never updated."""
        pending = session.info.pop("audit", [])
        if not pending:
            return
        head = session.execute(
            update(AuditChainRow)
            .where(AuditChainRow.id == 1)
            .values(seq=AuditChainRow.seq + len(pending))
            .returning(AuditChainRow.seq, AuditChainRow.hash)
        ).one()
        seq, previous = int(head[0]) - len(pending), str(head[1])
        for actor, action, detail, bank, entry_id in pending:
            seq += 1
            at = utcnow()
            digest = record_hash(previous, seq, at, actor, action, bank, entry_id, detail)
            session.add(
                AuditRow(
                    at=at,
                    actor=actor,
                    action=action,
                    bank=bank,
                    entry_id=entry_id,
                    detail=detail,
                    seq=seq,
                    prev_hash=previous,
                    hash=digest,
                )
            )
            previous = digest
        session.execute(update(AuditChainRow).where(AuditChainRow.id == 1).values(hash=previous))

    def record(
        self,
        actor: str,
        action: str,
        detail: str = "",
        *,
        bank: str | None = None,
        entry_id: int | None = None,
    ) -> None:
        """Write one audit event in its own transaction (accesses, denials, lookups)."""
        with self.transaction() as session:
            self.audit(session, actor, action, detail, bank=bank, entry_id=entry_id)

    def audit_log(
        self, limit: int = 100
    ) -> list[tuple[datetime, str, str, str | None, int | None, str]]:
        """The most recent audit events, newest first."""
        with self.session() as session:
            rows = session.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)).all()
            return [(r.at, r.actor, r.action, r.bank, r.entry_id, r.detail) for r in rows]


def _private_sqlite_file(url: str) -> None:
    """Create the SQLite database file readable by its owner only (SQLite gives its -wal/-shm
    files the same mode)."""
    if not url.startswith("sqlite"):
        return
    database = make_url(url).database
    if not database or database == ":memory:":
        return
    path = Path(database)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    elif path.stat().st_mode & 0o077:
        path.chmod(0o600)
