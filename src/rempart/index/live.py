"""The matcher of a long-running process (`rempart serve`, the bot): built in the background, kept
current.

Lifecycle: ``start()`` begins building the first state on a background thread and returns at
once; until it is there the process is *not ready* (``/status`` answers 503 ``INDEX-NOT-LOADED``
as HMA does) and a lookup waits for it up to ``wait_seconds``, then gets `IndexNotReady`. Once
ready, the same thread follows the store: woken by PostgreSQL ``NOTIFY`` (or each
``matcher_poll_seconds`` on SQLite) it applies the writes since (``Matcher.refresh``: added
entries as a segment, withdrawn ones as tombstones) and folds them into the base past
``matcher_compact_rows`` (``Matcher.compact``: from memory, without a second copy of the
local-feature index). Writes made in this process are applied at once by ``changed()``.
Readers never take a lock: each lookup reads the current immutable state once. When refreshing
keeps failing for ``stale_seconds`` the state is *stale* (``INDEX-STALE``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence

from rempart.errors import IndexNotReady
from rempart.index.matcher import Matcher
from rempart.settings import Settings
from rempart.store import Store

log = logging.getLogger(__name__)


class LiveMatcher:
    """One `Matcher`, built on a background thread, refreshed by writes here and notifications
    from elsewhere."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        banks: Sequence[str] | None = None,
        *,
        wait_seconds: float = 60.0,
    ) -> None:
        self.store = store
        self.settings = settings
        self.banks = banks
        self.wait_seconds = wait_seconds
        self.stale_seconds = max(30.0, 10 * settings.matcher_poll_seconds)
        self._matcher: Matcher | None = None
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._last_success = time.monotonic()
        self._feed = store.changes()

    def start(self) -> None:
        """Begin building in the background (idempotent); returns at once."""
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="rempart-matcher", daemon=True
                )
                self._thread.start()

    @property
    def ready(self) -> bool:
        """True once the first state is built."""
        return self._ready.is_set()

    @property
    def stale(self) -> bool:
        """True when refreshing has failed for longer than ``stale_seconds`` (lookups use an old
        state)."""
        return self.ready and time.monotonic() - self._last_success > self.stale_seconds

    def matcher(self) -> Matcher:
        """The current matcher; at start-up, waits for the first build (IndexNotReady after
        ``wait_seconds``)."""
        self.start()
        if not self._ready.wait(self.wait_seconds) or self._matcher is None:
            raise IndexNotReady("the index is still loading; try again shortly")
        return self._matcher

    def changed(self) -> None:
        """A write was committed here: apply it now, so the caller's next lookup sees it."""
        if self._matcher is not None:
            self._matcher.refresh()

    def close(self) -> None:
        self._stop.set()
        self._feed.close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set() and self._matcher is None:
            try:
                self._matcher = Matcher(self.store, self.settings, self.banks)
                self._last_success = time.monotonic()
                self._ready.set()
            except Exception:  # the database is not there yet: try again
                log.exception("building the index failed; retrying")
                self._stop.wait(self.settings.matcher_poll_seconds)
        while not self._stop.is_set():
            self._feed.wait(self.settings.matcher_poll_seconds)
            if self._stop.is_set() or self._matcher is None:
                return
            try:
                if self._matcher.pending_rows > self.settings.matcher_compact_rows:
                    self._matcher.compact()
                else:
                    self._matcher.refresh()
                self._last_success = time.monotonic()
            except (
                Exception
            ):  # a passing database error must not end the thread: the next wake retries
                log.exception("matcher refresh failed; retrying at the next poll")
