"""The real bot (discord.py) run against the fake Discord on loopback, on its own event loop
thread, for the bot's end-to-end tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rempart.bench.bot import BotThread
from rempart.bench.fake_discord import FakeDiscord
from rempart.settings import Settings


def bot_settings(fake: FakeDiscord, data_dir: Path, **overrides: Any) -> Settings:
    """Settings that point the bot at ``fake`` (quick retries, short timeouts)."""
    values: dict[str, Any] = {
        "data_dir": data_dir,
        **fake.settings_values(),
        "bot_retry_seconds": 0.05,
        "download_timeout_seconds": 2.0,
        "matcher_poll_seconds": 0.2,
        "bot_workers": 1,
        "public_url": "https://rempart.example.org",
    }
    values.update(overrides)
    return Settings(**values)


#: The bot on its own event loop thread (the benchmark's runner, shared).
BotRun = BotThread
