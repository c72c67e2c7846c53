"""Numba kernels for exact Hamming range search over 256-bit codes (4 × uint64 per code).

Multi-index hashing: the 256 bits are cut into m chunks; by the pigeonhole principle a code
within distance r of the query has, in some chunk j, at most t_j differing bits whenever
sum(t_j + 1) > r. Each chunk has a table (counting-sorted ids, one offsets array); a query
probes every chunk value within t_j bits of its own and verifies candidates on all 256 bits.
Kept free of Python objects so numba compiles it once (cached on disk).
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

#: How many candidates ahead to prefetch: enough to cover memory latency, few enough to stay in L1.
PREFETCH_DISTANCE = 16


@intrinsic
def _prefetch(typingctx, array, index):  # type: ignore[no-untyped-def]
    """Hint the CPU to start loading ``array[index]`` (llvm.prefetch, read, keep in cache)."""

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        array_type = signature.args[0]
        array_struct = context.make_array(array_type)(context, builder, args[0])
        pointer = cgutils.get_item_pointer(
            context, builder, array_type, array_struct, [args[1]], wraparound=False
        )
        address = builder.bitcast(pointer, ir.IntType(8).as_pointer())
        fnty = ir.FunctionType(
            ir.VoidType(),
            [ir.IntType(8).as_pointer(), ir.IntType(32), ir.IntType(32), ir.IntType(32)],
        )
        function = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0i8")
        builder.call(
            function,
            [
                address,
                ir.Constant(ir.IntType(32), 0),
                ir.Constant(ir.IntType(32), 3),
                ir.Constant(ir.IntType(32), 1),
            ],
        )
        return context.get_dummy_value()

    return types.void(array, index), codegen


@njit(cache=True, inline="always")
def _popcount64(x: np.uint64) -> np.int64:
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return np.int64((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


@njit(cache=True, inline="always")
def _distance(codes: np.ndarray, row: np.int64, query: np.ndarray) -> np.int64:
    return (
        _popcount64(codes[row, 0] ^ query[0])
        + _popcount64(codes[row, 1] ^ query[1])
        + _popcount64(codes[row, 2] ^ query[2])
        + _popcount64(codes[row, 3] ^ query[3])
    )


@njit(cache=True, inline="always")
def _verify(codes, row, query, radius, out_rows, out_dist, found):
    """Record ``row`` if within ``radius``; counts past the buffer so the caller can grow it."""
    d = _distance(codes, row, query)
    if d <= radius:
        if found < out_rows.shape[0]:
            out_rows[found] = row
            out_dist[found] = d
        found += 1
    return found


@njit(cache=True, inline="always")
def _chunk(code: np.ndarray, start: np.int64, width: np.int64) -> np.int64:
    word = start // 64
    offset = start % 64
    mask = (np.uint64(1) << np.uint64(width)) - np.uint64(1)
    value = code[word] >> np.uint64(offset)
    if offset + width > 64:
        value |= code[word + 1] << np.uint64(64 - offset)
    return np.int64(value & mask)


@njit(cache=True)
def build_tables(codes, starts, widths, offset_bases, offsets, ids):
    """Counting-sort every row into each chunk table, filling ``offsets`` and ``ids`` (all
    tables).

    The counts are kept in the table's own ``offsets`` (no temporary of 2^width slots: 256 MB at
    10M codes): each slot first holds where its bucket ends, then rows are placed from the last
    to the first, which leaves each slot holding where its bucket starts and every bucket's ids
    ascending.
    """
    n = codes.shape[0]
    m = starts.shape[0]
    for j in range(m):
        base = offset_bases[j]
        size = np.int64(1) << widths[j]
        for value in range(size + 1):
            offsets[base + value] = np.uint32(0)
        for row in range(n):
            offsets[base + _chunk(codes[row], starts[j], widths[j])] += np.uint32(1)
        position = np.int64(j) * n  # ids of table j live at [j*n, (j+1)*n)
        for value in range(size):
            position += np.int64(offsets[base + value])
            offsets[base + value] = np.uint32(position)  # for now: where bucket ``value`` ends
        offsets[base + size] = np.uint32(position)
        for row in range(n - 1, -1, -1):
            slot = base + _chunk(codes[row], starts[j], widths[j])
            end = np.int64(offsets[slot]) - 1
            ids[end] = np.uint32(row)
            offsets[slot] = np.uint32(end)


@njit(cache=True)
def _probe_slots(query, starts, widths, radii, offset_bases, n_probes):
    """Every table slot to visit: the query's chunk values and their neighbours within t_j bits."""
    slots = np.empty(n_probes, dtype=np.int64)
    p = 0
    for j in range(starts.shape[0]):
        base = offset_bases[j]
        width = widths[j]
        value = _chunk(query, starts[j], width)
        slots[p] = base + value
        p += 1
        if radii[j] >= 1:
            for a in range(width):
                va = value ^ (np.int64(1) << a)
                slots[p] = base + va
                p += 1
                if radii[j] >= 2:
                    for b in range(a + 1, width):
                        vb = va ^ (np.int64(1) << b)
                        slots[p] = base + vb
                        p += 1
                        if radii[j] >= 3:
                            for c in range(b + 1, width):
                                slots[p] = base + (vb ^ (np.int64(1) << c))
                                p += 1
    return slots


