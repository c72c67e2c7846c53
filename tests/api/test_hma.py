"""HMA's routes one by one, shape by shape, as ``../shared/docs/HMA-API.md`` gives them (HMA's
source where they disagree), with Rempart's keys: a platform key matches, an admin key curates."""

import json
import random
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hma_support import hma_client, media_server, open_network_settings
from PIL import Image
from support import still_video

from rempart.samples import save_jpeg, textured_photo
from rempart.settings import Settings
from rempart.store import Store
from rempart.store.keys import ApiKeys, Role

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from threatexchange.signal_type.md5 import VideoMD5Signal
    from threatexchange.signal_type.pdq.signal import PdqSignal

Keys = tuple[TestClient, dict[str, str], dict[str, str]]


@pytest.fixture
def hma(backend_settings: Settings) -> Iterator[Keys]:
    store = Store.open(backend_settings)
    platform = {"Authorization": f"Bearer {ApiKeys(store).create('coop', Role.PLATFORM)}"}
    admin = {"Authorization": f"Bearer {ApiKeys(store).create('admin', Role.ADMIN)}"}
    store.close()
    with hma_client(backend_settings, address="203.0.113.9") as client:
        assert client.post("/c/banks", json={"name": "TEST_BANK"}, headers=admin).status_code == 201
        yield client, platform, admin


def test_status_says_not_loaded_then_alive_and_stale_when_refreshing_fails(
    settings: Settings,
) -> None:
    from rempart.app import create_app

    with TestClient(create_app(settings)) as client:
        deadline = time.monotonic() + 30
        response = client.get("/status")
        while response.status_code == 503 and time.monotonic() < deadline:
            assert response.text == "INDEX-NOT-LOADED"
            assert client.get("/status/live").text == "I-AM-ALIVE"  # never checks the index
            time.sleep(0.02)
            response = client.get("/status")
        assert response.status_code == 200 and response.text == "I-AM-ALIVE"
        live = client.app.state.service.live  # type: ignore[attr-defined]
        live._last_success = time.monotonic() - 3600  # refreshing has failed for an hour
        stale = client.get("/status")
        assert stale.status_code == 503 and stale.text == "INDEX-STALE"
        assert client.get("/status/live").status_code == 200


def test_keys_decide_who_matches_and_who_curates(hma: Keys) -> None:
    client, platform, admin = hma
    pdq = PdqSignal.get_examples()[0]
    anonymous = client.get("/m/raw_lookup", params={"signal_type": "pdq", "signal": pdq})
    assert anonymous.status_code == 401 and "message" in anonymous.json()
    refused = client.post("/c/bank/TEST_BANK/signal", json={"pdq": pdq}, headers=platform)
    assert refused.status_code == 403 and "message" in refused.json()
    assert client.post("/c/banks", json={"name": "MINE"}, headers=platform).status_code == 403
    added = client.post("/c/bank/TEST_BANK/signal", json={"pdq": pdq}, headers=admin).json()
    assert client.get(
        "/m/raw_lookup", params={"signal_type": "pdq", "signal": pdq}, headers=platform
    ).json() == {"matches": [added["id"]]}


def test_photo_hash_is_threatexchange_pdq_bit_for_bit(
    hma: Keys, tmp_path: Path, backend_settings: Settings
) -> None:
    """A large photo: Rempart's own PDQ scales first, HMA's route must not."""
    client, platform, _ = hma
    photo = save_jpeg(textured_photo(90, (2400, 3200)), tmp_path / "photo.jpg")
    with photo.open("rb") as handle:
        hashed = client.post(
            "/h/hash", files={"photo": ("photo.jpg", handle, "image/jpeg")}, headers=platform
        )
    assert hashed.status_code == 200
    assert hashed.json() == {"pdq": PdqSignal.hash_from_file(photo)}
    png = tmp_path / "photo.png"
    Image.open(photo).convert("LA").save(png)  # a mode threatexchange converts first
    with png.open("rb") as handle:
        assert client.post(
            "/h/hash", files={"photo": ("p.png", handle, "image/png")}, headers=platform
        ).json() == {"pdq": PdqSignal.hash_from_file(png)}


