"""Find the separate pictures inside one query image: the cells of a collage or a photo grid.

A cell of a 2×2 collage holds a quarter of the pixels, too few for the whole-image fingerprint
to describe it well; fingerprinting each cell on its own restores the detail. Cells are found by
recursive splitting along straight lines that cross the whole region: a gutter (a band of uniform
columns or rows, as collage apps draw) or a seam (a step in brightness along almost every row).
Each cell then loses its uniform borders. Everything runs on a small grey copy, in about a
millisecond; ordinary photos rarely have such lines, so they rarely cost more than that.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The grey copy the search runs on has this many pixels on its longer side.
ANALYSIS_SIDE = 256
#: A column (row) whose brightness varies less than this (standard deviation, 0-255) is uniform.
UNIFORM_STD = 4.0
#: A seam: a brightness step of at least STEP on at least SEAM_SHARE of the lines it crosses.
STEP = 12
SEAM_SHARE = 0.9
#: Split lines are looked for away from the edges (share of the region's side on each end).
EDGE_MARGIN = 0.15
#: A cell must cover this share of the image; a region is split at most this many times deep.
MIN_CELL_SHARE = 0.08
MAX_DEPTH = 2
#: At most this many cells come out of one image (two halvings deep).
MAX_CELLS = 2**MAX_DEPTH


@dataclass(frozen=True)
class Box:
    """A rectangle in image pixels: columns [left, right), rows [top, bottom)."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def area(self) -> int:
        return max(0, self.right - self.left) * max(0, self.bottom - self.top)

    def label(self) -> str:
        return f"region:{self.left},{self.top},{self.right},{self.bottom}"


@dataclass(frozen=True)
class _Split:
    strength: float
    vertical: bool
    start: int  # first column (row) of the line or gutter, in region coordinates
    end: int  # first column (row) after it


def picture_cells(rgb: np.ndarray) -> list[Box]:
    """The cells of a collage-like image (two or more), or [] for an image that is one picture."""
    import cv2

    grey = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    height, width = grey.shape
    factor = -(-max(height, width) // ANALYSIS_SIDE)  # a whole factor: OpenCV's fast box filter
    small = cv2.resize(
        grey, (max(1, width // factor), max(1, height // factor)), interpolation=cv2.INTER_AREA
    ).astype(np.float32)
    found: list[Box] = []
    _split_recursively(small, Box(0, 0, small.shape[1], small.shape[0]), MAX_DEPTH, found)
    minimum = MIN_CELL_SHARE * small.shape[0] * small.shape[1]
    cells = [_scaled(box, factor, factor, width, height) for box in found if box.area >= minimum]
    return cells if len(cells) >= 2 else []


def _split_recursively(grey: np.ndarray, box: Box, depth: int, found: list[Box]) -> None:
    region = grey[box.top : box.bottom, box.left : box.right]
    split = _best_split(region) if depth > 0 else None
    if split is None:
        trimmed = _without_uniform_border(region)
        if trimmed is not None:
            found.append(
                Box(
                    box.left + trimmed.left,
                    box.top + trimmed.top,
                    box.left + trimmed.right,
                    box.top + trimmed.bottom,
                )
            )
        return
    if split.vertical:
        parts = [
            Box(box.left, box.top, box.left + split.start, box.bottom),
            Box(box.left + split.end, box.top, box.right, box.bottom),
        ]
    else:
        parts = [
            Box(box.left, box.top, box.right, box.top + split.start),
            Box(box.left, box.top + split.end, box.right, box.bottom),
        ]
    for part in parts:
        _split_recursively(grey, part, depth - 1, found)


def _best_split(region: np.ndarray) -> _Split | None:
    """The strongest full-length line, vertical or horizontal; gutters beat seams."""
    best: _Split | None = None
    for vertical in (True, False):
        lines = region if vertical else region.T  # columns of `lines` are the candidate lines
        length, count = lines.shape
        if count < 20 or length < 20:
            continue
        low, high = int(EDGE_MARGIN * count), int((1 - EDGE_MARGIN) * count)
        for candidate in (
            *_gutters(lines, low, high, vertical),
            *_seams(lines, low, high, vertical),
        ):
            if best is None or candidate.strength > best.strength:
                best = candidate
    return best


def _gutters(lines: np.ndarray, low: int, high: int, vertical: bool) -> list[_Split]:
    """Interior runs of uniform lines that reach into [low, high)."""
    uniform = np.concatenate([[False], lines.std(axis=0) < UNIFORM_STD, [False]]).astype(np.int8)
    edges = np.diff(uniform)
    starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
    count = lines.shape[1]
    return [
        _Split(2.0, vertical, int(start), int(end))
        for start, end in zip(starts, ends)
        if start > 0 and end < count and end > low and start < high
    ]


def _seams(lines: np.ndarray, low: int, high: int, vertical: bool) -> list[_Split]:
    """Boundaries between two adjacent lines where brightness steps nearly everywhere along them."""
    share = (np.abs(np.diff(lines, axis=1)) >= STEP).mean(axis=0)
    chosen = [int(i) for i in np.nonzero(share >= SEAM_SHARE)[0] if low <= i < high]
    return [
        _Split(float(share[i]), vertical, i + 1, i + 1) for i in chosen
    ]  # ≤ 1, below any gutter


def _without_uniform_border(region: np.ndarray) -> Box | None:
    rows = np.nonzero(region.std(axis=1) >= UNIFORM_STD)[0]
    columns = np.nonzero(region.std(axis=0) >= UNIFORM_STD)[0]
    if not len(rows) or not len(columns):
        return None
    return Box(int(columns[0]), int(rows[0]), int(columns[-1]) + 1, int(rows[-1]) + 1)


def _scaled(box: Box, x_scale: float, y_scale: float, width: int, height: int) -> Box:
    return Box(
        int(box.left * x_scale),
        int(box.top * y_scale),
        min(width, round(box.right * x_scale)),
        min(height, round(box.bottom * y_scale)),
    )
