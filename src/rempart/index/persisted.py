"""A matcher's base snapshot saved to disk, encrypted, so that a start loads instead of rebuilding.

Building from the store decrypts every stored value and rebuilds every index (the local-feature
LSH tables above all). After a full build the matcher saves its base snapshot under
``DATA_DIR/index/`` and a later start of any process on the same store loads it, then applies
the store's writes since (``Matcher.refresh``): only what changed is read from the store.

The file holds fingerprint-derived data, so:

- every array is encrypted with AES-256-GCM under a random key of this snapshot, in chunks of
  ``CHUNK_BYTES``, each bound to the file's header (format, key id, generation, banks, array
  names and shapes) and to its place (array and chunk number), so no chunk can be moved;
- that key is not on disk: it is in the store, sealed with the store key
  (``rempart.store.snapshot_keys``), and withdrawing any entry deletes every snapshot key in
  the same transaction, so no saved snapshot can be read after a withdrawal (a fresh build
  follows);
- the file is written beside, then renamed over the old one, readable by its owner only.

Loading maps the file and decrypts its chunks straight into the arrays' final memory, on every
core (the cipher releases the GIL): no copy of the file is read into memory first.

Anything unexpected — another format, another store, a shredded key, a generation the store has
not reached, other banks, an altered byte — means "no snapshot": the matcher builds from the
store as if the file were not there.
"""

from __future__ import annotations

import hashlib
import json
import logging
import mmap
import os
import struct
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
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
FORMAT = 3
#: Plaintext bytes per sealed chunk: small enough to spread over cores, large enough that the
#: 28 bytes of nonce and tag per chunk are nothing.
CHUNK_BYTES = 32 * 1024 * 1024
_SEAL = 12 + 16  # nonce before, tag after each chunk
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
    # A withdrawal shreds every key that exists when it commits. One committed after this state
    # was read but before this key was issued would not: such a state still holds values she
    # withdrew, and is not saved (a withdrawal after this point shreds the new key).
    if store.withdrawn_between(generation, store.generation()):
        keys.forget(key_id)
        log.info("not saving the index snapshot: entries were withdrawn since it was built")
        return
    arrays: dict[str, np.ndarray] = {}
    kinds: dict[str, str] = {}
    room: dict[str, int] = {}
    for index_name, index in snapshot.indexes.items():
        kinds[index_name] = type(index).__name__
        for name, array in index.arrays().items():
            arrays[f"index/{index_name}/{name}"] = np.ascontiguousarray(array)
        for name, length in index.room().items():
            room[f"index/{index_name}/{name}"] = length
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
        "chunk": CHUNK_BYTES,
        "room": room,
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
            plain = array.reshape(-1).view(np.uint8).data
            for chunk in range(_chunks(plain.nbytes, CHUNK_BYTES)):
                nonce = os.urandom(12)
                piece = plain[chunk * CHUNK_BYTES : (chunk + 1) * CHUNK_BYTES]
                handle.write(nonce + aead.encrypt(nonce, piece, _bound(encoded, number, chunk)))
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
            arrays = _decrypt(handle, encoded, header, AESGCM(key))
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


def _chunks(size: int, chunk: int) -> int:
    """How many sealed chunks hold ``size`` bytes (an empty array still has one)."""
    return max(1, -(-size // chunk))


def _bound(encoded: bytes, array: int, chunk: int) -> bytes:
    """What a chunk is bound to besides its key: the header and its place."""
    return encoded + struct.pack("<II", array, chunk)


def _decrypt(
    handle: BinaryIO, encoded: bytes, header: dict[str, Any], aead: AESGCM
) -> dict[str, np.ndarray]:
    """Every array of the file, decrypted from a read-only map of it into its own memory."""
    chunk_bytes = int(header["chunk"])
    if not 0 < chunk_bytes <= 1 << 30:
        raise ValueError("chunk size out of range")
    arrays: dict[str, np.ndarray] = {}
    tasks: list[tuple[int, int, memoryview, int]] = []  # (array, chunk, destination, offset)
    offset = len(MAGIC) + 4 + len(encoded)
    room = header.get("room", {})
    for number, (name, dtype, shape) in enumerate(header["arrays"]):
        length = int(room.get(name, 0))
        if shape and length > 2 * shape[0] + 1024:  # more room than an index ever keeps
            raise ValueError(f"free room out of range for {name}")
        if shape and length > shape[0]:  # free room behind the rows: untouched, not memory
            array = np.zeros([length, *shape[1:]], dtype=np.dtype(dtype))[: shape[0]]
        else:
            array = np.empty(shape, dtype=np.dtype(dtype))
        arrays[name] = array
        plain = array.reshape(-1).view(np.uint8).data
        for chunk in range(_chunks(plain.nbytes, chunk_bytes)):
            destination = plain[chunk * chunk_bytes : (chunk + 1) * chunk_bytes]
            tasks.append((number, chunk, destination, offset))
            offset += len(destination) + _SEAL
    size = os.fstat(handle.fileno()).st_size
    if offset != size:
        raise ValueError(f"the file holds {size} bytes, its header describes {offset}")
    with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        sealed = memoryview(mapped)

        def open_chunk(task: tuple[int, int, memoryview, int]) -> None:
            number, chunk, destination, at = task
            end = at + len(destination) + _SEAL
            aead.decrypt_into(
                sealed[at : at + 12],
                sealed[at + 12 : end],
                _bound(encoded, number, chunk),
                destination,
            )

        try:
            with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
                list(pool.map(open_chunk, tasks))
        finally:
            sealed.release()
    return arrays


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
