"""PDQ perceptual hash (256 bits + quality), serialised exactly as python-threatexchange does.

The hex form is the hash bits in order, most significant first, 64 lowercase hex chars: the
format of StopNCII and HMA banks. Dihedral hashes are the 8 rotations/mirrors PDQ defines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pdqhash

from rempart.errors import SignalError
from rempart.media.scale import fit_within
from rempart.signals.base import Picture, SignalType

if TYPE_CHECKING:
    from rempart.index.signal_index import SignalIndex
    from rempart.settings import Settings
    from rempart.signals.fingerprint import SignalValue

_HEX64 = re.compile(r"^[0-9a-f]{64}$")

#: pdqhash.compute_dihedral's order, named as in the PDQ reference implementation.
DIHEDRAL_VARIANTS: tuple[str, ...] = (
    "original",
    "rotate90",
    "rotate180",
    "rotate270",
    "flip_x",
    "flip_y",
    "flip_plus1",
    "flip_minus1",
)


@dataclass(frozen=True)
class PDQHash:
    """A PDQ hash in threatexchange hex form with its quality (0-100)."""

    hex: str
    quality: int


class PDQSignal(SignalType):
    """Perceptual photo signal; two values match at Hamming distance ≤ the bank's threshold.

    A registered photo keeps its 8 dihedral hashes (rotations and mirrors), a query one hash (and
    one per collage cell); each further animation frame adds one. Pixels are scaled down to
    ``pdq_max_side`` first (area averaging), which PDQ's own downsampling approximates.
    """

    name: ClassVar[str] = "pdq"
    exact: ClassVar[bool] = False
    content_types: ClassVar[frozenset[str]] = frozenset({"photo"})
    index_name: ClassVar[str] = "pdq"
    bank_file_names: ClassVar[frozenset[str]] = frozenset({"pdq", "photo_pdq", "pdq_hash"})
    text_lookup: ClassVar[bool] = True
    from_browser: ClassVar[bool] = True
    #: The pictures it hashes.
    roles: ClassVar[frozenset[str]] = frozenset({"image", "frame", "cell"})

    @classmethod
    def validate(cls, value: str) -> str:
        canonical = value.strip().lower()
        if not _HEX64.match(canonical):
            raise SignalError(f"not a PDQ hash (64 hex characters): {value[:40]!r}")
        return canonical

    @classmethod
    def distance(cls, left: str, right: str) -> int:
        return hamming_hex(left, right)

    @classmethod
    def explain(
        cls, distance: int | None, inliers: int | None, threshold: int
    ) -> tuple[str, dict[str, object]]:
        if not distance:
            return "same picture (PDQ identical)", {}
        return "near copy (PDQ {bits} of {threshold} bits allowed)", {
            "bits": distance,
            "threshold": threshold,
        }

    @classmethod
    def index_class(cls) -> type[SignalIndex]:
        from rempart.index.signal_index import PDQIndex

        return PDQIndex

    @classmethod
    def hash_picture(
        cls, picture: Picture, settings: Settings, *, register: bool
    ) -> list[SignalValue]:
        from rempart.signals.fingerprint import SignalValue

        if picture.role not in cls.roles:
            return []
        pixels = (
            fit_within(picture.rgb, settings.pdq_max_side) if settings.pdq_max_side else picture.rgb
        )
        if register and picture.role == "image":
            return [
                SignalValue(cls.name, h.hex, h.quality, name) for name, h in pdq_dihedral(pixels)
            ]
        code = pdq_hash(pixels)
        return [SignalValue(cls.name, code.hex, code.quality, picture.variant)]


class VideoPDQSignal(PDQSignal):
    """PDQ of sampled video frames; searched in the PDQ index (a frame finds a photo), stored
    apart."""

    name: ClassVar[str] = "video_pdq"
    content_types: ClassVar[frozenset[str]] = frozenset({"video"})
    bank_file_names: ClassVar[frozenset[str]] = frozenset()
    from_browser: ClassVar[bool] = False
    roles: ClassVar[frozenset[str]] = frozenset({"video_frame"})

    @classmethod
    def explain(
        cls, distance: int | None, inliers: int | None, threshold: int
    ) -> tuple[str, dict[str, object]]:
        return "video showing it (frames within PDQ {bits} of {threshold} bits)", {
            "bits": distance or 0,
            "threshold": threshold,
        }


def bits_to_hex(bits: np.ndarray) -> str:
    """256 hash bits (0/1, most significant first) to threatexchange hex."""
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex()


def hex_to_bytes(value: str) -> bytes:
    """Threatexchange hex to the 32 raw bytes the index stores."""
    return bytes.fromhex(value)


def hamming_hex(left: str, right: str) -> int:
    """Hamming distance between two PDQ hex strings."""
    return (int(left, 16) ^ int(right, 16)).bit_count()


def _as_hashable(rgb: np.ndarray) -> np.ndarray:
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise SignalError(f"PDQ needs an RGB uint8 array, got shape {rgb.shape} {rgb.dtype}")
    return np.ascontiguousarray(rgb)


def pdq_hash(rgb: np.ndarray) -> PDQHash:
    """PDQ hash of an RGB uint8 array, identical to ``pdqhash.compute`` on the same pixels."""
    bits, quality = pdqhash.compute(_as_hashable(rgb))
    return PDQHash(bits_to_hex(bits), int(quality))


def pdq_dihedral(rgb: np.ndarray) -> list[tuple[str, PDQHash]]:
    """The 8 dihedral PDQ hashes of an RGB array, each with its variant name."""
    all_bits, quality = pdqhash.compute_dihedral(_as_hashable(rgb))
    return [
        (name, PDQHash(bits_to_hex(bits), int(quality)))
        for name, bits in zip(DIHEDRAL_VARIANTS, all_bits)
    ]
