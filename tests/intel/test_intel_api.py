"""The API serves the scan's intelligence (signals, risk, rebirths) to investigators only; the
review queue holds message signals, decided once, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rempart.app import create_app
from rempart.investigate.intelligence import queue_signals, server_intelligence
from rempart.investigate.runner import scan_archives
from rempart.settings import Settings
from rempart.sources.synthetic import ExportManifest, make_export_set
from rempart.store import Store
from rempart.store.keys import ApiKeys, Role
from rempart.store.models import MessageSignalRow
from rempart.store.signals import SignalQueue


@pytest.fixture
def scanned(
    backend_settings: Settings, tmp_path: Path
) -> Iterator[tuple[TestClient, dict[str, dict[str, str]], ExportManifest, Store]]:
    manifest = make_export_set(tmp_path / "set", seed=6, servers=2, messages=12, intel=True)
    store = Store.open(backend_settings)
    scan_archives([tmp_path / "set" / "exports"], [], store, backend_settings)
    queue_signals(store, server_intelligence(store), source="scan", actor="test")
    keys = {
        role.value: {"Authorization": f"Bearer {ApiKeys(store).create(role.value, role)}"}
        for role in Role
    }
    with TestClient(create_app(backend_settings)) as client:
        yield client, keys, manifest, store
    store.close()


def test_the_api_gives_signals_risk_and_rebirths_to_investigators_only(
    scanned: tuple[TestClient, dict[str, dict[str, str]], ExportManifest, Store],
) -> None:
    client, keys, manifest, _store = scanned
    assert client.get("/api/v1/intel").status_code == 401
    assert client.get("/api/v1/intel", headers=keys["platform"]).status_code == 403
    found = client.get("/api/v1/intel", headers=keys["moderator"]).json()
    assert {r["guild_id"]: r["continues"] for r in found["reborn"]} == manifest.intel.reborn
    assert {s["guild_id"] for s in found["servers"]} >= set(manifest.intel.reborn)
    assert found["page"]["signals_total"] == len(found["signals"]) > 0
    minors = client.get(
        "/api/v1/intel", params={"kind": "minor", "limit": 1}, headers=keys["moderator"]
    ).json()
    assert [s["kind"] for s in minors["signals"]] == ["minor"]
    assert minors["page"]["signals_total"] >= 1
    assert (
        client.get("/api/v1/intel", params={"kind": "other"}, headers=keys["admin"]).status_code
        == 422
    )


def test_the_review_queue_holds_message_signals_decided_once(
    scanned: tuple[TestClient, dict[str, dict[str, str]], ExportManifest, Store],
) -> None:
    client, keys, manifest, store = scanned
    queue = SignalQueue(store)
    pending = queue.pending("test")
    truth = manifest.intel.signals
    assert {(q.message_id, q.kind) for q in pending} >= {
        (message, kind) for message, kinds in truth.items() for kind in kinds
    }
    with store.session() as session:  # what the message says is sealed at rest
        sealed = session.query(MessageSignalRow).first()
        assert sealed is not None and b"trib" not in sealed.details
    page = client.get("/review", headers=keys["moderator"])
    assert page.status_code == 200 and "Message signals" in page.text
    assert "elle a 15 ans mais bon" in page.text
    first = pending[0]
    assert client.post(f"/review/signals/{first.id}", data={"decision": "confirm"}).status_code in {
        401,
        403,
    }  # no key, no decision
    decided = client.post(
        f"/review/signals/{first.id}",
        data={"decision": "reject"},
        headers=keys["moderator"],
        follow_redirects=False,
    )
    assert decided.status_code == 303
    again = client.post(
        f"/review/signals/{first.id}", data={"decision": "confirm"}, headers=keys["moderator"]
    )
    assert again.status_code == 404
    assert first.id not in {q.id for q in queue.pending("test")}
    assert queue.counts()["reject"] == 1
    # a second scan of the same exports queues nothing twice
    assert queue_signals(store, server_intelligence(store), source="scan", actor="test") == 0
