"""Shared fixtures: settings on a temp data dir, a real PostgreSQL server, stores on both
backends, sample images."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from rempart.bench.pgserver import postgres_bindir, temporary_postgres
from rempart.samples import altered_copies, save_jpeg, synthetic_photo
from rempart.settings import Settings
from rempart.store import Store


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server for the session: REMPART_TEST_DATABASE_URL, or one started here."""
    external = os.environ.get("REMPART_TEST_DATABASE_URL")
    if external:
        yield external
        return
    if postgres_bindir() is None:
        if os.environ.get("REMPART_REQUIRE_POSTGRES") == "1":
            pytest.fail(
                "PostgreSQL binaries not found (apt-get install postgresql) and "
                "REMPART_REQUIRE_POSTGRES=1"
            )
        pytest.skip(
            "PostgreSQL not installed: apt-get install postgresql (scripts/test.sh does it)"
        )
    with temporary_postgres() as url:
        yield url


@pytest.fixture
def fresh_postgres_url(postgres_url: str) -> Iterator[str]:
    """A new empty database on the session's server, dropped afterwards."""
    import psycopg

    name = f"rempart_{uuid.uuid4().hex[:12]}"
    plain = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield postgres_url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings for each store backend: SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return Settings(data_dir=tmp_path / "data")
    url = request.getfixturevalue("fresh_postgres_url")
    return Settings(data_dir=tmp_path / "data", database_url=url)


@pytest.fixture
def store(backend_settings: Settings) -> Iterator[Store]:
    opened = Store.open(backend_settings)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def photo_dir() -> Iterator[Path]:
    """Originals, altered copies and unrelated photos, made once per session."""
    root = Path(tempfile.mkdtemp(prefix="rempart-photos-"))
    for seed in range(1, 4):
        image = synthetic_photo(seed)
        save_jpeg(image, root / "originals" / f"photo-{seed}.jpg")
        for name, altered in altered_copies(image).items():
            save_jpeg(altered, root / "copies" / f"photo-{seed}-{name}.jpg", quality=55)
    for seed in range(500, 506):
        save_jpeg(synthetic_photo(seed), root / "unrelated" / f"other-{seed}.jpg")
    yield root
    shutil.rmtree(root, ignore_errors=True)


#: Debian's chromium headless, without the background services this closed network refuses.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def page() -> Iterator[object]:
    """A page in Debian's headless Chromium driven by Playwright (the system browser: nothing
    downloaded)."""
    chromium = shutil.which("chromium")
    if not chromium:
        if os.environ.get("REMPART_REQUIRE_BROWSER"):
            pytest.fail("Debian's chromium is required (apt-get install chromium)")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()
