"""Two runs at once share the online geocoder's request slots and its cache (separate processes, no network)."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import orjson
import pytest

from incidents.geocode.online import online_slot_path
from incidents.geocode.online_cache import cache_key
from incidents.geocode.online_limit import RateLimiter
from tests import online_workers


def _in_two_processes(function, *args) -> list:
    context = multiprocessing.get_context("spawn")
    start_at = time.time() + 1.5  # after both interpreters have started
    with context.Pool(2) as pool:
        results = [pool.apply_async(function, (*args[i], start_at)) for i in range(2)]
        answers = [r.get(timeout=60) for r in results]
    assert answers[0][0] != answers[1][0], "both ran in one worker: nothing ran at the same time"
    return [answer[1] for answer in answers]


def test_two_processes_keep_one_interval_between_all_their_requests(tmp_path: Path):
    slot_file = str(tmp_path / "nominatim.slot")
    interval = 0.2
    first, second = _in_two_processes(online_workers.reserve_slots, (slot_file, 4, interval), (slot_file, 4, interval))
    slots = sorted(first + second)
    gaps = [b - a for a, b in zip(slots, slots[1:], strict=False)]
    # reservations are made under the file lock, each at least one interval after the one before (to the microsecond
    # the file keeps): no two requests of the two runs come closer than that
    assert len(slots) == 8 and min(gaps) >= interval - 2e-6, gaps


def test_without_a_slot_file_a_limiter_only_spaces_its_own_requests():
    limiter = RateLimiter(0.5, clock=lambda: 0.0, sleep=lambda s: None, wall_clock=lambda: 100.0)
    assert [limiter.wait() for _ in range(3)] == [0.0, 0.5, 1.0] and limiter.last_slot == 101.0


def _limiter(slot: Path, wall: float) -> RateLimiter:
    return RateLimiter(1.0, clock=lambda: 0.0, sleep=lambda s: None, slot_file=slot, wall_clock=lambda: wall)


def test_a_stale_or_unreadable_slot_file_is_not_honoured(tmp_path: Path):
    slot = tmp_path / "x.slot"
    # far ahead; written "after now" (this clock was set back); not numbers; not text; the old one-number format
    for content in (b"9999999999.0 50.0\n", b"1000.5 1000.0\n", b"not a number\n", b"\xff\xfe", b"50.5\n"):
        slot.write_bytes(content)
        assert _limiter(slot, 50.0).wait() == 0.0, content
        assert [float(v) for v in slot.read_text().split()] == pytest.approx([51.0, 50.0])  # its own reservation


def test_a_reservation_of_another_run_is_waited_for(tmp_path: Path):
    slot = tmp_path / "x.slot"
    slot.write_bytes(b"50.75 49.9\n")
    assert _limiter(slot, 50.0).wait() == pytest.approx(0.75)
    assert [float(v) for v in slot.read_text().split()] == pytest.approx([51.75, 50.0])


def test_a_lock_held_too_long_is_given_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import fcntl

    import incidents.file_lock as file_lock

    monkeypatch.setattr(file_lock, "LOCK_WAIT_S", 0.2)
    path = tmp_path / "held.lock"
    with open(path, "wb") as holder:
        fcntl.flock(holder.fileno(), fcntl.LOCK_EX)  # another open file description: flock conflicts with it
        start = time.monotonic()
        with file_lock.locked_file(path) as fh:
            assert fh is not None  # the file, unlocked
        assert 0.15 <= time.monotonic() - start < 5


def test_a_slot_file_that_cannot_be_written_leaves_the_limiter_working(tmp_path: Path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    limiter = RateLimiter(1.0, clock=lambda: 0.0, sleep=lambda s: None, slot_file=blocked / "n.slot")
    assert limiter.wait() == 0.0 and limiter.wait() == 1.0


def test_the_slot_file_is_per_service_and_host():
    public = online_slot_path("nominatim", "nominatim.openstreetmap.org")
    own = online_slot_path("nominatim", "geo.example.org:8080/nominatim")
    assert public != own and public.suffix == own.suffix == ".slot" and "/" not in own.name and ":" not in own.name


def test_two_processes_writing_one_cache_lose_no_answer(tmp_path: Path):
    cache_file = str(tmp_path / "nominatim.json")
    _in_two_processes(online_workers.put_answers, (cache_file, "a", 25), (cache_file, "b", 25))
    entries = orjson.loads(Path(cache_file).read_bytes())["entries"]
    expected = {cache_key(f"{p}{n}", "VE") for p in "ab" for n in range(25)}
    assert set(entries) == expected
