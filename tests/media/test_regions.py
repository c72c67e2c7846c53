from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from rempart.media.regions import Box, picture_cells
from rempart.samples import save_jpeg, textured_photo
from rempart.settings import Settings
from rempart.signals.fingerprint import fingerprint_file


def _collage(
    columns: int, rows: int, cell: tuple[int, int], gutter: int, seed: int = 40
) -> tuple[Image.Image, list[Box]]:
    width, height = cell
    canvas = Image.new(
        "RGB",
        (columns * width + (columns + 1) * gutter, rows * height + (rows + 1) * gutter),
        "white",
    )
    boxes = []
    for number in range(columns * rows):
        left = gutter + (number % columns) * (width + gutter)
        top = gutter + (number // columns) * (height + gutter)
        canvas.paste(textured_photo(seed + number, cell), (left, top))
        boxes.append(Box(left, top, left + width, top + height))
    return canvas, boxes


def _close(found: Box, expected: Box, tolerance: int) -> bool:
    return all(
        abs(a - b) <= tolerance for a, b in zip(vars(found).values(), vars(expected).values())
    )


@pytest.mark.parametrize("columns,rows,gutter", [(2, 2, 12), (2, 1, 8), (1, 2, 3), (3, 1, 10)])
def test_collage_cells_are_found(columns: int, rows: int, gutter: int) -> None:
    collage, expected = _collage(columns, rows, (420, 520), gutter)
    cells = picture_cells(np.asarray(collage))
    assert len(cells) == len(expected)
    for want in expected:
        assert any(_close(found, want, tolerance=8) for found in cells), (want, cells)


def test_a_seam_without_gutter_splits_when_the_step_runs_the_whole_line() -> None:
    from PIL import ImageEnhance

    top = ImageEnhance.Brightness(textured_photo(50, (600, 400))).enhance(1.6)
    bottom = ImageEnhance.Brightness(textured_photo(51, (600, 400))).enhance(0.4)
    stacked = Image.new("RGB", (600, 800))
    stacked.paste(top, (0, 0))
    stacked.paste(bottom, (0, 400))
    cells = picture_cells(np.asarray(stacked))
    assert len(cells) == 2 and all(abs(c.bottom - 400) <= 4 or abs(c.top - 400) <= 4 for c in cells)


@pytest.mark.parametrize("seed", range(5))
def test_a_single_photo_is_not_split(seed: int) -> None:
    assert picture_cells(np.asarray(textured_photo(60 + seed, (900, 1200)))) == []


def test_a_photo_with_a_plain_border_is_one_picture() -> None:
    framed = Image.new("RGB", (1000, 1000), (20, 20, 20))
    framed.paste(textured_photo(70, (800, 800)), (100, 100))
    assert picture_cells(np.asarray(framed)) == []


def test_query_fingerprints_carry_each_cell_and_registration_does_not(tmp_path: Path) -> None:
    collage, _ = _collage(2, 2, (400, 400), 10)
    save_jpeg(collage, tmp_path / "collage.jpg")
    settings = Settings(data_dir=tmp_path)
    query = fingerprint_file(tmp_path / "collage.jpg", settings)
    cell_values = [v for v in query.values if v.variant.startswith("region:")]
    assert sorted({v.signal for v in cell_values}) == ["orb", "pdq"] and len(cell_values) == 8
    registered = fingerprint_file(tmp_path / "collage.jpg", settings, register=True)
    assert not [v for v in registered.values if v.variant.startswith("region:")]
    off = fingerprint_file(
        tmp_path / "collage.jpg", settings.model_copy(update={"query_cells": False})
    )
    assert not [v for v in off.values if v.variant.startswith("region:")]
