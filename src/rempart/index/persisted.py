"""A matcher's base snapshot saved to disk, encrypted, so that a start loads instead of rebuilding.

Building from the store decrypts every stored value and rebuilds every index (the local-feature
LSH tables above all). After a full build the matcher saves its base snapshot under
``DATA_DIR/index/`` and a later start of any process on the same store loads it, then applies
the store's writes since (``Matcher.refresh``): only what changed is read from the store.

The file holds fingerprint-derived data, so:

- every array is encrypted with AES-256-GCM under a random key of this snapshot, bound to the
  file's header (format, key id, generation, banks, array names and shapes);
- that key is not on disk: it is in the store, sealed with the store key
  (``rempart.store.snapshot_keys``), and withdrawing any entry deletes every snapshot key in
  the same transaction, so no saved snapshot can be read after a withdrawal (a fresh build
  follows);
- the file is written beside, then renamed over the old one, readable by its owner only.

Anything unexpected — another format, another store, a shredded key, a generation the store has
not reached, other banks, an altered byte — means "no snapshot": the matcher builds from the
store as if the file were not there.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from rempart.index.signal_index import SearchLimits, SignalIndex
from rempart.signals.registry import SIGNAL_TYPES
from rempart.store import Store
from rempart.store.snapshot_keys import SnapshotKeys

log = logging.getLogger(__name__)

MAGIC = b"RMPSNAP1"
FORMAT = 1
_TABLE_COLUMNS = ("entry", "bank", "variant", "low_quality")


def snapshot_path(data_dir: Path, banks: Sequence[str] | None) -> Path:
    """Where the snapshot of a matcher over these banks (all when None) is kept."""
    name = (
        "all"
        if banks is None
        else hashlib.sha256("\0".join(sorted(banks)).encode()).hexdigest()[:16]
    )
    return data_dir / "index" / f"matcher-{name}.snapshot"


def save(
    path: Path, snapshot: Any, generation: int, banks: Sequence[str] | None, store: Store
) -> None:
    """Write ``snapshot`` (a `Snapshot`) encrypted under a new key; the replaced file's key goes."""
    keys = SnapshotKeys(store)
    key_id, key = keys.issue()
    arrays: dict[str, np.ndarray] = {}
    kinds: dict[str, str] = {}
    for index_name, index in snapshot.indexes.items():
        kinds[index_name] = type(index).__name__
        for name, array in index.arrays().items():
            arrays[f"index/{index_name}/{name}"] = np.ascontiguousarray(array)
        table = snapshot.rows[index_name]
        for column in _TABLE_COLUMNS:
            arrays[f"rows/{index_name}/{column}"] = np.ascontiguousarray(getattr(table, column))
    labels = json.dumps(
        {"banks": list(snapshot.banks), "variants": list(snapshot.variants)}
    ).encode()
    arrays["labels"] = np.frombuffer(labels, np.uint8)
    header = {
        "format": FORMAT,
        "key": key_id,
        "generation": generation,
        "banks": None if banks is None else sorted(banks),
        "kinds": kinds,
        "arrays": [[name, a.dtype.str, list(a.shape)] for name, a in arrays.items()],
    }
    encoded = json.dumps(header, sort_keys=True).encode()
    aead = AESGCM(key)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(f"{path.name}.{os.getpid()}.{key_id[:8]}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(MAGIC + struct.pack("<I", len(encoded)) + encoded)
        for number, array in enumerate(arrays.values()):
            nonce = os.urandom(12)
            sealed = aead.encrypt(nonce, array.tobytes(), encoded + struct.pack("<I", number))
            handle.write(nonce + struct.pack("<Q", len(sealed)) + sealed)
    previous = _key_of(path)
    partial.replace(path)
    if previous:
        keys.forget(previous)


def load(
    path: Path, banks: Sequence[str] | None, store: Store, limits: SearchLimits
) -> tuple[Any, int] | None:
    """The saved (Snapshot, generation), or None when there is none that may be used."""
    from rempart.index.matcher import RowTable, Snapshot

    try:
        with path.open("rb") as handle:
            read = _read_header(handle)
            if read is None:
                return None
            encoded, header = read
            if header.get("format") != FORMAT or header.get("banks") != (
                None if banks is None else sorted(banks)
            ):
                return None
            if header["generation"] > store.generation():  # another store, or a restored backup
                return None
            key = SnapshotKeys(store).get(str(header["key"]))
            if key is None:  # shredded by a withdrawal
                return None
            aead = AESGCM(key)
            arrays: dict[str, np.ndarray] = {}
            for number, (name, dtype, shape) in enumerate(header["arrays"]):
                nonce = handle.read(12)
                (size,) = struct.unpack("<Q", handle.read(8))
                plain = aead.decrypt(nonce, handle.read(size), encoded + struct.pack("<I", number))
                arrays[name] = np.frombuffer(plain, dtype=np.dtype(dtype)).reshape(shape)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, InvalidTag, struct.error) as exc:
        log.warning(
            "the saved index snapshot cannot be used (%s): building from the store",
            type(exc).__name__,
        )
        return None
    classes = {cls.__name__: cls for cls in (s.index_class() for s in SIGNAL_TYPES.values())}
    indexes: dict[str, SignalIndex] = {}
    tables = {}
    for index_name, kind in header["kinds"].items():
        prefix = f"index/{index_name}/"
        parts = {name[len(prefix) :]: a for name, a in arrays.items() if name.startswith(prefix)}
        indexes[index_name] = classes[kind].from_arrays(parts, limits)
        tables[index_name] = RowTable(*(arrays[f"rows/{index_name}/{c}"] for c in _TABLE_COLUMNS))
    labels = json.loads(arrays["labels"].tobytes())
    rows = sum(len(index) for index in indexes.values())
    store.record(  # a read of fingerprint-derived data, audited like a read from the store
        "matcher",
        "fingerprint.read",
        f"{rows} values from the saved snapshot (generation {header['generation']})",
        bank=",".join(banks) if banks else None,
    )
    snapshot = Snapshot(indexes, tables, tuple(labels["banks"]), tuple(labels["variants"]))
    return snapshot, int(header["generation"])


def _read_header(handle: BinaryIO) -> tuple[bytes, dict[str, Any]] | None:
    """The header's bytes (bound to every array) and its fields, or None when not a snapshot."""
    if handle.read(len(MAGIC)) != MAGIC:
        return None
    (length,) = struct.unpack("<I", handle.read(4))
    encoded = handle.read(length)
    return encoded, json.loads(encoded)


def _key_of(path: Path) -> str | None:
    """The key id of the snapshot file at ``path``, if there is a readable one."""
    try:
        with path.open("rb") as handle:
            read = _read_header(handle)
            return None if read is None else str(read[1]["key"])
    except (OSError, ValueError, KeyError, struct.error):
        return None
