"""Times as reported (a date, a datetime, an interval, a phrase) -> a UTC window with a precision."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .errors import InputError
from .models import TimePrecision, TimeWindow, When

__all__ = ["resolve_when", "format_window", "DEFAULT_SPAN"]

DEFAULT_SPAN: dict[TimePrecision, timedelta] = {
    TimePrecision.exact: timedelta(0),
    TimePrecision.hour: timedelta(hours=1),
    TimePrecision.part_of_day: timedelta(hours=6),
    TimePrecision.day: timedelta(days=1),
    TimePrecision.week: timedelta(days=7),
}


def _local(moment: datetime | date, zone: ZoneInfo) -> datetime:
    if isinstance(moment, datetime):
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
    return datetime.combine(moment, time(0), tzinfo=zone)


def _next_month(moment: datetime) -> datetime:
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return moment.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0)


def _end_for(start: datetime, precision: TimePrecision, zone: ZoneInfo) -> datetime:
    if precision is TimePrecision.month:
        return _next_month(start.astimezone(zone))
    if precision is TimePrecision.day:
        # a local day, so DST days are 23 or 25 hours long
        local = start.astimezone(zone)
        return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)
    return start + DEFAULT_SPAN[precision]


def resolve_when(when: When, tz: str, reference: date | None = None) -> TimeWindow:
    """The window `when` describes, in UTC; a date is the whole local day in the event's time zone."""
    zone = ZoneInfo(tz)
    if when.start is None:
        if reference is None:
            raise InputError(f"time {when.text!r} needs a start date, or a reference_date for the event", field="when")
        start = _local(reference, zone)
        return TimeWindow(start=start.astimezone(UTC), end=_end_for(start, TimePrecision.day, zone).astimezone(UTC),
                          precision=TimePrecision.day, tz=tz, text=when.text)
    is_date = not isinstance(when.start, datetime)
    precision = when.precision or (TimePrecision.day if is_date else TimePrecision.exact)
    start = _local(when.start, zone)
    if precision is TimePrecision.month:
        start = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if when.end is not None:
        end = _local(when.end, zone)
        if not isinstance(when.end, datetime):
            end = end + timedelta(days=1)  # an end date includes that whole day
    else:
        end = _end_for(start, precision, zone)
    if end < start:
        raise InputError(f"end {end.isoformat()} is before start {start.isoformat()}", field="when.end")
    return TimeWindow(start=start.astimezone(UTC), end=end.astimezone(UTC), precision=precision, tz=tz, text=when.text)


def format_window(window: TimeWindow) -> str:
    """The window in the event's zone for people: '5 Jan 2026 21:00 – 6 Jan 2026 03:00 -04 (late Monday night)'."""
    zone = ZoneInfo(window.tz)
    start, end = window.start.astimezone(zone), window.end.astimezone(zone)
    label = start.strftime("%Z") or window.tz
    if window.precision in (TimePrecision.day, TimePrecision.week, TimePrecision.month):
        last = end - timedelta(seconds=1) if end > start else end
        text = start.strftime("%-d %b %Y") if last.date() == start.date() else (
            f"{start.strftime('%-d %b %Y')} – {last.strftime('%-d %b %Y')}")
        text += f" ({window.tz})"
    elif start == end:
        text = f"{start.strftime('%-d %b %Y %H:%M')} {label}"
    elif start.date() == end.date():
        text = f"{start.strftime('%-d %b %Y %H:%M')}–{end.strftime('%H:%M')} {label}"
    else:
        text = f"{start.strftime('%-d %b %Y %H:%M')} – {end.strftime('%-d %b %Y %H:%M')} {label}"
    return f"{text} ({window.text})" if window.text else text
