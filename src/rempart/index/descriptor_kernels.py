"""Numba kernels for the local-feature candidate search: bit-sampling LSH over ORB descriptors.

Each table keys a descriptor by ``k`` of its bits (a different random choice per table). Two
descriptors of the same image patch differ in few bits, so they share a key in some table with
high probability, while a bucket holds about one unrelated descriptor. ``k`` grows with the bank
(about log2 of the descriptor count, up to 32 bits), so buckets stay small at any size: keys are
kept in a sorted map per table (the keys present, each with its slice of rows), not in a dense
array of 2^k offsets. Row ids are int64 when the bank needs it.

A query descriptor skips buckets holding more than ``max_bucket`` rows: such buckets are made of
one frequent pattern (flat sky, text, a uniform background) shared by many photos, and a vote
from them says nothing about which photo the query shows. Votes are counted for the groups that
receive them only, never over every group of the bank.
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


def build_key_map(keys: np.ndarray, row_dtype: type) -> tuple[np.ndarray, ...]:
    """Per table, rows sorted by key and the map from each present key to its slice of rows.

    Returns ``rows`` (tables, N); the present keys of every table, concatenated (uint32) with
    ``key_bounds`` (tables + 1) saying which belong to which table; and ``bucket_starts``, where
    table t's bucket j (its keys' position ``key_bounds[t] + j``) starts at
    ``bucket_starts[key_bounds[t] + t + j]`` and ends where the next one starts (each table
    ends with a sentinel N).
    """
    tables, n = keys.shape
    rows: np.ndarray = np.empty((tables, n), dtype=row_dtype)
    present_keys: list[np.ndarray] = []
    starts: list[np.ndarray] = []
    bounds = [0]
    key_bits = int(keys.max()).bit_length() if keys.size else 0
    for table in range(tables):
        if key_bits <= COUNTING_SORT_BITS:  # counting sort: linear, and a bounded scratch array
            present, first = _counting_sort(keys[table], rows[table], 1 << key_bits)
        else:
            order = np.argsort(keys[table], kind="stable")
            rows[table] = order
            present, first = np.unique(keys[table][order], return_index=True)
        present_keys.append(present.astype(np.uint32))
        starts.append(np.append(first, n).astype(row_dtype))
        bounds.append(bounds[-1] + len(present))
    return (
        rows,
        np.concatenate(present_keys) if present_keys else np.zeros(0, np.uint32),
        np.concatenate(starts) if starts else np.zeros(0, row_dtype),
        np.array(bounds, dtype=np.int64),
    )


#: Up to this key width the tables are built by counting sort (2^bits counters, 128 MB at 24).
COUNTING_SORT_BITS = 24


@njit(cache=True)
def _counting_sort(keys, rows_out, size):
    """Rows sorted by key into ``rows_out`` (stable); returns the keys present and where each
    starts."""
    counts = np.zeros(size + 1, dtype=np.int64)
    for key in keys:
        counts[key + 1] += 1
    distinct = 0
    for slot in range(size):
        if counts[slot + 1]:
            distinct += 1
        counts[slot + 1] += counts[slot]
    present = np.empty(distinct, dtype=np.int64)
    first = np.empty(distinct, dtype=np.int64)
    j = 0
    for slot in range(size):
        if counts[slot + 1] > counts[slot]:
            present[j] = slot
            first[j] = counts[slot]
            j += 1
    fill = counts[:size].copy()
    for row in range(keys.shape[0]):
        key = keys[row]
        rows_out[fill[key]] = row
        fill[key] += 1
    return present, first


@njit(cache=True)
def _find(sorted_keys, first, last, key):
    """Position of ``key`` in ``sorted_keys[first:last]``, or -1."""
    low, high = first, last
    while low < high:
        middle = (low + high) >> 1
        if sorted_keys[middle] < key:
            low = middle + 1
        else:
            high = middle
    if low < last and sorted_keys[low] == key:
        return low
    return -1


@njit(cache=True)
def group_votes(
    queries,
    query_keys,
    bucket_keys,
    bucket_starts,
    key_bounds,
    rows,
    bank,
    group_of_row,
    max_distance,
    max_bucket,
):
    """The groups that got votes and how many: a query descriptor votes once for each group
    holding a bucket-mate within ``max_distance`` (buckets over ``max_bucket`` rows skipped).

    Returns (groups, votes), groups ascending. Work and memory follow the votes, not the bank.
    """
    tables = query_keys.shape[0]
    voted = np.empty(1024, dtype=np.int64)
    count = 0
    mine = np.empty(64, dtype=np.int64)  # groups this query descriptor voted for
    for q in range(queries.shape[0]):
        query = queries[q]
        own = 0
        for table in range(tables):
            position = _find(
                bucket_keys,
                key_bounds[table],
                key_bounds[table + 1],
                np.uint32(query_keys[table, q]),
            )
            if position < 0:
                continue
            start = bucket_starts[position + table]
            end = bucket_starts[position + table + 1]
            if end - start > max_bucket:
                continue
            for i in range(start, end):
                row = rows[table, i]
                group = group_of_row[row]
                seen = False
                for k in range(own):
                    if mine[k] == group:
                        seen = True
                        break
                if seen:
                    continue
                if _distance(bank, np.int64(row), query) <= max_distance:
                    if own == mine.shape[0]:
                        grown = np.empty(2 * own, dtype=np.int64)
                        grown[:own] = mine
                        mine = grown
                    mine[own] = group
                    own += 1
        if count + own > voted.shape[0]:
            grown = np.empty(2 * (count + own), dtype=np.int64)
            grown[:count] = voted[:count]
            voted = grown
        voted[count : count + own] = mine[:own]
        count += own
    voted = np.sort(voted[:count])
    groups = np.empty(count, dtype=np.int64)
    votes = np.empty(count, dtype=np.int64)
    distinct = 0
    i = 0
    while i < count:
        j = i
        while j < count and voted[j] == voted[i]:
            j += 1
        groups[distinct] = voted[i]
        votes[distinct] = j - i
        distinct += 1
        i = j
    return groups[:distinct], votes[:distinct]
