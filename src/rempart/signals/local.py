"""Local features (ORB keypoints + binary descriptors) for finding a photo that is only part of an
image.

PDQ summarises the whole frame, so crops, screenshots, memes and photos of screens defeat it.
ORB describes small patches around corners; a query shares many of them with the registered
photo even when cropped, covered or photographed at an angle, and a RANSAC homography over the
matched positions verifies that they agree geometrically (which random look-alikes do not).

Images are scaled to a fixed area first, so the fingerprint has the same size whatever the
resolution, and keypoints are spread over a grid so that no one busy area takes them all. A
registered photo also keeps keypoints found at half that scale (positions in the same frame), so
a copy shown small — a collage cell, a feed post, a filmed screen — still finds partners.
Serialised value: version byte, count (uint16), then per keypoint x, y (uint16 pixels at the
working scale) and a 32-byte descriptor — 36 bytes a keypoint, ≤ 27 kB a registered photo.

What it reveals: small grey patches' brightness comparisons at corner points, and where those
points are. It does not let anyone redraw the photo, but two values from the same photo are
recognisable as such — which is the point, and why stored values are encrypted.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from rempart.errors import SignalError
from rempart.media.scale import resize_to, resize_to_area
from rempart.signals.base import Picture, SignalType

if TYPE_CHECKING:
    from rempart.index.signal_index import SignalIndex
    from rempart.settings import Settings
    from rempart.signals.fingerprint import SignalValue

VERSION = 1
#: Images are described at this many pixels (512² and 640² measured alike on recall; 512² is 20 %
#: faster).
WORKING_AREA = 512 * 512
MAX_KEYPOINTS = 500
#: Keypoints a registered photo keeps at half the working scale, in addition.
HALF_SCALE_KEYPOINTS = 250
#: The most keypoints a registered value (both scales) and a query value (grid + strongest) hold.
MAX_REGISTERED_KEYPOINTS = MAX_KEYPOINTS + HALF_SCALE_KEYPOINTS
MAX_QUERY_KEYPOINTS = 2 * MAX_KEYPOINTS
#: Keypoints are chosen over a GRID × GRID partition of the image (4, 6 and 8 measured alike).
GRID = 6
#: ORB's pyramid is OpenCV's default. Keypoints are ranked by FAST score (Harris ranking measured no
#: better and costs 10 % more) with a low FAST threshold, which finds corners in soft photos.
PYRAMID_LEVELS = 8
PYRAMID_SCALE = 1.2
#: Detector candidates per kept keypoint, so every cell has strong ones to choose from.
CANDIDATES_PER_KEYPOINT = 6
_HEX = re.compile(r"^[0-9a-f]*$")


@dataclass(frozen=True)
class LocalFeatures:
    """Keypoint positions (N, 2) float32 at the working scale and descriptors (N, 32) uint8."""

    xy: np.ndarray
    descriptors: np.ndarray

    def __len__(self) -> int:
        return int(self.descriptors.shape[0])

    @classmethod
    def empty(cls) -> LocalFeatures:
        return cls(np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8))

    @classmethod
    def from_keypoints(
        cls, keypoints: Sequence[Any], descriptors: np.ndarray | None
    ) -> LocalFeatures:
        """From OpenCV keypoints and their descriptors (None or no keypoints gives an empty set)."""
        if descriptors is None or not keypoints:
            return cls.empty()
        import cv2

        points = cv2.KeyPoint_convert(keypoints)  # type: ignore[attr-defined]
        return cls(points.reshape(-1, 2).astype(np.float32), descriptors)

    def to_bytes(self) -> bytes:
        count = len(self)
        positions = np.clip(np.rint(self.xy), 0, 65535).astype("<u2")
        return (
            struct.pack("<BH", VERSION, count)
            + positions.tobytes()
            + self.descriptors.astype(np.uint8).tobytes()
        )

    @classmethod
    def from_bytes(cls, raw: bytes) -> LocalFeatures:
        if len(raw) < 3:
            raise SignalError("local features value is too short")
        version, count = struct.unpack_from("<BH", raw)
        if version != VERSION or len(raw) != 3 + count * 36:
            raise SignalError(
                f"local features value is malformed (version {version}, {len(raw)} bytes for "
                f"{count} keypoints)"
            )
        xy = (
            np.frombuffer(raw, dtype="<u2", count=count * 2, offset=3)
            .reshape(count, 2)
            .astype(np.float32)
        )
        descriptors = np.frombuffer(raw, dtype=np.uint8, offset=3 + count * 4).reshape(count, 32)
        return cls(xy, descriptors)


class LocalFeaturesSignal(SignalType):
    """ORB keypoints and descriptors; matches are verified geometrically, not by a distance
    threshold.

    A registered photo or video frame keeps the bank-side set (``local_features``), a query image
    or collage cell the query set (``query_features``); animation frames past the first have none.
    """

    name: ClassVar[str] = "orb"
    exact: ClassVar[bool] = False
    content_types: ClassVar[frozenset[str]] = frozenset({"photo", "video"})
    index_name: ClassVar[str] = "orb"
    from_browser: ClassVar[bool] = True

    @classmethod
    def validate(cls, value: str) -> str:
        canonical = value.strip().lower()
        if not _HEX.match(canonical) or len(canonical) % 2:
            raise SignalError("local features must be hex")
        LocalFeatures.from_bytes(bytes.fromhex(canonical))
        return canonical

    @classmethod
    def distance(cls, left: str, right: str) -> int:
        """How many of ``left``'s keypoints one homography onto ``right`` does not explain (0:
        all of them)."""
        from rempart.index.local import pair_inliers

        query = LocalFeatures.from_bytes(bytes.fromhex(left))
        return len(query) - pair_inliers(query, LocalFeatures.from_bytes(bytes.fromhex(right)))

    @classmethod
    def explain(
        cls, distance: int | None, inliers: int | None, threshold: int
    ) -> tuple[str, dict[str, object]]:
        return "crop, screenshot or photo of a screen ({points} matching points)", {
            "points": inliers or 0
        }

    @classmethod
    def index_class(cls) -> type[SignalIndex]:
        from rempart.index.signal_index import LocalIndex

        return LocalIndex

    @classmethod
    def hash_picture(
        cls, picture: Picture, settings: Settings, *, register: bool
    ) -> list[SignalValue]:
        from rempart.signals.fingerprint import SignalValue

        if not settings.local_features or picture.role == "frame":
            return []
        registering = register and picture.role in ("image", "video_frame")
        features = local_features(picture.rgb) if registering else query_features(picture.rgb)
        return [SignalValue(cls.name, features.to_bytes().hex(), None, picture.variant)]


def _grey_at_working_scale(rgb: np.ndarray) -> np.ndarray:
    import cv2

    return resize_to_area(cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY), WORKING_AREA)


def _orb(features: int) -> Any:
    import cv2

    orb_create = cv2.ORB_create  # type: ignore[attr-defined]
    return orb_create(
        nfeatures=features,
        scaleFactor=PYRAMID_SCALE,
        nlevels=PYRAMID_LEVELS,
        fastThreshold=10,
        scoreType=cv2.ORB_FAST_SCORE,  # type: ignore[attr-defined]
    )


def _extract(grey: np.ndarray, max_keypoints: int, *, with_strongest: bool) -> LocalFeatures:
    """One ORB detection pass; describe the grid-spread choice (plus the strongest, for queries)."""
    import cv2

    detector = _orb(CANDIDATES_PER_KEYPOINT * max_keypoints)
    keypoints = detector.detect(grey, None)
    if not keypoints:
        return LocalFeatures.empty()
    positions = cv2.KeyPoint_convert(keypoints).reshape(-1, 2)  # type: ignore[attr-defined]
    responses = np.array([k.response for k in keypoints], dtype=np.float32)
    chosen = spread_choice(positions, responses, grey.shape, max_keypoints)
    if with_strongest:
        octaves = np.array([k.octave for k in keypoints], dtype=np.int64)
        chosen = np.union1d(chosen, strongest_choice(responses, octaves, max_keypoints))
    return LocalFeatures.from_keypoints(*detector.compute(grey, [keypoints[i] for i in chosen]))


def local_features(rgb: np.ndarray, max_keypoints: int = MAX_KEYPOINTS) -> LocalFeatures:
    """Bank-side features of an RGB image: grid-spread at the working area, plus half that scale."""
    grey = _grey_at_working_scale(rgb)
    full = _extract(grey, max_keypoints, with_strongest=False)
    half_grey = resize_to(grey, max(1, grey.shape[1] // 2), max(1, grey.shape[0] // 2))
    half = _extract(
        half_grey, HALF_SCALE_KEYPOINTS * max_keypoints // MAX_KEYPOINTS, with_strongest=False
    )
    scale_back = np.array(
        [grey.shape[1] / half_grey.shape[1], grey.shape[0] / half_grey.shape[0]], dtype=np.float32
    )
    return LocalFeatures(
        np.concatenate([full.xy, half.xy * scale_back]),
        np.concatenate([full.descriptors, half.descriptors]),
    )


def query_features(rgb: np.ndarray, max_keypoints: int = MAX_KEYPOINTS) -> LocalFeatures:
    """Features for matching a query: the grid-spread set plus the strongest set, up to 2 × max.

    A query can be mostly something else — an interface around a screenshot, the room around a
    filmed screen. The grid set reaches the photo in the first case, the strongest set in the
    second (the grid spends keypoints on the room); together they cover both. Both come from
    one detection pass and one description pass.
    """
    return _extract(_grey_at_working_scale(rgb), max_keypoints, with_strongest=True)


def spread_choice(
    positions: np.ndarray, responses: np.ndarray, shape: tuple[int, ...], limit: int
) -> np.ndarray:
    """Indices of the strongest keypoints of each grid cell (an equal share each), then the
    strongest left.

    Without this, high-contrast corners in one area — the text of a screenshot's interface, a
    caption, a sticker — take every keypoint and the photo itself gets none.
    """
    height, width = shape[:2]
    column = np.minimum(GRID - 1, (positions[:, 0] * GRID / width).astype(np.int64))
    row = np.minimum(GRID - 1, (positions[:, 1] * GRID / height).astype(np.int64))
    cell = row * GRID + column
    order = np.lexsort((-responses, cell))  # by cell, strongest first within a cell
    sorted_cells = cell[order]
    share = max(1, limit // len(np.unique(sorted_cells)))
    rank_in_cell = np.arange(len(order)) - np.searchsorted(sorted_cells, sorted_cells, side="left")
    chosen = order[rank_in_cell < share]
    rest = order[rank_in_cell >= share]
    rest = rest[np.argsort(-responses[rest], kind="stable")]
    return np.concatenate([chosen[:limit], rest[: max(0, limit - len(chosen))]])


def strongest_choice(responses: np.ndarray, octaves: np.ndarray, limit: int) -> np.ndarray:
    """Indices of the strongest keypoints of each pyramid level, the levels sharing ``limit`` as ORB
    shares it (geometrically, finer levels first): ORB's own rule for ``nfeatures=limit``, applied
    to the larger candidate pool (so close to, not the same as, a separate ORB run: ~87 % shared).
    """
    factor = 1 / PYRAMID_SCALE
    per_level = limit * (1 - factor) / (1 - factor**PYRAMID_LEVELS)
    chosen = []
    remaining = limit
    for level in range(PYRAMID_LEVELS):
        quota = remaining if level == PYRAMID_LEVELS - 1 else min(remaining, round(per_level))
        members = np.nonzero(octaves == level)[0]
        chosen.append(members[np.argsort(-responses[members], kind="stable")][:quota])
        remaining -= quota
        per_level *= factor
    return np.concatenate(chosen)
