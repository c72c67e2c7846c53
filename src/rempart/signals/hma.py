"""Hashes as Hasher-Matcher-Actioner computes them, for its routes: PDQ bit-exact with
python-threatexchange (``PdqSignal``: the whole image decoded, no scaling; ``""`` under quality
50), the video's MD5, and vPDQ over Rempart's sampled frames (``rempart.signals.vpdq``).

Rempart's own limits run first (file size, kind sniffed from the bytes, pixel count), so a
decompression bomb is refused before threatexchange decodes it. With ``with_fingerprint`` the
file's whole Rempart fingerprint comes back too (what a bank entry is matched by: dihedral PDQ,
local features, frame PDQ), computed from the same file.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

from PIL import Image

from rempart.errors import CorruptMediaError, MediaError, MediaTooLargeError, SignalError
from rempart.media.kinds import MediaKind, sniff_kind
from rempart.settings import Settings
from rempart.signals import vpdq
from rempart.signals.fingerprint import Fingerprint, SignalValue, fingerprint_file
from rempart.signals.sha256 import file_digests

#: HMA's signal types, by the content type that produces them: those hashed by default (its
#: reference configuration), and those a caller may ask for with ``types`` (vPDQ too).
SIGNALS_OF: dict[str, tuple[str, ...]] = {"photo": ("pdq",), "video": ("video_md5",)}
AVAILABLE_OF: dict[str, tuple[str, ...]] = {"photo": ("pdq",), "video": ("video_md5", "vpdq")}
CONTENT_OF: dict[str, str] = {s: c for c, signals in AVAILABLE_OF.items() for s in signals}
#: The Rempart signal each HMA signal type's values are stored and indexed as.
STORED_AS: dict[str, str] = {"pdq": "pdq", "video_md5": "video_md5", "vpdq": "video_pdq"}
PDQ_QUALITY_THRESHOLD = 50


@functools.cache
def threatexchange() -> SimpleNamespace:
    """python-threatexchange's PDQ and video MD5 signal types and its PDQ hasher, imported once
    (quietly: its PDQ module warns about hash order on import)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from threatexchange.signal_type.md5 import VideoMD5Signal
        from threatexchange.signal_type.pdq.pdq_hasher import pdq_from_bytes
        from threatexchange.signal_type.pdq.signal import PdqSignal
    return SimpleNamespace(pdq=PdqSignal, video_md5=VideoMD5Signal, pdq_from_bytes=pdq_from_bytes)


def exact_pdq(path: Path, settings: Settings) -> str:
    """threatexchange's ``PdqSignal`` hash of a photo (``""`` under quality 50), after Rempart's
    size and pixel limits."""
    kind = sniff_kind(path, settings.max_file_bytes)
    if kind is MediaKind.VIDEO:
        raise CorruptMediaError("not a photo")
    try:
        with Image.open(path) as image:
            if image.width * image.height > settings.max_image_pixels:
                raise MediaTooLargeError(
                    f"{image.width}x{image.height} pixels is over the limit "
                    "(REMPART_MAX_IMAGE_PIXELS)"
                )
    except MediaError:
        raise
    except Exception as exc:  # Pillow raises many types on hostile input
        raise CorruptMediaError(f"cannot read the photo: {type(exc).__name__}") from exc
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            pdq_hash, quality = threatexchange().pdq_from_bytes(path.read_bytes())
    except Exception as exc:
        raise CorruptMediaError(f"cannot hash the photo: {type(exc).__name__}") from exc
    return pdq_hash if quality >= PDQ_QUALITY_THRESHOLD else ""


def hma_hashes(
    path: Path,
    content_type: str,
    types: tuple[str, ...],
    settings: Settings,
    *,
    with_fingerprint: bool = False,
) -> tuple[dict[str, str], Fingerprint | None]:
    """``{signal type: hash}`` for ``types`` of ``content_type`` ("photo" or "video"), and with
    ``with_fingerprint`` the bank-side Rempart fingerprint of the same file.

    A video that cannot be decoded still has its MD5; its vPDQ is then left out (HMA's own
    hasher would fail the whole request).
    """
    hashes: dict[str, str] = {}
    fingerprint: Fingerprint | None = None
    if content_type == "photo":
        if "pdq" in types:
            hashes["pdq"] = exact_pdq(path, settings)
        if with_fingerprint:
            fingerprint = fingerprint_file(path, settings, register=True)
            if hashes.get("pdq"):
                fingerprint = _with_exact_pdq(fingerprint, hashes["pdq"])
        return hashes, fingerprint
    sniff_kind(path, settings.max_file_bytes)
    md5 = file_digests(path, "md5")[0]
    if "video_md5" in types:
        hashes["video_md5"] = md5
    if "vpdq" in types or with_fingerprint:
        try:
            fingerprint = fingerprint_file(path, settings, register=True)
        except MediaError:
            fingerprint = None
        if fingerprint is not None and fingerprint.kind != "video":
            fingerprint = None  # a photo sent as a video: HMA hashes its bytes only
        if fingerprint is not None and "vpdq" in types:
            features = vpdq.from_fingerprint(fingerprint)
            if features:
                hashes["vpdq"] = vpdq.dumps(features)
    if with_fingerprint and fingerprint is None:
        fingerprint = Fingerprint(
            source=path.name,
            kind="hash",
            values=(SignalValue("video_md5", md5),),
        )
    return hashes, fingerprint


def _with_exact_pdq(fingerprint: Fingerprint, exact: str) -> Fingerprint:
    """The fingerprint with HMA's exact PDQ beside Rempart's own (which scales first)."""
    if any(v.value == exact for v in fingerprint.of_signal("pdq")):
        return fingerprint
    return replace(
        fingerprint, values=(*fingerprint.values, SignalValue("pdq", exact, None, "hma"))
    )


def signal_fingerprint(signals: dict[str, str]) -> Fingerprint:
    """A hash-only entry from HMA signal values (already validated): PDQ, MD5, vPDQ frames."""
    values: list[SignalValue] = []
    for name, value in signals.items():
        if name == "vpdq":
            values.extend(vpdq.as_frame_values(vpdq.parse(value)))
        elif name in ("pdq", "video_md5"):
            values.append(SignalValue(name, value))
        else:
            raise SignalError(f"No such signal type {name[:40]}")
    return Fingerprint(source="", kind="hash", values=tuple(values))
