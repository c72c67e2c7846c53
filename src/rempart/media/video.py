"""Decode sampled video frames with PyAV (FFmpeg inside the wheel), within duration and frame
limits.

Sampling follows vPDQ: every ``round(fps / frames_per_second)``-th decoded frame, timestamp
``frame_number / fps``, so frame hashes line up with vPDQ's output on the same file. A clip too
short to give ``min_samples`` frames that way is sampled more densely, so that a rule like "enough
frames match" has frames to count.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rempart.errors import CorruptMediaError, MediaError, MediaTooLargeError, UnsupportedMediaError


@dataclass(frozen=True)
class VideoFrame:
    """One sampled frame: its number in decode order, its time in seconds, and RGB pixels."""

    number: int
    seconds: float
    rgb: np.ndarray


def iter_video_frames(
    path: Path,
    *,
    frames_per_second: float = 1.0,
    max_seconds: float = 3600.0,
    max_frames: int = 3600,
    max_pixels: int = 100_000_000,
    min_samples: int = 1,
) -> Iterator[VideoFrame]:
    """Yield sampled RGB frames of the first video stream; raise MediaError on anything wrong.

    Whatever the decoder raises on a hostile file (FFmpeg errors, undecodable metadata, missing
    codec parameters) is this file's ``CorruptMediaError``: one file never stops a run.
    """
    try:
        yield from _sampled_frames(
            path, frames_per_second, max_seconds, max_frames, max_pixels, min_samples
        )
    except MediaError:
        raise
    except (
        Exception
    ) as exc:  # PyAV raises many types on hostile input: all mean "this file is corrupt"
        raise CorruptMediaError(
            f"{path}: cannot decode video: {type(exc).__name__}: {str(exc)[:200]}"
        ) from exc


def _sampled_frames(
    path: Path,
    frames_per_second: float,
    max_seconds: float,
    max_frames: int,
    max_pixels: int,
    min_samples: int,
) -> Iterator[VideoFrame]:
    try:
        import av  # imported here: decoding video is optional work and av is slow to import
    except ImportError:
        raise UnsupportedMediaError(
            f"{path}: reading videos needs PyAV: pip install 'rempart[video]'"
        ) from None

    # Metadata is text in no declared encoding; a byte that is not UTF-8 must not make a playable
    # file unreadable.
    with av.open(str(path), mode="r", metadata_errors="replace") as container:
        if not container.streams.video:
            raise UnsupportedMediaError(f"{path}: no video stream")
        stream = container.streams.video[0]
        if stream.codec_context is None:
            raise CorruptMediaError(f"{path}: the video stream has no decoder parameters")
        stream.thread_type = "AUTO"
        width, height = stream.codec_context.width, stream.codec_context.height
        if width * height > max_pixels:
            raise MediaTooLargeError(
                f"{path}: {width}×{height} video frames are over the pixel limit"
            )
        rate = float(stream.average_rate or stream.guessed_rate or 0) or 25.0
        duration = _declared_duration(container, stream)
        if duration is not None and duration > max_seconds:
            raise MediaTooLargeError(
                f"{path}: {duration:.0f} s is over the {max_seconds:.0f} s video limit "
                "(REMPART_MAX_VIDEO_SECONDS)"
            )
        if duration and duration * frames_per_second < min_samples:
            frames_per_second = min_samples / duration
        step = max(1, round(rate / frames_per_second))
        max_decoded = int(max_seconds * rate) + step  # headers can lie: bound the decoding itself
        sampled = 0
        for number, frame in enumerate(container.decode(stream)):
            if number >= max_decoded:
                raise MediaTooLargeError(f"{path}: video runs past the {max_seconds:.0f} s limit")
            if number % step:
                continue
            if sampled >= max_frames:
                raise MediaTooLargeError(
                    f"{path}: more than {max_frames} sampled frames (REMPART_MAX_VIDEO_FRAMES)"
                )
            sampled += 1
            yield VideoFrame(
                number=number, seconds=number / rate, rgb=frame.to_ndarray(format="rgb24")
            )
        if sampled == 0:
            raise CorruptMediaError(f"{path}: no decodable video frames")


def _declared_duration(container: object, stream: object) -> float | None:
    duration = getattr(stream, "duration", None)
    time_base = getattr(stream, "time_base", None)
    if duration is not None and time_base is not None:
        return float(duration * time_base)
    container_duration = getattr(container, "duration", None)
    if container_duration is not None:
        return float(container_duration) / 1_000_000
    return None
