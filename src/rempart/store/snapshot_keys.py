"""Keys of the matcher's saved index snapshots, kept in the store so that withdrawal shreds them.

A saved snapshot (``rempart.index.persisted``) is encrypted under a random key of its own, and
that key lives here, sealed with the store key, never beside the file. Withdrawing any entry
deletes every snapshot key in the same transaction: from that moment no saved snapshot — on this
host or any other sharing the store — can be read, so her fingerprints are gone from disk as from
the database (crypto-shredding), and the next start rebuilds from the store.
"""

from __future__ import annotations

import base64
import os
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from rempart.store.models import MetaRow
from rempart.store.store import Store

_PREFIX = "snapshot-key:"
_PURPOSE = "index-snapshot-key"


class SnapshotKeys:
    """Issue, read and shred the keys of saved index snapshots."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def issue(self, actor: str = "matcher") -> tuple[str, bytes]:
        """A new (key id, 32-byte key), recorded sealed in the store."""
        key_id, key = secrets.token_hex(16), os.urandom(32)
        sealed = self.store.cipher.seal_text(_PURPOSE, base64.b64encode(key).decode())
        with self.store.transaction() as session:
            session.add(MetaRow(key=_PREFIX + key_id, value=sealed))
            self.store.audit(session, actor, "index.snapshot.key", f"key {key_id[:8]} issued")
        return key_id, key

    def get(self, key_id: str) -> bytes | None:
        """The key, or None once shredded (or never issued)."""
        with self.store.session() as session:
            row = session.get(MetaRow, _PREFIX + key_id[:40])
            if row is None:
                return None
            return base64.b64decode(self.store.cipher.open_text(_PURPOSE, row.value))

    def forget(self, key_id: str) -> None:
        """Delete one key (its snapshot file was replaced)."""
        with self.store.transaction() as session:
            session.execute(delete(MetaRow).where(MetaRow.key == _PREFIX + key_id[:40]))

    def shred(self, actor: str = "matcher") -> None:
        """Delete every snapshot key (their files become unreadable)."""
        with self.store.transaction() as session:
            _shred_all(session, 0)
            self.store.audit(session, actor, "index.snapshot.shred", "every snapshot key deleted")


def _shred_all(session: Session, _entry_id: int) -> None:
    """Every saved snapshot holds the withdrawn entry: none may be read again."""
    session.execute(delete(MetaRow).where(MetaRow.key.startswith(_PREFIX)))


def snapshot_key_count(store: Store) -> int:
    """How many snapshot keys exist (tests, status)."""
    with store.session() as session:
        return len(
            list(session.scalars(select(MetaRow.key).where(MetaRow.key.startswith(_PREFIX))))
        )


Store.on_withdrawal(_shred_all)
