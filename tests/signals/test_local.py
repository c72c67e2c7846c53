from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from rempart.errors import SignalError
from rempart.index.local import LocalFeatureIndex, verify
from rempart.samples import textured_photo
from rempart.signals.local import MAX_KEYPOINTS, LocalFeatures, LocalFeaturesSignal, local_features, query_features


def _rgb(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"))


def test_serialisation_round_trips_and_is_small() -> None:
    features = local_features(_rgb(textured_photo(1, (1080, 1350))))
    assert 100 < len(features) <= MAX_KEYPOINTS
    raw = features.to_bytes()
    assert len(raw) == 3 + 36 * len(features) <= 18_003
    back = LocalFeatures.from_bytes(raw)
    assert (back.descriptors == features.descriptors).all()
    assert np.abs(back.xy - features.xy).max() <= 0.5  # positions kept to the pixel
    assert LocalFeaturesSignal.validate(raw.hex().upper()) == raw.hex()


@pytest.mark.parametrize("raw", [b"", b"\x01", b"\x02\x01\x00" + b"\x00" * 36, b"\x01\x02\x00" + b"\x00" * 36])
def test_malformed_values_are_refused(raw: bytes) -> None:
    with pytest.raises(SignalError):
        LocalFeaturesSignal.validate(raw.hex())


def test_feature_count_does_not_depend_on_resolution() -> None:
    small = local_features(_rgb(textured_photo(2, (400, 500))))
    large = local_features(_rgb(textured_photo(2, (2400, 3000))))
    assert abs(len(small) - len(large)) < 0.3 * MAX_KEYPOINTS


def test_a_crop_inside_a_bigger_picture_is_verified_and_a_stranger_is_not(tmp_path: Path) -> None:
    original = textured_photo(3, (1080, 1350))
    index = LocalFeatureIndex([local_features(_rgb(original)), local_features(_rgb(textured_photo(4, (1080, 1350))))])
    crop = original.crop((200, 250, 900, 1100)).resize((560, 680))
    screenshot = Image.new("RGB", (1170, 2532), (250, 250, 250))
    screenshot.paste(crop, (300, 600))
    hits = index.search(local_features(_rgb(screenshot)), min_inliers=20)
    assert [h.group for h in hits] == [0]
    assert index.search(local_features(_rgb(textured_photo(99, (1080, 1350)))), min_inliers=20) == []


def test_verify_rejects_too_few_and_inconsistent_pairs() -> None:
    rng = np.random.default_rng(0)
    source = rng.uniform(0, 600, size=(60, 2)).astype(np.float32)
    shifted = source + np.float32(25)
    assert verify(source, shifted, 20) >= 55  # one translation explains them all
    assert verify(source[:10], shifted[:10], 20) == 0
    scrambled = rng.uniform(0, 600, size=(60, 2)).astype(np.float32)
    assert verify(source, scrambled, 20) < 20


def test_query_features_add_the_strongest_set_to_the_spread_one() -> None:
    rgb = _rgb(textured_photo(5, (1080, 1350)))
    spread = local_features(rgb)
    query = query_features(rgb)
    assert len(spread) < len(query) <= 2 * MAX_KEYPOINTS
    assert (query.descriptors[: len(spread)] == spread.descriptors).all()
