"""Turn one media file into its fingerprint (signal values only) and (de)serialise fingerprints.

This is the victim-side computation: it reads a file and returns hashes; it never copies, keeps
or sends the media. The JSON-lines form is what ``rempart fingerprint`` writes and
``rempart bank add --fingerprints`` reads.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from rempart.errors import ImportFormatError, MediaError, SignalError
from rempart.media import DecodedImage, MediaKind, decode_image, iter_video_frames, sniff_kind
from rempart.media.regions import MAX_CELLS, picture_cells
from rempart.settings import Settings
from rempart.signals.base import Picture, SignalType
from rempart.signals.local import MAX_QUERY_KEYPOINTS, MAX_REGISTERED_KEYPOINTS
from rempart.signals.registry import get_signal, signals_for
from rempart.signals.sha256 import file_digests

FORMAT_VERSION = 1


@dataclass(frozen=True)
class SignalValue:
    """One fingerprint value: which signal, the canonical value, its quality and which variant."""

    signal: str
    value: str
    quality: int | None = None
    variant: str = "original"

    def is_low_quality(self, min_quality: int) -> bool:
        """True for perceptual hashes too weak to match on their own."""
        return self.quality is not None and self.quality < min_quality


@dataclass(frozen=True)
class Fingerprint:
    """Everything Rempart keeps about one media file: its name, kind, size and signal values."""

    source: str
    kind: str
    width: int | None = None
    height: int | None = None
    values: tuple[SignalValue, ...] = field(default_factory=tuple)

    def of_signal(self, *names: str) -> list[SignalValue]:
        """The values of the given signals, in order."""
        return [value for value in self.values if value.signal in names]

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form (no media, hashes only)."""
        payload: dict[str, Any] = {"rempart_fingerprint": FORMAT_VERSION, **asdict(self)}
        payload["values"] = [asdict(value) for value in self.values]
        return payload

    def to_json(self) -> str:
        """One JSON line (no media, hashes only)."""
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_dict(cls, payload: dict[str, Any]) -> Fingerprint:
        """Parse and validate the form ``to_dict`` gives (from a JSON line or a JSON request
        body)."""
        try:
            if not isinstance(payload, dict) or not isinstance(payload["values"], list):
                raise TypeError("expected an object with a list of values")
            if len(payload["values"]) > MAX_VALUES:
                raise ValueError(f"more than {MAX_VALUES} values")
            values = tuple(
                SignalValue(
                    signal=str(item["signal"])[:40],
                    value=get_signal(str(item["signal"])[:40]).validate(str(item["value"])),
                    quality=parse_quality(item.get("quality")),
                    variant=str(item.get("variant", "original"))[:60],
                )
                for item in payload["values"]
            )
            return cls(
                source=str(payload.get("source", ""))[:300],
                kind=str(payload.get("kind", "unknown"))[:20],
                width=_dimension(payload.get("width")),
                height=_dimension(payload.get("height")),
                values=values,
            )
        except (KeyError, TypeError, ValueError, OverflowError, SignalError) as exc:
            raise ImportFormatError(f"not a Rempart fingerprint line: {str(exc)[:200]}") from exc

    @classmethod
    def from_json(cls, line: str) -> Fingerprint:
        """Parse and validate one JSON line written by ``to_json``."""
        try:
            payload = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise ImportFormatError(f"not a Rempart fingerprint line: {str(exc)[:100]}") from exc
        return cls.from_dict(payload)


#: Values one fingerprint may hold (a video at the frame limit has two a frame, and a few more).
MAX_VALUES = 8000


def parse_quality(value: Any) -> int | None:
    """A PDQ quality: an integer from 0 to 100 (or none)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError("quality must be a number")
    number = float(value)
    if not number.is_integer() or not 0 <= number <= 100:
        raise ValueError("quality must be an integer from 0 to 100")
    return int(number)


def _dimension(value: Any) -> int | None:
    """An image side in pixels (or none)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 1_000_000:
        raise ValueError("width and height must be whole pixel counts")
    return value


