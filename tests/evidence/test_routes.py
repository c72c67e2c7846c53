"""Evidence through the HTTP service: preserve=true on /api/v1/match, the case page's pack for the
roles that may have it, minors' pictures refused, /protect's choices."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rempart.app import create_app
from rempart.evidence.pack import verify_pack
from rempart.evidence.vault import Cases
from rempart.investigate.runner import scan_archives
from rempart.samples import save_jpeg, textured_photo
from rempart.settings import Settings
from rempart.signals.fingerprint import fingerprint_file
from rempart.sources.synthetic import ExportManifest, make_export_set
from rempart.store import Consent, Store
from rempart.store.keys import ApiKeys, Role


@pytest.fixture(scope="module")
def export_set(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ExportManifest]:
    root = tmp_path_factory.mktemp("routes-exports")
    return root, make_export_set(root, seed=8, servers=1, channels=1, messages=14, victims=1)


@pytest.fixture
def served(
    backend_settings: Settings, export_set: tuple[Path, ExportManifest]
) -> Iterator[tuple[TestClient, dict[str, dict[str, str]], int]]:
    root, manifest = export_set
    store = Store.open(backend_settings)
    keys = {
        role.value: {"Authorization": f"Bearer {ApiKeys(store).create(role.value, role)}"}
        for role in Role
    }
    store.create_bank("victims")
    entry = store.add_fingerprints(
        "victims",
        [fingerprint_file(p, backend_settings, register=True) for p in manifest.victim_photos],
        consent=Consent("self", "test"),
    ).added[0]
    scan_archives([root / "exports"], ["victims"], store, backend_settings).remove_copies()
    store.close()
    with TestClient(create_app(backend_settings)) as client:
        yield client, keys, entry


def _ready(client: TestClient) -> None:
    import time

    for _ in range(200):
        if client.get("/status").status_code == 200:
            return
        time.sleep(0.05)
    raise AssertionError("the index never became ready")


def test_match_with_preserve_keeps_a_matching_upload_and_nothing_else(
    served: tuple[TestClient, dict[str, dict[str, str]], int],
    export_set: tuple[Path, ExportManifest],
    tmp_path: Path,
) -> None:
    client, keys, entry = served
    _ready(client)
    _, manifest = export_set
    photo = manifest.victim_photos[0].read_bytes()
    ids = {"guild_id": "1333164559564800000", "channel_id": "1369403346124800100"}
    answer = client.post(
        "/api/v1/match",
        params={"preserve": "true", "message_id": "1478139335147520001", **ids},
        files={"file": ("post.jpg", photo, "image/jpeg")},
        headers=keys["platform"],
    )
    assert answer.status_code == 200 and answer.json()["matches"], answer.text
    unrelated = save_jpeg(textured_photo(4242, (640, 480)), tmp_path / "other.jpg").read_bytes()
    before = _preserved(client)
    nothing = client.post(
        "/api/v1/match",
        params={"preserve": "true"},
        files={"file": ("other.jpg", unrelated, "image/jpeg")},
        headers=keys["platform"],
    )
    assert nothing.status_code == 200 and nothing.json()["matches"] == []
    assert _preserved(client) == before  # a non-matching upload is never stored
    records = client.get("/api/v1/audit", params={"limit": 200}, headers=keys["admin"]).json()
    api_preserved = [
        r for r in records if r["action"] == "evidence.preserve" and "api:" in r["actor"]
    ]
    assert len(api_preserved) == 1
    assert (
        "https://discord.com/channels/1333164559564800000/1369403346124800100/"
        in (api_preserved[0]["detail"])
    )
    bad = client.post(
        "/api/v1/match",
        params={"preserve": "true", "message_id": "../../etc"},
        files={"file": ("post.jpg", photo, "image/jpeg")},
        headers=keys["platform"],
    )
    assert bad.status_code == 422


def _preserved(client: TestClient) -> int:
    app_store = client.app.state.service.store  # type: ignore[attr-defined]
    from sqlalchemy import func, select

    from rempart.store.models import SightingRow

    with app_store.session() as session:
        return int(session.scalar(select(func.count(SightingRow.id))) or 0)


def test_the_case_pack_is_for_caseworkers_and_admins_only(
    served: tuple[TestClient, dict[str, dict[str, str]], int], tmp_path: Path
) -> None:
    client, keys, entry = served
    url = f"/cases/victims/{entry}/pack"
    assert client.post(url, data={"lang": "fr"}).status_code == 401
    assert client.post(url, data={"lang": "fr"}, headers=keys["moderator"]).status_code == 403
    assert client.post(url, data={"lang": "fr"}, headers=keys["platform"]).status_code == 403
    page = client.get(f"/cases/victims/{entry}", headers=keys["caseworker"])
    assert page.status_code == 200 and 'id="pack"' in page.text
    moderator_page = client.get(f"/cases/victims/{entry}", headers=keys["moderator"])
    assert 'id="pack"' not in moderator_page.text
    answer = client.post(url, data={"lang": "en"}, headers=keys["caseworker"])
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
    pack = tmp_path / "pack.zip"
    pack.write_bytes(answer.content)
    assert verify_pack(pack).ok
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        assert any(name.startswith("media/") for name in archive.namelist())


def test_a_minors_pictures_are_never_served(
    served: tuple[TestClient, dict[str, dict[str, str]], int],
) -> None:
    client, keys, entry = served
    page = client.get(f"/cases/victims/{entry}", headers=keys["caseworker"])
    links = [part.split('"')[0] for part in page.text.split('href="../../evidence/')[1:]]
    assert links, "the case page links its evidence"
    media_id = links[0]
    assert client.get(f"/evidence/{media_id}", headers=keys["caseworker"]).status_code == 200
    assert "data:image/jpeg" in client.get("/review", headers=keys["caseworker"]).text
    store = client.app.state.service.store  # type: ignore[attr-defined]
    url = f"/api/v1/cases/victims/{entry}/minor"
    assert client.post(url, headers=keys["moderator"]).status_code == 403
    assert client.post(url, headers=keys["caseworker"]).json()["minor"] is True
    case = Cases(store).get(entry)
    assert case is not None and case.minor
    vault = store.settings.resolved_vault_dir / f"c{case.id}"
    assert not vault.exists() or not any(p.is_file() for p in vault.rglob("*"))  # copies gone
    assert client.get(f"/evidence/{media_id}", headers=keys["caseworker"]).status_code == 404
    page = client.get(f"/cases/victims/{entry}", headers=keys["caseworker"])
    assert 'id="minor"' in page.text and "../../evidence/" not in page.text
    queue = client.get("/review", headers=keys["caseworker"]).text
    assert "data:image/jpeg" not in queue


def test_the_review_queue_falls_back_to_the_preserved_copy(
    backend_settings: Settings, export_set: tuple[Path, ExportManifest], tmp_path: Path
) -> None:
    """The exported files are gone after the scan (moved, deleted): reviewers still see the
    pictures, read from the vault — each read logged with who, role and why."""
    import shutil

    root, manifest = export_set
    copied = tmp_path / "exports"
    shutil.copytree(root / "exports", copied)
    store = Store.open(backend_settings)
    key = {"Authorization": f"Bearer {ApiKeys(store).create('lea', Role.CASEWORKER)}"}
    admin = {"Authorization": f"Bearer {ApiKeys(store).create('auditor', Role.ADMIN)}"}
    store.create_bank("victims")
    store.add_fingerprints(
        "victims",
        [fingerprint_file(p, backend_settings, register=True) for p in manifest.victim_photos],
        consent=Consent("self", "test"),
    )
    scan_archives([copied], ["victims"], store, backend_settings).remove_copies()
    store.close()
    shutil.rmtree(copied)  # the export is gone
    with TestClient(create_app(backend_settings)) as client:
        queue = client.get("/review", headers=key)
        assert queue.status_code == 200 and "data:image/jpeg" in queue.text
        reads = [
            r
            for r in client.get("/api/v1/audit", params={"limit": 200}, headers=admin).json()
            if r["action"] == "evidence.vault.read"
        ]
    assert reads and all(
        r["actor"] == "api:lea"
        and "role caseworker" in r["detail"]
        and "review queue" in r["detail"]
        for r in reads
    )
