"""The signal registry: every signal type by its name, checked unique because names are storage
keys.

Adding a signal: write its module (a `SignalType` subclass, see ``rempart.signals.base``) and add
it to ``_ALL`` below; fingerprinting, indexing, bank files, lookups and /protect follow.
"""

from __future__ import annotations

from rempart.errors import SignalError
from rempart.signals.base import SignalType
from rempart.signals.local import LocalFeaturesSignal
from rempart.signals.pdq import PDQSignal, VideoPDQSignal
from rempart.signals.sha256 import SHA256Signal, VideoMD5Signal

#: Every signal, in the order a fingerprint lists their values.
_ALL: tuple[type[SignalType], ...] = (
    SHA256Signal,
    VideoMD5Signal,
    PDQSignal,
    VideoPDQSignal,
    LocalFeaturesSignal,
)

SIGNAL_TYPES: dict[str, type[SignalType]] = {}
for _signal in _ALL:
    if _signal.name in SIGNAL_TYPES:
        raise RuntimeError(f"two signal types named {_signal.name!r}")
    SIGNAL_TYPES[_signal.name] = _signal


def get_signal(name: str) -> type[SignalType]:
    """The signal type registered under ``name``."""
    try:
        return SIGNAL_TYPES[name]
    except KeyError:
        raise SignalError(
            f"unknown signal {name[:40]!r}; known: {', '.join(sorted(SIGNAL_TYPES))}"
        ) from None


def signals_for(content_type: str) -> list[type[SignalType]]:
    """The signals computed for a kind of content ("photo", "video"), in registry order."""
    return [signal for signal in SIGNAL_TYPES.values() if content_type in signal.content_types]


def signal_for_bank_file(type_name: str) -> type[SignalType] | None:
    """The signal a bank file's type name (``pdq``, ``video_md5``, ``md5``…) stands for, if
    Rempart has it."""
    wanted = type_name.strip().lower()
    return next(
        (signal for signal in SIGNAL_TYPES.values() if wanted in signal.bank_file_names), None
    )


def text_lookup_signals() -> frozenset[str]:
    """Names of the signals a single value of which can be looked up."""
    return frozenset(name for name, signal in SIGNAL_TYPES.items() if signal.text_lookup)


def browser_signals() -> frozenset[str]:
    """Names of the signals the victim's page may send."""
    return frozenset(name for name, signal in SIGNAL_TYPES.items() if signal.from_browser)
