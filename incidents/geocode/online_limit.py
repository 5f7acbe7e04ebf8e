"""A small rate limiter: at most one request per interval for each online geocoding service.

Threads of one process share a limiter through `shared_limiter`; with a `slot_file`, processes on the same machine
share the interval too (two runs at once still send one request per second to Nominatim between them): the next
free slot, in wall-clock seconds, is kept in that file and reserved under a file lock (see incidents.file_lock).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..file_lock import locked_file

__all__ = ["RateLimiter", "shared_limiter", "STALE_S"]

STALE_S = 300.0


class RateLimiter:
    """Spaces calls at least `interval` seconds apart; each caller reserves the next free slot, then sleeps to it.

    `clock` (monotonic seconds), `wall_clock` and `sleep` are injectable so tests can run on a fake clock.
    `last_slot` is the wall-clock time of the last slot reserved.
    """

    def __init__(
        self,
        interval: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        slot_file: Path | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        if interval < 0:
            raise ValueError("interval must be >= 0")
        self.interval = float(interval)
        self.slot_file = Path(slot_file) if slot_file is not None else None
        self.last_slot: float | None = None
        self._clock = clock
        self._wall_clock = wall_clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_free: float | None = None

    def wait(self) -> float:
        """Block until a request may be sent; returns the seconds waited (0 when the slot was free)."""
        with self._lock:
            now = self._clock()
            delay = 0.0 if self._next_free is None else max(0.0, self._next_free - now)
            if self.slot_file is not None:
                delay = self._reserve_shared(delay)
            else:
                self.last_slot = self._wall_clock() + delay
            self._next_free = now + delay + self.interval
        if delay > 0:
            self._sleep(delay)
        return delay

    def defer(self, seconds: float) -> None:
        """Send nothing for `seconds` from now (a server's Retry-After): here, and in the processes sharing the slot."""
        with self._lock:
            now = self._clock()
            self._next_free = max(self._next_free if self._next_free is not None else now, now + seconds)
            if self.slot_file is not None:
                with locked_file(self.slot_file) as fh:
                    if fh is not None:
                        wall = self._wall_clock()
                        _write_slot(fh.fileno(), max(_shared_slot(fh.fileno(), wall) or wall, wall + seconds), wall)

    def _reserve_shared(self, delay: float) -> float:
        """The delay before this process's slot, also past every other process's reservation in `slot_file`."""
        assert self.slot_file is not None
        with locked_file(self.slot_file) as fh:
            wall = self._wall_clock()
            if fh is not None:
                shared = _shared_slot(fh.fileno(), wall)
                if shared is not None:
                    delay = max(delay, shared - wall)
                _write_slot(fh.fileno(), wall + delay + self.interval, wall)
            self.last_slot = wall + delay
        return delay


def _shared_slot(fd: int, wall: float) -> float | None:
    """The next free slot other processes wrote, if it is one to honour.

    The file holds "<slot> <when written>" in wall-clock seconds. A slot written "later" than now (the clock was set
    back), one more than STALE_S ahead, or an unreadable file is not honoured.
    """
    try:
        slot, written = (float(v) for v in os.pread(fd, 64, 0).decode("ascii").split()[:2])
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if written > wall + 1.0 or not (wall <= slot <= wall + STALE_S):
        return None
    return slot


def _write_slot(fd: int, slot: float, wall: float) -> None:
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{slot:.6f} {wall:.6f}\n".encode("ascii"), 0)
    except OSError:
        pass  # the others cannot see this reservation: at worst two requests come close together


_SHARED: dict[str, RateLimiter] = {}
_SHARED_LOCK = threading.Lock()


def shared_limiter(key: str, interval: float = 1.0, slot_file: Path | None = None) -> RateLimiter:
    """The process-wide limiter for one service (`key` names the service and its host), created on first use.

    `slot_file` (used when the limiter is created) shares its slots with other processes.
    """
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = RateLimiter(interval, slot_file=slot_file)
        return _SHARED[key]