def check_submitted(
    fingerprint: Fingerprint, settings: Settings, *, registering: bool, where: str = "fingerprint"
) -> None:
    """Refuse a fingerprint from outside (API, /protect, a fingerprint file) that Rempart would
    never compute.

    Local features are the costly part of every later match, so their size and number are held to
    what ``fingerprint_file`` itself produces: at most ``MAX_REGISTERED_KEYPOINTS`` keypoints a
    registered value (``MAX_QUERY_KEYPOINTS`` a query's), one value per image or per video frame
    (a query image may add one per collage cell). Raises ImportFormatError.
    """
    limit = MAX_REGISTERED_KEYPOINTS if registering else MAX_QUERY_KEYPOINTS
    local = fingerprint.of_signal("orb")
    for value in local:
        if (len(value.value) // 2 - 3) // 36 > limit:
            raise ImportFormatError(
                f"{where}: a local-features value holds more than the {limit} keypoints Rempart "
                "computes"
            )
    if fingerprint.kind == "video":
        allowed = settings.max_video_frames
    else:
        allowed = 1 if registering else 1 + MAX_CELLS
    if len(local) > allowed:
        raise ImportFormatError(
            f"{where}: {len(local)} local-features values; a {fingerprint.kind} has at most "
            f"{allowed}"
        )
    perceptual = fingerprint.of_signal("pdq", "video_pdq")
    most = (
        settings.max_video_frames
        if fingerprint.kind == "video"
        else 8 + settings.max_animation_frames + MAX_CELLS
    )
    if len(perceptual) > most:
        raise ImportFormatError(
            f"{where}: {len(perceptual)} PDQ values; a {fingerprint.kind} has at most {most}"
        )


def fingerprint_file(path: Path, settings: Settings, *, register: bool = False) -> Fingerprint:
    """Compute a file's fingerprint: every registered signal for its kind of content.

    ``register`` gives the bank-side form (8 dihedral PDQ hashes, grid-spread local features);
    otherwise the query form (one PDQ, wider local features, and one of each per collage cell).
    Digest signals share one read of the file; pixel signals share one decode.
    """
    return _fingerprint_of_kind(path, sniff_kind(path, settings.max_file_bytes), settings, register)


def _digest_values(path: Path, signals: list[type[SignalType]]) -> list[SignalValue]:
    """The digest signals' values, from one read of the file."""
    digesting = [s for s in signals if s.digest_algorithm]
    digests = file_digests(path, *(s.digest_algorithm or "" for s in digesting))
    return [SignalValue(s.name, digest) for s, digest in zip(digesting, digests)]


def _fingerprint_of_kind(
    path: Path, kind: MediaKind, settings: Settings, register: bool
) -> Fingerprint:
    signals = signals_for("video" if kind is MediaKind.VIDEO else "photo")
    values = _digest_values(path, signals)
    if kind is MediaKind.VIDEO:
        frames = iter_video_frames(
            path,
            frames_per_second=settings.video_frames_per_second,
            max_seconds=settings.max_video_seconds,
            max_frames=settings.max_video_frames,
            max_pixels=settings.max_image_pixels,
            min_samples=settings.video_min_samples,
        )
        pictures: Iterable[Picture] = (
            Picture(f.rgb, "video_frame", f"frame:{f.number}@{f.seconds:.3f}") for f in frames
        )
        values.extend(_picture_values(pictures, signals, settings, register))
        return Fingerprint(source=path.name, kind=kind.value, values=tuple(values))
    image, pictures = _pictures(path, kind, settings, register)
    values.extend(_picture_values(pictures, signals, settings, register))
    return Fingerprint(
        source=path.name,
        kind=kind.value,
        width=image.width,
        height=image.height,
        values=tuple(values),
    )


def _pictures(
    path: Path, kind: MediaKind, settings: Settings, register: bool
) -> tuple[DecodedImage, list[Picture]]:
    """A still or animated image decoded once, and the pictures its signals hash: the image,
    each collage cell of a query, each further frame."""
    image = decode_image(
        path,
        kind,
        max_pixels=settings.max_image_pixels,
        draft_size=settings.jpeg_draft_size,
        max_frames=settings.max_animation_frames,
        max_decoded_pixels=settings.max_decoded_pixels,
        max_frames_read=settings.max_animation_frames_read,
    )
    first, *others = image.frames
    pictures = [Picture(first, "image")]
    if not register and settings.query_cells:
        pictures.extend(
            Picture(first[b.top : b.bottom, b.left : b.right], "cell", b.label())
            for b in picture_cells(first)
        )
    pictures.extend(
        Picture(pixels, "frame", f"frame:{number}") for number, pixels in enumerate(others, start=1)
    )
    return image, pictures


def fingerprint_in_two_steps(
    path: Path, settings: Settings, later: frozenset[str]
) -> tuple[Fingerprint, Callable[[], Fingerprint]]:
    """A query fingerprint without the ``later`` signals, and a function that returns the whole
    fingerprint from the same decoded pixels (no second read or decode).

    For a caller that may not need the costly signals at all: the bot acts on a confident PDQ
    match first, and computes local features afterwards. A video is fingerprinted whole at once.
    """
    kind = sniff_kind(path, settings.max_file_bytes)
    if kind is MediaKind.VIDEO:
        video = _fingerprint_of_kind(path, kind, settings, False)
        return video, lambda: video
    signals = signals_for("photo")
    values = _digest_values(path, signals)
    image, pictures = _pictures(path, kind, settings, False)
    now = [s for s in signals if s.name not in later and not s.digest_algorithm]
    deferred = [s for s in signals if s.name in later and not s.digest_algorithm]
    values.extend(_picture_values(pictures, now, settings, False))
    quick = Fingerprint(
        source=path.name,
        kind=kind.value,
        width=image.width,
        height=image.height,
        values=tuple(values),
    )

    def whole() -> Fingerprint:
        added = tuple(_picture_values(pictures, deferred, settings, False))
        return replace(quick, values=quick.values + added)

    return quick, whole


def _picture_values(
    pictures: Iterable[Picture], signals: list[type[SignalType]], settings: Settings, register: bool
) -> Iterator[SignalValue]:
    """Each picture's values, signal by signal in registry order."""
    for picture in pictures:
        for signal in signals:
            yield from signal.hash_picture(picture, settings, register=register)


@dataclass(frozen=True)
class FingerprintFailure:
    """A file that could not be fingerprinted, and why (shown to the user; the run goes on)."""

    path: Path
    reason: str


def fingerprint_many(
    paths: Iterable[Path], settings: Settings, *, register: bool = False
) -> Iterator[Fingerprint | FingerprintFailure]:
    """Fingerprint each file in turn; a bad file yields a failure and the rest continue."""
    for path in paths:
        try:
            yield fingerprint_file(path, settings, register=register)
        except MediaError as exc:
            yield FingerprintFailure(path, str(exc))


def read_fingerprints(handle: TextIO) -> Iterator[Fingerprint]:
    """Read a JSON-lines fingerprint file; blank lines are skipped, a bad line raises with its
    number."""
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            yield Fingerprint.from_json(line)
        except ImportFormatError as exc:
            raise ImportFormatError(f"line {number}: {exc}") from exc


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files given directly plus every file under given folders (sorted, hidden files skipped)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        else:
            files.append(path)
    return files
