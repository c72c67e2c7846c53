"""Candidate search and geometric verification for local features (ORB + RANSAC homography).

Two stages. Candidates: every registered descriptor sits in bit-sampling LSH tables; each query
descriptor votes for the registered values (groups) holding a close descriptor in its buckets,
and the groups with the most votes become candidates. Verification, per candidate: each query
descriptor's two nearest descriptors *of that group* (exact, brute force over its few hundred),
Lowe's ratio test, one pair per registered keypoint, and a robust homography (OpenCV USAC) that
must explain at least ``min_inliers`` pairs. The ratio test inside one group does not get
stricter as the bank grows, and the search costs about the same for 10 or 10,000 photos.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rempart.index import descriptor_kernels, kernels
from rempart.signals.local import LocalFeatures

#: Lowe's ratio: best / second-best distance within the candidate group.
RATIO = 0.8
#: A pair further apart than this (of 256 bits) is not a correspondence.
MAX_DESCRIPTOR_DISTANCE = 64
#: A bucket-mate this close is a vote. Same-patch descriptors are mostly closer; unrelated ones
#: sit near 128, so votes stay rare for unrelated photos.
VOTE_DISTANCE = 28
#: A group needs this many votes to be verified, and at most this many groups are verified.
MIN_VOTES = 5
MAX_CANDIDATES = 4
LSH_TABLES = 12
#: Buckets holding more rows than this are one frequent pattern shared by many photos: skipped.
MAX_BUCKET = 64
#: Key width cap: 2^32 buckets per table is far beyond any bank's descriptor count.
MAX_KEY_BITS = 32
#: Reprojection error (pixels at the working scale) under which a pair is an inlier.
RANSAC_PIXELS = 5.0
_LSH_SEED = 20261125


@dataclass(frozen=True)
class LocalHit:
    """A registered value (group) verified against the query."""

    group: int
    inliers: int


def key_bits_for(rows: int) -> int:
    """Bits per LSH key: about one descriptor per bucket (log2 of the rows), between 10 and 32."""
    return int(min(MAX_KEY_BITS, max(10, np.ceil(np.log2(max(rows, 2))))))


class LocalFeatureIndex:
    """All registered local-feature values of a snapshot, searchable together."""

    def __init__(
        self,
        values: list[LocalFeatures],
        *,
        max_bucket: int | None = None,
        max_key_bits: int | None = None,
    ) -> None:
        self.groups = len(values)
        sizes = np.array([len(v) for v in values], dtype=np.int64)
        self.starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.xy = np.concatenate([v.xy for v in values]) if values else np.zeros((0, 2), np.float32)
        descriptors = (
            np.concatenate([v.descriptors for v in values])
            if values
            else np.zeros((0, 32), np.uint8)
        )
        row_type = np.int32 if len(descriptors) < 2**31 else np.int64
        group_type = np.int32 if self.groups < 2**31 else np.int64
        self.group_of_row = np.repeat(np.arange(len(values), dtype=group_type), sizes)
        self._codes = _as_codes(descriptors)
        self.max_bucket = MAX_BUCKET if max_bucket is None else max_bucket
        self.key_bits = min(key_bits_for(len(descriptors)), max_key_bits or MAX_KEY_BITS)
        rng = np.random.default_rng(_LSH_SEED)
        self._bit_positions = np.stack(
            [rng.choice(256, self.key_bits, replace=False) for _ in range(LSH_TABLES)]
        ).astype(np.int64)
        keys = descriptor_kernels.descriptor_keys(
            np.ascontiguousarray(descriptors, dtype=np.uint8), self._bit_positions
        )
        self._rows, self._bucket_keys, self._bucket_starts, self._key_bounds = (
            descriptor_kernels.build_key_map(keys, row_type)
        )

    def __len__(self) -> int:
        return self.groups

    #: What ``arrays()`` saves: everything a search reads, so a load rebuilds nothing.
    _SAVED = (
        "starts",
        "xy",
        "group_of_row",
        "_codes",
        "_bit_positions",
        "_rows",
        "_bucket_keys",
        "_bucket_starts",
        "_key_bounds",
    )

    def arrays(self) -> dict[str, np.ndarray]:
        """The index as named arrays (a saved snapshot); ``from_arrays`` gives it back."""
        saved = {name.lstrip("_"): getattr(self, name) for name in self._SAVED}
        saved["scalars"] = np.array([self.groups, self.key_bits, self.max_bucket], np.int64)
        return saved

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> LocalFeatureIndex:
        made = cls.__new__(cls)
        for name in cls._SAVED:
            setattr(made, name, arrays[name.lstrip("_")])
        made.groups, made.key_bits, made.max_bucket = (int(v) for v in arrays["scalars"])
        return made

    @property
    def nbytes(self) -> int:
        """Memory held by the descriptors, positions and tables."""
        arrays = (self.xy, self._codes, self.group_of_row, self._rows, self._bucket_keys)
        return sum(a.nbytes for a in arrays) + self._bucket_starts.nbytes

    def candidates(self, query: LocalFeatures) -> list[int]:
        """Groups worth verifying, most votes first."""
        if not len(query) or not self.groups:
            return []
        query_descriptors = np.ascontiguousarray(query.descriptors, dtype=np.uint8)
        groups, votes = descriptor_kernels.group_votes(
            _as_codes(query_descriptors),
            descriptor_kernels.descriptor_keys(query_descriptors, self._bit_positions),
            self._bucket_keys,
            self._bucket_starts,
            self._key_bounds,
            self._rows,
            self._codes,
            self.group_of_row,
            VOTE_DISTANCE,
            self.max_bucket,
        )
        enough = votes >= MIN_VOTES
        groups, votes = groups[enough], votes[enough]
        ranked = np.lexsort((groups, -votes))[:MAX_CANDIDATES]  # most votes first, then lowest id
        return [int(group) for group in groups[ranked]]

    def search(self, query: LocalFeatures, min_inliers: int) -> list[LocalHit]:
        """Registered values geometrically consistent with the query, with their inlier counts."""
        if len(query) < min_inliers:
            return []
        query_codes = _as_codes(query.descriptors)
        hits = []
        for group in self.candidates(query):
            start, end = self.starts[group], self.starts[group + 1]
            query_rows, bank_rows = correspondences(query_codes, self._codes[start:end])
            if len(query_rows) < min_inliers:
                continue
            inliers = verify(query.xy[query_rows], self.xy[start + bank_rows], min_inliers)
            if inliers >= min_inliers:
                hits.append(LocalHit(group, inliers))
        return hits


def correspondences(
    query_codes: np.ndarray, group_codes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Query rows and group rows that pass the ratio test, one pair per group row (the closest).

    One-to-one matters: without it, many query keypoints landing on one registered keypoint
    (repeated texture, duplicated query keypoints) count as many inliers of a degenerate fit.
    """
    if len(group_codes) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    rows, best, second = kernels.nearest_two(query_codes, group_codes)
    passing = np.nonzero((best < RATIO * second) & (best < MAX_DESCRIPTOR_DISTANCE))[0]
    by_distance = passing[np.argsort(best[passing], kind="stable")]
    _, first = np.unique(rows[by_distance], return_index=True)
    chosen = by_distance[first]
    return chosen, rows[chosen]


