"""The HTTP service through its real ASGI app (FastAPI TestClient), on SQLite and PostgreSQL."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rempart.app import create_app
from rempart.samples import save_jpeg, textured_photo
from rempart.settings import Settings
from rempart.signals.fingerprint import fingerprint_file
from rempart.store import Store
from rempart.store.keys import ApiKeys, Role


@pytest.fixture
def api(backend_settings: Settings) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    settings = backend_settings.model_copy(
        update={"api_anonymous_burst": 3, "api_anonymous_rate": 0.01}
    )
    store = Store.open(settings)
    keys = {
        role.value: {"Authorization": f"Bearer {ApiKeys(store).create(role.value, role)}"}
        for role in Role
    }
    revoked = ApiKeys(store).create("old", Role.ADMIN)
    ApiKeys(store).revoke("old")
    keys["revoked"] = {"X-API-Key": revoked}
    store.close()
    with TestClient(create_app(settings)) as client:
        yield client, keys


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("api-photos")
    original = textured_photo(77, (900, 1125))
    return {
        "original": save_jpeg(original, root / "original.jpg"),
        "crop": save_jpeg(original.crop((150, 200, 750, 950)), root / "crop.jpg"),
        "other": save_jpeg(textured_photo(78, (900, 1125)), root / "other.jpg"),
    }


def _register(
    client: TestClient, keys: dict[str, dict[str, str]], photo: Path, settings: Settings
) -> int:
    assert client.post(
        "/api/v1/banks", json={"name": "victims"}, headers=keys["admin"]
    ).status_code in {201, 409}
    body = {
        "fingerprints": [json.loads(fingerprint_file(photo, settings, register=True).to_json())]
    }
    response = client.post("/api/v1/banks/victims/entries", json=body, headers=keys["caseworker"])
    assert response.status_code == 201, response.text
    return int(response.json()["added"][0])


def test_keys_and_roles_gate_every_route(api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, keys = api
    assert client.get("/api/v1/banks").status_code == 401
    assert client.get("/api/v1/banks", headers=keys["revoked"]).status_code == 401
    assert (
        client.get("/api/v1/banks", headers={"Authorization": "Bearer rk_made_up"}).status_code
        == 401
    )
    assert (
        client.post("/api/v1/banks", json={"name": "b"}, headers=keys["platform"]).status_code
        == 403
    )
    assert (
        client.post("/api/v1/banks", json={"name": "b"}, headers=keys["moderator"]).status_code
        == 403
    )
    assert (
        client.post("/api/v1/banks", json={"name": "b"}, headers=keys["admin"]).status_code == 201
    )
    assert (
        client.post("/api/v1/banks", json={"name": "b"}, headers=keys["admin"]).status_code == 409
    )
    assert (
        client.post(
            "/api/v1/banks/b/entries", json={"fingerprints": [{}]}, headers=keys["moderator"]
        ).status_code
        == 403
    )
    assert client.get("/api/v1/audit", headers=keys["caseworker"]).status_code == 403
    assert [b["name"] for b in client.get("/api/v1/banks", headers=keys["platform"]).json()] == [
        "b"
    ]
    assert (
        client.post(
            "/api/v1/banks/missing/entries",
            json={"fingerprints": [{"values": []}]},
            headers=keys["caseworker"],
        ).status_code
        == 404
    )


def test_register_match_withdraw(
    api: tuple[TestClient, dict[str, dict[str, str]]],
    photos: dict[str, Path],
    backend_settings: Settings,
) -> None:
    client, keys = api
    entry = _register(client, keys, photos["original"], backend_settings)
    with photos["crop"].open("rb") as handle:
        found = client.post(
            "/api/v1/match",
            files={"file": ("crop.jpg", handle, "image/jpeg")},
            headers=keys["moderator"],
        ).json()["matches"]
    assert {(m["entry_id"], m["signal"]) for m in found} == {(entry, "orb")} and found[0][
        "inliers"
    ] >= 20
    with photos["other"].open("rb") as handle:
        assert client.post(
            "/api/v1/match",
            files={"file": ("o.jpg", handle, "image/jpeg")},
            headers=keys["platform"],
        ).json() == {"matches": []}
    with photos["original"].open("rb") as handle:
        hashed = client.post(
            "/api/v1/hash",
            files={"file": ("x.jpg", handle, "image/jpeg")},
            headers=keys["platform"],
        ).json()
    pdq = next(v["value"] for v in hashed["values"] if v["signal"] == "pdq")
    assert pdq == fingerprint_file(photos["original"], backend_settings).of_signal("pdq")[0].value
    withdrawn = client.delete(f"/api/v1/banks/victims/entries/{entry}", headers=keys["caseworker"])
    assert withdrawn.status_code == 200 and withdrawn.json()["fingerprints_deleted"] > 0
    with photos["crop"].open("rb") as handle:
        assert client.post(
            "/api/v1/match",
            files={"file": ("c.jpg", handle, "image/jpeg")},
            headers=keys["moderator"],
        ).json() == {"matches": []}
    actions = {
        (e["actor"], e["action"]) for e in client.get("/api/v1/audit", headers=keys["admin"]).json()
    }
    assert {
        ("api:admin", "bank.create"),
        ("api:caseworker", "entry.add"),
        ("api:caseworker", "entry.withdraw"),
    } <= actions


def test_lookups_need_a_key_by_default(
    api: tuple[TestClient, dict[str, dict[str, str]]],
    photos: dict[str, Path],
    backend_settings: Settings,
) -> None:
    client, keys = api
    _register(client, keys, photos["original"], backend_settings)
    pdq = fingerprint_file(photos["original"], backend_settings).of_signal("pdq")[0].value
    anonymous = client.get("/api/v1/lookup", params={"signal_type": "pdq", "signal": pdq})
    assert anonymous.status_code == 401 and "victims" not in anonymous.text
    detailed = client.get(
        "/api/v1/lookup", params={"signal_type": "pdq", "signal": pdq}, headers=keys["platform"]
    ).json()
    assert detailed["match"] and detailed["entries"][0]["distance"] == 0
    assert client.get(
        "/api/v1/lookup",
        params={"signal_type": "pdq", "signal": "0" * 64},
        headers=keys["platform"],
    ).json() == {"match": False, "entries": []}


def test_enabled_anonymous_lookup_is_exact_sha256_yes_or_no(
    backend_settings: Settings, photos: dict[str, Path]
) -> None:
    settings = backend_settings.model_copy(
        update={"api_anonymous_lookup": True, "api_anonymous_burst": 3, "api_anonymous_rate": 0.01}
    )
    store = Store.open(settings)
    admin = {"Authorization": f"Bearer {ApiKeys(store).create('a', Role.ADMIN)}"}
    store.close()
    with TestClient(create_app(settings)) as client:
        entry = _register(
            client, {"admin": admin, "caseworker": admin}, photos["original"], settings
        )
        sha256 = fingerprint_file(photos["original"], settings).of_signal("sha256")[0].value
        pdq = fingerprint_file(photos["original"], settings).of_signal("pdq")[0].value
        assert client.get(
            "/api/v1/lookup", params={"signal_type": "sha256", "signal": sha256}
        ).json() == {"match": True, "entries": []}
        assert client.get(
            "/api/v1/lookup", params={"signal_type": "sha256", "signal": "0" * 64}
        ).json() == {"match": False, "entries": []}
        refused = client.get(
            "/api/v1/lookup", params={"signal_type": "pdq", "signal": pdq}
        )  # no near-duplicate probing without a key
        assert refused.status_code == 400 and str(entry) not in refused.text
        assert (
            client.get(
                "/api/v1/lookup", params={"signal_type": "sha256", "signal": sha256}
            ).status_code
            == 429
        )  # burst of 3 used up
        with_key = client.get(
            "/api/v1/lookup", params={"signal_type": "pdq", "signal": pdq}, headers=admin
        ).json()
        assert with_key["entries"] == [{"bank": "victims", "entry_id": entry, "distance": 0}]


def test_bad_uploads_get_clear_errors(api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, keys = api
    response = client.post(
        "/api/v1/hash",
        files={"file": ("x.jpg", b"not an image", "image/jpeg")},
        headers=keys["platform"],
    )
    assert response.status_code == 422 and "not an image" in response.json()["detail"]
    assert (
        "/tmp" not in response.text and "rempart-upload" not in response.text
    )  # no server path in the answer
    assert (
        client.get(
            "/api/v1/lookup",
            params={"signal_type": "md5", "signal": "00"},
            headers=keys["platform"],
        ).status_code
        == 400
    )
    assert (
        client.get(
            "/api/v1/lookup",
            params={"signal_type": "pdq", "signal": "xyz"},
            headers=keys["platform"],
        ).status_code
        == 400
    )


def test_openapi_lists_every_route(api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, _keys = api
    paths = set(client.get("/openapi.json").json()["paths"])
    assert {
        "/api/v1/banks",
        "/api/v1/match",
        "/api/v1/lookup",
        "/api/v1/audit",
        "/h/hash",
        "/m/lookup",
        "/m/raw_lookup",
        "/c/banks",
        "/c/bank/{bank_name}/signal",
        "/status",
    } <= paths


def test_errors_speak_the_callers_language(
    api: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    """English by default (HMA clients parse ``message``); French when the caller prefers it —
    from the guard (401), a route's own refusal (403) and a store error (404) alike."""
    client, keys = api
    french = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
    anonymous = client.get("/api/v1/banks")
    assert anonymous.json()["message"] == "an API key is required"
    assert client.get("/api/v1/banks", headers=french).json() == {
        "detail": "une clé d'API est requise",
        "message": "une clé d'API est requise",
    }
    refused = client.post("/api/v1/banks", json={"name": "b"}, headers=keys["platform"] | french)
    assert refused.status_code == 403
    assert refused.json()["message"].startswith("le rôle 'platform' n'a pas la permission ")
    missing = client.delete("/api/v1/banks/nowhere/entries/1", headers=keys["admin"] | french)
    assert missing.status_code == 404
    assert missing.json()["message"] == "aucune banque nommée 'nowhere' (voir `rempart bank list`)"
    english = client.delete("/api/v1/banks/nowhere/entries/1", headers=keys["admin"])
    assert english.json()["message"] == "no bank named 'nowhere' (see `rempart bank list`)"


def test_every_page_picks_the_readers_language_the_same_way(
    api: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, _ = api
    for path in ("/protect", "/login"):
        assert 'data-lang="fr"' in client.get(path).text  # no preference: French
        english = client.get(path, headers={"Accept-Language": "en-GB,en;q=0.8"})
        assert 'data-lang="en"' in english.text
        asked = client.get(f"{path}?lang=fr", headers={"Accept-Language": "en"})
        assert 'data-lang="fr"' in asked.text
