"""PDQ-shaped synthetic codes for index benchmarks and tests: clustered like real banks, not
uniform.

Real banks hold many near-duplicates (one photo reposted and re-registered, memes, bursts),
which fill some index buckets far more than uniform random codes do. The generator mixes
unique codes with clusters of very uneven size whose members sit 4-64 bits from their centre.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _sparse_mask(rng: np.random.Generator, n: int, levels: np.ndarray) -> np.ndarray:
    """(n, 4) uint64 masks whose bits are set with probability 2**-level (level ≥ 1, per row)."""
    mask = rng.integers(0, 2**64 - 1, size=(n, 4), dtype=np.uint64, endpoint=True)
    for k in range(2, int(levels.max(initial=1)) + 1):
        extra = rng.integers(0, 2**64 - 1, size=(n, 4), dtype=np.uint64, endpoint=True)
        apply = (levels >= k)[:, None]
        mask = np.where(apply, mask & extra, mask)
    return mask


def clustered_codes(
    n: int, seed: int = 0, unique_share: float = 0.3, block: int = 1_000_000
) -> np.ndarray:
    """(n, 4) uint64 codes: ``unique_share`` uniform, the rest in lognormal-sized clusters."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, 4), dtype=np.uint64)
    n_centres = max(1, n // 200)
    centres = rng.integers(0, 2**64 - 1, size=(n_centres, 4), dtype=np.uint64, endpoint=True)
    weights = rng.lognormal(0.0, 1.5, n_centres)
    weights /= weights.sum()
    for start in range(0, n, block):
        stop = min(n, start + block)
        size = stop - start
        codes = rng.integers(0, 2**64 - 1, size=(size, 4), dtype=np.uint64, endpoint=True)
        clustered = rng.random(size) >= unique_share
        members = np.nonzero(clustered)[0]
        assign = rng.choice(n_centres, size=members.size, p=weights)
        levels = rng.integers(
            2, 7, size=members.size
        )  # 2**-2 … 2**-6 of bits flipped: ~64 … ~4 bits
        codes[members] = centres[assign] ^ _sparse_mask(rng, members.size, levels)
        out[start:stop] = codes
    return out


def uniform_codes(n: int, seed: int = 0) -> np.ndarray:
    """(n, 4) uint64 uniform random codes (the easy case, shown beside the clustered one)."""
    return np.random.default_rng(seed).integers(
        0, 2**64 - 1, size=(n, 4), dtype=np.uint64, endpoint=True
    )


#: Code shapes the benchmarks measure, by name: generator(n, seed).
DISTRIBUTIONS: dict[str, Callable[[int, int], np.ndarray]] = {
    "clustered": clustered_codes,
    "uniform": uniform_codes,
}


def flip_bits(code: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """A copy of one (4,) code with exactly ``count`` distinct bits flipped."""
    flipped = code.copy()
    for bit in rng.choice(256, size=count, replace=False):
        flipped[bit // 64] ^= np.uint64(1) << np.uint64(bit % 64)
    return flipped


def lookup_queries(codes: np.ndarray, count: int, seed: int = 1) -> np.ndarray:
    """Queries: 40% within 0-31 bits of an entry, 30% 32-60 bits away, 30% uniform random."""
    rng = np.random.default_rng(seed)
    queries = np.empty((count, 4), dtype=np.uint64)
    for i in range(count):
        kind = rng.random()
        if kind < 0.4:
            queries[i] = flip_bits(codes[rng.integers(len(codes))], int(rng.integers(0, 32)), rng)
        elif kind < 0.7:
            queries[i] = flip_bits(codes[rng.integers(len(codes))], int(rng.integers(32, 61)), rng)
        else:
            queries[i] = rng.integers(0, 2**64 - 1, size=4, dtype=np.uint64, endpoint=True)
    return queries


def codes_to_hex(codes: np.ndarray) -> list[str]:
    """(N, 4) uint64 codes to PDQ hex strings (big-endian words, as codes_from_hex reads them)."""
    raw = codes.astype(">u8").tobytes()
    return [raw[i : i + 32].hex() for i in range(0, len(raw), 32)]
