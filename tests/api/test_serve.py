"""`rempart serve` as a user runs it: a real uvicorn process on localhost, keys made with
`rempart key`."""

import json
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from support import rempart_env, rempart_exe, run_rempart

from rempart.bench.pgserver import free_port
from rempart.settings import Settings

pytestmark = pytest.mark.slow  # seconds to minutes each: left out of the fast subset


def test_serve_answers_on_localhost_with_keys_from_the_cli(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    created = run_rempart(settings, "key", "create", "coop", "--role", "platform")
    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip()
    assert secret.startswith("rk_") and run_rempart(settings, "key", "list").stdout.split() == [
        "coop",
        "platform",
        "active",
    ]
    run_rempart(settings, "bank", "create", "TEST_BANK")
    port = free_port()
    server = subprocess.Popen(
        [rempart_exe(), "serve", "--port", str(port)],
        env=rempart_env(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/status", timeout=2) as response:
                    assert response.read() == b"I-AM-ALIVE"
                    break
            except (
                urllib.error.URLError,
                ConnectionError,
                TimeoutError,
            ):  # not listening yet, or 503 while the index loads
                assert time.time() < deadline and server.poll() is None, (
                    server.stderr.read().decode() if server.stderr else ""
                )
                time.sleep(0.2)
        request = urllib.request.Request(
            f"{base}/c/banks", headers={"Authorization": f"Bearer {secret}"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert json.loads(response.read()) == [
                {"name": "TEST_BANK", "matching_enabled_ratio": 1.0}
            ]
        with urllib.request.urlopen(f"{base}/openapi.json", timeout=5) as response:
            assert "/m/raw_lookup" in json.loads(response.read())["paths"]
        assert run_rempart(settings, "key", "revoke", "coop").returncode == 0
        try:
            urllib.request.urlopen(request, timeout=5)
            raise AssertionError("a revoked key was accepted")
        except urllib.error.HTTPError as exc:
            assert exc.code == 401
    finally:
        server.terminate()
        server.wait(timeout=30)
