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

import functools
from collections.abc import Iterator, Sequence
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


def table_positions(table: int, bits: int) -> np.ndarray:
    """The descriptor bits table ``table`` samples for ``bits``-bit keys, padded to
    ``MAX_KEY_BITS``: row ``table`` of one fixed draw per width, so every index of a width
    samples the same bits (and a table widened alone gets the bits a build would give it)."""
    positions = np.zeros(MAX_KEY_BITS, np.int64)
    positions[:bits] = _draw(bits)[table]
    return positions


@functools.lru_cache(maxsize=MAX_KEY_BITS + 1)
def _draw(bits: int) -> np.ndarray:
    rng = np.random.default_rng(_LSH_SEED)
    return np.stack([rng.choice(256, bits, replace=False) for _ in range(LSH_TABLES)])


#: Free room kept when the per-row arrays must grow: appends then write in place for a while.
GROWTH = 1.25
#: A compaction rebuilds the whole index instead of leaving holes once holes would pass this
#: share of the rows (the rebuild then holds at most half as much again as the index).
MAX_HOLES = 0.5


class LocalFeatureIndex:
    """All registered local-feature values of a snapshot, searchable together.

    Per-row arrays (positions, descriptors, group of each row) live in buffers that may hold
    free room past the last row; tables are separate arrays, one per table. ``compacted`` uses
    both to fold in added values and drop withdrawn ones without a second copy of the index.
    """

    def __init__(
        self,
        values: Sequence[LocalFeatures],
        *,
        max_bucket: int | None = None,
        max_key_bits: int | None = None,
    ) -> None:
        sizes = np.array([len(v) for v in values], dtype=np.int64)
        rows = int(sizes.sum())
        groups = len(values)
        # free room for later appends: untouched, it is address space, not memory
        buffers = _buffers(
            int(GROWTH * rows), int(GROWTH * groups), rows < 2**31 and groups < 2**31
        )
        _fill(buffers, values, 0, 0)
        self.max_bucket = MAX_BUCKET if max_bucket is None else max_bucket
        bits = min(key_bits_for(rows), max_key_bits or MAX_KEY_BITS)
        self._adopt(buffers, rows, groups, np.zeros(groups, bool), 0)
        self._bit_positions = np.stack([table_positions(t, bits) for t in range(LSH_TABLES)])
        self._table_bits = np.full(LSH_TABLES, bits, np.int64)
        live = np.arange(rows, dtype=self.group_of_row.dtype)
        self._set_tables(
            tuple(self._build_table(t, live) for t in range(LSH_TABLES)),
        )

    def _adopt(
        self, buffers: dict[str, np.ndarray], rows: int, groups: int, dead: np.ndarray, holes: int
    ) -> None:
        """Take ``buffers`` as the per-row arrays: the first ``rows`` rows, ``groups`` groups."""
        self._buffers = buffers
        self.groups = groups
        self.starts = buffers["starts"][: groups + 1]
        self.xy = buffers["xy"][:rows]
        self._codes = buffers["codes"][:rows]
        self.group_of_row = buffers["group_of_row"][:rows]
        self.dead = dead
        self.holes = holes

    def _set_tables(self, tables: tuple[descriptor_kernels.LshTable, ...]) -> None:
        self._tables = tables
        # the kernel's arguments, made once per index
        self._table_args = (
            tuple(t.keys for t in tables),
            tuple(t.starts for t in tables),
            tuple(t.directory for t in tables),
            tuple(t.rows for t in tables),
        )

    def _build_table(self, table: int, rows: np.ndarray) -> descriptor_kernels.LshTable:
        row_type = self.group_of_row.dtype.type
        return descriptor_kernels.build_table(
            self._codes.view(np.uint8),
            rows,
            self._bit_positions[table],
            int(self._table_bits[table]),
            np.int32 if row_type is np.int32 else np.int64,
        )

    def __len__(self) -> int:
        return self.groups

    @property
    def key_bits(self) -> int:
        """The widest key of the tables (they differ only while a compaction widens them)."""
        return int(self._table_bits.max())

    @property
    def rows(self) -> int:
        return len(self._codes)

    def arrays(self) -> dict[str, np.ndarray]:
        """The index as named arrays (a saved snapshot); ``from_arrays`` gives it back."""
        saved = {
            "starts": self.starts,
            "xy": self.xy,
            "codes": self._codes,
            "group_of_row": self.group_of_row,
            "dead": self.dead,
            "bit_positions": self._bit_positions,
            "table_bits": self._table_bits,
            "scalars": np.array([self.groups, self.max_bucket, self.holes], np.int64),
        }
        for number, table in enumerate(self._tables):
            for name in ("rows", "keys", "starts", "directory"):
                saved[f"table{number}/{name}"] = getattr(table, name)
        return saved

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> LocalFeatureIndex:
        made = cls.__new__(cls)
        groups, made.max_bucket, holes = (int(v) for v in arrays["scalars"])
        buffers = {name: _backing(arrays[name]) for name in _VIEW}
        made._adopt(buffers, len(arrays["codes"]), groups, arrays["dead"], holes)
        made._bit_positions, made._table_bits = arrays["bit_positions"], arrays["table_bits"]
        made._set_tables(
            tuple(
                descriptor_kernels.LshTable(
                    *(
                        arrays[f"table{t}/{name}"]
                        for name in ("rows", "keys", "starts", "directory")
                    )
                )
                for t in range(len(made._table_bits))
            )
        )
        return made

    def room(self) -> dict[str, int]:
        """The length of each per-row buffer (free room included), for a saved snapshot to
        allocate alike, so that a loaded index also appends in place."""
        return {name: len(buffer) for name, buffer in self._buffers.items()}

    @property
    def nbytes(self) -> int:
        """Memory held by the descriptors, positions and tables (free room not counted)."""
        arrays = (self.xy, self._codes, self.group_of_row, self.starts)
        return sum(a.nbytes for a in arrays) + sum(t.nbytes for t in self._tables)

    def candidates(self, query: LocalFeatures) -> list[int]:
        """Groups worth verifying, most votes first."""
        if not len(query) or not self.groups:
            return []
        query_descriptors = np.ascontiguousarray(query.descriptors, dtype=np.uint8)
        groups, votes = descriptor_kernels.group_votes(
            _as_codes(query_descriptors),
            descriptor_kernels.descriptor_keys(
                query_descriptors, self._bit_positions, self._table_bits
            ),
            *self._table_args,
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

    def values(self, groups: np.ndarray) -> list[LocalFeatures]:
        """The stored values of these groups (views of the index's arrays, no copy)."""
        return [
            LocalFeatures(
                self.xy[self.starts[g] : self.starts[g + 1]],
                self._codes[self.starts[g] : self.starts[g + 1]].view(np.uint8),
            )
            for g in groups.tolist()
        ]

    def _holes_after(self, dead_groups: np.ndarray) -> tuple[np.ndarray, int]:
        """The groups of ``dead_groups`` not yet holes, and the hole rows once they are."""
        newly_dead = np.unique(dead_groups[~self.dead[dead_groups]])
        sizes = self.starts[1:] - self.starts[:-1]
        return newly_dead, self.holes + int(sizes[newly_dead].sum())

    def can_compact(self, dead_groups: np.ndarray, added_rows: int) -> bool:
        """Whether ``compacted`` may leave these groups as holes (else: rebuild the index)."""
        return self._holes_after(dead_groups)[1] <= MAX_HOLES * (self.rows + added_rows)

    def compacted(
        self, added: Sequence[LocalFeatures], dead_groups: np.ndarray
    ) -> Iterator[LocalFeatureIndex]:
        """Fold ``added`` values in (as the next groups) and drop ``dead_groups``, in steps that
        each hold at most one table more than the index.

        Yields, in order: the index with the added values' rows appended (in the free room of
        the per-row arrays, or in grown ones) but in no table yet; then the index after each
        table is rebuilt over the live rows. The caller publishes each before asking for the next
        (the tables a search sees may mix old and new ones: each is complete over the rows it
        was built for, and dead groups stay filtered by the caller's tombstones meanwhile). After
        the last, the dead groups' descriptors and positions are overwritten with zeros: their
        rows stay as holes, never in a table, until the next full build.
        """
        sizes = np.array([len(v) for v in added], dtype=np.int64)
        rows, groups = self.rows + int(sizes.sum()), self.groups + len(added)
        buffers = self._buffers
        if len(buffers["codes"]) < rows or len(buffers["starts"]) < groups + 1:
            wide = buffers["group_of_row"].dtype == np.int64
            grown = _buffers(
                max(rows, int(GROWTH * rows)),
                max(groups, int(GROWTH * groups)),
                not wide and rows < 2**31 and groups < 2**31,
            )
            for name, attribute in _VIEW.items():
                current = getattr(self, attribute)
                grown[name][: len(current)] = current
            buffers = grown
        _fill(buffers, added, self.rows, self.groups)
        newly_dead, holes = self._holes_after(dead_groups)
        dead = np.concatenate([self.dead, np.zeros(len(added), bool)])
        dead[newly_dead] = True
        starts = buffers["starts"][: groups + 1]
        step = self._successor(buffers, rows, groups, dead, holes)
        step._bit_positions, step._table_bits = self._bit_positions, self._table_bits
        step._set_tables(self._tables)
        live = np.flatnonzero(np.repeat(~dead, starts[1:] - starts[:-1])).astype(
            buffers["group_of_row"].dtype
        )
        bits = max(self.key_bits, key_bits_for(len(live)))
        # the steps hold no reference to this index: once the caller drops it, each old table
        # is freed as soon as its replacement is published
        return _table_steps(step, live, bits, newly_dead)

    def _successor(
        self,
        buffers: dict[str, np.ndarray],
        rows: int,
        groups: int,
        dead: np.ndarray,
        holes: int,
    ) -> LocalFeatureIndex:
        made = LocalFeatureIndex.__new__(LocalFeatureIndex)
        made.max_bucket = self.max_bucket
        made._adopt(buffers, rows, groups, dead, holes)
        return made


def _table_steps(
    step: LocalFeatureIndex, live: np.ndarray, bits: int, newly_dead: np.ndarray
) -> Iterator[LocalFeatureIndex]:
    """``step`` (rows appended, old tables), then one index per rebuilt table, then the scrub."""
    yield step
    tables = list(step._tables)
    for table in range(len(tables)):
        positions, widths = step._bit_positions.copy(), step._table_bits.copy()
        positions[table], widths[table] = table_positions(table, bits), bits
        built = step._successor(step._buffers, step.rows, step.groups, step.dead, step.holes)
        built._bit_positions, built._table_bits = positions, widths
        tables[table] = built._build_table(table, live)
        built._set_tables(tuple(tables))
        yield built
        step = built
    del tables, built
    buffers, starts = step._buffers, step.starts
    for group in newly_dead.tolist():  # scrub: no search reaches these rows any more
        first, last = starts[group], starts[group + 1]
        buffers["codes"][first:last] = 0
        buffers["xy"][first:last] = 0


def _backing(array: np.ndarray) -> np.ndarray:
    """The buffer ``array`` is the first rows of (a loaded snapshot allocates free room behind
    the per-row arrays), or ``array`` itself."""
    base = array.base
    if (
        isinstance(base, np.ndarray)
        and base.ndim == array.ndim
        and base.shape[1:] == array.shape[1:]
        and base.dtype == array.dtype
        and base.flags.c_contiguous
        and array.flags.c_contiguous
        and base.__array_interface__["data"][0] == array.__array_interface__["data"][0]
    ):
        return base
    return array


#: Which view of the index each buffer backs.
_VIEW = {"starts": "starts", "xy": "xy", "codes": "_codes", "group_of_row": "group_of_row"}


def _buffers(rows: int, groups: int, narrow: bool) -> dict[str, np.ndarray]:
    """Per-row and per-group arrays for up to ``rows`` rows and ``groups`` groups."""
    starts = np.zeros(groups + 1, np.int64)
    return {
        "starts": starts,
        "xy": np.zeros((rows, 2), np.float32),
        "codes": np.zeros((rows, 4), np.uint64),
        "group_of_row": np.zeros(rows, np.int32 if narrow else np.int64),
    }


def _fill(
    buffers: dict[str, np.ndarray], values: Sequence[LocalFeatures], row: int, group: int
) -> None:
    """Write ``values`` as groups ``group``… from row ``row`` on (``starts[group]`` is set)."""
    starts = buffers["starts"]
    for value in values:
        end = row + len(value)
        buffers["xy"][row:end] = value.xy
        buffers["codes"][row:end] = _as_codes(value.descriptors)
        buffers["group_of_row"][row:end] = group
        starts[group + 1] = end
        row, group = end, group + 1


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
