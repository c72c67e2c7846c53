"""The robustness benchmark harness on a small set made in the test, in the shared set's format."""

import json
from pathlib import Path

import pytest

from rempart.bench.robustness import read_manifest, run_robustness
from rempart.errors import ImportFormatError
from rempart.samples import altered_copies, save_jpeg, synthetic_photo

pytestmark = pytest.mark.slow  # seconds to minutes each: left out of the fast subset


def _make_set(root: Path) -> Path:
    rows = []
    for seed in range(3):
        image = synthetic_photo(seed + 40, (600, 750))
        save_jpeg(image, root / "originals" / f"o{seed:04d}.jpg")
        copy = altered_copies(image)["resized"]
        save_jpeg(copy, root / "queries" / f"o{seed:04d}_reencode_0.jpg", quality=50)
        rows.append(
            {
                "query": f"queries/o{seed:04d}_reencode_0.jpg",
                "original": f"o{seed:04d}",
                "family": "reencode",
                "transform": "resize",
            }
        )
        cropped = image.crop((150, 150, 450, 450))
        save_jpeg(cropped, root / "queries" / f"o{seed:04d}_crop_0.jpg")
        rows.append(
            {
                "query": f"queries/o{seed:04d}_crop_0.jpg",
                "original": f"o{seed:04d}",
                "family": "crop",
                "transform": "crop:0.5",
            }
        )
    for seed in range(4):
        save_jpeg(synthetic_photo(seed + 900, (600, 750)), root / "queries" / f"d{seed:05d}.jpg")
        rows.append(
            {
                "query": f"queries/d{seed:05d}.jpg",
                "original": None,
                "family": "distractor",
                "transform": "none",
            }
        )
    (root / "queries" / "broken.jpg").write_bytes(b"\xff\xd8\xff garbage")
    rows.append(
        {
            "query": "queries/broken.jpg",
            "original": "o0000",
            "family": "reencode",
            "transform": "broken",
        }
    )
    (root / "manifest.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return root


def test_scores_per_family_for_rempart_and_the_anchor(tmp_path: Path) -> None:
    report = run_robustness(_make_set(tmp_path), log=lambda _m: None)
    ours, anchor = report["rempart"], report["anchor_plain_pdq"]
    assert ours["reencode"] == {
        "n": 4,
        "recall": 0.75,
        "false": 0,
    }  # 3 copies found, the broken file counted as a miss
    assert ours["distractor"] == {"n": 4, "recall": 0.0, "false": 0}
    assert ours["crop"]["n"] == 3 and ours["crop"]["false"] == 0
    assert anchor["reencode"]["recall"] == 0.75 and anchor["distractor"]["false"] == 0
    assert report["unreadable_queries"] == 1 and report["originals"] == 3
    assert report["images_per_second"] > 0
    for family in (
        "format_gif",
        "format_png8",
        "format_png16",
    ):  # added in code: everyday formats match like the JPEG
        assert ours[family] == {"n": 3, "recall": 1.0, "false": 0}, family


def test_a_wrong_match_counts_as_false(tmp_path: Path) -> None:
    root = _make_set(tmp_path)
    rows = [json.loads(line) for line in (root / "manifest.jsonl").read_text().splitlines()]
    rows[0]["original"] = "o0002"  # the copy of o0000 now claims to be of o0002
    (root / "manifest.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    report = run_robustness(root, log=lambda _m: None, with_anchor=False)
    assert report["rempart"]["reencode"]["false"] == 1


def test_manifest_paths_cannot_leave_the_directory(tmp_path: Path) -> None:
    (tmp_path / "manifest.jsonl").write_text(
        json.dumps({"query": "../../etc/passwd", "original": None, "family": "x"})
    )
    with pytest.raises(ImportFormatError, match="leaves"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.jsonl").write_text("{broken")
    with pytest.raises(ImportFormatError, match="line 1"):
        read_manifest(tmp_path)
    with pytest.raises(ImportFormatError, match="manifest"):
        read_manifest(tmp_path / "missing")
