"""Synthetic photo-like images and the everyday alterations they suffer, for demos, tests and
benchmarks.

Made in code from a seed (no photos of people, nothing downloaded): smooth colour fields with
shapes and grain, which PDQ hashes with good quality and tells apart like real photos.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps


def synthetic_photo(seed: int, size: tuple[int, int] = (1080, 1350)) -> Image.Image:
    """A deterministic photo-like RGB image of ``size`` (width, height)."""
    rng = np.random.default_rng(seed)
    width, height = size
    coarse = rng.integers(0, 256, size=(rng.integers(3, 7), rng.integers(3, 7), 3), dtype=np.uint8)
    image = Image.fromarray(coarse, "RGB").resize(size, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(6, 14))):
        x0, y0 = rng.uniform(-0.2, 1.0) * width, rng.uniform(-0.2, 1.0) * height
        w, h = rng.uniform(0.08, 0.5) * width, rng.uniform(0.08, 0.5) * height
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.ellipse([x0, y0, x0 + w, y0 + h], fill=colour)
        else:
            points = [
                (x0 + rng.uniform(0, w), y0 + rng.uniform(0, h))
                for _ in range(int(rng.integers(3, 6)))
            ]
            draw.polygon(points, fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(radius=max(1.0, min(size) / 400)))
    small = (max(1, width // 4), max(1, height // 4))
    grain = rng.normal(0, 6, size=(small[1], small[0], 1)).clip(-20, 20) + 128
    grain_image = Image.fromarray(grain.astype(np.uint8)[:, :, 0], "L").resize(
        size, Image.Resampling.BILINEAR
    )
    return Image.blend(image, Image.merge("RGB", [grain_image] * 3), 0.08)


def textured_photo(seed: int, size: tuple[int, int] = (1080, 1350)) -> Image.Image:
    """A photo-like image with the fine, sharp detail real photos have (many corners for local
    features)."""
    rng = np.random.default_rng(seed + 77_000)
    image = synthetic_photo(seed, size)
    draw = ImageDraw.Draw(image)
    width, height = size
    for _ in range(400):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        w, h = rng.uniform(0.005, 0.04) * width, rng.uniform(0.005, 0.04) * height
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        shape = rng.integers(3)
        if shape == 0:
            draw.rectangle([x, y, x + w, y + h], fill=colour)
        elif shape == 1:
            draw.ellipse([x, y, x + w, y + h], outline=colour, width=2)
        else:
            draw.line([x, y, x + w * 2, y + h], fill=colour, width=2)
    return image


def phone_screenshot(seed: int, size: tuple[int, int] = (1170, 2532)) -> Image.Image:
    """A flat, UI-like image (bars, text-like blocks, a photo inside), as phone screenshots are."""
    rng = np.random.default_rng(seed)
    width, height = size
    dark = rng.random() < 0.5
    image = Image.new("RGB", size, (18, 18, 18) if dark else (250, 250, 250))
    draw = ImageDraw.Draw(image)
    ink = (230, 230, 230) if dark else (30, 30, 30)
    draw.rectangle(
        [0, 0, width, int(height * 0.05)], fill=(40, 40, 40) if dark else (235, 235, 235)
    )
    photo = synthetic_photo(seed + 10_000, (width, int(width * 1.25)))
    top = int(height * 0.15)
    image.paste(photo, (0, top))
    y = top + photo.height + 30
    while y < height - 60:
        line_width = int(rng.uniform(0.3, 0.9) * width)
        draw.rectangle([40, y, 40 + line_width, y + 22], fill=ink)
        y += 50
    return image


def altered_copies(image: Image.Image) -> dict[str, Image.Image]:
    """Alterations plain PDQ survives: half size, brightness, greyscale, a text caption (the
    caller recompresses)."""
    width, height = image.size
    caption = image.copy()
    font = ImageFont.load_default(size=max(12, height // 25))
    ImageDraw.Draw(caption).text(
        (width * 0.06, height * 0.86),
        "lol regarde ça",
        font=font,
        fill=(255, 255, 255),
        stroke_width=2,
        stroke_fill=(0, 0, 0),
    )
    return {
        "resized": image.resize((width // 2, height // 2), Image.Resampling.BILINEAR),
        "brighter": ImageEnhance.Brightness(image).enhance(1.25),
        "greyscale": ImageOps.grayscale(image).convert("RGB"),
        "caption": caption,
    }


def save_jpeg(image: Image.Image, path: Path, quality: int = 85) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=quality)
    return path
