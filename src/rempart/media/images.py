"""Decode still and animated images to RGB arrays sized for hashing, within pixel and size limits.

JPEGs are decoded at reduced scale (libjpeg's DCT scaling through Pillow's ``draft``) because
PDQ only looks at a 64×64 summary; other formats are box-reduced after decoding. Truncated,
corrupt or over-limit files raise; nothing falls back silently.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFile, UnidentifiedImageError

from rempart.errors import CorruptMediaError, MediaTooLargeError, UnsupportedMediaError
from rempart.media.kinds import MediaKind

_PIL_FORMATS = {
    MediaKind.JPEG: ["JPEG", "MPO"],
    MediaKind.PNG: ["PNG"],
    MediaKind.GIF: ["GIF"],
    MediaKind.WEBP: ["WEBP"],
    MediaKind.BMP: ["BMP"],
    MediaKind.TIFF: ["TIFF"],
    MediaKind.HEIF: ["HEIF", "AVIF"],
}


@dataclass(frozen=True)
class DecodedImage:
    """RGB frames ready for hashing (the first is the still image) and the file's true size."""

    frames: list[np.ndarray]
    width: int
    height: int
    kind: MediaKind


def _register_heif() -> None:
    try:
        import pillow_heif
    except (
        ImportError
    ) as exc:  # declared dependency: a missing one is an install problem, said plainly
        raise UnsupportedMediaError("HEIC/AVIF support needs the pillow-heif package") from exc
    pillow_heif.register_heif_opener()
    if hasattr(pillow_heif, "register_avif_opener"):
        pillow_heif.register_avif_opener()


def _to_rgb(frame: Image.Image) -> np.ndarray:
    frame = eight_bit(frame)
    if frame.mode != "RGB":
        frame = frame.convert("RGB")
    return np.asarray(frame)


def eight_bit(frame: Image.Image) -> Image.Image:
    """The frame in an 8-bit mode Pillow can reduce and convert: palette, 1-bit, 16-bit and float
    images (GIF, PNG-8, 1-bit PNG, 16-bit grey PNG, palette BMP/TIFF…) are converted first.

    16-bit and 32-bit samples are scaled down (a plain conversion would clip them to white).
    """
    mode = frame.mode
    if mode == "1":
        return frame.convert("L")
    if mode in ("P", "PA"):
        return frame.convert("RGBA" if mode == "PA" or "transparency" in frame.info else "RGB")
    if mode.startswith("I") or mode == "F":
        samples = np.asarray(frame, dtype=np.float64)
        top = float(samples.max()) if samples.size else 0.0
        if mode.startswith("I;16") or 255 < top <= 65535:
            scale = 1 / 257  # 16-bit range onto 8 bits
        elif mode == "F" and 0 < top <= 1.0:
            scale = 255.0
        else:
            scale = 255.0 / top if top > 255 else 1.0
        return Image.fromarray(np.clip(samples * scale, 0, 255).astype(np.uint8), "L")
    if (
        mode == "La"
    ):  # premultiplied grey: Pillow converts it to nothing; the grey channel is the picture
        return Image.fromarray(np.ascontiguousarray(np.asarray(frame)[..., 0]), "L")
    if mode == "RGBa":
        return frame.convert("RGBA")
    return frame


def _reduce_for_hashing(frame: Image.Image, target: int) -> Image.Image:
    """Shrink by an integer box factor so the short side stays at least ``target`` pixels."""
    frame = eight_bit(frame)
    if target <= 0:
        return frame
    factor = min(frame.size) // target
    if factor >= 2:
        return frame.reduce(factor)
    return frame


def _frames_to_read(image: Image.Image, limit: int) -> int:
    """How many of the first frames may be read: at most ``limit``, counted without reading past it.

    Pillow counts a GIF's frames by reading all of them; here they are counted up to the limit.
    """
    if image.format != "GIF":
        return min(int(getattr(image, "n_frames", 1)), limit)
    count = 1
    try:
        while count < limit:
            image.seek(count)
            count += 1
    except EOFError:
        pass
    image.seek(0)
    return count


def _sample_indices(n_frames: int, wanted: int) -> list[int]:
    if n_frames <= wanted:
        return list(range(n_frames))
    return (
        sorted({round(i * (n_frames - 1) / (wanted - 1)) for i in range(wanted)})
        if wanted > 1
        else [0]
    )


def decode_image(
    path: Path,
    kind: MediaKind,
    *,
    max_pixels: int,
    draft_size: int = 512,
    max_frames: int = 8,
    max_decoded_pixels: int | None = None,
    max_frames_read: int = 1000,
) -> DecodedImage:
    """Decode an image file of a known kind into RGB frames for hashing.

    ``draft_size`` 0 decodes at full resolution (bit-exact with other PDQ tools). Reaching frame
    k of an animation decodes every frame before it, so frames are sampled only among the first
    ones whose pixels together stay within ``max_decoded_pixels`` (default: ``max_pixels``), and
    never beyond frame ``max_frames_read`` (a GIF of 50,000 tiny frames is read no further).
    """
    if kind is MediaKind.HEIF:
        _register_heif()
    if (
        ImageFile.LOAD_TRUNCATED_IMAGES
    ):  # someone flipped Pillow's global: refuse to hash half images
        raise CorruptMediaError(
            "Pillow is set to load truncated images; refusing to hash partial content"
        )
    Image.init()  # register every plugin first, so the formats list below resolves (MPO, HEIF…)
    # Pillow's own bomb guard (89.5 MP by default) follows Rempart's limit, not the other way round.
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path, formats=_PIL_FORMATS[kind])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaTooLargeError(
            f"{path}: too many pixels, over the REMPART_MAX_IMAGE_PIXELS limit (decompression "
            f"bomb?): {exc}"
        ) from exc
    except UnidentifiedImageError as exc:
        raise CorruptMediaError(f"{path}: looks like {kind.value} but cannot be decoded") from exc
    except (
        Exception
    ) as exc:  # Pillow's parsers raise many types on hostile input: all mean "corrupt"
        raise CorruptMediaError(
            f"{path}: cannot decode {kind.value}: {type(exc).__name__}: {exc}"
        ) from exc
    with image:
        width, height = image.size
        if width <= 0 or height <= 0:
            raise CorruptMediaError(f"{path}: image has no pixels")
        if width * height > max_pixels:
            raise MediaTooLargeError(
                f"{path}: {width}×{height} = {width * height} pixels is over the {max_pixels} "
                "limit "
                "(REMPART_MAX_IMAGE_PIXELS); possible decompression bomb"
            )
        frames: list[np.ndarray] = []
        try:
            budget = max_pixels if max_decoded_pixels is None else max_decoded_pixels
            n_frames = _frames_to_read(
                image, max(1, min(max_frames_read, budget // (width * height)))
            )
            for index in _sample_indices(n_frames, max(1, max_frames)):
                if n_frames > 1:
                    image.seek(index)
                if kind is MediaKind.JPEG and draft_size > 0:
                    image.draft("RGB", (draft_size, draft_size))
                image.load()
                frame = image if kind is MediaKind.JPEG else _reduce_for_hashing(image, draft_size)
                frames.append(_to_rgb(frame))
        except MemoryError as exc:
            raise MediaTooLargeError(f"{path}: not enough memory to decode") from exc
        except Exception as exc:  # as above: any parser failure on this file is a corrupt file
            raise CorruptMediaError(
                f"{path}: truncated or corrupt {kind.value}: {type(exc).__name__}: {exc}"
            ) from exc
    return DecodedImage(frames=frames, width=width, height=height, kind=kind)
