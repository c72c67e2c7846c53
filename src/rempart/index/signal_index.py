"""One index type per kind of signal search, all behind the same small interface.

A signal names its index class (``SignalType.index_class()``); the matcher keeps one index per
``index_name`` and never asks which signal it is. An index is filled row by row from the store's
stream into arrays sized up front (``expected`` rows: no Python object per stored value survives
the build), then frozen. ``search`` answers the rows a query value may match:

- ``ExactIndex``: equal values (a sorted array of fixed-size keys, binary search);
- ``PDQIndex``: 256-bit codes within the search radius (``HammingIndex``); the matcher applies
  each bank's threshold to the distance;
- ``LocalIndex``: local-feature values verified geometrically (``LocalFeatureIndex``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from rempart.index.hamming import HammingIndex, codes_from_hex
from rempart.index.local import LocalFeatureIndex
from rempart.index.memory import large_empty
from rempart.signals.local import LocalFeatures


@dataclass(frozen=True)
class Hits:
    """The stored rows a query value matches, as arrays: with their distances (hash signals) or
    their inliers (local features). -1 where a column does not apply."""

    rows: np.ndarray  # int64
    distances: np.ndarray  # int64
    inliers: np.ndarray  # int64

    @classmethod
    def none(cls) -> Hits:
        empty = np.zeros(0, np.int64)
        return cls(empty, empty, empty)

    @classmethod
    def at_distances(cls, rows: np.ndarray, distances: np.ndarray) -> Hits:
        rows = np.asarray(rows, np.int64)
        return cls(rows, np.asarray(distances, np.int64), np.full(len(rows), -1, np.int64))

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class SearchLimits:
    """What a search may return: PDQ rows up to ``radius`` bits away, local hits with
    ``min_inliers``."""

    radius: int
    min_inliers: int


class SignalIndex(ABC):
    """Stored values of one index name, searchable; rows are numbered in the order they were
    added."""

    def __init__(self, expected: int) -> None:
        self.rows = 0
        self.expected = expected

    @abstractmethod
    def add(self, raw: bytes) -> None:
        """Append one stored value (the raw bytes the store decrypted)."""

    @abstractmethod
    def freeze(self, limits: SearchLimits) -> None:
        """Finish the build: no add after this; searches may start."""

    @abstractmethod
    def search(self, value: str, limits: SearchLimits) -> Hits:
        """Rows that ``value`` (canonical text form) matches."""

    @abstractmethod
    def arrays(self) -> dict[str, np.ndarray]:
        """The frozen index as named arrays (what a saved snapshot holds)."""

    @classmethod
    @abstractmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], limits: SearchLimits) -> SignalIndex:
        """The index ``arrays()`` described, ready to search."""

    @abstractmethod
    def rebuilt(
        self, keep: np.ndarray, added: Sequence[bytes], limits: SearchLimits
    ) -> SignalIndex:
        """A new index of this kind: rows ``keep`` of this one (renumbered in that order), then
        ``added``. Built beside this one, from its own arrays (nothing is read from the store)."""

    def compacted(self, dead: np.ndarray, added: Sequence[bytes]) -> Iterator[SignalIndex] | None:
        """Steps that append ``added`` and drop rows ``dead`` while every other row keeps its
        number, each step holding little more than the index (see
        `LocalFeatureIndex.compacted`); None when this kind cannot, and ``rebuilt`` is used."""
        return None

    def holes(self) -> np.ndarray:
        """Rows a compaction left empty (never found; dropped at the next rebuild)."""
        return np.zeros(0, np.int64)

    def _finished(self, kept: int, added: Sequence[bytes], limits: SearchLimits) -> SignalIndex:
        """This new index, its first ``kept`` rows already filled: ``added`` appended, frozen."""
        self.rows = kept
        for raw in added:
            self.add(raw)
        self.freeze(limits)
        return self

    def room(self) -> dict[str, int]:
        """Arrays of ``arrays()`` kept in longer buffers, and their lengths (a load allocates the
        same free room)."""
        return {}

    def __len__(self) -> int:
        return self.rows

    def _take_row(self) -> int:
        """The row the next value goes to."""
        self.rows += 1
        return self.rows - 1


#: Digest keys: up to 32 bytes (SHA-256; MD5 is 16).
KEY = "S32"


class ExactIndex(SignalIndex):
    """Digests found by equality: a sorted array of fixed-size keys and the row of each."""

    def __init__(self, expected: int) -> None:
        super().__init__(expected)
        self._keys = np.zeros(max(expected, 1), dtype=KEY)
        self._order = np.zeros(0, dtype=np.int64)

    def add(self, raw: bytes) -> None:
        row = self._take_row()
        if row >= len(self._keys):  # more rows than announced (the count is read before the rows)
            self._keys = np.concatenate([self._keys, np.zeros(len(self._keys), dtype=KEY)])
        self._keys[row] = raw

    def freeze(self, limits: SearchLimits) -> None:
        self._keys = self._keys[: self.rows]
        self._order = np.argsort(self._keys, kind="stable")
        self._keys = self._keys[self._order]

    def arrays(self) -> dict[str, np.ndarray]:
        return {"keys": self._keys, "order": self._order}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], limits: SearchLimits) -> ExactIndex:
        made = cls(0)
        made._keys, made._order = arrays["keys"], arrays["order"]
        made.rows = len(made._keys)
        return made

    def rebuilt(self, keep: np.ndarray, added: Sequence[bytes], limits: SearchLimits) -> ExactIndex:
        by_row = np.empty_like(self._keys)
        by_row[self._order] = self._keys
        made = ExactIndex(len(keep) + len(added))
        made._keys[: len(keep)] = by_row[keep]
        made._finished(len(keep), added, limits)
        return made

    def search(self, value: str, limits: SearchLimits) -> Hits:
        key = np.array([bytes.fromhex(value)], dtype=KEY)[0]
        first = int(np.searchsorted(self._keys, key, side="left"))
        last = int(np.searchsorted(self._keys, key, side="right"))
        rows = self._order[first:last]
        return Hits.at_distances(rows, np.zeros(len(rows), np.int64))


class PDQIndex(SignalIndex):
    """256-bit PDQ codes in an exact Hamming range-search index (multi-index hashing when large)."""

    def __init__(self, expected: int) -> None:
        super().__init__(expected)
        self._codes = large_empty((max(expected, 1), 4), np.uint64)
        self._index: HammingIndex | None = None

    def add(self, raw: bytes) -> None:
        row = self._take_row()
        if row >= len(self._codes):  # more rows than announced (the count is read before the rows)
            grown = large_empty((2 * len(self._codes), 4), np.uint64)
            grown[: len(self._codes)] = self._codes
            self._codes = grown
        self._codes[row] = np.frombuffer(raw, dtype=">u8")

    def freeze(self, limits: SearchLimits) -> None:
        self._codes = self._codes[: self.rows]
        self._index = HammingIndex.build(self._codes, limits.radius, copy=False)

    def arrays(self) -> dict[str, np.ndarray]:
        return {"codes": self._codes[: self.rows]}  # the tables are rebuilt on load (fast)

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], limits: SearchLimits) -> PDQIndex:
        made = cls(0)
        made._codes = arrays["codes"]
        made.rows = len(made._codes)
        made.freeze(limits)
        return made

    def rebuilt(self, keep: np.ndarray, added: Sequence[bytes], limits: SearchLimits) -> PDQIndex:
        made = PDQIndex(len(keep) + len(added))
        np.take(self._codes, keep, axis=0, out=made._codes[: len(keep)])  # no temporary copy
        made._finished(len(keep), added, limits)
        return made

    def search(self, value: str, limits: SearchLimits) -> Hits:
        if self._index is None or not self.rows:
            return Hits.none()
        return Hits.at_distances(*self._index.query(codes_from_hex([value])[0], limits.radius))

    @property
    def nbytes(self) -> int:
        return self._index.nbytes if self._index is not None else self._codes.nbytes


class LocalIndex(SignalIndex):
    """Local-feature values: LSH candidates, then geometric verification (``LocalFeatureIndex``)."""

    def __init__(self, expected: int) -> None:
        super().__init__(expected)
        self._values: list[LocalFeatures] = []
        self._index: LocalFeatureIndex | None = None

    def add(self, raw: bytes) -> None:
        self.rows += 1
        self._values.append(LocalFeatures.from_bytes(raw))

    def freeze(self, limits: SearchLimits) -> None:
        self._index = LocalFeatureIndex(self._values)
        self._values = []

    def arrays(self) -> dict[str, np.ndarray]:
        return self._index.arrays() if self._index is not None else {}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], limits: SearchLimits) -> LocalIndex:
        return cls._wrapping(LocalFeatureIndex.from_arrays(arrays))

    def rebuilt(self, keep: np.ndarray, added: Sequence[bytes], limits: SearchLimits) -> LocalIndex:
        made = LocalIndex(len(keep) + len(added))
        current = self._index.values(keep) if self._index is not None else []
        made._values = current + [LocalFeatures.from_bytes(raw) for raw in added]
        made.rows = len(made._values)
        made.freeze(limits)
        return made

    def compacted(self, dead: np.ndarray, added: Sequence[bytes]) -> Iterator[LocalIndex] | None:
        index = self._index
        values = [LocalFeatures.from_bytes(raw) for raw in added]
        if index is None or not index.can_compact(dead, sum(len(v) for v in values)):
            return None
        return (LocalIndex._wrapping(step) for step in index.compacted(values, dead))

    def holes(self) -> np.ndarray:
        return np.zeros(0, np.int64) if self._index is None else np.flatnonzero(self._index.dead)

    def room(self) -> dict[str, int]:
        return self._index.room() if self._index is not None else {}

    @property
    def nbytes(self) -> int:
        return self._index.nbytes if self._index is not None else 0

    @classmethod
    def _wrapping(cls, index: LocalFeatureIndex) -> LocalIndex:
        made = cls(0)
        made._index = index
        made.rows = len(index)
        return made

    def search(self, value: str, limits: SearchLimits) -> Hits:
        if self._index is None or not self.rows:
            return Hits.none()
        found = self._index.search(
            LocalFeatures.from_bytes(bytes.fromhex(value)), limits.min_inliers
        )
        rows = np.array([hit.group for hit in found], np.int64)
        inliers = np.array([hit.inliers for hit in found], np.int64)
        return Hits(rows, np.full(len(rows), -1, np.int64), inliers)
