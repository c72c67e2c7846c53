"""Candidate search and geometric verification for local features (ORB + RANSAC homography).

The bank's descriptors are stacked in one array; a query's descriptors find their two nearest
bank descriptors (Hamming), keep those passing Lowe's ratio test, group them by bank entry, and
an entry matches only if a RANSAC homography explains at least ``min_inliers`` of its pairs.
Brute-force nearest neighbours: fine for thousands of registered photos, not for millions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

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

    def __len__(self) -> int:
        return self.groups

    def search(self, query: LocalFeatures, min_inliers: int) -> list[LocalHit]:
        """Registered values geometrically consistent with the query, with their inlier counts."""
        import cv2

        if len(query) < min_inliers or len(self.descriptors) < 2:
            return []
        pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(query.descriptors, self.descriptors, k=2)
        by_group: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for pair in pairs:
            if len(pair) == 2 and pair[0].distance < RATIO * pair[1].distance and pair[0].distance < MAX_DESCRIPTOR_DISTANCE:
                by_group[int(self.group_of_row[pair[0].trainIdx])].append((pair[0].queryIdx, pair[0].trainIdx))
        hits = []
        for group, matched in by_group.items():
            inliers = verify(query.xy[[q for q, _ in matched]], self.xy[[t for _, t in matched]], min_inliers)
            if inliers >= min_inliers:
                hits.append(LocalHit(group, inliers))
        return hits


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
