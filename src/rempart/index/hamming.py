"""Exact Hamming range search over 256-bit PDQ codes: multi-index hashing, brute force as reference.

``HammingIndex.build(codes)`` picks its chunking by a cost model (probes + candidate checks,
with a memory cap) for the given size and radius, or plain scanning for small sets. Results
are exact: every row within the radius, nothing else (tested against brute force).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb

import numpy as np

from rempart.index import kernels
from rempart.index.memory import large_copy, large_empty

CODE_BYTES = 32
#: Below this many rows a linear scan beats table probing.
SCAN_BELOW = 1 << 16
_MAX_CHUNK_BITS = 24


def codes_from_bytes(raw: bytes | bytearray | np.ndarray) -> np.ndarray:
    """Pack 32-byte codes (concatenated or an (N, 32) uint8 array) as an (N, 4) uint64 array."""
    array = (
        np.frombuffer(bytes(raw), dtype=np.uint8)
        if isinstance(raw, (bytes, bytearray))
        else np.asarray(raw, np.uint8)
    )
    array = np.ascontiguousarray(array).reshape(-1, CODE_BYTES)
    return array.view(">u8").astype(np.uint64)


def codes_from_hex(values: list[str]) -> np.ndarray:
    """Pack PDQ hex strings as an (N, 4) uint64 array."""
    return codes_from_bytes(b"".join(bytes.fromhex(v) for v in values))


@dataclass(frozen=True)
class ChunkPlan:
    """How the 256 bits are cut: start bit, width and probe radius per chunk."""

    starts: tuple[int, ...]
    widths: tuple[int, ...]
    radii: tuple[int, ...]

    def probes(self) -> int:
        return sum(sum(comb(w, k) for k in range(t + 1)) for w, t in zip(self.widths, self.radii))

    def expected_candidates(self, rows: int) -> float:
        return sum(
            sum(comb(w, k) for k in range(t + 1)) * rows / (1 << w)
            for w, t in zip(self.widths, self.radii)
        )

    def offsets_bytes(self) -> int:
        return sum(((1 << w) + 1) * 4 for w in self.widths)


def plan_chunks(chunks: int, radius: int) -> ChunkPlan:
    """Cut 256 bits into ``chunks`` near-equal chunks with radii that guarantee exact recall."""
    widths = [256 // chunks + (1 if j < 256 % chunks else 0) for j in range(chunks)]
    needed = max(0, radius + 1 - chunks)  # sum of radii that makes the pigeonhole argument hold
    radii = [needed // chunks] * chunks
    # the remainder goes to the narrowest chunks, whose extra probes are cheapest
    for j in sorted(range(chunks), key=lambda j: widths[j])[: needed % chunks]:
        radii[j] += 1
    starts = [sum(widths[:j]) for j in range(chunks)]
    return ChunkPlan(tuple(starts), tuple(widths), tuple(radii))


def choose_plan(rows: int, radius: int) -> ChunkPlan | None:
    """The cheapest plan for this many rows, or None when scanning is better."""
    if rows < SCAN_BELOW:
        return None
    best: tuple[float, ChunkPlan] | None = None
    for chunks in range(8, 33):
        plan = plan_chunks(chunks, radius)
        if max(plan.widths) > _MAX_CHUNK_BITS or max(plan.radii) > 3:
            continue
        if plan.offsets_bytes() > max(16 * rows, 8 << 20):  # keep the tables near 1 GB per 10M rows
            continue
        cost = plan.probes() + 2.0 * plan.expected_candidates(rows)
        if best is None or cost < best[0]:
            best = (cost, plan)
    if best is None or best[0] >= rows:
        return None
    return best[1]


class HammingIndex:
    """Immutable exact range-search index over (N, 4) uint64 codes; rows are 0..N-1."""

    def __init__(self, codes: np.ndarray, radius: int, plan: ChunkPlan | None) -> None:
        self.codes = codes
        self.radius = radius
        self.plan = plan
        self._starts = self._widths = self._radii = self._bases = None
        self._offsets = self._ids = None
        self._n_probes = 0
        if plan is not None:
            if codes.shape[0] * len(plan.widths) >= 2**32:
                raise ValueError("index too large for 32-bit table offsets")
            self._starts = np.array(plan.starts, dtype=np.int64)
            self._widths = np.array(plan.widths, dtype=np.int64)
            self._radii = np.array(plan.radii, dtype=np.int64)
            sizes = [(1 << w) + 1 for w in plan.widths]
            self._bases = np.array([0, *np.cumsum(sizes)], dtype=np.int64)
            self._n_probes = plan.probes()
            self._offsets = large_empty((int(self._bases[-1]),), np.uint32)
            self._ids = large_empty((codes.shape[0] * len(plan.widths),), np.uint32)
            kernels.build_tables(
                codes, self._starts, self._widths, self._bases, self._offsets, self._ids
            )
        self._buffer = 64

    @classmethod
    def build(
        cls, codes: np.ndarray, radius: int = 31, *, method: str = "auto", copy: bool = True
    ) -> HammingIndex:
        """Index ``codes`` for searches up to ``radius``; method is auto, scan or mih.

        ``copy=False`` keeps the caller's (N, 4) uint64 array (filled for this index, never changed
        after).
        """
        codes = np.asarray(codes, dtype=np.uint64).reshape(-1, 4)
        codes = large_copy(codes) if copy or not codes.flags.c_contiguous else codes
        if method == "scan":
            plan = None
        elif method == "mih":
            plan = choose_plan(max(codes.shape[0], SCAN_BELOW), radius) or plan_chunks(16, radius)
        else:
            plan = choose_plan(codes.shape[0], radius)
        return cls(codes, radius, plan)

    def __len__(self) -> int:
        return int(self.codes.shape[0])

    @property
    def nbytes(self) -> int:
        """Memory held by codes and tables."""
        total = self.codes.nbytes
        if self._ids is not None and self._offsets is not None:
            total += self._ids.nbytes + self._offsets.nbytes
        return total

    def query(self, code: np.ndarray, radius: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Rows within ``radius`` of one (4,) uint64 code and their distances, sorted by
        distance."""
        radius = self.radius if radius is None else radius
        code = np.ascontiguousarray(code, dtype=np.uint64).reshape(4)
        size = self._buffer  # a hint shared by threads; each call sizes and checks its own buffers
        while True:
            rows = np.empty(size, dtype=np.int64)
            dist = np.empty(size, dtype=np.int64)
            if self.plan is None or radius > self.radius:
                found = kernels.scan_all(self.codes, code, radius, rows, dist)
            else:
                found = kernels.query_tables(
                    self.codes,
                    self._starts,
                    self._widths,
                    self._radii,
                    self._bases,
                    self._n_probes,
                    self._offsets,
                    self._ids,
                    code,
                    radius,
                    rows,
                    dist,
                )
            if found <= size:
                break
            size = int(found) * 2
            self._buffer = max(self._buffer, size)
        rows, first = np.unique(rows[:found], return_index=True)
        dist = dist[:found][first]
        order = np.argsort(dist, kind="stable")
        return rows[order], dist[order]

    def query_brute(
        self, code: np.ndarray, radius: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The same search by scanning every row (reference for tests)."""
        radius = self.radius if radius is None else radius
        code = np.asarray(code, dtype=np.uint64).reshape(4)
        distances = np.bitwise_count(np.bitwise_xor(self.codes, code)).sum(axis=1).astype(np.int64)
        rows = np.nonzero(distances <= radius)[0]
        order = np.argsort(distances[rows], kind="stable")
        return rows[order], distances[rows][order]
