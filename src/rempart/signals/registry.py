"""The signal registry: every signal type by its name, checked unique because names are storage keys."""

from __future__ import annotations

from rempart.errors import SignalError
from rempart.signals.base import SignalType
from rempart.signals.local import LocalFeaturesSignal
from rempart.signals.pdq import PDQSignal, VideoPDQSignal
from rempart.signals.sha256 import SHA256Signal, VideoMD5Signal

SIGNAL_TYPES: dict[str, type[SignalType]] = {}
for _signal in (SHA256Signal, VideoMD5Signal, PDQSignal, VideoPDQSignal, LocalFeaturesSignal):
    if _signal.name in SIGNAL_TYPES:
        raise RuntimeError(f"two signal types named {_signal.name!r}")
    SIGNAL_TYPES[_signal.name] = _signal

#: Signals whose values are 256-bit PDQ codes searched in the Hamming index.
PDQ_LIKE = frozenset({PDQSignal.name, VideoPDQSignal.name})
#: Signals matched by exact equality of their values.
EXACT = frozenset({SHA256Signal.name, VideoMD5Signal.name})
#: Local-feature signals, matched by geometric verification.
LOCAL = frozenset({LocalFeaturesSignal.name})


def get_signal(name: str) -> type[SignalType]:
    """The signal type registered under ``name``."""
    try:
        return SIGNAL_TYPES[name]
    except KeyError:
        raise SignalError(f"unknown signal {name[:40]!r}; known: {', '.join(sorted(SIGNAL_TYPES))}") from None
