"""Times as reported -> UTC windows: whole local days, intervals across midnight, DST, half-hour zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from incidents.errors import InputError
from incidents.models import TimePrecision, When
from incidents.timewindow import finest, format_window, part_of_day, resolve_when


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _resolve(raw: object, tz: str, reference: date | None = None):  # noqa: ANN202
    return resolve_when(When.model_validate(raw), tz, reference)


def test_a_date_is_the_whole_local_day_in_utc() -> None:
    w = _resolve("2026-01-06", "America/Caracas")
    assert (w.start, w.end, w.precision, w.tz) == (_utc(2026, 1, 6, 4), _utc(2026, 1, 7, 4), TimePrecision.day,
                                                   "America/Caracas")


def test_an_interval_across_midnight_with_an_offset() -> None:
    w = _resolve({"start": "2026-01-05T21:00:00-04:00", "end": "2026-01-06T03:00:00-04:00",
                  "text": "late Monday night"}, "America/Caracas")
    assert (w.start, w.end) == (_utc(2026, 1, 6, 1), _utc(2026, 1, 6, 7))
    assert w.precision is TimePrecision.part_of_day  # inferred from the 6-hour span
    assert w.text == "late Monday night"
    assert format_window(w) == "5 Jan 2026 21:00 – 6 Jan 2026 03:00 UTC-04:00 (late Monday night)"


def test_a_naive_datetime_is_local_to_the_event_and_an_aware_one_keeps_its_offset() -> None:
    naive = _resolve("2026-01-05T23:30", "America/Caracas")
    assert naive.start == naive.end == _utc(2026, 1, 6, 3, 30)
    assert naive.precision is TimePrecision.exact
    aware = _resolve("2026-01-05T23:30+00:00", "America/Caracas")
    assert aware.start == _utc(2026, 1, 5, 23, 30)


def test_half_hour_zone_kolkata() -> None:
    day = _resolve("2026-03-01", "Asia/Kolkata")
    assert (day.start, day.end) == (_utc(2026, 2, 28, 18, 30), _utc(2026, 3, 1, 18, 30))
    hour = _resolve({"start": "2026-03-01T23:40", "precision": "hour"}, "Asia/Kolkata")
    assert (hour.start, hour.end) == (_utc(2026, 3, 1, 17, 30), _utc(2026, 3, 1, 18, 30))
    assert format_window(hour) == "1 Mar 2026 23:00 – 2 Mar 2026 00:00 IST"


def test_london_days_around_dst_are_23_and_25_hours() -> None:
    spring = _resolve("2026-03-29", "Europe/London")
    autumn = _resolve("2026-10-25", "Europe/London")
    assert spring.end - spring.start == timedelta(hours=23)
    assert autumn.end - autumn.start == timedelta(hours=25)
    assert spring.start == _utc(2026, 3, 29, 0) and autumn.start == _utc(2026, 10, 24, 23)


def test_an_hour_across_the_spring_gap_is_one_real_hour() -> None:
    w = _resolve({"start": "2026-03-29T00:30", "precision": "hour"}, "Europe/London")
    assert (w.start, w.end) == (_utc(2026, 3, 29, 0), _utc(2026, 3, 29, 1))
    assert format_window(w) == "29 Mar 2026 00:00 GMT – 29 Mar 2026 02:00 BST"


def test_a_six_hour_part_of_day_across_the_autumn_change() -> None:
    w = _resolve({"start": "2026-10-24T22:00", "precision": "part_of_day"}, "Europe/London")
    assert (w.start, w.end) == (_utc(2026, 10, 24, 21), _utc(2026, 10, 25, 3))
    assert format_window(w) == "24 Oct 2026 22:00 BST – 25 Oct 2026 03:00 GMT"


def test_a_part_of_day_named_in_the_text_narrows_a_date() -> None:
    w = _resolve({"start": "2026-01-05", "precision": "part_of_day", "text": "late Monday night"}, "America/Caracas")
    assert (w.start, w.end) == (_utc(2026, 1, 6, 1), _utc(2026, 1, 6, 10))  # 21:00 to 06:00 local
    assert w.precision is TimePrecision.part_of_day
    morning = _resolve({"start": "2026-01-06", "precision": "part_of_day", "text": "Tuesday morning"}, "UTC")
    assert (morning.start, morning.end) == (_utc(2026, 1, 6, 6), _utc(2026, 1, 6, 12))


@pytest.mark.parametrize("precision", ["hour", "exact", "part_of_day"])
def test_a_date_never_gets_invented_hours(precision: str) -> None:
    w = _resolve({"start": "2026-01-06", "precision": precision}, "America/Caracas")
    assert (w.start, w.end, w.precision) == (_utc(2026, 1, 6, 4), _utc(2026, 1, 7, 4), TimePrecision.day)


def test_week_and_month_precision() -> None:
    week = _resolve({"start": "2026-01-07", "precision": "week"}, "America/Caracas")
    assert (week.start, week.end) == (_utc(2026, 1, 5, 4), _utc(2026, 1, 12, 4))  # Monday to Monday
    month = _resolve({"start": "2026-12-07T10:00", "precision": "month"}, "Asia/Kolkata")
    assert (month.start, month.end) == (_utc(2026, 11, 30, 18, 30), _utc(2026, 12, 31, 18, 30))
    assert format_window(month) == "1 Dec 2026 – 31 Dec 2026 (Asia/Kolkata)"


def test_an_end_date_includes_its_whole_day() -> None:
    w = _resolve({"start": "2026-01-05", "end": "2026-01-06"}, "America/Caracas")
    assert (w.start, w.end, w.precision) == (_utc(2026, 1, 5, 4), _utc(2026, 1, 7, 4), TimePrecision.week)
    assert format_window(w) == "5 Jan 2026 – 6 Jan 2026 (America/Caracas)"


def test_an_end_before_the_start_is_an_input_error() -> None:
    with pytest.raises(InputError, match="field 'when.end': end .* is before start"):
        _resolve({"start": "2026-01-06T10:00", "end": "2026-01-06T09:00"}, "UTC")
    # an end date the day before the start is caught too (it used to collapse into an 'exact' instant)
    with pytest.raises(InputError, match="field 'when.end': end 2026-01-06 is before start 2026-01-07"):
        _resolve({"start": "2026-01-07", "end": "2026-01-06"}, "America/Caracas")
    with pytest.raises(InputError, match="end 2026-01-05 is before start 2026-01-06"):
        _resolve({"start": "2026-01-06T10:00", "end": "2026-01-05"}, "UTC")


def test_an_end_date_on_the_start_day_covers_the_rest_of_it() -> None:
    day = _resolve({"start": "2026-01-06", "end": "2026-01-06"}, "UTC")
    assert (day.start, day.end) == (_utc(2026, 1, 6), _utc(2026, 1, 7))
    rest = _resolve({"start": "2026-01-06T10:00", "end": "2026-01-06"}, "UTC")
    assert (rest.start, rest.end) == (_utc(2026, 1, 6, 10), _utc(2026, 1, 7))
    # an aware start is on the event's day: 02:00 UTC on the 6th is 22:00 on the 5th in Caracas
    late = _resolve({"start": "2026-01-06T02:00:00+00:00", "end": "2026-01-05"}, "America/Caracas")
    assert (late.start, late.end) == (_utc(2026, 1, 6, 2), _utc(2026, 1, 6, 4))


def test_text_only_uses_the_reference_day_or_fails() -> None:
    w = _resolve("late Monday night", "America/Caracas", date(2026, 1, 6))
    assert (w.start, w.end, w.precision, w.text) == (_utc(2026, 1, 6, 4), _utc(2026, 1, 7, 4), TimePrecision.day,
                                                     "late Monday night")
    with pytest.raises(InputError, match="has no date"):
        _resolve("late Monday night", "America/Caracas")


def test_an_unknown_zone_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown time zone"):
        _resolve("2026-01-06", "Nowhere/City")


def test_helpers() -> None:
    assert finest([TimePrecision.day, TimePrecision.hour, TimePrecision.month]) is TimePrecision.hour
    assert part_of_day("LATE MONDAY NIGHT") == (21, 30)
    assert part_of_day("before dawn on Tuesday") == (0, 6)
    assert part_of_day("knightly") is None and part_of_day(None) is None


def test_an_instant_and_a_same_day_interval_display() -> None:
    instant = _resolve("2026-01-05T23:30", "America/Caracas")
    assert format_window(instant) == "5 Jan 2026 23:30 UTC-04:00"
    short = _resolve({"start": "2026-01-05T20:00", "end": "2026-01-05T22:00"}, "Europe/London")
    assert format_window(short) == "5 Jan 2026 20:00–22:00 GMT"


def test_numeric_zone_labels_are_remembered_per_abbreviation():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from incidents.timewindow import _label

    caracas, kolkata, kathmandu = ZoneInfo("America/Caracas"), ZoneInfo("Asia/Kolkata"), ZoneInfo("Asia/Kathmandu")
    moment = datetime(2026, 1, 6, 3, 0, tzinfo=UTC)
    labels = [_label(moment.astimezone(z)) for z in (caracas, kolkata, kathmandu, caracas)]
    assert labels == ["UTC-04:00", "IST", "UTC+05:45", "UTC-04:00"]
    # Caracas kept -04:30 from 2007 to 2016: a different abbreviation, so a different label
    assert _label(datetime(2010, 6, 1, 12, tzinfo=UTC).astimezone(caracas)) == "UTC-04:30"


def test_utc_times_keep_four_digit_years() -> None:
    from datetime import timezone

    from layers.properties import iso_utc

    assert iso_utc(datetime(1000, 1, 1, 5, tzinfo=timezone(timedelta(hours=10)))) == "0999-12-31T19:00:00Z"
    assert iso_utc(datetime(2026, 1, 6, 3, 15, 9, 999_999, tzinfo=UTC)) == "2026-01-06T03:15:09Z"
