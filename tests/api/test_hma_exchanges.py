"""Exchanges as HMA configures them, backed by python-threatexchange's ``SignalExchangeAPI``
implementations: its static sample, a StopNCII fetch against a local StopNCII on loopback
(paged, checkpointed, resumed after a failure without losing or duplicating an item, redirects
refused), and a bank shared with another Rempart instance."""

import json
import random
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from hma_support import hma_client, open_network_settings
from support import start_server

from rempart.settings import Settings
from rempart.store import Store
from rempart.store.keys import ApiKeys, Role

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from threatexchange.signal_type.md5 import VideoMD5Signal
    from threatexchange.signal_type.pdq.signal import PdqSignal

FETCH_KEY, SUBSCRIPTION_KEY = "fetch-key-123", "subscription-456"
#: Two PDQs far apart (threatexchange's examples are near one another).
FAR_A, FAR_B = (f"{random.Random(seed).getrandbits(256):064x}" for seed in (1, 2))


def test_exchange_routes_as_hma_answers_them(backend_settings: Settings) -> None:
    with hma_client(open_network_settings(backend_settings)) as client:
        apis = client.get("/c/exchanges/apis").json()
        assert {"sample", "stop_ncii", "ncmec", "fb_threatexchange", "rempart"} <= set(apis)
        assert client.get("/c/exchanges/api/sample").json() == {
            "supports_authentification": False,
            "has_set_authentification": False,
        }
        assert client.get("/c/exchanges/api/fb_threatexchange").json() == {
            "supports_authentification": True,
            "has_set_authentification": False,
        }
        set_auth = client.post(
            "/c/exchanges/api/fb_threatexchange",
            json={"credential_json": {"api_token": "12345789|000000000000"}},
        )
        assert set_auth.json()["has_set_authentification"] is True
        unset = client.post("/c/exchanges/api/fb_threatexchange", json={"credential_json": {}})
        assert unset.json()["has_set_authentification"] is False
        assert client.get("/c/exchanges/api/nope").status_code == 400
        schema = client.get("/c/exchanges/api/fb_threatexchange/schema").json()
        fields = {f["name"]: f for f in schema["config_schema"]["fields"]}
        assert fields["privacy_group"]["type"] == "number" and fields["privacy_group"]["required"]
        assert {f["name"] for f in schema["credentials_schema"]["fields"]} == {"api_token"}
        sample = client.get("/c/exchanges/api/sample/schema").json()
        assert sample == {"config_schema": {"fields": []}, "credentials_schema": None}
        assert client.get("/c/exchanges/api/nope/schema").status_code == 404

        assert client.delete("/c/exchange/TEST_EXCHANGE").status_code == 200
        for bad in (
            {"api": "sample", "bank": "lower_case"},
            {"api": "nope", "bank": "X"},
            {"bank": "X"},
            {"api": "sample", "bank": "X", "api_json": []},
            {"api": "sample"},
        ):
            assert client.post("/c/exchanges", json=bad).status_code == 400, bad
        created = client.post(
            "/c/exchanges", json={"api": "sample", "bank": "FOO_EXCHANGE", "api_json": {}}
        )
        assert created.status_code == 201 and created.json() == {"message": "Created successfully"}
        assert client.get("/c/exchanges").json() == ["FOO_EXCHANGE"]
        assert client.get("/c/exchange/FOO_EXCHANGE").json() == {
            "name": "FOO_EXCHANGE",
            "api": "sample",
            "enabled": True,
        }
        assert client.get("/c/bank/FOO_EXCHANGE").status_code == 200  # its bank
        status = client.get("/c/exchange/FOO_EXCHANGE/status").json()
        assert set(status) == {
            "checkpoint_ts",
            "running_fetch_start_ts",
            "last_fetch_complete_ts",
            "last_fetch_succeeded",
            "up_to_date",
            "fetched_items",
        }
        assert status["fetched_items"] == 0 and status["up_to_date"] is False
        off = client.put("/c/exchange/FOO_EXCHANGE", json={"enabled": False})
        assert off.json()["enabled"] is False
        assert client.get("/c/exchange/NONEXISTENT_EXCHANGE/status").status_code == 404
        deleted = client.delete("/c/exchange/FOO_EXCHANGE")
        assert deleted.json() == {"message": "Exchange deleted"}
        assert client.get("/c/exchanges").json() == []
        assert client.get("/c/bank/FOO_EXCHANGE").status_code == 404


