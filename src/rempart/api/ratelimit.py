"""A token bucket per client address, for the routes anonymous callers may use."""

from __future__ import annotations

import threading
import time


class RateLimiter:
    """``rate`` requests a second on average, bursts up to ``burst``, per key."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens < 1:
                self._buckets[key] = (tokens, now)
                return False
            self._buckets[key] = (tokens - 1, now)
            if (
                len(self._buckets) > 100_000
            ):  # forget the oldest clients rather than grow without bound
                self._buckets.pop(next(iter(self._buckets)))
            return True
