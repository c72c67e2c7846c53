"""Signals: what Rempart computes from media (SHA-256, video MD5, PDQ, video frame PDQ, ORB) and
how values compare."""

from rempart.signals.base import SignalType
from rempart.signals.pdq import PDQHash, PDQSignal, VideoPDQSignal, pdq_dihedral, pdq_hash
from rempart.signals.registry import SIGNAL_TYPES, get_signal, signals_for
from rempart.signals.sha256 import SHA256Signal, VideoMD5Signal, file_digests, sha256_file

__all__ = [
    "SignalType",
    "PDQHash",
    "PDQSignal",
    "VideoPDQSignal",
    "SHA256Signal",
    "VideoMD5Signal",
    "file_digests",
    "pdq_hash",
    "pdq_dihedral",
    "sha256_file",
    "signals_for",
    "SIGNAL_TYPES",
    "get_signal",
]
