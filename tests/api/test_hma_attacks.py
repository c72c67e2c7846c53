"""Attacks on HMA's routes, each performed: keyless calls from outside the open networks or on
Rempart's own API, a forged forwarding header, probing whether she registered herself through
banks, filters and content ids, deleting or exporting the victims' bank, URL fetches off the
allow-list or through a redirect, and hostile media sent to HMA's hasher."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hma_support import hma_client, open_network_settings

from rempart.api.core import SELF_REGISTERED
from rempart.samples import save_jpeg, textured_photo
from rempart.settings import Settings
from rempart.signals.fingerprint import fingerprint_file
from rempart.sources.synthetic import png_bomb
from rempart.store import Store
from rempart.store.keys import ApiKeys, Role

Keys = dict[str, dict[str, str]]


@contextmanager
def _keyed(settings: Settings, address: str = "203.0.113.7") -> Iterator[tuple[TestClient, Keys]]:
    store = Store.open(settings)
    keys = {
        role.value: {"Authorization": f"Bearer {ApiKeys(store).create(role.value, role)}"}
        for role in Role
    }
    store.close()
    with hma_client(settings, address) as client:
        yield client, keys


def test_keyless_calls_are_served_only_from_the_open_networks_and_only_on_hma_routes(
    backend_settings: Settings,
) -> None:
    settings = open_network_settings(backend_settings, role="platform")
    with hma_client(settings, "127.0.0.1") as inside:
        assert inside.get("/c/banks").status_code == 200
        assert inside.get("/site-map").status_code == 200
        assert inside.post("/c/banks", json={"name": "MINE"}).status_code == 403  # its role only
        assert inside.get("/api/v1/banks").status_code == 401  # Rempart's own API needs a key
        assert inside.get("/api/v1/audit").status_code == 401
    with hma_client(settings, "198.51.100.4") as outside:
        refused = outside.get("/c/banks")
        assert refused.status_code == 401 and "message" in refused.json()
        forged = outside.get("/c/banks", headers={"X-Forwarded-For": "127.0.0.1"})
        assert forged.status_code == 401  # the peer is no trusted proxy: the header is ignored
        assert outside.get("/m/lookup?signal_type=pdq&signal=" + "0" * 64).status_code == 401
    with hma_client(backend_settings, "127.0.0.1") as closed:  # no open network by default
        assert closed.get("/c/banks").status_code == 401
    with pytest.raises(ValueError):
        Settings(hma_open_networks=["not-a-network"])


def test_platforms_cannot_learn_through_hma_that_she_registered_herself(
    backend_settings: Settings, tmp_path: Path
) -> None:
    photo = save_jpeg(textured_photo(311, (900, 1125)), tmp_path / "hers.jpg")
    with _keyed(backend_settings) as (client, keys):
        registered = fingerprint_file(photo, backend_settings, register=True).to_dict()
        assert client.post("/protect/cases", json={"fingerprints": [registered]}).status_code == 201
        platform, admin = keys["platform"], keys["admin"]
        pdq = fingerprint_file(photo, backend_settings).of_signal("pdq")[0].value
        assert "protect" not in json.dumps(client.get("/c/banks", headers=platform).json())
        assert client.get("/c/bank/protect", headers=platform).status_code == 404
        by_hash = client.get(
            "/m/lookup", params={"signal_type": "pdq", "signal": pdq}, headers=platform
        ).json()
        assert list(by_hash) == [SELF_REGISTERED]
        [hit] = by_hash[SELF_REGISTERED]
        for probe in ("protect", "protect,OTHER"):
            assert (
                client.get(
                    "/m/lookup",
                    params={"signal_type": "pdq", "signal": pdq, "banks": probe},
                    headers=platform,
                ).json()
                == {}
            )
            assert client.get(
                "/m/raw_lookup",
                params={"signal_type": "pdq", "signal": pdq, "banks": probe},
                headers=platform,
            ).json() == {"matches": []}
        content = f"/c/bank/protect/content/{hit['bank_content_id']}?include_signals=true"
        assert client.get(content, headers=platform).status_code == 404
        with photo.open("rb") as handle:
            by_file = client.post(
                "/m/lookup?rempart_signals=true",
                files={"photo": ("p.jpg", handle, "image/jpeg")},
                headers=platform,
            ).json()
        assert "protect" not in json.dumps(by_file)
        # no one deletes, renames or exports her bank through HMA's routes
        assert client.delete("/c/bank/protect", headers=admin).status_code == 403
        assert client.put("/c/bank/protect", json={"name": "X"}, headers=admin).status_code == 403
        assert client.get("/c/bank/protect/changes", headers=admin).status_code == 403
        assert client.get(content, headers=keys["caseworker"]).status_code == 200  # her helpline


class _Redirecting(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self.send_response(302)
        self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def test_url_fetches_stay_on_the_allow_list_and_follow_no_redirect(
    backend_settings: Settings,
) -> None:
    import threading

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        settings = open_network_settings(backend_settings)
        with hma_client(settings) as client:
            client.post("/c/banks", json={"name": "B"})
            for path in (f"/h/hash?url={base}/a.jpg", f"/m/lookup?url={base}/a.jpg"):
                redirected = client.get(path)
                assert redirected.status_code == 400 and "message" in redirected.json()
            added = client.post(f"/c/bank/B/content?url={base}/a.jpg&content_type=photo")
            assert added.status_code == 400
            for url in ("http://example.org/a.jpg", "file:///etc/passwd", "ftp://127.0.0.1/a"):
                assert client.get("/h/hash", params={"url": url}).status_code == 400
        no_http = settings.model_copy(update={"fetch_allow_http": False})
        with hma_client(no_http) as client:
            assert client.get(f"/h/hash?url={base}/a.jpg").status_code == 400
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    "data",
    [
        png_bomb(60_000, 60_000),
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9",
        b"GIF89a" + b"\x00" * 10,
        b"not an image at all",
        b"",
    ],
    ids=["bomb", "truncated-jpeg", "truncated-gif", "text", "empty"],
)
def test_hostile_photos_get_a_clear_client_error(settings: Settings, data: bytes) -> None:
    with _keyed(settings) as (client, keys):
        for path in ("/h/hash", "/m/lookup"):
            answer: Any = client.post(
                path, files={"photo": ("x.jpg", data, "image/jpeg")}, headers=keys["platform"]
            )
            assert 400 <= answer.status_code < 500, (path, answer.status_code, answer.text)
            assert "message" in answer.json()
        client.post("/c/banks", json={"name": "B"}, headers=keys["admin"])
        added = client.post(
            "/c/bank/B/content",
            files={"photo": ("x.jpg", data, "image/jpeg")},
            headers=keys["admin"],
        )
        assert 400 <= added.status_code < 500
        assert client.get("/c/banks", headers=keys["admin"]).json() == [
            {"name": "B", "matching_enabled_ratio": 1.0}
        ]


def test_hostile_ids_and_bodies_get_a_clear_client_error(backend_settings: Settings) -> None:
    with hma_client(open_network_settings(backend_settings)) as client:
        client.post("/c/banks", json={"name": "B"})
        for content_id in ("99999999999999999999999", "-1", "abc", "0"):
            for method in ("GET", "PUT", "DELETE"):
                answer = client.request(method, f"/c/bank/B/content/{content_id}", json={})
                assert 400 <= answer.status_code < 500, (method, content_id, answer.status_code)
        for body in (b"{", b"[1, 2", b"\xff\xfe", b"null"):
            for path in ("/c/banks", "/m/compare", "/c/bank/B/signal", "/c/exchanges"):
                answer = client.post(
                    path, content=body, headers={"Content-Type": "application/json"}
                )
                assert answer.status_code == 400, (path, body, answer.status_code)
        deep = "[" * 100_000 + "]" * 100_000
        answer = client.post(
            "/m/compare", content=deep, headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 400
        assert client.get("/c/bank/B/changes?after_id=-5").status_code == 422
        assert client.get("/c/banks").json() == [{"name": "B", "matching_enabled_ratio": 1.0}]


def test_a_platform_key_cannot_read_a_banks_hashes(
    backend_settings: Settings, tmp_path: Path
) -> None:
    """A helpline's bank is not the /protect bank, so it is visible: a platform may match
    against it, never read her fingerprint out of it."""
    photo = save_jpeg(textured_photo(312, (700, 900)), tmp_path / "hers.jpg")
    with _keyed(backend_settings) as (client, keys):
        client.post("/c/banks", json={"name": "HELPLINE"}, headers=keys["admin"])
        with photo.open("rb") as handle:
            added = client.post(
                "/c/bank/HELPLINE/content",
                files={"photo": ("p.jpg", handle, "image/jpeg")},
                headers=keys["caseworker"],
            ).json()
        path = f"/c/bank/HELPLINE/content/{added['id']}"
        refused = client.get(f"{path}?include_signals=true", headers=keys["platform"])
        assert refused.status_code == 403
        assert added["signals"]["pdq"] not in refused.text
        plain = client.get(path, headers=keys["platform"]).json()
        assert "signals" not in plain and plain["id"] == added["id"]
        allowed = client.get(f"{path}?include_signals=true", headers=keys["caseworker"]).json()
        assert allowed["signals"] == added["signals"]
