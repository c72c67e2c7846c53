"""Large index arrays on transparent huge pages, so random lookups miss the TLB less.

Where the kernel offers THP only on request (``madvise`` mode, common on servers), an index of
~1 GB probed at random spends much of its time walking page tables; 2 MiB pages remove most
of that. Falls back to ordinary numpy memory where mmap or madvise is unavailable.
"""

from __future__ import annotations

import mmap

import numpy as np

_HUGE = 2 << 20


def large_empty(shape: tuple[int, ...], dtype: type | np.dtype) -> np.ndarray:
    """An uninitialised array, backed by huge-page-advised anonymous memory when large."""
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape)) * dtype.itemsize
    if nbytes < _HUGE or not hasattr(mmap, "MADV_HUGEPAGE"):
        return np.empty(shape, dtype=dtype)
    size = -(-nbytes // _HUGE) * _HUGE
    region = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    try:
        region.madvise(mmap.MADV_HUGEPAGE)
    except OSError:
        pass  # advice refused: the memory still works, only with small pages
    return np.frombuffer(region, dtype=dtype, count=int(np.prod(shape))).reshape(shape)


def large_copy(array: np.ndarray) -> np.ndarray:
    """A contiguous copy of ``array`` in ``large_empty`` memory."""
    out = large_empty(array.shape, array.dtype)
    out[...] = array
    return out
