"""A real `rempart` server on localhost for the browser tests (the Chromium page fixture is in
tests/conftest.py)."""

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from rempart.app import create_app
from rempart.bench.pgserver import free_port
from rempart.settings import Settings


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    settings = Settings(data_dir=tmp_path / "data")
    port = free_port()
    running = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not running.started:
        assert time.time() < deadline
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", settings
    running.should_exit = True
    thread.join(timeout=10)