def test_the_static_sample_fetches_and_matches_as_in_hma(backend_settings: Settings) -> None:
    """HMA's ``test_raw_lookups`` and ``test_lookups`` over its sample exchange."""
    with hma_client(open_network_settings(backend_settings)) as client:
        client.post("/c/exchanges", json={"api": "sample", "bank": "SAMPLE", "api_json": {}})
        fetched = client.post("/c/exchange/SAMPLE/fetch").json()
        assert fetched["error"] == "" and fetched["added"] > 0
        assert fetched["status"]["up_to_date"] is True
        assert fetched["status"]["fetched_items"] == fetched["added"]
        for name, signal in (
            ("pdq", PdqSignal.get_examples()[0]),
            ("video_md5", VideoMD5Signal.get_examples()[0]),
        ):
            query = {"signal": signal, "signal_type": name}
            raw = client.get("/m/raw_lookup", params=query).json()["matches"]
            assert len(raw) >= 1
            with_distance = client.get(
                "/m/raw_lookup", params={**query, "include_distance": "true"}
            ).json()["matches"]
            assert len(with_distance) == len(raw)
            assert all({"bank_content_id", "distance"} <= set(m) for m in with_distance)
            looked = client.get("/m/lookup", params=query).json()
            assert list(looked) == ["SAMPLE"] and looked["SAMPLE"]
        again = client.post("/c/exchange/SAMPLE/fetch").json()  # a static list: nothing new
        assert again["added"] == 0 and again["status"]["fetched_items"] == fetched["added"]
        content = client.get(
            f"/c/bank/SAMPLE/content/{raw[0]}", params={"include_signals": "true"}
        ).json()
        assert list(content["metadata"]["collab"]) == ["SAMPLE"]


