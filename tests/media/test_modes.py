"""Every Pillow image mode an ordinary file can have is read and hashed like the same picture in
RGB.

GIF and PNG-8 (palette), 1-bit PNG, 16-bit grey PNG, palette BMP and TIFF, CMYK, float and
32-bit TIFF: large enough (short side ≥ 1024) that decoding reduces them before hashing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from rempart.samples import textured_photo
from rempart.settings import Settings
from rempart.signals.fingerprint import fingerprint_file
from rempart.signals.pdq import hamming_hex

SIZE = (1400, 1100)


def _grey16(image: Image.Image) -> Image.Image:
    samples = np.asarray(image.convert("L"), dtype=np.uint16) * 257
    return Image.fromarray(samples)  # uint16: mode I;16


def _int32(image: Image.Image) -> Image.Image:
    return Image.fromarray(np.asarray(image.convert("L"), dtype=np.int32) * 1000)  # mode I


def _float(image: Image.Image) -> Image.Image:
    return Image.fromarray(np.asarray(image.convert("L"), dtype=np.float32) / 255.0)  # mode F


def _palette_alpha(image: Image.Image) -> Image.Image:
    quantized = image.quantize(255)
    quantized.info["transparency"] = 255
    return quantized


VARIANTS: dict[str, tuple[Callable[[Image.Image], Image.Image], str, dict[str, object], bool]] = {
    # name: (make the variant, format, save options, compare against the grey picture)
    "gif": (lambda im: im, "GIF", {}, False),
    "gif-animated": (
        lambda im: im,
        "GIF",
        {"save_all": True, "append_images": [textured_photo(9, SIZE)], "duration": 100},
        False,
    ),
    "png-8": (lambda im: im.quantize(256), "PNG", {}, False),
    "png-8-transparent": (_palette_alpha, "PNG", {}, False),
    "png-1-bit": (lambda im: im.convert("1"), "PNG", {}, True),
    "png-16-bit-grey": (_grey16, "PNG", {}, True),
    "png-la": (lambda im: im.convert("LA"), "PNG", {}, True),
    "png-rgba": (lambda im: im.convert("RGBA"), "PNG", {}, False),
    "bmp-palette": (lambda im: im.quantize(256), "BMP", {}, False),
    "bmp-1-bit": (lambda im: im.convert("1"), "BMP", {}, True),
    "tiff-palette": (lambda im: im.quantize(256), "TIFF", {}, False),
    "tiff-cmyk": (lambda im: im.convert("CMYK"), "TIFF", {}, False),
    "tiff-32-bit": (_int32, "TIFF", {}, True),
    "tiff-float": (_float, "TIFF", {}, True),
    "jpeg-cmyk": (lambda im: im.convert("CMYK"), "JPEG", {"quality": 92}, False),
    "jpeg-grey": (lambda im: im.convert("L"), "JPEG", {"quality": 92}, True),
    "webp": (lambda im: im, "WEBP", {"quality": 90}, False),
}


@pytest.fixture(scope="module")
def references(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("modes")
    photo = textured_photo(8, SIZE)
    photo.save(root / "rgb.png")
    photo.convert("L").save(root / "grey.png")
    settings = Settings(data_dir=root / "data")
    return {
        name: fingerprint_file(root / f"{name}.png", settings).of_signal("pdq")[0].value
        for name in ("rgb", "grey")
    }


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_every_mode_is_read_and_matches_the_rgb_picture(
    name: str, tmp_path: Path, references: dict[str, str]
) -> None:
    make, fmt, options, grey = VARIANTS[name]
    variant = make(textured_photo(8, SIZE))
    path = tmp_path / f"photo.{fmt.lower()}"
    variant.save(path, fmt, **options)
    settings = Settings(data_dir=tmp_path / "data")
    for register in (False, True):
        values = fingerprint_file(path, settings, register=register).of_signal("pdq")
        assert values, name
    pdq = fingerprint_file(path, settings).of_signal("pdq")[0].value
    distance = hamming_hex(pdq, references["grey" if grey else "rgb"])
    assert distance <= 31, (name, Image.open(path).mode, distance)  # a match, as the JPEG would be


def test_the_pixel_limit_is_rempart_s_not_pillow_s(tmp_path: Path) -> None:
    from rempart.errors import MediaTooLargeError
    from rempart.media import MediaKind, decode_image

    path = tmp_path / "large.png"
    Image.new("L", (9500, 9500), 128).save(
        path
    )  # 90.25 MP: over Pillow's default 89.5 MP, under Rempart's 100 MP
    assert decode_image(path, MediaKind.PNG, max_pixels=100_000_000).frames[0].shape[2] == 3
    with pytest.raises(MediaTooLargeError):
        decode_image(path, MediaKind.PNG, max_pixels=80_000_000)