def test_low_quality_photo_hashes_to_empty_and_is_refused_when_banked(
    hma: Keys, tmp_path: Path
) -> None:
    client, platform, admin = hma
    flat = tmp_path / "flat.png"
    Image.new("RGB", (300, 300), (128, 128, 128)).save(flat)
    assert PdqSignal.hash_from_file(flat) == ""
    with flat.open("rb") as handle:
        assert client.post(
            "/h/hash", files={"photo": ("flat.png", handle, "image/png")}, headers=platform
        ).json() == {"pdq": ""}
    with flat.open("rb") as handle:
        refused = client.post(
            "/c/bank/TEST_BANK/content",
            files={"photo": ("flat.png", handle, "image/png")},
            headers=admin,
        )
    assert refused.status_code == 400 and "pdq" in refused.json()["message"]


def test_the_multipart_field_name_is_the_content_type(hma: Keys, tmp_path: Path) -> None:
    client, platform, _ = hma
    photo = save_jpeg(textured_photo(93, (400, 500)), tmp_path / "p.jpg")
    data = photo.read_bytes()
    unknown = client.post(
        "/h/hash", files={"file": ("p.jpg", data, "image/jpeg")}, headers=platform
    )
    assert unknown.status_code == 400 and "content_type" in unknown.json()["message"]
    two = client.post(
        "/h/hash",
        files=[("photo", ("a.jpg", data, "image/jpeg")), ("photo", ("b.jpg", data, "image/jpeg"))],
        headers=platform,
    )
    assert two.status_code == 400 and two.json()["message"] == "Only one file allowed per request"
    none = client.post("/h/hash", data={"note": "x"}, headers=platform)
    assert none.status_code == 400
    as_video = client.post(
        "/h/hash", files={"video": ("p.jpg", data, "image/jpeg")}, headers=platform
    )
    assert as_video.json() == {"video_md5": VideoMD5Signal.hash_from_bytes(data)}


