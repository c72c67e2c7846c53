"""Local features (ORB keypoints + binary descriptors) for finding a photo that is only part of an image.

PDQ summarises the whole frame, so crops, screenshots, memes and photos of screens defeat it.
ORB describes small patches around corners; a query shares many of them with the registered
photo even when cropped, covered or photographed at an angle, and a RANSAC homography over the
matched positions verifies that they agree geometrically (which random look-alikes do not).

Images are scaled to a fixed area first, so the fingerprint has the same size whatever the
resolution, and keypoints are spread over a grid so that no one busy area takes them all.
Serialised value: version byte, count (uint16), then per keypoint x, y (uint16 pixels at that
scale) and a 32-byte descriptor — 36 bytes a keypoint, ≤ 18 kB a photo.
"""

from __future__ import annotations

import re
import struct
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from rempart.errors import SignalError
from rempart.signals.base import SignalType

VERSION = 1
WORKING_AREA = 640 * 640
MAX_KEYPOINTS = 500
#: Keypoints are chosen over a GRID × GRID partition of the image (4, 6 and 8 measured alike).
GRID = 6
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
    def from_keypoints(cls, keypoints: Sequence[Any], descriptors: np.ndarray | None) -> LocalFeatures:
        """From OpenCV keypoints and their descriptors (None or no keypoints gives an empty set)."""
        if descriptors is None or not keypoints:
            return cls.empty()
        return cls(np.array([k.pt for k in keypoints], dtype=np.float32).reshape(-1, 2), descriptors)

    def to_bytes(self) -> bytes:
        count = len(self)
        positions = np.clip(np.rint(self.xy), 0, 65535).astype("<u2")
        return struct.pack("<BH", VERSION, count) + positions.tobytes() + self.descriptors.astype(np.uint8).tobytes()

    @classmethod
    def from_bytes(cls, raw: bytes) -> LocalFeatures:
        if len(raw) < 3:
            raise SignalError("local features value is too short")
        version, count = struct.unpack_from("<BH", raw)
        if version != VERSION or len(raw) != 3 + count * 36:
            raise SignalError(f"local features value is malformed (version {version}, {len(raw)} bytes for {count} keypoints)")
        xy = np.frombuffer(raw, dtype="<u2", count=count * 2, offset=3).reshape(count, 2).astype(np.float32)
        descriptors = np.frombuffer(raw, dtype=np.uint8, offset=3 + count * 4).reshape(count, 32)
        return cls(xy, descriptors)


class LocalFeaturesSignal(SignalType):
    """ORB keypoints and descriptors; matches are verified geometrically, not by a distance threshold."""

    name: ClassVar[str] = "orb"
    exact: ClassVar[bool] = False

    @classmethod
    def validate(cls, value: str) -> str:
        canonical = value.strip().lower()
        if not _HEX.match(canonical) or len(canonical) % 2:
            raise SignalError("local features must be hex")
        LocalFeatures.from_bytes(bytes.fromhex(canonical))
        return canonical

    @classmethod
    def distance(cls, left: str, right: str) -> int:
        raise SignalError("local features are compared by geometric verification (rempart.index.local), not a distance")


def _grey_at_working_scale(rgb: np.ndarray) -> np.ndarray:
    import cv2

    grey = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    height, width = grey.shape
    scale = (WORKING_AREA / (height * width)) ** 0.5
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(grey, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)


def _orb(features: int) -> Any:
    import cv2

    orb_create = cv2.ORB_create  # type: ignore[attr-defined]
    return orb_create(nfeatures=features, scaleFactor=1.2, nlevels=8, fastThreshold=10)


def _spread_features(grey: np.ndarray, max_keypoints: int) -> LocalFeatures:
    detector = _orb(CANDIDATES_PER_KEYPOINT * max_keypoints)
    chosen = _spread(detector.detect(grey, None), grey.shape, max_keypoints)
    if not chosen:
        return LocalFeatures.empty()
    return LocalFeatures.from_keypoints(*detector.compute(grey, chosen))


def local_features(rgb: np.ndarray, max_keypoints: int = MAX_KEYPOINTS) -> LocalFeatures:
    """ORB features of an RGB image at the fixed working area, spread over a spatial grid."""
    return _spread_features(_grey_at_working_scale(rgb), max_keypoints)


def query_features(rgb: np.ndarray, max_keypoints: int = MAX_KEYPOINTS) -> LocalFeatures:
    """Features for matching a query: the grid-spread set plus the strongest set, up to 2 × max.

    A query can be mostly something else — an interface around a screenshot, the room around a
    filmed screen. The grid set reaches the photo in the first case, the strongest set in the
    second (the grid spends keypoints on the room); together they cover both. Registered photos
    are photos alone, so the bank keeps only the grid set.
    """
    grey = _grey_at_working_scale(rgb)
    spread = _spread_features(grey, max_keypoints)
    strongest = LocalFeatures.from_keypoints(*_orb(max_keypoints).detectAndCompute(grey, None))
    if not len(strongest):
        return spread
    return LocalFeatures(np.concatenate([spread.xy, strongest.xy]), np.concatenate([spread.descriptors, strongest.descriptors]))


def _spread(keypoints: Sequence[Any], shape: tuple[int, ...], limit: int) -> list[Any]:
    """Keep the strongest keypoints of each grid cell (an equal share each), then the strongest left.

    Without this, high-contrast corners in one area — the text of a screenshot's interface, a
    caption, a sticker — take every keypoint and the photo itself gets none.
    """
    height, width = shape[:2]
    cells: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for keypoint in keypoints:
        x, y = keypoint.pt
        cells[(min(GRID - 1, int(x * GRID / width)), min(GRID - 1, int(y * GRID / height)))].append(keypoint)
    if not cells:
        return []
    share = max(1, limit // len(cells))
    chosen: list[Any] = []
    leftover: list[Any] = []
    for members in cells.values():
        members.sort(key=lambda k: -k.response)
        chosen.extend(members[:share])
        leftover.extend(members[share:])
    leftover.sort(key=lambda k: -k.response)
    return chosen[:limit] + leftover[: max(0, limit - len(chosen))]