class _StopNCII:
    """StopNCII's FetchHashes on loopback: records in time order, two a page; ``fail_after``
    makes the next page after that many answer 400; ``redirect`` sends every call elsewhere."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = records
        self.calls: list[dict[str, str]] = []
        self.fail_after: int | None = None
        self.redirect = False

    def page(self, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.calls.append(params)
        if self.fail_after is not None and len(self.calls) > self.fail_after:
            return 400, {"message": "temporarily broken"}
        start = int(params["startTimestamp"])
        eligible = [r for r in self.records if r["lastModtimestamp"] >= start]
        offset = int(params.get("nextPageToken") or 0)
        chunk = eligible[offset : offset + 2]
        more = offset + 2 < len(eligible)
        return 200, {
            "count": len(chunk),
            "nextPageToken": str(offset + 2) if more else None,
            "nextSetTimestamp": chunk[-1]["lastModtimestamp"] if chunk else start,
            "hasMoreRecords": more,
            "hashRecords": chunk,
        }


@contextmanager
def _stopncii_server(fake: _StopNCII) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            parts = urlsplit(self.path)
            if fake.redirect:
                self.send_response(302)
                self.send_header("Location", "http://192.0.2.1/v1/FetchHashes")
                self.end_headers()
                return
            authorized = (
                self.headers.get("x-functions-key") == FETCH_KEY
                and self.headers.get("Ocp-Apim-Subscription-Key") == SUBSCRIPTION_KEY
            )
            if parts.path != "/v1/FetchHashes" or not authorized:
                status, body = 401, {"message": "unauthorized"}
            else:
                status, body = fake.page({k: v[0] for k, v in parse_qs(parts.query).items()})
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def _record(number: int, kind: str = "ImagePDQ") -> dict[str, Any]:
    value = PdqSignal.get_examples()[number] if kind == "ImagePDQ" else f"{number:032x}"
    return {
        "lastModtimestamp": 1_700_000_000 + 10 * number,
        "signalType": kind,
        "hashValue": value,
        "hashStatus": "Active",
        "caseNumbers": {f"case-{number}": "Active"},
        "CSPFeedbacks": [],
    }


def _stopncii_client(client: TestClient, base: str) -> None:
    credentials = {
        "fetch_function_key": FETCH_KEY,
        "subscription_key": SUBSCRIPTION_KEY,
        "base_url_override": base,
    }
    assert client.post(
        "/c/exchanges/api/stop_ncii", json={"credential_json": credentials}
    ).json() == {"supports_authentification": True, "has_set_authentification": True}
    created = client.post("/c/exchanges", json={"api": "stop_ncii", "bank": "NCII", "api_json": {}})
    assert created.status_code == 201


def _exchange_settings(settings: Settings) -> Settings:
    return open_network_settings(settings).model_copy(update={"exchange_hosts": ["127.0.0.1"]})


def test_a_stopncii_fetch_pages_checkpoints_and_resumes_after_a_failure(
    backend_settings: Settings,
) -> None:
    fake = _StopNCII([_record(n) for n in range(5)] + [_record(5, "VideoMD5")])
    with _stopncii_server(fake) as base, hma_client(_exchange_settings(backend_settings)) as client:
        _stopncii_client(client, base)
        fake.fail_after = 1  # the second page fails: the first stays committed
        broken = client.post("/c/exchange/NCII/fetch").json()
        assert broken["error"] and broken["added"] == 2
        status = client.get("/c/exchange/NCII/status").json()
        assert status["last_fetch_succeeded"] is False and status["up_to_date"] is False
        assert status["fetched_items"] == 2
        assert status["checkpoint_ts"] == fake.records[1]["lastModtimestamp"]
        fake.fail_after = None
        resumed = client.post("/c/exchange/NCII/fetch").json()
        assert resumed["error"] == ""
        # resumed from the checkpoint, not from the start; nothing fetched twice is added twice
        assert fake.calls[2]["startTimestamp"] == str(fake.records[1]["lastModtimestamp"])
        status = client.get("/c/exchange/NCII/status").json()
        assert status["fetched_items"] == 6 and status["up_to_date"] is True
        for number in range(5):
            looked = client.get(
                "/m/raw_lookup",
                params={"signal_type": "pdq", "signal": PdqSignal.get_examples()[number]},
            ).json()["matches"]
            assert len(looked) == len(set(looked)) >= 1
        md5 = f"{5:032x}"
        assert (
            len(
                client.get(
                    "/m/raw_lookup", params={"signal_type": "video_md5", "signal": md5}
                ).json()["matches"]
            )
            == 1
        )
        fake.records.append(_record(6))
        later = client.post("/c/exchange/NCII/fetch").json()
        assert later["added"] == 1
        assert client.get("/c/exchange/NCII/status").json()["fetched_items"] == 7


def test_an_exchange_follows_no_redirect_and_reaches_only_allowed_hosts(
    backend_settings: Settings,
) -> None:
    fake = _StopNCII([_record(0)])
    with _stopncii_server(fake) as base:
        with hma_client(_exchange_settings(backend_settings)) as client:
            _stopncii_client(client, base)
            fake.redirect = True
            redirected = client.post("/c/exchange/NCII/fetch").json()
            assert redirected["error"] and redirected["added"] == 0
        off_list = _exchange_settings(backend_settings).model_copy(
            update={"exchange_hosts": ["api.stopncii.org"]}
        )
        fake.redirect = False
        with hma_client(off_list) as client:
            refused = client.post("/c/exchange/NCII/fetch").json()
            assert "not allowed" in refused["error"] and refused["added"] == 0
            assert fake.calls == []  # never reached


def test_a_bank_is_shared_with_another_rempart_instance(
    backend_settings: Settings, tmp_path: Path
) -> None:
    source = Settings(data_dir=tmp_path / "source")
    store = Store.open(source)
    key = ApiKeys(store).create("peer", Role.ADMIN)
    store.create_bank("SHARED")
    store.close()
    server, base = start_server(source)
    try:
        headers = {"Authorization": f"Bearer {key}"}
        import httpx

        with httpx.Client(base_url=base, headers=headers) as peer:
            first = peer.post("/c/bank/SHARED/signal", json={"pdq": FAR_A})
            second = peer.post("/c/bank/SHARED/signal", json={"pdq": FAR_B})
            assert first.status_code == second.status_code == 200
            assert peer.get("/c/bank/protect/changes").status_code == 403  # victims' never
            settings = _exchange_settings(backend_settings)
            with hma_client(settings) as client:
                client.post("/c/exchanges/api/rempart", json={"credential_json": {"api_key": key}})
                created = client.post(
                    "/c/exchanges",
                    json={
                        "api": "rempart",
                        "bank": "FROM_PEER",
                        "api_json": {"base_url": base, "remote_bank": "SHARED"},
                    },
                )
                assert created.status_code == 201
                fetched = client.post("/c/exchange/FROM_PEER/fetch").json()
                assert fetched["error"] == "" and fetched["added"] == 2
                hit = client.get(
                    "/m/lookup",
                    params={"signal_type": "pdq", "signal": FAR_B},
                ).json()
                assert list(hit) == ["FROM_PEER"]
                # the peer withdraws one: the next fetch withdraws it here
                peer.delete(f"/c/bank/SHARED/content/{second.json()['id']}")
                again = client.post("/c/exchange/FROM_PEER/fetch").json()
                assert again["removed"] == 1 and again["added"] == 0
                assert (
                    client.get(
                        "/m/lookup",
                        params={"signal_type": "pdq", "signal": FAR_B},
                    ).json()
                    == {}
                )
                assert client.get(
                    "/m/lookup",
                    params={"signal_type": "pdq", "signal": FAR_A},
                ).json()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_running_service_fetches_its_exchanges_on_schedule(backend_settings: Settings) -> None:
    import time

    scheduled = open_network_settings(backend_settings).model_copy(
        update={"exchange_fetch_minutes": 0.01}  # every 0.6 s
    )
    with hma_client(scheduled) as client:
        client.post("/c/exchanges", json={"api": "sample", "bank": "SAMPLE", "api_json": {}})
        deadline = time.monotonic() + 60
        status = client.get("/c/exchange/SAMPLE/status").json()
        while not status["up_to_date"] and time.monotonic() < deadline:
            time.sleep(0.2)
            status = client.get("/c/exchange/SAMPLE/status").json()
        assert status["up_to_date"] and status["fetched_items"] > 0
        # its items match (the matcher is told before the fetch is recorded as finished)
        query = {"signal_type": "pdq", "signal": PdqSignal.get_examples()[0]}
        looked = client.get("/m/lookup", params=query).json()
        while not looked and time.monotonic() < deadline:
            time.sleep(0.2)
            looked = client.get("/m/lookup", params=query).json()
        assert list(looked) == ["SAMPLE"]


def test_a_fetch_tells_the_matcher_before_it_is_recorded_finished(settings: Settings) -> None:
    """A status that says "up to date" is one whose items already match."""
    from rempart.exchanges.fetch import fetch
    from rempart.store.exchanges import Exchanges

    store = Store.open(settings)
    try:
        Exchanges(store).create("SAMPLE", "sample", {"enabled": True}, actor="test")
        seen: list[dict[str, Any]] = []
        report = fetch(
            store,
            settings,
            "SAMPLE",
            actor="test",
            on_change=lambda: seen.append(Exchanges(store).get("SAMPLE").status()),
        )
        assert report.added > 0 and len(seen) == 1
        assert seen[0]["running_fetch_start_ts"] is not None  # still running when told
        assert seen[0]["last_fetch_complete_ts"] is None
        assert Exchanges(store).get("SAMPLE").status()["up_to_date"] is True
    finally:
        store.close()
