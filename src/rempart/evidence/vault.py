"""The evidence vault: preserved media, encrypted, one data key per case, behind a small storage
interface.

A case is one registered entry (her photo) whose sightings are preserved. Its data key is random,
sealed with the store key in ``evidence_cases``; destroying it (her withdrawal with evidence
deletion) makes every copy of the case unreadable wherever the bytes lie (crypto-shredding).

Objects are addressed by their content, keyed: the name is HMAC-SHA256(case key, SHA-256 of the
plaintext), so the same file seen twice is kept once, and someone who holds her photo cannot test
the vault folder for it. The object is AES-256-GCM under the case key, bound to that SHA-256.
Every read is a custody-log record (who, role, why).

``ObjectStorage`` is what a backend provides (put, get, delete, exists); ``LocalObjectStorage``
keeps files under the vault folder, owner-only. An S3-compatible backend implements the same four
methods.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlalchemy.orm import Session

from rempart.errors import EvidenceError
from rempart.private_files import write_private_bytes
from rempart.settings import Settings
from rempart.store import Store
from rempart.store.models import EvidenceCaseRow, SightingRow, utcnow

_KEY_PURPOSE = "evidence-case-key"
_NAME = re.compile(r"^[a-z0-9]+(/[a-z0-9]+)*$")


class ObjectStorage(Protocol):
    """Where vault objects (already encrypted) are kept."""

    def put(self, name: str, data: bytes) -> None: ...
    def get(self, name: str) -> bytes: ...
    def delete(self, name: str) -> None: ...
    def exists(self, name: str) -> bool: ...


class LocalObjectStorage:
    """Objects as owner-only files under a folder; names are checked, never paths."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, name: str) -> Path:
        if not _NAME.match(name):
            raise EvidenceError(f"not a vault object name: {name[:40]!r}")
        return self.root / name

    def put(self, name: str, data: bytes) -> None:
        path = self._path(name)
        missing = []  # every folder made here is owner-only (mkdir's parents get the umask's mode)
        folder = path.parent
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for folder in reversed(missing):
            folder.mkdir(mode=0o700, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        write_private_bytes(partial, data)
        partial.replace(path)

    def get(self, name: str) -> bytes:
        try:
            return self._path(name).read_bytes()
        except OSError as exc:
            raise EvidenceError("the vault object is missing") from exc

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def exists(self, name: str) -> bool:
        return self._path(name).is_file()


@dataclass(frozen=True)
class Case:
    """A case and, while it exists, its data key."""

    id: int
    bank: str
    entry_id: int
    minor: bool
    key: bytes | None


class Cases:
    """Cases and their data keys, in the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _case(self, row: EvidenceCaseRow) -> Case:
        key = None
        if row.data_key:
            key = base64.b64decode(self.store.cipher.open_text(_KEY_PURPOSE, row.data_key))
        return Case(row.id, row.bank, row.entry_id, row.minor, key)

    @staticmethod
    def _row(session: Session, entry_id: int) -> EvidenceCaseRow | None:
        return session.scalar(select(EvidenceCaseRow).where(EvidenceCaseRow.entry_id == entry_id))

    def get(self, entry_id: int) -> Case | None:
        with self.store.session() as session:
            row = self._row(session, entry_id)
            return None if row is None else self._case(row)

    def open(self, bank: str, entry_id: int, *, minor: bool = False, actor: str = "cli") -> Case:
        """The case of this entry, created (with a new data key) the first time."""
        with self.store.transaction() as session:
            row = self._row(session, entry_id)
            if row is None:
                key = os.urandom(32)
                row = EvidenceCaseRow(
                    bank=bank,
                    entry_id=entry_id,
                    minor=minor,
                    data_key=self.store.cipher.seal_text(
                        _KEY_PURPOSE, base64.b64encode(key).decode()
                    ),
                    created_at=utcnow(),
                )
                session.add(row)
                session.flush()
                self.store.audit(
                    session,
                    actor,
                    "evidence.case.open",
                    f"case {row.id}, data key issued{', minor' if minor else ''}",
                    bank=bank,
                    entry_id=entry_id,
                )
            elif minor and not row.minor:
                row.minor = True
                self.store.audit(
                    session,
                    actor,
                    "evidence.case.minor",
                    f"case {row.id}",
                    bank=bank,
                    entry_id=entry_id,
                )
            return self._case(row)

    def minor_entries(self) -> set[int]:
        """Entries whose cases are a minor's (no picture of them is kept or shown)."""
        with self.store.session() as session:
            return {
                int(e)
                for e in session.scalars(
                    select(EvidenceCaseRow.entry_id).where(EvidenceCaseRow.minor.is_(True))
                )
            }

    def mark_minor(self, bank: str, entry_id: int, *, actor: str) -> Case:
        """Mark the case a minor's: from now on none of its media is kept, served or shown; the
        copies already kept are deleted (hashes, IDs and sealed sighting records stay)."""
        case = self.open(bank, entry_id, minor=True, actor=actor)
        with self.store.transaction() as session:
            rows = session.scalars(
                select(SightingRow).where(
                    SightingRow.case_id == case.id, SightingRow.object_name.is_not(None)
                )
            ).all()
            names = {row.object_name for row in rows if row.object_name}
            for row in rows:
                row.object_name = None
            if names:
                self.store.audit(
                    session,
                    actor,
                    "evidence.media.delete",
                    f"case {case.id}: {len(names)} kept files deleted (a minor's case)",
                    bank=bank,
                    entry_id=entry_id,
                )
        Vault(self.store, self.store.settings).delete(names)
        return case

    def destroy_key(self, entry_id: int, *, actor: str, why: str) -> bool:
        """Destroy the case's data key: its vault copies and sealed records become unreadable.
        Returns whether there was a key."""
        with self.store.transaction() as session:
            row = self._row(session, entry_id)
            if row is None or row.data_key is None:
                return False
            row.data_key = None
            row.key_destroyed_at = utcnow()
            self.store.audit(
                session,
                actor,
                "evidence.key.destroy",
                f"case {row.id}: data key destroyed ({why})",
                bank=row.bank,
                entry_id=entry_id,
            )
            return True


def _key(case: Case) -> bytes:
    """The case's data key; EvidenceError once it was destroyed."""
    if case.key is None:
        raise EvidenceError("this case's data key was destroyed")
    return case.key


def _aad(case: Case, sha256: str) -> bytes:
    return f"rempart-vault v1 case {case.id} sha256 {sha256}".encode()


class Vault:
    """Encrypted, content-addressed copies of preserved media."""

    def __init__(self, store: Store, settings: Settings, storage: ObjectStorage | None = None):
        self.store = store
        self.storage = storage or LocalObjectStorage(settings.resolved_vault_dir)

    @staticmethod
    def object_name(case: Case, sha256: str) -> str:
        keyed = hmac.new(_key(case), sha256.encode(), hashlib.sha256).hexdigest()
        return f"c{case.id}/{keyed[:2]}/{keyed}"

    def put(self, case: Case, data: bytes) -> tuple[str, str]:
        """Keep ``data`` for ``case``; returns (object name, SHA-256 of the plaintext)."""
        key = _key(case)
        if case.minor:
            raise EvidenceError("no media of a minor's case is kept")
        sha256 = hashlib.sha256(data).hexdigest()
        name = self.object_name(case, sha256)
        if not self.storage.exists(name):
            nonce = os.urandom(12)
            self.storage.put(name, nonce + AESGCM(key).encrypt(nonce, data, _aad(case, sha256)))
        return name, sha256

    def delete(self, names: Iterable[str]) -> None:
        """Remove objects (a minor's case, a destroyed case): their bytes go from the storage."""
        for name in names:
            self.storage.delete(name)

    def read(self, case: Case, name: str, sha256: str, *, actor: str, role: str, why: str) -> bytes:
        """The plaintext of an object; the read is logged first (who, role, why)."""
        self.store.record(
            actor,
            "evidence.vault.read",
            f"case {case.id} object sha256 {sha256}; role {role}; why: {why[:200]}",
            bank=case.bank,
            entry_id=case.entry_id,
        )
        key = _key(case)
        blob = self.storage.get(name)
        try:
            data = AESGCM(key).decrypt(blob[:12], blob[12:], _aad(case, sha256))
        except InvalidTag as exc:
            raise EvidenceError("the vault object was altered or belongs to another case") from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise EvidenceError("the vault object does not hash to its recorded SHA-256")
        return data


def seal_record(case: Case, record: bytes) -> bytes:
    """A sighting record sealed under the case key (shredded with it)."""
    nonce = os.urandom(12)
    return nonce + AESGCM(_key(case)).encrypt(nonce, record, f"sighting case {case.id}".encode())


def open_record(case: Case, sealed: bytes) -> bytes:
    try:
        return AESGCM(_key(case)).decrypt(
            sealed[:12], sealed[12:], f"sighting case {case.id}".encode()
        )
    except InvalidTag as exc:
        raise EvidenceError("a sighting record was altered") from exc


def destroy_evidence(
    store: Store, settings: Settings, entry_id: int, *, actor: str, why: str
) -> int:
    """Her choice on withdrawal: destroy the case's data key (its copies and sealed records become
    unreadable at once, backups included), then delete the copies and the sighting rows. The log
    keeps that a deletion happened, not what was deleted. Returns how many keys were destroyed."""
    case = Cases(store).get(entry_id)
    if case is None or not Cases(store).destroy_key(entry_id, actor=actor, why=why):
        return 0
    with store.transaction() as session:
        rows = session.scalars(select(SightingRow).where(SightingRow.case_id == case.id)).all()
        names = {row.object_name for row in rows if row.object_name}
        for row in rows:
            session.delete(row)
    Vault(store, settings).delete(names)
    return 1
