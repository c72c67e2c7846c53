"""Fast, alias-free downscaling of decoded pixels.

OpenCV's area filter is fast for whole factors and some fifty times slower for others. So:
first a whole-factor area reduction to within 2× of the target, then a bilinear step for the
rest (which at ratios above ½ averages enough neighbours not to alias).
"""

from __future__ import annotations

import numpy as np


def resize_to(pixels: np.ndarray, width: int, height: int) -> np.ndarray:
    """``pixels`` (grey or colour) resized to ``width`` × ``height``."""
    import cv2

    source_height, source_width = pixels.shape[:2]
    if (source_width, source_height) == (width, height):
        return pixels
    factor = min(source_width // max(1, width), source_height // max(1, height))
    if factor >= 2:
        pixels = cv2.resize(
            pixels, (source_width // factor, source_height // factor), interpolation=cv2.INTER_AREA
        )
    return cv2.resize(pixels, (width, height), interpolation=cv2.INTER_LINEAR)


def fit_within(pixels: np.ndarray, max_side: int) -> np.ndarray:
    """``pixels`` scaled down to fit ``max_side`` on the longer side (unchanged if it already
    fits)."""
    height, width = pixels.shape[:2]
    if max(height, width) <= max_side:
        return pixels
    scale = max_side / max(height, width)
    return resize_to(pixels, max(1, round(width * scale)), max(1, round(height * scale)))


def resize_to_area(pixels: np.ndarray, area: int) -> np.ndarray:
    """``pixels`` scaled (up or down) to about ``area`` pixels, keeping the aspect ratio."""
    height, width = pixels.shape[:2]
    scale = (area / (height * width)) ** 0.5
    return resize_to(pixels, max(1, round(width * scale)), max(1, round(height * scale)))
