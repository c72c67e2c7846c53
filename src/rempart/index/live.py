"""A matcher kept current for long-running processes (`rempart serve`, later the bot).

Writes made in this process are applied at once (``changed()``: an incremental refresh, cheap);
writes made by other processes on the same store (the CLI, another server) are picked up by a
background thread that polls the store generation every ``matcher_poll_seconds``. The same
thread folds accumulated changes into a full rebuild when they grow past
``matcher_compact_rows``. Readers never wait for either.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from rempart.index.matcher import Matcher
from rempart.settings import Settings
from rempart.store import Store

log = logging.getLogger(__name__)


class LiveMatcher:
    """One `Matcher`, built on first use, refreshed by writes here and by polling for writes elsewhere."""

    def __init__(self, store: Store, settings: Settings, banks: Sequence[str] | None = None) -> None:
        self.store = store
        self.settings = settings
        self.banks = banks
        self._matcher: Matcher | None = None
        self._build_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def matcher(self) -> Matcher:
        """The current matcher (built now if this is the first use)."""
        if self._matcher is None:
            with self._build_lock:
                if self._matcher is None:
                    self._matcher = Matcher(self.store, self.settings, self.banks)
                    self._thread = threading.Thread(target=self._follow, name="rempart-matcher", daemon=True)
                    self._thread.start()
        return self._matcher

    def changed(self) -> None:
        """A write was committed here: apply it now, so the caller's next lookup sees it."""
        if self._matcher is not None:
            self._matcher.refresh()
            self._wake.set()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _follow(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.settings.matcher_poll_seconds)
            self._wake.clear()
            if self._stop.is_set() or self._matcher is None:
                return
            try:
                if self._matcher.pending_rows > self.settings.matcher_compact_rows:
                    self._matcher.reload()
                else:
                    self._matcher.refresh()
            except Exception:  # a passing database error must not end the thread: the next poll retries
                log.exception("matcher refresh failed; retrying at the next poll")
