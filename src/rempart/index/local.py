"""Candidate search and geometric verification for local features (ORB + RANSAC homography).

The bank's descriptors are stacked in one array; a query's descriptors find their two nearest
bank descriptors (Hamming), keep those passing Lowe's ratio test, group them by bank entry, and
an entry matches only if a RANSAC homography explains at least ``min_inliers`` of its pairs.
Brute-force nearest neighbours (numba popcount): fine for thousands of registered photos, not
for millions, which need a descriptor index.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rempart.index import kernels
from rempart.signals.local import LocalFeatures

RATIO = 0.8
MAX_DESCRIPTOR_DISTANCE = 64
RANSAC_PIXELS = 5.0


@dataclass(frozen=True)
class LocalHit:
    """A bank row group (one registered value) verified against the query."""

    group: int
    inliers: int


class LocalFeatureIndex:
    """All registered local-feature values of a snapshot, searchable together."""

    def __init__(self, values: list[LocalFeatures]) -> None:
        self.groups = len(values)
        sizes = [len(v) for v in values]
        self.xy = np.concatenate([v.xy for v in values]) if values else np.zeros((0, 2), np.float32)
        self.descriptors = np.concatenate([v.descriptors for v in values]) if values else np.zeros((0, 32), np.uint8)
        self.group_of_row = np.repeat(np.arange(len(values)), sizes)
        self._codes = _as_codes(self.descriptors)

    def __len__(self) -> int:
        return self.groups

    def search(self, query: LocalFeatures, min_inliers: int) -> list[LocalHit]:
        """Registered values geometrically consistent with the query, with their inlier counts."""
        if len(query) < min_inliers or len(self.descriptors) < 2:
            return []
        rows, best, second = kernels.nearest_two(_as_codes(query.descriptors), self._codes)
        keep = (best < RATIO * second) & (best < MAX_DESCRIPTOR_DISTANCE)
        query_rows = np.nonzero(keep)[0]
        bank_rows = rows[keep]
        groups = self.group_of_row[bank_rows]
        hits = []
        for group in np.unique(groups):
            chosen = groups == group
            if chosen.sum() < min_inliers:
                continue
            inliers = verify(query.xy[query_rows[chosen]], self.xy[bank_rows[chosen]], min_inliers)
            if inliers >= min_inliers:
                hits.append(LocalHit(int(group), inliers))
        return hits


def _as_codes(descriptors: np.ndarray) -> np.ndarray:
    """(N, 32) uint8 descriptors as (N, 4) uint64 words for the popcount kernels."""
    return np.ascontiguousarray(descriptors, dtype=np.uint8).view(np.uint64).reshape(-1, 4)


def verify(source: np.ndarray, target: np.ndarray, min_inliers: int) -> int:
    """How many point pairs one RANSAC homography explains (0 when too few or degenerate)."""
    import cv2

    if len(source) < max(4, min_inliers):
        return 0
    homography, mask = cv2.findHomography(source, target, cv2.RANSAC, RANSAC_PIXELS)
    if homography is None or mask is None:
        return 0
    if abs(np.linalg.det(homography[:2, :2])) < 1e-3:  # collapses the image to a line: not a view of it
        return 0
    return int(mask.sum())
