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

from dataclasses import dataclass

import numpy as np
from numba import njit

from rempart.index.kernels import _distance


@njit(cache=True)
def descriptor_keys(descriptors, bit_positions, table_bits):
    """(tables, N) keys: for each table, its first ``table_bits[t]`` chosen bits of each (N, 32)
    uint8 descriptor."""
    tables = bit_positions.shape[0]
    n = descriptors.shape[0]
    keys = np.zeros((tables, n), dtype=np.int64)
    for table in range(tables):
        for row in range(n):
            keys[table, row] = _key(descriptors, row, bit_positions[table], table_bits[table])
    return keys


@njit(cache=True)
def _key(descriptors, row, positions, bits):
    key = np.int64(0)
    for j in range(bits):
        bit = positions[j]
        key |= np.int64((descriptors[row, bit >> 3] >> (bit & 7)) & 1) << j
    return key


@njit(cache=True)
def _keys_of_rows(descriptors, rows, positions, bits):
    """The keys of the given rows in one table."""
    keys = np.empty(rows.shape[0], dtype=np.uint32)
    for i in range(rows.shape[0]):
        keys[i] = _key(descriptors, rows[i], positions, bits)
    return keys


@dataclass(frozen=True)
class LshTable:
    """One table: its rows sorted by key, the keys present, where each key's rows start, and a
    directory from a key's top bits to its place among the keys (last column: the shift)."""

    rows: np.ndarray
    keys: np.ndarray  # uint32
    starts: np.ndarray  # one more than keys: the last is the row count
    directory: np.ndarray  # int64, 2^d + 2

    @property
    def nbytes(self) -> int:
        return self.rows.nbytes + self.keys.nbytes + self.starts.nbytes + self.directory.nbytes


def build_table(
    descriptors: np.ndarray,
    rows: np.ndarray,
    positions: np.ndarray,
    bits: int,
    row_dtype: type,
) -> LshTable:
    """One table over ``rows`` (ids into the (N, 32) uint8 ``descriptors``), keyed by the first
    ``bits`` of ``positions``.

    Only this table's keys are computed (4 bytes a row), and the rows are sorted in linear time
    with a bounded scratch array (a counting sort on the keys' top 24 bits, then each bucket on
    the rest), so building a table beside the live ones costs about one table's memory, never
    the whole index's.
    """
    n = rows.shape[0]
    keys = _keys_of_rows(descriptors, rows, positions, bits)
    sorted_rows: np.ndarray = np.empty(n, dtype=row_dtype)
    sorted_keys = np.empty(n, dtype=np.uint32)
    shift = max(0, bits - COUNTING_SORT_BITS)
    _sort_by_key(keys, rows, sorted_rows, sorted_keys, shift, 1 << (bits - shift))
    del keys
    distinct = _distinct(sorted_keys)
    present = np.empty(distinct, dtype=np.uint32)
    starts: np.ndarray = np.empty(distinct + 1, dtype=row_dtype)
    _fill_present(sorted_keys, present, starts)
    del sorted_keys
    top_bits = min(DIRECTORY_BITS, bits)
    top_shift = bits - top_bits
    directory = np.empty((1 << top_bits) + 2, dtype=np.int64)
    directory[:-1] = np.searchsorted(
        present >> np.uint32(top_shift), np.arange((1 << top_bits) + 1)
    )
    directory[-1] = top_shift
    return LshTable(sorted_rows, present, starts, directory)


#: The rows are counting-sorted on up to this many top bits of the key (2^bits counters, 128 MB
#: at 24); wider keys then sort each bucket on the remaining bits.
COUNTING_SORT_BITS = 24
#: Top key bits read from the directory straight away (2^16 entries a table).
DIRECTORY_BITS = 16
#: Buckets up to this size are sorted by insertion, larger ones by a merge sort.
_INSERTION = 32


@njit(cache=True)
def _sort_by_key(keys, row_ids, rows_out, keys_out, shift, size):
    """``row_ids`` and ``keys`` stably sorted by key into ``rows_out`` and ``keys_out``: a
    counting sort on ``key >> shift`` (``size`` buckets), then each bucket on the low bits."""
    n = keys.shape[0]
    counts = np.zeros(size + 1, dtype=np.int64)
    for i in range(n):
        counts[(keys[i] >> shift) + 1] += 1
    for slot in range(size):
        counts[slot + 1] += counts[slot]
    fill = counts[:size].copy()
    for i in range(n):
        bucket = keys[i] >> shift
        place = fill[bucket]
        rows_out[place] = row_ids[i]
        keys_out[place] = keys[i]
        fill[bucket] = place + 1
    if shift == 0:
        return
    for bucket in range(size):
        first, last = counts[bucket], counts[bucket + 1]
        if last - first < 2:
            continue
        if last - first <= _INSERTION:
            for i in range(first + 1, last):
                key, row = keys_out[i], rows_out[i]
                j = i - 1
                while j >= first and keys_out[j] > key:  # strictly greater: stable
                    keys_out[j + 1] = keys_out[j]
                    rows_out[j + 1] = rows_out[j]
                    j -= 1
                keys_out[j + 1] = key
                rows_out[j + 1] = row
        else:
            order = np.argsort(keys_out[first:last], kind="mergesort")
            keys_out[first:last] = keys_out[first:last][order]
            rows_out[first:last] = rows_out[first:last][order]


@njit(cache=True)
def _distinct(sorted_keys):
    count = 0
    for i in range(sorted_keys.shape[0]):
        if i == 0 or sorted_keys[i] != sorted_keys[i - 1]:
            count += 1
    return count


@njit(cache=True)
def _fill_present(sorted_keys, present, starts):
    """Each distinct key and where its rows start (then the row count)."""
    j = 0
    for i in range(sorted_keys.shape[0]):
        if i == 0 or sorted_keys[i] != sorted_keys[i - 1]:
            present[j] = sorted_keys[i]
            starts[j] = i
            j += 1
    starts[j] = sorted_keys.shape[0]


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
    table_keys,
    table_starts,
    table_directories,
    table_rows,
    bank,
    group_of_row,
    max_distance,
    max_bucket,
):
    """The groups that got votes and how many: a query descriptor votes once for each group
    holding a bucket-mate within ``max_distance`` (buckets over ``max_bucket`` rows skipped).

    The tables come as tuples (one array per table), so one table can be replaced without
    copying the others. Returns (groups, votes), groups ascending. Work and memory follow the
    votes, not the bank.
    """
    tables = query_keys.shape[0]
    voted = np.empty(1024, dtype=np.int64)
    count = 0
    mine = np.empty(64, dtype=np.int64)  # groups this query descriptor voted for
    for q in range(queries.shape[0]):
        query = queries[q]
        own = 0
        for table in range(tables):
            keys = table_keys[table]
            directory = table_directories[table]
            key = query_keys[table, q]
            high = key >> directory[-1]
            if high >= directory.shape[0] - 2:  # above every key present
                continue
            position = _find(keys, directory[high], directory[high + 1], np.uint32(key))
            if position < 0:
                continue
            starts = table_starts[table]
            start = starts[position]
            end = starts[position + 1]
            if end - start > max_bucket:
                continue
            rows = table_rows[table]
            for i in range(start, end):
                row = rows[i]
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
