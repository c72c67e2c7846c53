"""vPDQ in python-threatexchange's form: values written and read as its ``VpdqCompactFeature``
strings, compared as its ``VPDQSignal.compare_hash``, and a vPDQ bank file imported, matched by a
re-encoded copy of its video and exported again.

threatexchange's vPDQ modules import the ``vpdq`` binding (a C++ extension built against FFmpeg's
development files) only for its file hasher; these tests use the pure-Python format and matcher
and never call the hasher, so a placeholder module stands in for the binding.
"""

import hashlib
import json
import random
import sys
import types
import warnings
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hma_support import hma_client, open_network_settings
from support import run_rempart, still_video

from rempart.errors import SignalError
from rempart.samples import save_jpeg, textured_photo
from rempart.settings import Settings
from rempart.signals import vpdq
from rempart.signals.fingerprint import fingerprint_file


def _threatexchange_vpdq() -> tuple[Any, Any, Any]:
    """threatexchange's vPDQ format, matcher and signal type."""
    if "vpdq" not in sys.modules:
        binding = types.ModuleType("vpdq")

        class VpdqFeature:  # only named in threatexchange's annotations
            pass

        def compute_hash(*_args: object, **_kwargs: object) -> None:
            raise RuntimeError("the vpdq binding is not installed: hash with Rempart")

        binding.VpdqFeature = VpdqFeature  # type: ignore[attr-defined]
        binding.computeHash = compute_hash  # type: ignore[attr-defined]
        sys.modules["vpdq"] = binding
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from threatexchange.extensions.vpdq import vpdq_brute_matcher, vpdq_util
        from threatexchange.extensions.vpdq.vpdq import VPDQSignal
    return vpdq_util, vpdq_brute_matcher, VPDQSignal


def _random_features(rng: random.Random, count: int, base: list[str] | None = None) -> list[Any]:
    features = []
    for number in range(count):
        if base and rng.random() < 0.7:
            value = (
                int(rng.choice(base), 16) ^ (1 << rng.randrange(256)) ^ (1 << rng.randrange(256))
            )
            pdq_hex = f"{value:064x}"
        else:
            pdq_hex = f"{rng.getrandbits(256):064x}"
        quality = rng.choice([100, 90, 60, 49, 30])
        features.append(
            vpdq.VpdqFeature(
                pdq_hex, quality, float(round(number * rng.choice([1, 0.5, 1 / 3]), 4))
            )
        )
    if features and rng.random() < 0.5:
        features.append(features[0])  # a repeated frame
    return features


def test_values_are_written_and_read_as_threatexchange_does() -> None:
    util, _, signal_type = _threatexchange_vpdq()
    rng = random.Random(7)
    for _ in range(30):
        features = _random_features(rng, rng.randrange(1, 12))
        theirs = [util.VpdqCompactFeature(f.pdq_hex, f.quality, f.timestamp) for f in features]
        assert vpdq.dumps(features) == util.vpdq_to_json(theirs)
        written = util.vpdq_to_json(theirs)
        assert [str(f) for f in vpdq.parse(written)] == [str(f) for f in util.json_to_vpdq(written)]
        assert signal_type.validate_signal_str(vpdq.dumps(features))
    for bad in ('["abc,100,0.0"]', '["' + "0" * 64 + ',101,0.0"]', '["' + "0" * 64 + ',1"]'):
        with pytest.raises(SignalError):
            vpdq.parse(bad)
        with pytest.raises(ValueError):
            signal_type.validate_signal_str(bad)
    for not_a_list in ("{}", "[1]", "not json", '"text"', "[" * 100_000 + "]" * 100_000):
        with pytest.raises(SignalError):
            vpdq.parse(not_a_list)


def test_comparison_is_threatexchange_brute_force_matcher() -> None:
    util, matcher, signal_type = _threatexchange_vpdq()
    rng = random.Random(11)
    for _ in range(60):
        query = _random_features(rng, rng.randrange(1, 10))
        compared = _random_features(rng, rng.randrange(1, 10), [f.pdq_hex for f in query])
        ours = vpdq.compare(query, compared)
        to_theirs = [util.VpdqCompactFeature(f.pdq_hex, f.quality, f.timestamp) for f in query]
        against = [util.VpdqCompactFeature(f.pdq_hex, f.quality, f.timestamp) for f in compared]
        if not util.quality_filter(to_theirs, 50) or not util.quality_filter(against, 50):
            assert (ours.query_match_percent, ours.compared_match_percent) == (0.0, 0.0)
            continue
        theirs = matcher.match_VPDQ_hash_brute(to_theirs, against, 50, 31)
        assert ours.query_match_percent == pytest.approx(theirs.query_match_percent)
        assert ours.compared_match_percent == pytest.approx(theirs.compared_match_percent)
        result = signal_type.compare_hash(vpdq.dumps(query), vpdq.dumps(compared))
        assert ours.match == result.match
        assert ours.pretty_str() == result.distance.pretty_str()


