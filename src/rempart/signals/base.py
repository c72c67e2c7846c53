"""The interface every signal implements: a name (a storage key), validation and comparison.

A signal knows how to check a serialised value and how far apart two values are; hashing media
lives in each signal's module, indexing in ``rempart.index``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar


class SignalType(ABC):
    """A kind of fingerprint: SHA-256, PDQ, video frame PDQ…"""

    name: ClassVar[str]
    #: True when two values match only if equal; False for distance-based signals.
    exact: ClassVar[bool]

    @classmethod
    @abstractmethod
    def validate(cls, value: str) -> str:
        """Return the canonical form of ``value`` or raise SignalError."""

    @classmethod
    @abstractmethod
    def distance(cls, left: str, right: str) -> int:
        """How far apart two canonical values are (0 means identical)."""