@njit(cache=True)
def query_tables(
    codes,
    starts,
    widths,
    radii,
    offset_bases,
    n_probes,
    offsets,
    ids,
    query,
    radius,
    out_rows,
    out_dist,
):
    """Fill out_rows/out_dist with rows within ``radius`` (duplicates possible); return how many.

    Works in phases (slots, bucket bounds, candidate ids, verification) so that the memory
    loads of each phase are independent and the CPU overlaps their cache misses.
    If the return value exceeds the buffer size the caller retries with a bigger buffer.
    """
    slots = _probe_slots(query, starts, widths, radii, offset_bases, n_probes)
    begins = np.empty(n_probes, dtype=np.int64)
    ends = np.empty(n_probes, dtype=np.int64)
    total = 0
    for p in range(n_probes):
        if p + PREFETCH_DISTANCE < n_probes:
            _prefetch(offsets, slots[p + PREFETCH_DISTANCE])
        begins[p] = offsets[slots[p]]
        ends[p] = offsets[slots[p] + 1]
    for p in range(n_probes):
        total += ends[p] - begins[p]
    candidates = np.empty(total, dtype=np.int64)
    c = 0
    for p in range(n_probes):
        if p + PREFETCH_DISTANCE < n_probes:
            _prefetch(ids, begins[p + PREFETCH_DISTANCE])
        for k in range(begins[p], ends[p]):
            candidates[c] = ids[k]
            c += 1
    found = 0
    for c in range(total):
        if c + PREFETCH_DISTANCE < total:
            _prefetch(codes, candidates[c + PREFETCH_DISTANCE])
        found = _verify(codes, candidates[c], query, radius, out_rows, out_dist, found)
    return found


@njit(cache=True)
def scan_all(codes, query, radius, out_rows, out_dist):
    """Brute-force range search: the reference, and the method for small indexes."""
    found = 0
    for row in range(codes.shape[0]):
        found = _verify(codes, row, query, radius, out_rows, out_dist, found)
    return found


@njit(cache=True)
def nearest_two(queries, bank):
    """For each query code, the nearest bank row and the two smallest distances (brute force)."""
    n = queries.shape[0]
    best_row = np.full(n, -1, dtype=np.int64)
    best = np.full(n, 1 << 30, dtype=np.int64)
    second = np.full(n, 1 << 30, dtype=np.int64)
    for i in range(n):
        query = queries[i]
        b1 = np.int64(1 << 30)
        b2 = np.int64(1 << 30)
        row1 = -1
        for row in range(bank.shape[0]):
            d = _distance(bank, np.int64(row), query)
            if d < b2:
                if d < b1:
                    b2 = b1
                    b1 = d
                    row1 = row
                else:
                    b2 = d
        best_row[i] = row1
        best[i] = b1
        second[i] = b2
    return best_row, best, second