def _reencoded(source: Path, target: Path) -> Path:
    """The same video decoded and encoded again smaller, at another codec quality."""
    import av

    with av.open(str(source)) as reader, av.open(str(target), "w") as writer:
        stream = writer.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 320, 400, "yuv420p"
        stream.time_base = Fraction(1, 10)
        stream.options = {"crf": "30"}
        for frame in reader.decode(video=0):
            image = frame.to_image().resize((320, 400))
            for packet in stream.encode(av.VideoFrame.from_image(image)):
                writer.mux(packet)
        for packet in stream.encode():
            writer.mux(packet)
    return target


def test_a_vpdq_bank_file_matches_a_reencoded_copy_and_exports_again(
    backend_settings: Settings, tmp_path: Path
) -> None:
    util, _, signal_type = _threatexchange_vpdq()
    stills = [
        save_jpeg(textured_photo(700 + i, (432, 540)), tmp_path / f"s{i}.jpg") for i in range(4)
    ]
    video = still_video(tmp_path / "clip.mp4", list(stills), seconds_each=2)
    other = still_video(tmp_path / "other.mp4", [None, None, None, None], seconds_each=2)
    frames = vpdq.from_fingerprint(fingerprint_file(video, backend_settings, register=True))
    value = util.vpdq_to_json(
        [util.VpdqCompactFeature(f.pdq_hex, f.quality, f.timestamp) for f in frames]
    )
    bank_file = tmp_path / "videos.json"
    bank_file.write_text(json.dumps({"vpdq": [value]}))
    settings = open_network_settings(backend_settings)
    assert run_rempart(settings, "bank", "create", "VIDEOS").returncode == 0
    imported = run_rempart(settings, "bank", "import", "VIDEOS", str(bank_file))
    assert imported.returncode == 0, imported.stderr
    again = run_rempart(settings, "bank", "import", "VIDEOS", str(bank_file))
    assert again.returncode == 0 and "1" in again.stdout  # already present: not added twice
    copy = _reencoded(video, tmp_path / "copy.mp4")
    assert hashlib.sha256(copy.read_bytes()).digest() != hashlib.sha256(video.read_bytes()).digest()
    with hma_client(settings) as client:
        with copy.open("rb") as handle:
            looked = client.post(
                "/m/lookup?types=vpdq", files={"video": ("copy.mp4", handle, "video/mp4")}
            ).json()
        [hit] = looked["vpdq"]["VIDEOS"]
        assert hit["distance"].endswith("%]") and int(hit["distance"].split("%")[0]) >= 80
        with copy.open("rb") as handle:
            copy_value = client.post(
                "/h/hash?types=vpdq", files={"video": ("copy.mp4", handle, "video/mp4")}
            ).json()["vpdq"]
        assert signal_type.compare_hash(copy_value, value).match  # threatexchange agrees
        by_hash = client.get("/m/lookup", params={"signal_type": "vpdq", "signal": copy_value})
        assert by_hash.json() == {"VIDEOS": [hit]}
        with other.open("rb") as handle:
            unrelated = client.post(
                "/m/lookup?types=vpdq", files={"video": ("o.mp4", handle, "video/mp4")}
            ).json()
        assert unrelated == {"vpdq": {}}
        exported = client.get(
            f"/c/bank/VIDEOS/content/{hit['bank_content_id']}?include_signals=true"
        ).json()["signals"]["vpdq"]
        assert util.json_to_vpdq(exported)  # threatexchange reads it
        assert [f.pdq_hex for f in vpdq.parse(exported)] == [f.pdq_hex for f in frames]
        assert signal_type.compare_hash(exported, value).match
        compared = client.post("/m/compare", json={"vpdq": [copy_value, value]}).json()
        assert compared["vpdq"][0] is True
        assert compared["vpdq"][1]["query_match_percent"] >= 80


def test_a_vpdq_signal_added_through_hma_matches_its_video(
    backend_settings: Settings, tmp_path: Path
) -> None:
    video = still_video(tmp_path / "clip.mp4", [None, None, None], seconds_each=2)
    with hma_client(open_network_settings(backend_settings)) as client:
        client.post("/c/banks", json={"name": "V"})
        with video.open("rb") as handle:
            value = client.post(
                "/h/hash?types=vpdq", files={"video": ("clip.mp4", handle, "video/mp4")}
            ).json()["vpdq"]
        added = client.post("/c/bank/V/signal", json={"vpdq": value}).json()
        assert added["signals"] == {"vpdq": value}
        assert client.get(
            "/m/raw_lookup", params={"signal_type": "vpdq", "signal": value}
        ).json() == {"matches": [added["id"]]}
        refused = client.post("/c/bank/V/signal", json={"vpdq": '["nope,1,0"]'})
        assert refused.status_code == 400
