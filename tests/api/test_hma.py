"""HMA clients' calls, with the request and response shapes of HMA's hashing, matching and
curation routes."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from support import still_video

from rempart.app import create_app
from rempart.samples import save_jpeg, textured_photo
from rempart.settings import Settings
from rempart.signals.fingerprint import fingerprint_file
from rempart.store import Store
from rempart.store.keys import ApiKeys, Role


@pytest.fixture
def hma(backend_settings: Settings) -> Iterator[tuple[TestClient, dict[str, str], dict[str, str]]]:
    store = Store.open(backend_settings)
    platform = {"Authorization": f"Bearer {ApiKeys(store).create('coop', Role.PLATFORM)}"}
    admin = {"Authorization": f"Bearer {ApiKeys(store).create('admin', Role.ADMIN)}"}
    store.close()
    with TestClient(create_app(backend_settings)) as client:
        client.post("/api/v1/banks", json={"name": "TEST_BANK"}, headers=admin)
        yield client, platform, admin


def test_status(hma: tuple[TestClient, dict[str, str], dict[str, str]]) -> None:
    client, _platform, _admin = hma
    import time

    deadline = time.monotonic() + 30  # the index builds in the background: 503 until it is there
    response = client.get("/status")
    while response.status_code == 503 and time.monotonic() < deadline:
        assert response.text == "INDEX-NOT-LOADED"
        time.sleep(0.05)
        response = client.get("/status")
    assert response.status_code == 200 and response.text == "I-AM-ALIVE"


def test_curation_then_matching(
    hma: tuple[TestClient, dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    client, platform, admin = hma
    assert client.get("/c/banks", headers=platform).json() == [
        {"name": "TEST_BANK", "matching_enabled_ratio": 1.0}
    ]
    assert client.get("/c/bank/TEST_BANK", headers=platform).json() == {
        "name": "TEST_BANK",
        "matching_enabled_ratio": 1.0,
    }
    pdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
    added = client.post("/c/bank/TEST_BANK/signal", json={"pdq": pdq}, headers=admin)
    assert added.status_code == 200 and added.json() == {
        "id": added.json()["id"],
        "signals": {"pdq": pdq},
    }
    content_id = added.json()["id"]
    assert client.get(
        "/m/raw_lookup", params={"signal_type": "pdq", "signal": pdq}, headers=platform
    ).json() == {"matches": [content_id]}
    near = pdq[:-2] + "00"  # a few bits away
    with_distance = client.get(
        "/m/raw_lookup",
        params={"signal_type": "pdq", "signal": near, "include_distance": "true"},
        headers=platform,
    ).json()
    assert (
        with_distance["matches"][0]["bank_content_id"] == content_id
        and int(with_distance["matches"][0]["distance"]) > 0
    )
    looked = client.get(
        "/m/lookup", params={"signal_type": "pdq", "signal": pdq}, headers=platform
    ).json()
    assert looked == {
        "TEST_BANK": [{"bank_content_id": content_id, "distance": "0"}]
    }  # by hash: banks only
    assert (
        client.get(
            "/m/lookup", params={"signal_type": "pdq", "signal": "0" * 64}, headers=platform
        ).json()
        == {}
    )
    assert client.get("/m/lookup", headers=platform).status_code == 400
    assert client.get(
        "/m/raw_lookup", params={"signal_type": "pdq", "signal": "0" * 64}, headers=platform
    ).json() == {"matches": []}
    assert (
        client.post("/c/bank/TEST_BANK/signal", json={"pdq": pdq}, headers=platform).status_code
        == 403
    )  # platforms do not curate
    assert (
        client.get("/m/raw_lookup", params={"signal_type": "pdq", "signal": pdq}).status_code == 401
    )


def test_hashing_and_adding_content_by_file(
    hma: tuple[TestClient, dict[str, str], dict[str, str]],
    backend_settings: Settings,
    tmp_path: Path,
) -> None:
    client, platform, admin = hma
    photo = save_jpeg(textured_photo(90, (700, 900)), tmp_path / "photo.jpg")
    with photo.open("rb") as handle:
        hashed = client.post(
            "/h/hash", files={"photo": ("photo.jpg", handle, "image/jpeg")}, headers=platform
        ).json()
    assert hashed == {"pdq": fingerprint_file(photo, backend_settings).of_signal("pdq")[0].value}
    with photo.open("rb") as handle:
        added = client.post(
            "/c/bank/TEST_BANK/content",
            files={"photo": ("photo.jpg", handle, "image/jpeg")},
            headers=admin,
        ).json()
    assert added["signals"]["pdq"] == hashed["pdq"]
    assert client.get(
        "/m/raw_lookup", params={"signal_type": "pdq", "signal": hashed["pdq"]}, headers=platform
    ).json() == {"matches": [added["id"]]}
    refused = client.get(
        "/h/hash", params={"url": "https://example.org/photo.jpg"}, headers=platform
    )
    assert refused.status_code == 400 and "URL not allowed" in refused.json()["detail"]


def test_banks_are_created_as_hma_creates_them(
    hma: tuple[TestClient, dict[str, str], dict[str, str]],
) -> None:
    client, platform, admin = hma
    created = client.post("/c/banks", json={"name": "NCII_2026"}, headers=admin)
    assert created.status_code == 201 and created.json() == {
        "name": "NCII_2026",
        "matching_enabled_ratio": 1.0,
    }
    assert {b["name"] for b in client.get("/c/banks", headers=platform).json()} == {
        "TEST_BANK",
        "NCII_2026",
    }
    assert client.post("/c/banks", json={"name": "NCII_2026"}, headers=admin).status_code == 409
    disabled = client.post("/c/banks", json={"name": "OFF", "enabled": False}, headers=admin)
    assert disabled.status_code == 400 and "always matched" in disabled.json()["detail"]
    assert (
        client.post(
            "/c/banks", json={"name": "HALF", "enabled_ratio": 0.5}, headers=admin
        ).status_code
        == 400
    )
    assert client.post("/c/banks", json={"name": "../x"}, headers=admin).status_code == 422
    assert client.post("/c/banks", json={"name": "MINE"}, headers=platform).status_code == 403
    assert "OFF" not in {b["name"] for b in client.get("/c/banks", headers=platform).json()}


def test_content_lookup_finds_a_crop_by_local_features(
    hma: tuple[TestClient, dict[str, str], dict[str, str]], tmp_path: Path
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
        looked = client.post(
            "/m/lookup", files={"photo": ("crop.jpg", handle, "image/jpeg")}, headers=platform
        ).json()
    assert "pdq" not in looked  # a crop defeats PDQ...
    [found] = looked["orb"]["TEST_BANK"]  # ...not the local features
    assert (
        found["bank_content_id"] == content_id
        and found["distance"] == "0"
        and found["inliers"] >= 20
    )
    with save_jpeg(textured_photo(92, (900, 1200)), tmp_path / "other.jpg").open("rb") as handle:
        assert (
            client.post(
                "/m/lookup", files={"photo": ("other.jpg", handle, "image/jpeg")}, headers=platform
            ).json()
            == {}
        )


def test_videos_hash_and_match_by_md5_as_in_hma(
    hma: tuple[TestClient, dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    from threatexchange.signal_type.md5 import VideoMD5Signal

    client, platform, admin = hma
    video = still_video(tmp_path / "clip.mp4", [None, None])
    md5 = VideoMD5Signal.hash_from_file(video)
    with video.open("rb") as handle:
        hashed = client.post(
            "/h/hash", files={"video": ("clip.mp4", handle, "video/mp4")}, headers=platform
        )
    assert hashed.status_code == 200 and hashed.json() == {"video_md5": md5}
    added = client.post(
        "/c/bank/TEST_BANK/signal", json={"video_md5": md5.upper()}, headers=admin
    ).json()
    assert added["signals"] == {"video_md5": md5}
    assert client.get(
        "/m/raw_lookup", params={"signal_type": "video_md5", "signal": md5}, headers=platform
    ).json() == {"matches": [added["id"]]}
    with video.open("rb") as handle:
        looked = client.post(
            "/m/lookup", files={"video": ("clip.mp4", handle, "video/mp4")}, headers=platform
        ).json()
    assert looked == {
        "video_md5": {"TEST_BANK": [{"bank_content_id": added["id"], "distance": "0"}]}
    }
    bad = client.post("/c/bank/TEST_BANK/signal", json={"video_md5": "xyz"}, headers=admin)
    assert bad.status_code == 400
