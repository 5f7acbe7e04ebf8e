"""A small thread-safe rate limiter: at most one request per interval for each online geocoding service."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["RateLimiter", "shared_limiter"]


class RateLimiter:
    """Spaces calls at least `interval` seconds apart; each caller reserves the next free slot, then sleeps to it.

    `clock` (monotonic seconds) and `sleep` are injectable so tests can run on a fake clock.
    """

    def __init__(
        self,
        interval: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if interval < 0:
            raise ValueError("interval must be >= 0")
        self.interval = float(interval)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_free: float | None = None

    def wait(self) -> float:
        """Block until a request may be sent; returns the seconds waited (0 when the slot was free)."""
        with self._lock:
            now = self._clock()
            slot = now if self._next_free is None else max(now, self._next_free)
            self._next_free = slot + self.interval
        delay = slot - now
        if delay > 0:
            self._sleep(delay)
        return delay


_SHARED: dict[str, RateLimiter] = {}
_SHARED_LOCK = threading.Lock()


def shared_limiter(key: str, interval: float = 1.0) -> RateLimiter:
    """The process-wide limiter for one service (`key` names the service and its host), created on first use."""
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = RateLimiter(interval)
        return _SHARED[key]
