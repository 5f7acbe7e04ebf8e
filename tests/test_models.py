"""Input and derived models: what validates, what does not, and how times as written are read."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from incidents.models import EventFile, Report, TimePrecision, TimeWindow, When


def _report(**changes: object) -> dict:
    base = {"id": "r1", "event_type": "gunfire", "where": "x", "when": "2026-01-06", "source": "s", "summary": "s"}
    return {**base, **changes}


@pytest.mark.parametrize(
    ("raw", "start", "text"),
    [
        ("2026-01-06", date(2026, 1, 6), None),  # a JSON date string is a date, never midnight
        (date(2026, 1, 6), date(2026, 1, 6), None),
        ("2026-01-06T21:00", datetime(2026, 1, 6, 21, 0), None),
        ({"start": "2026-01-06"}, date(2026, 1, 6), None),
        ("late Monday night", None, "late Monday night"),
    ],
)
def test_when_reads_scalars_and_mappings(raw: object, start: object, text: str | None) -> None:
    when = When.model_validate(raw)
    assert when.start == start and type(when.start) is type(start)
    assert when.text == text


def test_when_keeps_an_aware_offset() -> None:
    when = When.model_validate("2026-01-05T21:00:00-04:00")
    assert when.start.utcoffset() == timedelta(hours=-4)


@pytest.mark.parametrize("raw", ["2026-13-01", {"start": "2026-02-30"}, "2026-01-06T25:00"])
def test_an_impossible_date_is_an_error_not_a_phrase(raw: object) -> None:
    with pytest.raises(ValidationError) as info:
        When.model_validate(raw)
    assert info.value.errors()[0]["loc"][0] == "start"


@pytest.mark.parametrize("raw", [{}, {"end": "2026-01-06"}, {"precision": "day"}])
def test_when_needs_a_start_or_a_text(raw: dict) -> None:
    with pytest.raises(ValidationError):
        When.model_validate(raw)


def test_report_rejects_unknown_event_type_and_lists_known_terms() -> None:
    with pytest.raises(ValidationError, match="known: gunfire, air_defence_fire"):
        Report.model_validate(_report(event_type="gunshots"))


@pytest.mark.parametrize(
    "changes",
    [
        {"lat": 10.5},  # lon missing
        {"radius_m": 100},  # radius without a place
        {"lat": 91, "lon": 0},
        {"lat": 0, "lon": 0, "radius_m": 0},
        {"lat": float("nan"), "lon": 0},
        {"id": "has space"},
        {"where": ""},
        {"unknown": 1},  # a typo is an error, not ignored data
        {"media": ["x" * 4001]},
    ],
)
def test_report_rejects_bad_fields(changes: dict) -> None:
    with pytest.raises(ValidationError):
        Report.model_validate(_report(**changes))


def test_event_file_checks_the_time_zone_and_country() -> None:
    with pytest.raises(ValidationError, match="unknown time zone"):
        EventFile.model_validate({"title": "t", "timezone": "Mars/Olympus"})
    with pytest.raises(ValidationError, match="alpha-2"):
        EventFile.model_validate({"title": "t", "context": {"country": "VEN"}})
    assert EventFile.model_validate({"title": "t", "context": {"country": "ve"}}).context.country == "VE"


def test_time_window_must_be_aware_and_ordered() -> None:
    with pytest.raises(ValidationError):
        TimeWindow(start=datetime(2026, 1, 6), end=datetime(2026, 1, 7), precision=TimePrecision.day)
    t = datetime(2026, 1, 6, tzinfo=UTC)
    with pytest.raises(ValidationError):
        TimeWindow(start=t, end=t - timedelta(hours=1), precision=TimePrecision.hour)


def test_time_windows_touching_at_an_end_do_not_overlap_but_instants_inside_do() -> None:
    t = datetime(2026, 1, 6, 10, tzinfo=UTC)
    hour = TimePrecision.hour

    def w(a: int, b: int) -> TimeWindow:
        return TimeWindow(start=t + timedelta(hours=a), end=t + timedelta(hours=b), precision=hour)

    assert not w(0, 1).overlaps(w(1, 2))
    assert w(0, 2).overlaps(w(1, 3))
    assert w(0, 2).overlaps(w(1, 1))  # an instant inside
    assert w(1, 1).overlaps(w(1, 1))
    other_zone = TimeWindow(start=(t + timedelta(minutes=30)).astimezone(timezone(timedelta(hours=5, minutes=30))),
                            end=t + timedelta(hours=2), precision=hour)
    assert w(0, 1).overlaps(other_zone)
