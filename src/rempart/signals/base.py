"""The interface every signal implements, so that adding a signal is one module plus one registry
line.

A signal type declares, in one class (the idea of python-threatexchange's ``signal_base.py``):

- its ``name`` (a storage key, never reused) and the ``content_types`` it applies to;
- how it hashes media: ``digest_algorithm`` for a digest of the file's bytes, ``hash_picture``
  for a value computed from decoded pixels (a photo, an animation frame, a video frame, a
  collage cell);
- how values are checked (``validate``) and compared (``distance``: never raises);
- where its values are indexed: ``index_name`` (signals sharing a name share one index, as PDQ
  photos and PDQ video frames do) and ``index_class()``, the index type that applies its
  matching rule;
- how outsiders may hand it in: ``bank_file_names`` (the type names HMA / StopNCII bank files
  use), ``text_lookup`` (a single value can be looked up by hash) and ``from_browser`` (the
  victim's page may send it).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

if TYPE_CHECKING:
    from rempart.index.signal_index import SignalIndex
    from rempart.settings import Settings
    from rempart.signals.fingerprint import SignalValue


@dataclass(frozen=True)
class Picture:
    """Decoded pixels a signal may hash, and what they are.

    ``role``: ``"image"`` (a photo, or an animation's first frame), ``"frame"`` (another animation
    frame), ``"video_frame"`` or ``"cell"`` (one picture of a collage, queries only).
    ``variant`` names it in the fingerprint (``original``, ``frame:3``, ``frame:3@1.500``, a cell
    box).
    """

    rgb: np.ndarray
    role: str
    variant: str = "original"


class SignalType(ABC):
    """A kind of fingerprint: SHA-256, PDQ, video frame PDQ, local features…"""

    name: ClassVar[str]
    #: True when two values match only if equal; False for distance-based signals.
    exact: ClassVar[bool]
    #: The kinds of content it is computed for: "photo", "video".
    content_types: ClassVar[frozenset[str]] = frozenset()
    #: hashlib's name for a digest of the file's bytes, or None when it hashes pixels.
    digest_algorithm: ClassVar[str | None] = None
    #: Signal types whose values are searched in the same index (one shared name).
    index_name: ClassVar[str]
    #: Type names bank files (HMA, StopNCII, threatexchange) give this signal.
    bank_file_names: ClassVar[frozenset[str]] = frozenset()
    #: A single value is short enough to look up by hash (``/api/v1/lookup``, ``/m/raw_lookup``).
    text_lookup: ClassVar[bool] = False
    #: The victim's page (``/protect``) computes and may send it.
    from_browser: ClassVar[bool] = False

    @classmethod
    @abstractmethod
    def validate(cls, value: str) -> str:
        """Return the canonical form of ``value`` or raise SignalError."""

    @classmethod
    @abstractmethod
    def distance(cls, left: str, right: str) -> int:
        """How far apart two canonical values are (0 means identical); never raises on valid
        values."""

    @classmethod
    @abstractmethod
    def index_class(cls) -> type[SignalIndex]:
        """The index type its values are searched in (imported here, so signals stay below
        indexes)."""

    @classmethod
    def explain(
        cls, distance: int | None, inliers: int | None, threshold: int
    ) -> tuple[str, dict[str, object]]:
        """What a match by this signal means to a reader: a catalogue text (English msgid, see
        ``rempart.i18n``) and the values to fill in."""
        return "{signal} match", {"signal": cls.name}

    @classmethod
    def hash_picture(
        cls, picture: Picture, settings: Settings, *, register: bool
    ) -> list[SignalValue]:
        """The values of decoded pixels (none by default: digest signals hash bytes)."""
        return []
