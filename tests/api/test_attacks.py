"""Attacks on the service, replayed: each test does what an abuser holding her photo (or no key at
all) tried.

Numbers refer to the security review (issue 13). Every test performs the attack against the real
ASGI app (or a real `rempart serve` process where the HTTP server itself matters) and checks it
is refused, and that nothing leaked.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from support import write_export

from rempart.api.core import SELF_REGISTERED
from rempart.app import create_app
from rempart.investigate.runner import scan_archives
from rempart.samples import save_jpeg, textured_photo
from rempart.settings import Settings
from rempart.signals.fingerprint import fingerprint_file
from rempart.signals.local import LocalFeatures
from rempart.store import Consent, Store
from rempart.store.keys import ApiKeys, Role
from rempart.store.scans import ScanStore

Keys = dict[str, dict[str, str]]


@contextmanager
def app_client(
    settings: Settings, base_url: str = "http://testserver"
) -> Iterator[tuple[TestClient, Keys]]:
    store = Store.open(settings)
    keys = {
        role.value: {"Authorization": f"Bearer {ApiKeys(store).create(role.value, role)}"}
        for role in Role
    }
    store.close()
    with TestClient(create_app(settings), base_url=base_url) as client:
        yield client, keys


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("attack-photos")
    return {
        "hers": save_jpeg(textured_photo(301, (900, 1125)), root / "hers.jpg"),
        "other": save_jpeg(textured_photo(302, (900, 1125)), root / "other.jpg"),
    }


def _print(photo: Path, settings: Settings) -> dict[str, Any]:
    return fingerprint_file(photo, settings, register=True).to_dict()


def _match(client: TestClient, photo: Path, headers: dict[str, str]) -> list[dict[str, Any]]:
    with photo.open("rb") as handle:
        answer = client.post(
            "/api/v1/match", files={"file": (photo.name, handle, "image/jpeg")}, headers=headers
        )
    assert answer.status_code == 200, answer.text
    return list(answer.json()["matches"])


# -- 1. taking over a victim's registration -----------------------------------------------------


def test_1_a_second_registration_of_her_photo_cannot_withdraw_hers(
    backend_settings: Settings, photos: dict[str, Path]
) -> None:
    with app_client(backend_settings) as (client, keys):
        hers = client.post(
            "/protect/cases", json={"fingerprints": [_print(photos["hers"], backend_settings)]}
        )
        assert hers.status_code == 201
        sha256 = fingerprint_file(photos["hers"], backend_settings).of_signal("sha256")[0].value
        only_sha = {
            "rempart_fingerprint": 1,
            "source": "x",
            "kind": "image",
            "values": [{"signal": "sha256", "value": sha256}],
        }
        attacker = client.post("/protect/cases", json={"fingerprints": [only_sha]}).json()
        assert client.post("/protect/withdraw", json=attacker).json()["withdrawn"] is True
        status = client.post("/protect/status", json=hers.json()).json()
        assert status == {
            "case": hers.json()["case"],
            "photos": 1,
            "withdrawn": False,
        }  # her page tells the truth
        found = _match(client, photos["hers"], keys["moderator"])
        assert {"pdq", "orb"} & {
            m["signal"] for m in found
        }  # her entry (PDQ, ORB), not the attacker's SHA-256-only one


def test_1_her_status_counts_only_her_active_entries(
    backend_settings: Settings, photos: dict[str, Path]
) -> None:
    with app_client(backend_settings) as (client, keys):
        case = client.post(
            "/protect/cases",
            json={"fingerprints": [_print(p, backend_settings) for p in photos.values()]},
        ).json()
        assert client.post("/protect/status", json=case).json()["photos"] == 2
        entry = next(m["entry_id"] for m in _match(client, photos["hers"], keys["moderator"]))
        assert (
            client.delete(
                f"/api/v1/banks/protect/entries/{entry}", headers=keys["admin"]
            ).status_code
            == 200
        )
        assert client.post("/protect/status", json=case).json() == {
            "case": case["case"],
            "photos": 1,
            "withdrawn": False,
        }


# -- 2. registrations are live at once, without a full rebuild per write ------------------------


def test_2_every_write_path_is_live_at_once_without_rebuilding(
    backend_settings: Settings, photos: dict[str, Path]
) -> None:
    with app_client(backend_settings) as (client, keys):
        assert _match(client, photos["hers"], keys["platform"]) == []  # the matcher is built, empty
        assert (
            client.post(
                "/protect/cases", json={"fingerprints": [_print(photos["hers"], backend_settings)]}
            ).status_code
            == 201
        )
        assert _match(client, photos["hers"], keys["platform"])  # the very next request finds her
        client.post("/api/v1/banks", json={"name": "coop"}, headers=keys["admin"])
        added = []
        for number in range(60):  # single adds through HMA's route, each visible at once
            pdq = f"{number:02x}" * 32
            assert (
                client.post(
                    "/c/bank/coop/signal", json={"pdq": pdq}, headers=keys["admin"]
                ).status_code
                == 200
            )
            assert client.get(
                "/m/raw_lookup",
                params={"signal_type": "pdq", "signal": pdq},
                headers=keys["platform"],
            ).json()["matches"], number
            added.append(pdq)
        entry = client.post(
            "/api/v1/banks/coop/entries",
            json={"fingerprints": [_print(photos["other"], backend_settings)]},
            headers=keys["admin"],
        )
        assert _match(client, photos["other"], keys["platform"])
        assert (
            client.delete(
                f"/api/v1/banks/coop/entries/{entry.json()['added'][0]}", headers=keys["admin"]
            ).status_code
            == 200
        )
        assert (
            _match(client, photos["other"], keys["platform"]) == []
        )  # a withdrawal is live at once too
        matcher = client.app.state.service.matcher()  # type: ignore[attr-defined]
        assert (
            matcher.full_builds == 1
        )  # 60 adds, a registration, a withdrawal: all applied as increments


def test_2_a_cli_write_on_the_same_store_reaches_a_running_server(
    tmp_path: Path, photos: dict[str, Path]
) -> None:
    import time
    import urllib.request

    from support import run_rempart, start_server

    settings = Settings(data_dir=tmp_path / "data")
    assert run_rempart(settings, "bank", "create", "victims").returncode == 0
    key = run_rempart(settings, "key", "create", "coop", "--role", "platform").stdout.strip()
    server, base = start_server(settings)
    try:
        sha256 = fingerprint_file(photos["hers"], settings).of_signal("sha256")[0].value
        url = f"{base}/api/v1/lookup?signal_type=sha256&signal={sha256}"

        def found() -> bool:
            with urllib.request.urlopen(
                urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"}), timeout=5
            ) as answer:
                return bool(json.loads(answer.read())["match"])

        assert not found()
        assert run_rempart(settings, "bank", "add", "victims", str(photos["hers"])).returncode == 0
        deadline = time.monotonic() + 15  # the server polls the store generation every second
        while not found():
            assert time.monotonic() < deadline, (
                "a CLI registration never reached the running server"
            )
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)


# -- 3. stored XSS and file disclosure through /evidence ----------------------------------------


def _jpeg_with_script(photo: Path) -> bytes:
    """A valid JPEG whose comment segment holds an HTML page with a script."""
    data = photo.read_bytes()
    payload = b"<html><script>fetch('/api/v1/cases').then(r=>r.text()).then(alert)</script></html>"
    return data[:2] + b"\xff\xfe" + (len(payload) + 2).to_bytes(2, "big") + payload + data[2:]


@pytest.fixture
def scanned_evidence(
    tmp_path: Path, photos: dict[str, Path]
) -> Iterator[tuple[TestClient, Keys, dict[str, int], Path, Settings]]:
    """A scanned export whose matched picture is a scripted JPEG named photo.html; media ids by
    file name."""
    settings = Settings(data_dir=tmp_path / "data")
    scripted = _jpeg_with_script(photos["hers"])
    (tmp_path / "hers.jpg").write_bytes(scripted)
    export = write_export(
        tmp_path / "export", {"photo.html": scripted, "unrelated.jpg": photos["other"].read_bytes()}
    )
    store = Store.open(settings)
    store.create_bank("victims")
    store.add_fingerprints(
        "victims",
        [fingerprint_file(tmp_path / "hers.jpg", settings, register=True)],
        consent=Consent("self", "t"),
    )
    scan_archives([export.parent], ["victims"], store, settings)
    ids = {str(m.details["file_name"]): m.id for m in ScanStore(store).media("test")}
    store.close()
    with app_client(settings) as (client, keys):
        yield client, keys, ids, export.parent / f"{export.name}_Files", settings


def test_3_evidence_is_served_by_its_bytes_in_a_sandbox(
    scanned_evidence: tuple[TestClient, Keys, dict[str, int], Path, Settings],
) -> None:
    client, keys, ids, _folder, _settings = scanned_evidence
    answer = client.get(f"/evidence/{ids['photo.html']}", headers=keys["moderator"])
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/jpeg"  # from the bytes, not the .html name
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["content-security-policy"] == "sandbox; default-src 'none'"
    assert answer.headers["cache-control"] == "no-store" and answer.headers[
        "content-disposition"
    ].startswith("inline")
    assert (
        client.get(f"/evidence/{ids['unrelated.jpg']}", headers=keys["moderator"]).status_code
        == 404
    )  # scanned, but no sighting


def test_cases_come_a_page_at_a_time_or_one_case_alone(
    scanned_evidence: tuple[TestClient, Keys, dict[str, int], Path, Settings],
) -> None:
    client, keys, _ids, _folder, _settings = scanned_evidence
    everything = client.get("/api/v1/cases", headers=keys["admin"]).json()
    assert everything["summary"]["cases_total"] == len(everything["cases"]) == 1
    entry = everything["cases"][0]["entry_id"]
    sighting = everything["cases"][0]["sightings"][0]
    assert sighting["meaning"]["en"] and sighting["meaning"]["fr"]
    alone = client.get("/api/v1/cases", params={"entry": entry}, headers=keys["admin"]).json()
    assert [c["entry_id"] for c in alone["cases"]] == [entry]
    empty = client.get("/api/v1/cases", params={"offset": 1}, headers=keys["admin"]).json()
    assert empty["cases"] == [] and empty["summary"]["cases_total"] == 1
    assert (
        client.get("/api/v1/cases", params={"limit": 0}, headers=keys["admin"]).status_code == 422
    )


def test_3_a_swapped_symlink_or_altered_file_is_not_served(
    scanned_evidence: tuple[TestClient, Keys, dict[str, int], Path, Settings],
) -> None:
    client, keys, ids, folder, settings = scanned_evidence
    target = folder / "photo.html"
    original = target.read_bytes()
    target.unlink()
    target.symlink_to(settings.data_dir / "secret.key")
    leaked = client.get(f"/evidence/{ids['photo.html']}", headers=keys["moderator"])
    secret = (settings.data_dir / "secret.key").read_text().strip()
    assert leaked.status_code == 404 and secret not in leaked.text
    target.unlink()
    target.write_bytes(original[:-10] + b"x" * 10)  # same name, other bytes
    altered = client.get(f"/evidence/{ids['photo.html']}", headers=keys["moderator"])
    assert altered.status_code == 409
    target.write_bytes(original)
    moved = folder.parent / "elsewhere"
    shutil.move(folder, moved)
    folder.symlink_to(moved, target_is_directory=True)  # the folder itself swapped for a link
    assert (
        client.get(f"/evidence/{ids['photo.html']}", headers=keys["moderator"]).status_code == 404
    )
    actions = [e["action"] for e in client.get("/api/v1/audit", headers=keys["admin"]).json()]
    assert "evidence.altered" in actions and actions.count("evidence.read") >= 3


def test_3_non_media_bytes_are_a_download_never_a_page() -> None:
    from rempart.investigate.exported import media_type_of

    assert media_type_of(b"<html><script>alert(1)</script>") == (
        "application/octet-stream",
        False,
        None,
    )
    assert media_type_of(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)[:2] == ("image/png", True)


# -- 4. the lookup is no oracle ------------------------------------------------------------------


def test_4_platforms_never_learn_she_registered_herself(
    backend_settings: Settings, photos: dict[str, Path]
) -> None:
    with app_client(backend_settings) as (client, keys):
        client.post(
            "/protect/cases", json={"fingerprints": [_print(photos["hers"], backend_settings)]}
        )
        seen = _match(client, photos["hers"], keys["platform"])
        assert (
            seen
            and {m["bank"] for m in seen} == {SELF_REGISTERED}
            and {m["label"] for m in seen} == {""}
        )
        pdq = fingerprint_file(photos["hers"], backend_settings).of_signal("pdq")[0].value
        by_hash = client.get(
            "/m/lookup", params={"signal_type": "pdq", "signal": pdq}, headers=keys["platform"]
        ).json()
        assert list(by_hash) == [SELF_REGISTERED] and "protect" not in json.dumps(by_hash)
        lookup = client.get(
            "/api/v1/lookup", params={"signal_type": "pdq", "signal": pdq}, headers=keys["platform"]
        ).json()
        assert {e["bank"] for e in lookup["entries"]} == {SELF_REGISTERED}
        assert {m["bank"] for m in _match(client, photos["hers"], keys["moderator"])} == {
            "protect"
        }  # reviewers see where it is
        audit = client.get("/api/v1/audit", headers=keys["admin"], params={"limit": 1000}).json()
        assert (
            sum(1 for e in audit if e["action"] == "lookup" and e["actor"] == "api:platform") == 3
        )  # every lookup logged
        assert not any(pdq in e["detail"] for e in audit)  # ... never with the hash itself


def test_4_anonymous_callers_cannot_probe_and_keys_have_quotas(
    tmp_path: Path, photos: dict[str, Path]
) -> None:
    settings = Settings(data_dir=tmp_path / "data", api_key_burst=5, api_key_rate=0.001)
    with app_client(settings) as (client, keys):
        client.post("/protect/cases", json={"fingerprints": [_print(photos["hers"], settings)]})
        pdq = fingerprint_file(photos["hers"], settings).of_signal("pdq")[0].value
        flipped = (
            f"{int(pdq[0], 16) ^ 1:x}" + pdq[1:]
        )  # the first probe of a bit-flip reconstruction
        for route in ("/api/v1/lookup", "/m/lookup", "/m/raw_lookup"):
            probe = client.get(route, params={"signal_type": "pdq", "signal": flipped})
            assert (
                probe.status_code == 401
                and "protect" not in probe.text
                and "distance" not in probe.text
            )
        answers = [
            client.get(
                "/m/raw_lookup",
                params={"signal_type": "pdq", "signal": flipped},
                headers=keys["platform"],
            ).status_code
            for _ in range(7)
        ]
        assert answers[:5] == [200] * 5 and answers[5:] == [429, 429]  # the key's quota


# -- 5. rate limits and X-Forwarded-For -------------------------------------------------------


def test_5_forwarded_for_is_ignored_unless_from_a_trusted_proxy(tmp_path: Path) -> None:
    import urllib.error
    import urllib.request

    from support import start_server

    def statuses(base: str, forwarded: list[str]) -> list[int]:
        codes = []
        for address in forwarded:
            request = urllib.request.Request(
                f"{base}/protect/status",
                data=b'{"case":"RMP-AAAA-AAAA","secret":"x"}',
                method="POST",
                headers={"Content-Type": "application/json", "X-Forwarded-For": address},
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as answer:
                    codes.append(answer.status)
            except urllib.error.HTTPError as refused:
                codes.append(refused.code)
        return codes

    limited = {"REMPART_API_ANONYMOUS_BURST": "2", "REMPART_API_ANONYMOUS_RATE": "0.001"}
    spoofed = [f"203.0.113.{n}" for n in range(1, 5)]
    for trusted, expected in (
        ("[]", [404, 404, 429, 429]),
        ('["127.0.0.1"]', [404, 404, 404, 404]),
    ):
        server, base = start_server(
            Settings(data_dir=tmp_path / f"data-{len(trusted)}"),
            {**limited, "REMPART_TRUSTED_PROXIES": trusted},
        )
        try:
            assert statuses(base, spoofed) == expected
            if trusted != "[]":  # behind the proxy, one real client is still limited
                assert statuses(base, ["198.51.100.7"] * 3) == [404, 404, 429]
        finally:
            server.terminate()
            server.wait(timeout=30)


def test_5_ipv6_clients_count_per_64_and_forwarding_needs_trust() -> None:
    from rempart.api.guard import TrustedProxies, rate_key

    assert (
        rate_key("2001:db8:1:2::1")
        == rate_key("2001:db8:1:2:ffff:ffff:ffff:ffff")
        != rate_key("2001:db8:1:3::1")
    )
    assert rate_key("::ffff:198.51.100.7") == rate_key("198.51.100.7") == "198.51.100.7"
    proxies = TrustedProxies(["10.0.0.0/8"])
    assert proxies.client("10.1.2.3", "198.51.100.7, 10.0.0.9", "https", "http") == (
        "198.51.100.7",
        True,
    )
    assert proxies.client("10.1.2.3", "203.0.113.9, 198.51.100.7", "", "http") == (
        "198.51.100.7",
        False,
    )  # the left hop is the client's claim
    assert proxies.client("192.0.2.1", "198.51.100.7", "https", "http") == (
        "192.0.2.1",
        False,
    )  # not a trusted proxy


# -- 6. no body is read before the caller is known ---------------------------------------------


def _raw_request(base: str, head: str, body: bytes = b"", timeout: float = 10) -> str:
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(head.encode() + body)
        return sock.recv(65536).decode("latin-1")


def test_6_bodies_are_refused_before_they_are_read(tmp_path: Path) -> None:
    from support import run_rempart, start_server

    settings = Settings(data_dir=tmp_path / "data")
    key = run_rempart(settings, "key", "create", "a", "--role", "admin").stdout.strip()
    server, base = start_server(settings, {"REMPART_API_MAX_BODY_BYTES": "65536"})
    try:
        huge = (
            "POST /api/v1/hash HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
            "boundary=b\r\nContent-Length: 2000000000\r\n\r\n"
        )
        assert _raw_request(base, huge).startswith(
            "HTTP/1.1 401"
        )  # answered at once: nothing of the 2 GB was sent
        as_json = (
            "POST /api/v1/banks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            f"{key}\r\nContent-Type: application/json\r\nContent-Length: 300000000\r\n\r\n"
        )
        assert _raw_request(base, as_json).startswith(
            "HTTP/1.1 413"
        )  # a key, but a 300 MB JSON: refused unread
        chunk = b"a" * 40000
        streamed = (
            "POST /api/v1/banks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            f"{key}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        body = (f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n") * 3 + b"0\r\n\r\n"
        assert _raw_request(base, streamed, body).startswith(
            "HTTP/1.1 413"
        )  # no length given: cut off past the cap
    finally:
        server.terminate()
        server.wait(timeout=30)
    store = Store.open(settings)
    try:
        assert any(
            action == "access.denied" and "/api/v1/hash" in detail
            for _at, _actor, action, _b, _e, detail in store.audit_log(20)
        )
    finally:
        store.close()


def test_6_errors_echo_at_most_a_short_prefix(tmp_path: Path) -> None:
    with app_client(Settings(data_dir=tmp_path / "data")) as (client, keys):
        long_name = "A" * 100_000
        answer = client.post("/api/v1/banks", json={"name": long_name}, headers=keys["admin"])
        assert (
            answer.status_code == 422 and "A" * 100 not in answer.text and len(answer.text) < 2000
        )
        bad_type = client.get(
            "/api/v1/lookup",
            params={"signal_type": "x" * 35, "signal": "00"},
            headers=keys["platform"],
        )
        assert bad_type.status_code == 400 and len(bad_type.text) < 500
        bad_print = client.post(
            "/api/v1/match/fingerprint",
            json={"values": [{"signal": "pdq", "value": "Z" * 5000}]},
            headers=keys["platform"],
        )
        assert bad_print.status_code == 422 and "Z" * 100 not in bad_print.text


# -- 8. local-feature poisoning ----------------------------------------------------------------


def _orb_value(keypoints: int) -> str:
    import numpy as np

    rng = np.random.default_rng(keypoints)
    features = LocalFeatures(
        rng.uniform(0, 500, (keypoints, 2)).astype(np.float32),
        rng.integers(0, 256, (keypoints, 32), dtype=np.uint8),
    )
    return features.to_bytes().hex()


def test_8_oversized_or_repeated_local_features_are_refused_on_every_write_path(
    tmp_path: Path, photos: dict[str, Path]
) -> None:
    from support import run_rempart

    settings = Settings(data_dir=tmp_path / "data")
    honest = _print(photos["hers"], settings)
    without_orb = [v for v in honest["values"] if v["signal"] != "orb"]
    huge = {**honest, "values": [*without_orb, {"signal": "orb", "value": _orb_value(65_535)}]}
    large = {**honest, "values": [*without_orb, {"signal": "orb", "value": _orb_value(2_000)}]}
    repeated = {
        **honest,
        "values": [
            *honest["values"],
            *[{"signal": "orb", "value": _orb_value(700), "variant": f"v{i}"} for i in range(8)],
        ],
    }
    with app_client(settings) as (client, keys):
        assert (
            client.post("/protect/cases", json={"fingerprints": [huge] * 8}).status_code == 413
        )  # the attack as tried: over the anonymous cap
        for poisoned in (huge, large, repeated):
            assert client.post("/protect/cases", json={"fingerprints": [poisoned]}).status_code in {
                413,
                422,
            }
            client.post("/api/v1/banks", json={"name": "victims"}, headers=keys["admin"])
            assert (
                client.post(
                    "/api/v1/banks/victims/entries",
                    json={"fingerprints": [poisoned]},
                    headers=keys["admin"],
                ).status_code
                == 422
            )
            assert (
                client.post(
                    "/api/v1/match/fingerprint", json=poisoned, headers=keys["platform"]
                ).status_code
                == 422
            )
        assert (
            client.post("/protect/cases", json={"fingerprints": [honest]}).status_code == 201
        )  # what Rempart computes passes
    lines = tmp_path / "poisoned.jsonl"
    lines.write_text(json.dumps(huge) + "\n")
    added = run_rempart(settings, "bank", "add", "victims", "--fingerprints", str(lines))
    assert added.returncode == 1 and "keypoints" in added.stderr


# -- 11 & 12. headers, pages, sign-in ------------------------------------------------------------


def test_11_every_answer_carries_the_security_headers(tmp_path: Path) -> None:
    with app_client(Settings(data_dir=tmp_path / "data"), base_url="https://testserver") as (
        client,
        keys,
    ):
        for path, headers in (
            ("/", {}),
            ("/protect", {}),
            ("/login", {}),
            ("/status", {}),
            ("/api/v1/banks", keys["admin"]),
            ("/review", keys["moderator"]),
            ("/api/v1/banks", {}),
        ):
            answer = client.get(path, headers=headers)
            policy = answer.headers["content-security-policy"]
            assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy, path
            assert (
                answer.headers["x-content-type-options"] == "nosniff"
                and answer.headers["referrer-policy"] == "no-referrer"
            ), path
            assert answer.headers["strict-transport-security"].startswith("max-age="), path
            if path.startswith(("/api/", "/review")):
                assert answer.headers["cache-control"] == "no-store", path
            if answer.headers.get("content-type", "").startswith("text/html"):
                assert (
                    "<script>" not in answer.text
                    and "onclick=" not in answer.text
                    and "<style>" not in answer.text
                ), path
        assert (
            client.get("/docs").status_code == 401
        )  # no Swagger UI (CDN scripts) unless an operator turns it on
    with TestClient(create_app(Settings(data_dir=tmp_path / "plain"))) as plain:
        assert (
            "strict-transport-security" not in plain.get("/status").headers
        )  # HSTS only over HTTPS


def test_12_sign_in_needs_this_origin_and_keeps_the_key_out_of_the_cookie(tmp_path: Path) -> None:
    with app_client(Settings(data_dir=tmp_path / "data"), base_url="https://testserver") as (
        client,
        keys,
    ):
        key = keys["moderator"]["Authorization"].removeprefix("Bearer ")
        form = {"key": key}
        assert (
            client.post(
                "/login",
                data=form,
                headers={"Origin": "https://evil.example"},
                follow_redirects=False,
            ).status_code
            == 403
        )
        assert (
            client.post("/login", data=form, follow_redirects=False).status_code == 403
        )  # no Origin, no Sec-Fetch-Site
        signed = client.post(
            "/login", data=form, headers={"Origin": "https://testserver"}, follow_redirects=False
        )
        assert signed.status_code == 303
        cookie = signed.headers["set-cookie"]
        assert (
            key not in cookie
            and "HttpOnly" in cookie
            and "Secure" in cookie
            and "SameSite=strict" in cookie
        )
        assert client.get("/review").status_code == 200
        assert (
            client.post(
                "/logout", headers={"Origin": "https://evil.example"}, follow_redirects=False
            ).status_code
            == 403
        )
        assert (
            client.post(
                "/logout", headers={"Sec-Fetch-Site": "same-origin"}, follow_redirects=False
            ).status_code
            == 303
        )
        session = cookie.split(";")[0].split("=", 1)[1]
        client.cookies.clear()
        client.cookies.set("rempart_session", session)
        assert client.get("/review").status_code == 401  # the old session is dead


# -- 13 & 14. audit of denials, clear 4xx --------------------------------------------------------


def test_13_denials_failed_logins_and_lookups_are_audited(tmp_path: Path) -> None:
    with app_client(Settings(data_dir=tmp_path / "data")) as (client, keys):
        client.get("/api/v1/cases")
        client.get("/api/v1/audit", headers=keys["platform"])
        client.post(
            "/login",
            data={"key": "rk_guess"},
            headers={"Sec-Fetch-Site": "same-origin"},
            follow_redirects=False,
        )
        client.get(
            "/m/raw_lookup",
            params={"signal_type": "pdq", "signal": "0" * 64},
            headers=keys["platform"],
        )
        events = {
            (e["actor"].split("@")[0], e["action"])
            for e in client.get("/api/v1/audit", headers=keys["admin"]).json()
        }
        assert {
            ("api:anonymous", "access.denied"),
            ("api:platform", "access.denied"),
            ("api:anonymous", "login.failed"),
            ("api:platform", "lookup"),
        } <= events


def test_14_hostile_values_get_clear_4xx_not_500(tmp_path: Path, photos: dict[str, Path]) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    with app_client(settings) as (client, keys):
        printed = _print(photos["hers"], settings)
        printed["values"][1]["quality"] = 1e26
        assert client.post("/protect/cases", json={"fingerprints": [printed]}).status_code == 422
        printed["values"][1]["quality"] = True
        assert client.post("/protect/cases", json={"fingerprints": [printed]}).status_code == 422
        for url in (
            "https://[::1",
            "https://cdn.discordapp.com:99999/x",
            "https://user:pw@cdn.discordapp.com/x",
            "file:///etc/passwd",
        ):
            answer = client.get("/api/v1/hash", params={"url": url}, headers=keys["platform"])
            assert answer.status_code == 400 and "URL not allowed" in answer.json()["detail"], url
