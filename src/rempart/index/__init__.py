"""Indexes for finding bank entries near a query: exact Hamming range search and the matcher on
top."""

from rempart.index.hamming import HammingIndex, codes_from_bytes, codes_from_hex

__all__ = ["HammingIndex", "codes_from_bytes", "codes_from_hex"]
