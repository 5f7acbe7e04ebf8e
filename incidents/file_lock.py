"""An exclusive lock on a small file, held across processes: for what several runs on one machine share (the online
geocoder's cache and its request slots).

POSIX `flock` advisory locks: every process that uses this module waits for the others. Where `fcntl` does not
exist (Windows) or the file cannot be opened (a read-only cache folder), the block runs without the lock and gets
None; callers then fall back to what one process can guarantee.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["locked_file", "LOCK_WAIT_S"]

LOCK_WAIT_S = 10.0  # a holder this slow (a run stopped with Ctrl-Z) is waited for no longer: we go on unlocked
log = logging.getLogger(__name__)


@contextmanager
def locked_file(path: Path) -> Iterator[BinaryIO | None]:
    """`path` opened for reading and writing (created empty if missing) under an exclusive lock, or None."""
    if fcntl is None:  # pragma: no cover - Windows
        yield None
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        log.debug("%s: no lock (%s)", path, exc)
        yield None
        return
    with os.fdopen(fd, "r+b", buffering=0) as fh:
        if not _lock(fh.fileno(), path):
            yield fh  # the file is still there to read and write, without the others waiting for us
            return
        try:
            yield fh
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _lock(fd: int, path: Path) -> bool:
    """Take the lock, waiting up to LOCK_WAIT_S; False (logged) when it cannot be had."""
    deadline = time.monotonic() + LOCK_WAIT_S
    pause = 0.001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                log.warning(
                    "%s: still locked by another run after %.0f s; going on without the lock", path, LOCK_WAIT_S
                )
                return False
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
        except OSError as exc:  # a file system without locks
            log.debug("%s: no lock (%s)", path, exc)
            return False