def test_hash_by_url_takes_the_content_type_from_the_answer_or_the_caller(
    backend_settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "media"
    folder.mkdir()
    photo = save_jpeg(textured_photo(94, (600, 800)), folder / "p.jpg")
    (folder / "notes.txt").write_text("not media")
    (folder / "big.jpg").write_bytes(photo.read_bytes() + b"\0" * 300_000)
    settings = open_network_settings(backend_settings, "platform").model_copy(
        update={"max_file_bytes": 200_000}
    )
    with media_server(folder) as base, hma_client(settings) as client:
        assert client.get(f"/h/hash?url={base}/p.jpg").json() == {
            "pdq": PdqSignal.hash_from_file(photo)
        }
        text = client.get(f"/h/hash?url={base}/notes.txt")
        assert text.status_code == 400 and "content_type" in text.json()["message"]
        forced = client.get(f"/h/hash?url={base}/p.jpg&content_type=video")
        assert forced.json() == {"video_md5": VideoMD5Signal.hash_from_file(photo)}
        assert client.get(f"/h/hash?url={base}/p.jpg&types=tmk").status_code == 400
        assert client.get(f"/h/hash?url={base}/p.jpg&content_type=audio").status_code == 400
        too_big = client.get(f"/h/hash?url={base}/big.jpg")
        assert too_big.status_code == 413 and too_big.json()["message"] == "Content too large"
        assert client.get("/h/hash").status_code == 400


def test_content_lookup_answers_each_hma_type_and_rempart_signals_only_when_asked(
    hma: Keys, tmp_path: Path
) -> None:
    client, platform, admin = hma
    original = textured_photo(91, (900, 1200))
    photo = save_jpeg(original, tmp_path / "photo.jpg")
    crop = save_jpeg(original.crop((150, 200, 750, 1000)), tmp_path / "crop.jpg")
    with photo.open("rb") as handle:
        content_id = client.post(
            "/c/bank/TEST_BANK/content",
            files={"photo": ("photo.jpg", handle, "image/jpeg")},
            headers=admin,
        ).json()["id"]
    with crop.open("rb") as handle:
        plain = client.post(
            "/m/lookup", files={"photo": ("crop.jpg", handle, "image/jpeg")}, headers=platform
        ).json()
    assert plain == {"pdq": {}}  # HMA's answer: a crop defeats PDQ, and the key stays
    with crop.open("rb") as handle:
        extra = client.post(
            "/m/lookup?rempart_signals=true",
            files={"photo": ("crop.jpg", handle, "image/jpeg")},
            headers=platform,
        ).json()
    [found] = extra["orb"]["TEST_BANK"]  # local features find it, in their own field
    assert found["bank_content_id"] == content_id and found["inliers"] >= 20
    assert "distance" not in found
    assert extra["pdq"] == {}
    with crop.open("rb") as handle:
        by_header = client.post(
            "/m/lookup",
            files={"photo": ("crop.jpg", handle, "image/jpeg")},
            headers={**platform, "X-Rempart-Signals": "all"},
        ).json()
    assert by_header["orb"]["TEST_BANK"][0]["bank_content_id"] == content_id
    stranger = save_jpeg(textured_photo(92, (900, 1200)), tmp_path / "other.jpg")
    with stranger.open("rb") as handle:
        assert client.post(
            "/m/lookup?rempart_signals=true",
            files={"photo": ("other.jpg", handle, "image/jpeg")},
            headers=platform,
        ).json() == {"pdq": {}}


def test_coin_flip_follows_the_bank_ratio_the_seed_and_the_bypass(hma: Keys) -> None:
    client, platform, admin = hma
    pdq = PdqSignal.get_examples()[3]
    added = client.post("/c/bank/TEST_BANK/signal", json={"pdq": pdq}, headers=admin).json()
    hit = {"TEST_BANK": [{"bank_content_id": added["id"], "distance": "0"}]}
    query = {"signal_type": "pdq", "signal": pdq}
    assert (
        client.put("/c/bank/TEST_BANK", json={"enabled": False}, headers=admin).status_code == 200
    )
    assert client.get("/m/lookup", params=query, headers=platform).json() == {}
    assert (
        client.get(
            "/m/lookup", params={**query, "bypass_coinflip": "true"}, headers=platform
        ).json()
        == hit
    )
    client.put("/c/bank/TEST_BANK", json={"enabled_ratio": 0.5}, headers=admin)
    for seed in ("a", "b", "c", "d", "e", "f", "g", "h"):
        expected = hit if random.Random(seed).random() <= 0.5 else {}
        answer = client.get("/m/lookup", params={**query, "seed": seed}, headers=platform).json()
        assert answer == expected, seed
    # the raw lookup does not flip (HMA: the caller checks)
    assert client.get("/m/raw_lookup", params=query, headers=platform).json() == {
        "matches": [added["id"]]
    }


def test_content_metadata_and_notes_as_hma_keeps_them(hma: Keys, tmp_path: Path) -> None:
    client, platform, admin = hma
    photo = save_jpeg(textured_photo(95, (500, 600)), tmp_path / "p.jpg")
    data = photo.read_bytes()
    invalid = client.post(
        "/c/bank/TEST_BANK/content",
        files={"photo": ("p.jpg", data, "image/jpeg")},
        data={"metadata": json.dumps({"invalid_metadata": 5})},
        headers=admin,
    )
    assert invalid.status_code == 400
    long_note = client.post(
        "/c/bank/TEST_BANK/content",
        files={"photo": ("p.jpg", data, "image/jpeg")},
        data={"note": "x" * 256},
        headers=admin,
    )
    assert long_note.status_code == 400
    metadata = {
        "content_id": "ext-id-123",
        "content_uri": "https://example.com/item/123",
        "json": {"source": "test", "nested": {"key": "value"}},
    }
    added = client.post(
        "/c/bank/TEST_BANK/content",
        files={"photo": ("p.jpg", data, "image/jpeg")},
        data={"metadata": json.dumps(metadata), "note": "Reported by user X"},
        headers=admin,
    ).json()
    path = f"/c/bank/TEST_BANK/content/{added['id']}"
    got = client.get(path, headers=platform).json()
    assert got["note"] == "Reported by user X"
    assert {k: got["metadata"][k] for k in metadata} == metadata
    assert "metadata" not in client.get(f"{path}?include_metadata=false", headers=platform).json()
    assert client.put(path, json={"note": "Updated note"}, headers=admin).status_code == 200
    assert client.get(path, headers=platform).json()["note"] == "Updated note"
    client.put(path, json={"note": ""}, headers=admin)
    assert "note" not in client.get(path, headers=platform).json()
    assert client.get("/c/bank/TEST_BANK/content/999999", headers=platform).status_code == 404
    assert client.get("/c/bank/NO_BANK/content/1", headers=platform).status_code == 404


def test_signal_adds_validate_as_hma(hma: Keys) -> None:
    client, _, admin = hma
    pdq = PdqSignal.get_examples()[1]
    for body in ({}, {"note": "only a note"}, {"tmk": "abc"}, {"pdq": pdq.upper()}, {"pdq": 5}):
        refused = client.post("/c/bank/TEST_BANK/signal", json=body, headers=admin)
        assert refused.status_code == 400 and "message" in refused.json(), body
    missing = client.post("/c/bank/NO_BANK/signal", json={"pdq": pdq}, headers=admin)
    assert missing.status_code == 404


def test_signal_and_content_types_and_their_index(hma: Keys) -> None:
    client, platform, admin = hma
    assert client.get("/c/signal_type", headers=platform).json() == [
        {"name": "pdq", "enabled_ratio": 1.0},
        {"name": "video_md5", "enabled_ratio": 1.0},
        {"name": "vpdq", "enabled_ratio": 1.0},
    ]
    assert client.get("/c/content_type", headers=platform).json() == [
        {"name": "photo", "enabled": True},
        {"name": "video", "enabled": True},
    ]
    switched = client.put("/c/signal_type/pdq", json={"enabled_ratio": 0.5}, headers=admin)
    assert switched.status_code == 204
    assert {"name": "pdq", "enabled_ratio": 0.5} in client.get(
        "/c/signal_type", headers=platform
    ).json()
    assert (
        client.put("/c/signal_type/tmk", json={"enabled_ratio": 1}, headers=admin).status_code
        == 400
    )
    assert client.put("/c/signal_type/pdq", json={}, headers=admin).status_code == 400
    client.post(
        "/c/bank/TEST_BANK/signal", json={"pdq": PdqSignal.get_examples()[0]}, headers=admin
    )
    index = client.get("/c/signal_type/index?signal_type=pdq", headers=platform).json()
    assert index["pdq"]["db_size"] == index["pdq"]["index_size"] == 1
    assert index["pdq"]["index_out_of_date"] is False
    status = client.get("/m/index/status", headers=platform).json()
    assert set(status) == {"pdq", "video_md5", "vpdq"}
    assert status["pdq"] == {
        "present": True,
        "built_to": status["pdq"]["built_to"],
        "size": 1,
    }
    assert client.get("/m/index/status?signal_type=tmk", headers=platform).status_code == 400


def test_site_map_and_openapi_list_hma_routes(hma: Keys) -> None:
    client, platform, _ = hma
    routes = client.get("/site-map", headers=platform).json()
    for rule in (
        "/c/bank/<bank_name>/content/<int:content_id>",
        "/c/banks",
        "/h/hash",
        "/m/compare",
        "/m/index/status",
        "/m/lookup",
        "/m/raw_lookup",
        "/status",
        "/status/live",
    ):
        assert rule in routes
    assert routes == sorted(routes) and not any(r.startswith("/api/") for r in routes)
    document = client.get("/openapi/openapi.json").json()
    assert document["info"]["title"] == "Open Media Match API"
    assert "/m/lookup" in document["paths"] and "/api/v1/match" not in document["paths"]


def test_videos_match_by_md5_and_by_vpdq_when_asked(hma: Keys, tmp_path: Path) -> None:
    client, platform, admin = hma
    video = still_video(tmp_path / "clip.mp4", [None, None])
    md5 = VideoMD5Signal.hash_from_file(video)
    with video.open("rb") as handle:
        hashed = client.post(
            "/h/hash", files={"video": ("clip.mp4", handle, "video/mp4")}, headers=platform
        )
    assert hashed.json() == {"video_md5": md5}  # HMA's reference types by default
    with video.open("rb") as handle:
        both = client.post(
            "/h/hash?types=video_md5,vpdq",
            files={"video": ("clip.mp4", handle, "video/mp4")},
            headers=platform,
        ).json()
    assert both["video_md5"] == md5 and json.loads(both["vpdq"])
    added = client.post(
        "/c/bank/TEST_BANK/signal", json={"video_md5": md5.upper()}, headers=admin
    ).json()
    assert added["signals"] == {"video_md5": md5}
    assert client.get(
        "/m/raw_lookup",
        params={"signal_type": "video_md5", "signal": md5, "include_distance": "true"},
        headers=platform,
    ).json() == {"matches": [{"bank_content_id": added["id"], "distance": "-"}]}
    with video.open("rb") as handle:
        looked = client.post(
            "/m/lookup", files={"video": ("clip.mp4", handle, "video/mp4")}, headers=platform
        ).json()
    assert looked == {
        "video_md5": {"TEST_BANK": [{"bank_content_id": added["id"], "distance": "-"}]}
    }
    bad = client.post("/c/bank/TEST_BANK/signal", json={"video_md5": "xyz"}, headers=admin)
    assert bad.status_code == 400
