"""The custody log as a hash chain with Merkle checkpoints: how a record is hashed, how a
checkpoint's root and statement are made, and how inclusion proofs are built and checked.

Everything here is plain functions over bytes and text, so that the same code checks the store
(``rempart evidence verify``) and a pack offline, and so that a third party can redo it from the
description in a pack's ``VERIFY.txt``:

- a record's hash is SHA-256 over the previous record's hash (64 hex characters, ASCII), a
  newline, and the record's canonical JSON: ``{"action", "actor", "at", "bank", "detail",
  "entry", "seq"}`` with sorted keys, no spaces, UTF-8, ``at`` as ISO 8601 UTC with microseconds
  and a ``Z``; the first record's previous hash is 64 zeros;
- a checkpoint's Merkle tree is RFC 6962's (leaf = SHA-256(0x00 ‖ record hash bytes), node =
  SHA-256(0x01 ‖ left ‖ right), an odd node is carried up unchanged) over the records
  ``first_seq``..``last_seq``;
- its statement is a few lines of text naming the range, the root and the previous statement's
  SHA-256 (so checkpoints chain too); a time-stamp authority signs SHA-256(statement).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

GENESIS = "0" * 64
STATEMENT_HEADER = "rempart custody-log checkpoint v1"


def stamp(at: datetime) -> str:
    """``at`` as the chain writes it: UTC, microseconds, ``Z`` (a naive time is UTC, as SQLite
    gives it back)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(
    seq: int,
    at: datetime | str,
    actor: str,
    action: str,
    bank: str | None,
    entry_id: int | None,
    detail: str,
) -> bytes:
    """The bytes a record's hash covers (besides the previous hash)."""
    fields = {
        "seq": seq,
        "at": at if isinstance(at, str) else stamp(at),
        "actor": actor,
        "action": action,
        "bank": bank,
        "entry": entry_id,
        "detail": detail,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def record_hash(
    previous: str,
    seq: int,
    at: datetime | str,
    actor: str,
    action: str,
    bank: str | None,
    entry_id: int | None,
    detail: str,
) -> str:
    """A record's chain hash (hex)."""
    body = canonical(seq, at, actor, action, bank, entry_id, detail)
    return hashlib.sha256(previous.encode("ascii") + b"\n" + body).hexdigest()


def _leaf(record: str) -> bytes:
    return hashlib.sha256(b"\x00" + bytes.fromhex(record)).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(records: Sequence[str]) -> str:
    """The root over these record hashes (hex); SHA-256 of nothing for none."""
    if not records:
        return hashlib.sha256(b"").hexdigest()
    level = [_leaf(r) for r in records]
    while len(level) > 1:
        level = [
            _node(level[i], level[i + 1]) if i + 1 < len(level) else level[i]
            for i in range(0, len(level), 2)
        ]
    return level[0].hex()


def inclusion_proof(records: Sequence[str], index: int) -> list[tuple[str, str]]:
    """The path from ``records[index]`` to the root: (side of the sibling, sibling hex) pairs."""
    level = [_leaf(r) for r in records]
    path: list[tuple[str, str]] = []
    while len(level) > 1:
        sibling = index ^ 1
        if sibling < len(level):
            path.append(("left" if sibling < index else "right", level[sibling].hex()))
        level = [
            _node(level[i], level[i + 1]) if i + 1 < len(level) else level[i]
            for i in range(0, len(level), 2)
        ]
        index //= 2
    return path


def root_from_proof(record: str, path: Sequence[Sequence[str]]) -> str:
    """The root a record and its inclusion path lead to."""
    node = _leaf(record)
    for side, sibling in path:
        other = bytes.fromhex(sibling)
        node = _node(other, node) if side == "left" else _node(node, other)
    return node.hex()


@dataclass(frozen=True)
class Statement:
    """What a checkpoint asserts, as text a time-stamp authority signs the SHA-256 of."""

    first_seq: int
    last_seq: int
    root: str
    previous: str  # SHA-256 of the previous checkpoint's statement, or GENESIS
    made_at: str

    def text(self) -> str:
        return (
            f"{STATEMENT_HEADER}\n"
            f"records {self.first_seq}-{self.last_seq}\n"
            f"merkle-root sha256 {self.root}\n"
            f"previous-statement sha256 {self.previous}\n"
            f"made-at {self.made_at}\n"
        )

    @classmethod
    def parse(cls, text: str) -> Statement:
        """The statement in ``text``; ValueError when it is not one."""
        lines = text.split("\n")
        if len(lines) != 6 or lines[0] != STATEMENT_HEADER or lines[5] != "":
            raise ValueError("not a checkpoint statement")
        first, last = lines[1].removeprefix("records ").split("-")
        parsed = cls(
            int(first),
            int(last),
            lines[2].removeprefix("merkle-root sha256 "),
            lines[3].removeprefix("previous-statement sha256 "),
            lines[4].removeprefix("made-at "),
        )
        if parsed.text() != text:
            raise ValueError("not a checkpoint statement")
        return parsed


def statement_digest(text: str) -> str:
    """SHA-256 of a statement's bytes (what the next statement and the TSA refer to)."""
    return hashlib.sha256(text.encode()).hexdigest()
