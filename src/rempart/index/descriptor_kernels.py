"""Numba kernels for the local-feature candidate search: bit-sampling LSH over 256-bit ORB
descriptors.

Each table keys a descriptor by ``k`` of its bits (a different random choice per table). Two
descriptors of the same image patch differ in few bits, so they share a key in some table with
high probability, while a bucket holds about one unrelated descriptor. Tables are counting-sorted
row ids with one offsets array each, like the PDQ multi-index tables in ``kernels``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from rempart.index.kernels import _distance


@njit(cache=True)
def descriptor_keys(descriptors, bit_positions):
    """(tables, N) keys: for each table, the chosen bits of each (N, 32) uint8 descriptor."""
    tables, key_bits = bit_positions.shape
    n = descriptors.shape[0]
    keys = np.zeros((tables, n), dtype=np.int64)
    for table in range(tables):
        for row in range(n):
            key = np.int64(0)
            for j in range(key_bits):
                bit = bit_positions[table, j]
                key |= np.int64((descriptors[row, bit >> 3] >> (bit & 7)) & 1) << j
            keys[table, row] = key
    return keys


@njit(cache=True)
def build_buckets(keys, key_bits):
    """Counting sort of rows by key, per table: ``rows[t, offsets[t, key]:offsets[t, key + 1]]``."""
    tables, n = keys.shape
    size = 1 << key_bits
    offsets = np.zeros((tables, size + 1), dtype=np.int32)
    rows = np.zeros((tables, n), dtype=np.int32)
    for table in range(tables):
        for row in range(n):
            offsets[table, keys[table, row] + 1] += 1
        for slot in range(size):
            offsets[table, slot + 1] += offsets[table, slot]
        fill = offsets[table, :size].copy()
        for row in range(n):
            key = keys[table, row]
            rows[table, fill[key]] = row
            fill[key] += 1
    return offsets, rows


@njit(cache=True)
def group_votes(queries, query_keys, offsets, rows, bank, group_of_row, groups, max_distance):
    """For each group, how many query descriptors have a bucket-mate of that group within
    ``max_distance``.

    A query descriptor votes at most once per group, and a group it has voted for is not
    compared again for that descriptor.
    """
    tables = query_keys.shape[0]
    votes = np.zeros(groups, dtype=np.int32)
    last_voter = np.full(groups, -1, dtype=np.int64)
    for q in range(queries.shape[0]):
        query = queries[q]
        for table in range(tables):
            key = query_keys[table, q]
            for i in range(offsets[table, key], offsets[table, key + 1]):
                row = rows[table, i]
                group = group_of_row[row]
                if last_voter[group] == q:
                    continue
                if _distance(bank, np.int64(row), query) <= max_distance:
                    last_voter[group] = q
                    votes[group] += 1
    return votes
