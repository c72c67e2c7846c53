"""The local-feature vote kernel against a plain reference: the same groups with the same votes."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rempart.index import descriptor_kernels
from rempart.index.local import LSH_TABLES, _as_codes


def _reference_votes(
    queries: np.ndarray,
    bank: np.ndarray,
    group_of_row: np.ndarray,
    bit_positions: np.ndarray,
    max_distance: int,
    max_bucket: int,
) -> Counter[int]:
    """Each query descriptor votes once per group holding a same-key row (in a bucket of at most
    ``max_bucket`` rows) within ``max_distance`` bits, written with dictionaries."""
    widths = np.full(len(bit_positions), bit_positions.shape[1], np.int64)
    bank_keys = descriptor_kernels.descriptor_keys(bank, bit_positions, widths)
    query_keys = descriptor_kernels.descriptor_keys(queries, bit_positions, widths)
    bits = np.unpackbits(bank, axis=1)
    votes: Counter[int] = Counter()
    for q in range(len(queries)):
        query_bits = np.unpackbits(queries[q])
        groups = set()
        for table in range(len(bit_positions)):
            bucket = np.flatnonzero(bank_keys[table] == query_keys[table, q])
            if len(bucket) > max_bucket:
                continue
            for row in bucket:
                if int(np.count_nonzero(bits[row] != query_bits)) <= max_distance:
                    groups.add(int(group_of_row[row]))
        votes.update(groups)
    return votes


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    rows=st.integers(0, 400),
    key_bits=st.integers(1, 30),  # past 24 bits: the two-stage sort
    max_bucket=st.sampled_from([1, 2, 8, 64, 1000]),
    tables=st.sampled_from([1, LSH_TABLES]),  # one table: no other table hides a missed bucket
)
def test_votes_equal_the_reference(
    seed: int, rows: int, key_bits: int, max_bucket: int, tables: int
) -> None:
    rng = np.random.default_rng(seed)
    bank = rng.integers(0, 256, (rows, 32), dtype=np.uint8)
    group_of_row = np.sort(rng.integers(0, max(1, rows // 20), rows)).astype(np.int64)
    # queries: every bank row (the highest keys too), near copies (a few bits flipped), strangers
    near = bank[rng.integers(0, rows, 30)] if rows else np.zeros((0, 32), np.uint8)
    flips = rng.integers(0, 2, near.shape, dtype=np.uint8) * (rng.random(near.shape) < 0.02).astype(
        np.uint8
    )
    queries = np.ascontiguousarray(
        np.concatenate([bank, near ^ flips, rng.integers(0, 256, (30, 32), dtype=np.uint8)])
    )
    bit_positions = np.stack(
        [rng.choice(256, key_bits, replace=False) for _ in range(tables)]
    ).astype(np.int64)
    widths = np.full(tables, key_bits, np.int64)
    built = [
        descriptor_kernels.build_table(
            bank, np.arange(rows, dtype=np.int64), positions, key_bits, np.int32
        )
        for positions in bit_positions
    ]
    groups, votes = descriptor_kernels.group_votes(
        _as_codes(queries),
        descriptor_kernels.descriptor_keys(queries, bit_positions, widths),
        tuple(t.keys for t in built),
        tuple(t.starts for t in built),
        tuple(t.directory for t in built),
        tuple(t.rows for t in built),
        _as_codes(bank),
        group_of_row,
        28,
        max_bucket,
    )
    expected = _reference_votes(queries, bank, group_of_row, bit_positions, 28, max_bucket)
    assert dict(zip(groups.tolist(), votes.tolist())) == dict(expected)
    if rows and max_bucket >= rows:  # nothing skipped: the near copies did vote
        assert expected


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    rows=st.integers(0, 300),
    bits=st.integers(1, 32),
    low_bits=st.integers(0, 8),
    spread=st.sampled_from([2, 16, 2**32]),
)
def test_rows_are_sorted_by_key_as_a_stable_sort_sorts_them(
    seed: int, rows: int, bits: int, low_bits: int, spread: int
) -> None:
    """Counting sort on the top bits, then each bucket by insertion (small) or merge (large):
    the same order as one stable sort, duplicates (``spread``) and big buckets included."""
    rng = np.random.default_rng(seed)
    keys = (rng.integers(0, min(spread, 2**bits), rows) % 2**bits).astype(np.uint32)
    ids = rng.permutation(rows).astype(np.int64)
    shift = max(bits - 16, min(low_bits, bits))  # at most 2^16 buckets here
    sorted_rows = np.empty(rows, np.int64)
    sorted_keys = np.empty(rows, np.uint32)
    descriptor_kernels._sort_by_key(keys, ids, sorted_rows, sorted_keys, shift, 1 << (bits - shift))
    order = np.argsort(keys, kind="stable")
    assert sorted_rows.tolist() == ids[order].tolist()
    assert sorted_keys.tolist() == keys[order].tolist()
