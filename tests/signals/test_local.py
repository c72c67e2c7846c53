from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from rempart.errors import SignalError
from rempart.index.local import LocalFeatureIndex, correspondences, verify
from rempart.samples import textured_photo
from rempart.signals.local import (
    GRID,
    HALF_SCALE_KEYPOINTS,
    MAX_KEYPOINTS,
    LocalFeatures,
    LocalFeaturesSignal,
    local_features,
    query_features,
    spread_choice,
    strongest_choice,
)


def _rgb(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"))


def test_serialisation_round_trips_and_is_small() -> None:
    features = local_features(_rgb(textured_photo(1, (1080, 1350))))
    assert (
        MAX_KEYPOINTS < len(features) <= MAX_KEYPOINTS + HALF_SCALE_KEYPOINTS
    )  # full scale, then half scale
    raw = features.to_bytes()
    assert len(raw) == 3 + 36 * len(features) <= 27_003
    back = LocalFeatures.from_bytes(raw)
    assert (back.descriptors == features.descriptors).all()
    assert np.abs(back.xy - features.xy).max() <= 0.5  # positions kept to the pixel
    assert LocalFeaturesSignal.validate(raw.hex().upper()) == raw.hex()


@pytest.mark.parametrize(
    "raw", [b"", b"\x01", b"\x02\x01\x00" + b"\x00" * 36, b"\x01\x02\x00" + b"\x00" * 36]
)
def test_malformed_values_are_refused(raw: bytes) -> None:
    with pytest.raises(SignalError):
        LocalFeaturesSignal.validate(raw.hex())


def test_feature_count_does_not_depend_on_resolution() -> None:
    small = local_features(_rgb(textured_photo(2, (400, 500))))
    large = local_features(_rgb(textured_photo(2, (2400, 3000))))
    assert abs(len(small) - len(large)) < 0.3 * MAX_KEYPOINTS
    assert np.abs(small.xy.max(axis=0) - large.xy.max(axis=0)).max() < 30  # same working frame


def test_a_photo_shown_small_in_a_collage_is_verified() -> None:
    photos = [textured_photo(seed, (900, 900)) for seed in (11, 12, 13, 14)]
    index = LocalFeatureIndex(
        [local_features(_rgb(photos[0])), local_features(_rgb(textured_photo(15, (900, 900))))]
    )
    collage = Image.new("RGB", (1200, 1200), "white")
    for number, photo in enumerate(photos):
        collage.paste(photo.resize((590, 590)), ((number % 2) * 605, (number // 2) * 605))
    hits = index.search(query_features(_rgb(collage)), min_inliers=20)
    assert [h.group for h in hits] == [0]


def test_a_crop_inside_a_bigger_picture_is_verified_and_a_stranger_is_not(tmp_path: Path) -> None:
    original = textured_photo(3, (1080, 1350))
    index = LocalFeatureIndex(
        [local_features(_rgb(original)), local_features(_rgb(textured_photo(4, (1080, 1350))))]
    )
    crop = original.crop((200, 250, 900, 1100)).resize((560, 680))
    screenshot = Image.new("RGB", (1170, 2532), (250, 250, 250))
    screenshot.paste(crop, (300, 600))
    hits = index.search(local_features(_rgb(screenshot)), min_inliers=20)
    assert [h.group for h in hits] == [0]
    assert (
        index.search(local_features(_rgb(textured_photo(99, (1080, 1350)))), min_inliers=20) == []
    )


def test_verify_rejects_too_few_and_inconsistent_pairs() -> None:
    rng = np.random.default_rng(0)
    source = rng.uniform(0, 600, size=(60, 2)).astype(np.float32)
    shifted = source + np.float32(25)
    assert verify(source, shifted, 20) >= 55  # one translation explains them all
    assert verify(source[:10], shifted[:10], 20) == 0
    scrambled = rng.uniform(0, 600, size=(60, 2)).astype(np.float32)
    assert verify(source, scrambled, 20) < 20


def test_query_features_are_the_spread_set_plus_the_strongest_set() -> None:
    rgb = _rgb(textured_photo(5, (1080, 1350)))
    registered = local_features(rgb)
    query = query_features(rgb)
    assert MAX_KEYPOINTS < len(query) <= 2 * MAX_KEYPOINTS
    full_scale = {bytes(d) for d in registered.descriptors[:MAX_KEYPOINTS]}
    assert full_scale <= {bytes(d) for d in query.descriptors}  # the spread set is all there


def test_strongest_choice_keeps_what_a_plain_orb_run_keeps() -> None:
    import cv2

    from rempart.signals.local import CANDIDATES_PER_KEYPOINT, _grey_at_working_scale, _orb

    grey = _grey_at_working_scale(_rgb(textured_photo(6, (1080, 1350))))
    candidates = _orb(CANDIDATES_PER_KEYPOINT * MAX_KEYPOINTS).detect(grey, None)
    responses = np.array([k.response for k in candidates], dtype=np.float32)
    octaves = np.array([k.octave for k in candidates])
    chosen = {
        tuple(np.round(candidates[i].pt, 1))
        for i in strongest_choice(responses, octaves, MAX_KEYPOINTS)
    }
    plain = {tuple(np.round(k.pt, 1)) for k in _orb(MAX_KEYPOINTS).detect(grey, None)}
    assert len(chosen) <= MAX_KEYPOINTS
    assert len(chosen & plain) >= 0.8 * len(plain)
    assert cv2.KeyPoint_convert(candidates).shape[0] > 2 * MAX_KEYPOINTS


def test_spread_choice_gives_every_occupied_cell_its_share() -> None:
    rng = np.random.default_rng(1)
    busy = rng.uniform(
        0, 100, size=(900, 2)
    )  # one corner full of strong keypoints (a caption, a UI)
    sparse = np.array(
        [[x, y] for x in range(50, 600, 100) for y in range(50, 600, 100) if x + y > 100],
        dtype=float,
    )
    positions = np.concatenate([busy, sparse]).astype(np.float32)
    responses = np.concatenate([np.full(len(busy), 10.0), np.full(len(sparse), 1.0)]).astype(
        np.float32
    )
    chosen = spread_choice(positions, responses, (600, 600), 100)
    assert len(chosen) == len(set(chosen.tolist())) == 100
    assert set(range(len(busy), len(positions))) <= set(
        chosen.tolist()
    )  # every weak, lonely keypoint kept
    cells = {(int(x * GRID / 600), int(y * GRID / 600)) for x, y in positions[chosen]}
    assert len(cells) == GRID * GRID


def test_correspondences_are_one_to_one_and_pass_the_ratio_test() -> None:
    rng = np.random.default_rng(2)
    group = rng.integers(0, 256, size=(50, 32), dtype=np.uint8)
    query = np.concatenate(
        [group[:10], group[:10], rng.integers(0, 256, size=(30, 32), dtype=np.uint8)]
    )  # duplicates
    as_codes = lambda d: np.ascontiguousarray(d).view(np.uint64).reshape(-1, 4)  # noqa: E731
    query_rows, group_rows = correspondences(as_codes(query), as_codes(group))
    assert sorted(group_rows.tolist()) == list(range(10))  # each registered keypoint used once
    assert all(query[q].tobytes() == group[g].tobytes() for q, g in zip(query_rows, group_rows))


def test_candidates_find_the_right_photo_among_many() -> None:
    photos = [textured_photo(seed, (700, 900)) for seed in range(20, 40)]
    index = LocalFeatureIndex([local_features(_rgb(p)) for p in photos])
    for target in (3, 17):
        crop = photos[target].crop((100, 150, 600, 800))
        assert index.candidates(query_features(_rgb(crop)))[0] == target
    assert index.candidates(LocalFeatures.empty()) == []