def _as_codes(descriptors: np.ndarray) -> np.ndarray:
    """(N, 32) uint8 descriptors as (N, 4) uint64 words for the popcount kernels."""
    return np.ascontiguousarray(descriptors, dtype=np.uint8).view(np.uint64).reshape(-1, 4)


def verify(source: np.ndarray, target: np.ndarray, min_inliers: int) -> int:
    """How many point pairs one robust homography explains (0 when too few or degenerate)."""
    fit = homography(source, target, min_inliers)
    return 0 if fit is None else int(fit[1].sum())


def homography(
    source: np.ndarray, target: np.ndarray, min_inliers: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """One robust homography from ``source`` to ``target`` points and which pairs it explains
    (None when too few or degenerate)."""
    import cv2

    if len(source) < max(4, min_inliers):
        return None
    found, mask = cv2.findHomography(
        source.astype(np.float32),
        target.astype(np.float32),
        cv2.USAC_FAST,
        RANSAC_PIXELS,
        maxIters=2000,
        confidence=0.995,
    )
    if found is None or mask is None:
        return None
    if abs(np.linalg.det(found[:2, :2])) < 1e-3:  # collapses the image to a line: not a view of it
        return None
    return found, mask.ravel().astype(bool)


def pair_inliers(query: LocalFeatures, registered: LocalFeatures) -> int:
    """How many of ``query``'s keypoints one homography onto ``registered`` explains (0 when none
    does)."""
    query_rows, bank_rows = correspondences(
        _as_codes(query.descriptors), _as_codes(registered.descriptors)
    )
    return verify(query.xy[query_rows], registered.xy[bank_rows], 4) if len(query_rows) >= 4 else 0


def matched_region(
    query: LocalFeatures, registered: LocalFeatures, min_inliers: int
) -> tuple[float, float, float, float] | None:
    """Where her photo lies in the query (working-scale pixels: x0, y0, x1, y1): the frame of
    the registered keypoints carried into the query by the homography that verifies the match."""
    import cv2

    query_rows, bank_rows = correspondences(
        _as_codes(query.descriptors), _as_codes(registered.descriptors)
    )
    fit = homography(query.xy[query_rows], registered.xy[bank_rows], min_inliers)
    if fit is None or int(fit[1].sum()) < min_inliers:
        return None
    try:
        back = np.linalg.inv(fit[0])
    except np.linalg.LinAlgError:
        return None
    (left, top), (right, bottom) = registered.xy.min(axis=0), registered.xy.max(axis=0)
    corners = np.array([[[left, top]], [[right, top]], [[right, bottom]], [[left, bottom]]])
    placed = cv2.perspectiveTransform(corners.astype(np.float64), back).reshape(-1, 2)
    if not np.isfinite(placed).all():
        return None
    (x0, y0), (x1, y1) = placed.min(axis=0), placed.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)
