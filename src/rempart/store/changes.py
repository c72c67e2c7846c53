"""Being told that the store changed: PostgreSQL ``LISTEN/NOTIFY``, or a plain wait on SQLite.

Every write to banks or entries bumps the store generation (``Store._next_generation``); on
PostgreSQL that transaction also sends ``NOTIFY rempart_changes`` with the new generation, which
the server delivers at commit. A follower (the live matcher of `rempart serve`, the bot) waits on
a `ChangeFeed`: on PostgreSQL it wakes as soon as another process commits a change, on SQLite it
wakes when its timeout passes and polls the generation. Either way the generation row decides
what changed; a lost notification only delays a refresh until the next timeout.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy import Engine

log = logging.getLogger(__name__)

#: The notification channel writes announce themselves on.
CHANNEL = "rempart_changes"


class ChangeFeed:
    """``wait(timeout)`` returns True when a change was announced, False when the timeout passed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.listens = engine.dialect.name == "postgresql"
        self._connection: Any = None
        self._closed = threading.Event()

    def wait(self, timeout: float) -> bool:
        if self._closed.is_set():
            return False
        if not self.listens:
            self._closed.wait(timeout)
            return False
        started = time.monotonic()
        try:
            connection = self._listening()
            announced = False
            for _notification in connection.notifies(timeout=timeout, stop_after=1):
                announced = True
            return announced
        except (
            Exception
        ) as exc:  # the listening connection broke: poll meanwhile, reconnect next time
            log.warning("change notifications unavailable, polling instead: %s", exc)
            self._drop()
            self._closed.wait(max(0.0, timeout - (time.monotonic() - started)))
            return False

    def _listening(self) -> Any:
        if self._connection is None:
            raw = self.engine.raw_connection()
            connection: Any = raw.driver_connection
            raw.detach()  # kept out of the pool: a pooled connection must not stay subscribed
            connection.autocommit = True
            connection.execute(f"LISTEN {CHANNEL}")
            self._connection = connection
        return self._connection

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # already broken
                pass

    def close(self) -> None:
        self._closed.set()
        self._drop()
