import json
from pathlib import Path

import pytest

from rempart.errors import ImportFormatError
from rempart.settings import Settings
from rempart.signals.fingerprint import (
    Fingerprint,
    FingerprintFailure,
    fingerprint_file,
    fingerprint_many,
    read_fingerprints,
)
from rempart.signals.sha256 import sha256_file


def test_register_adds_eight_dihedral_hashes_and_sha256(
    photo_dir: Path, settings: Settings
) -> None:
    path = photo_dir / "originals" / "photo-1.jpg"
    fp = fingerprint_file(path, settings, register=True)
    assert [v.value for v in fp.of_signal("sha256")] == [sha256_file(path)]
    assert len(fp.of_signal("pdq")) == 8
    assert fp.width == 1080 and fp.height == 1350 and fp.kind == "jpeg"
    query = fingerprint_file(path, settings)
    assert len(query.of_signal("pdq")) == 1
    assert query.of_signal("pdq")[0].value == fp.of_signal("pdq")[0].value


def test_json_round_trip_holds_hashes_only(photo_dir: Path, settings: Settings) -> None:
    path = photo_dir / "originals" / "photo-2.jpg"
    fp = fingerprint_file(path, settings, register=True)
    line = fp.to_json()
    assert Fingerprint.from_json(line) == fp
    payload = json.loads(line)
    assert set(payload) == {"rempart_fingerprint", "source", "kind", "width", "height", "values"}
    assert len(line) < 40_000  # hashes and ≤ 500 keypoints, not pixels: 1080×1350 RGB is 4.4 MB


def test_bad_line_reports_its_number() -> None:
    import io

    good = Fingerprint("a.jpg", "jpeg", values=()).to_json()
    with pytest.raises(ImportFormatError, match="line 2"):
        list(read_fingerprints(io.StringIO(good + "\n{not json\n")))
    bad_value = good.replace('"values":[]', '"values":[{"signal":"pdq","value":"xyz"}]')
    with pytest.raises(ImportFormatError, match="line 1"):
        list(read_fingerprints(io.StringIO(bad_value)))


def test_a_bad_file_does_not_stop_the_others(
    photo_dir: Path, settings: Settings, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not an image at all")
    files = [
        photo_dir / "originals" / "photo-1.jpg",
        broken,
        photo_dir / "originals" / "photo-2.jpg",
    ]
    results = list(fingerprint_many(files, settings))
    assert isinstance(results[1], FingerprintFailure) and "not an image" in results[1].reason
    assert isinstance(results[0], Fingerprint) and isinstance(results[2], Fingerprint)
