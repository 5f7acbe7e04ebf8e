"""Functions run in separate processes by tests/test_online_processes.py (spawned processes import them by name)."""

from __future__ import annotations

import os
import time
from pathlib import Path


def reserve_slots(slot_file: str, count: int, interval: float, start_at: float) -> tuple[int, list[float]]:
    """Wait for `count` request slots on a limiter sharing `slot_file`; (our pid, the wall-clock times of the slots)."""
    from incidents.geocode.online_limit import RateLimiter

    limiter = RateLimiter(interval, slot_file=Path(slot_file))
    time.sleep(max(0.0, start_at - time.time()))  # both processes start asking at once
    slots = []
    for _ in range(count):
        limiter.wait()
        assert limiter.last_slot is not None
        slots.append(limiter.last_slot)
    return os.getpid(), slots


def put_answers(cache_file: str, prefix: str, count: int, start_at: float) -> tuple[int, None]:
    """Cache `count` answers named `<prefix><n>` in the cache at `cache_file`, one write each; (our pid, None)."""
    from incidents.geocode.backends import PlaceCandidate
    from incidents.geocode.online_cache import OnlineCache
    from incidents.models import GazetteerRef, Precision

    cache = OnlineCache(Path(cache_file), "nominatim")
    entry = GazetteerRef(id="x", name="X", source="nominatim")
    found = [PlaceCandidate(lat=1.0, lon=2.0, radius_m=100.0, precision=Precision.city, entry=entry, score=0.9)]
    time.sleep(max(0.0, start_at - time.time()))
    for n in range(count):
        cache.put(f"{prefix}{n}", "VE", found if n % 2 else [])
    return os.getpid(), None
