"""Times as reported (a date, a datetime, an interval, a phrase) -> a UTC window with a precision.

Rules, in the event's time zone (IANA name):
- a date is that whole local day (precision day); DST days are 23 or 25 hours long;
- a naive datetime is local time in the event zone; an aware one keeps its own offset;
- start + end is that interval (an end date includes its whole day); without an explicit precision it is the
  finest class the interval fits (exact, hour, part_of_day up to 12 h, day, week, month);
- an explicit precision is honoured: hour -> the hour containing the start; part_of_day -> 6 h from a datetime,
  or the part a phrase names ("night" = 21:00-06:00) for a date; day/week/month -> the local day, the Monday-based
  week, the calendar month containing the start. A date with a precision finer than its phrase can tell
  (hour, exact, part_of_day without a named part) stays the whole day with precision day: we never invent hours;
- text only ("late Monday night") -> the whole reference day with precision day, text kept; no reference is an error.
Fixed spans are added in UTC so that DST changes never shift them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from importlib.resources import files
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from .errors import InputError
from .models import TimePrecision, TimeWindow, When

__all__ = ["resolve_when", "format_window", "finest", "part_of_day", "PRECISION_ORDER"]

PRECISION_ORDER: tuple[TimePrecision, ...] = tuple(TimePrecision)  # finest first
_SPAN = {TimePrecision.exact: timedelta(0), TimePrecision.hour: timedelta(hours=1),
         TimePrecision.part_of_day: timedelta(hours=6)}
_FITS = ((TimePrecision.exact, timedelta(0)), (TimePrecision.hour, timedelta(hours=1)),
         (TimePrecision.part_of_day, timedelta(hours=12)), (TimePrecision.day, timedelta(hours=25)),
         (TimePrecision.week, timedelta(days=7, hours=1)))
_CALENDAR = (TimePrecision.day, TimePrecision.week, TimePrecision.month)


def finest(precisions: Iterable[TimePrecision]) -> TimePrecision:
    """The finest of several precisions."""
    return min(precisions, key=PRECISION_ORDER.index)


@cache
def _parts() -> tuple[tuple[str, int, int], ...]:
    raw = yaml.safe_load(files("incidents").joinpath("data/parts_of_day.yaml").read_text(encoding="utf-8"))
    rows = [(word.lower(), int(entry["hours"][0]), int(entry["hours"][1])) for entry in raw.values()
            for word in entry["words"]]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


def part_of_day(text: str | None) -> tuple[int, int] | None:
    """Local (start hour, end hour) of the part of day a phrase names ("late Monday night" -> (21, 30)), or None."""
    if not text:
        return None
    lowered = text.lower()
    for word, start, end in _parts():
        if re.search(rf"\b{re.escape(word)}\b", lowered):
            return start, end
    return None


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        message = f"unknown time zone {tz!r}; use an IANA name such as America/Caracas"
        raise InputError(message, field="timezone") from exc


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _local(moment: datetime | date, zone: ZoneInfo) -> datetime:
    """An aware datetime (a date is its local midnight; a naive time is local to the event zone)."""
    if isinstance(moment, datetime):
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
    return datetime.combine(moment, time(0), tzinfo=zone)


def _calendar(start: datetime, precision: TimePrecision, zone: ZoneInfo) -> tuple[datetime, datetime]:
    day = start.astimezone(zone).date()
    if precision is TimePrecision.day:
        first, last = day, day + timedelta(days=1)
    elif precision is TimePrecision.week:
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=7)
    else:
        first = day.replace(day=1)
        last = date(first.year + 1, 1, 1) if first.month == 12 else first.replace(month=first.month + 1)
    return _midnight(first, zone), _midnight(last, zone)


def _fitting(duration: timedelta) -> TimePrecision:
    return next((p for p, span in _FITS if duration <= span), TimePrecision.month)


def _window(start: datetime, end: datetime, precision: TimePrecision, tz: str, text: str | None) -> TimeWindow:
    return TimeWindow(start=start.astimezone(UTC), end=end.astimezone(UTC), precision=precision, tz=tz, text=text)


def resolve_when(when: When, tz: str, reference: date | None = None) -> TimeWindow:
    """The UTC window `when` describes; dates and naive times are read in the event zone `tz`."""
    zone = _zone(tz)
    if when.start is None:
        if reference is None:
            raise InputError(
                f"time {when.text!r} has no date: give when.start, or a reference_date for the event", field="when"
            )
        return _window(*_calendar(_local(reference, zone), TimePrecision.day, zone), TimePrecision.day, tz, when.text)
    is_date = not isinstance(when.start, datetime)
    start = _local(when.start, zone)
    if when.end is not None:
        if isinstance(when.end, datetime):
            end = _local(when.end, zone)
            if end < start:
                raise InputError(f"end {end.isoformat()} is before start {start.isoformat()}", field="when.end")
        else:  # an end date includes that whole day, so it may be the start's day but not an earlier one
            first_day = start.astimezone(zone).date()  # the start's day in the event's zone, as the end date is
            if when.end < first_day:
                raise InputError(f"end {when.end.isoformat()} is before start {first_day.isoformat()}", field="when.end")
            end = _midnight(when.end + timedelta(days=1), zone)
        return _window(start, end, when.precision or _fitting(end - start), tz, when.text)
    precision = when.precision or (TimePrecision.day if is_date else TimePrecision.exact)
    if precision in _CALENDAR:
        return _window(*_calendar(start, precision, zone), precision, tz, when.text)
    if is_date:
        part = part_of_day(when.text) if precision is TimePrecision.part_of_day else None
        if part is None:  # a date cannot say which hour: the whole day, honestly labelled
            return _window(*_calendar(start, TimePrecision.day, zone), TimePrecision.day, tz, when.text)
        return _window(_hour(when.start, part[0], zone), _hour(when.start, part[1], zone), precision, tz, when.text)
    if precision is TimePrecision.hour:
        start = start.replace(minute=0, second=0, microsecond=0)
    begin = start.astimezone(UTC)
    return _window(begin, begin + _SPAN[precision], precision, tz, when.text)


def _hour(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """Local `hour` o'clock of `day` (hours of 24 and more run into the following days)."""
    extra, hour = divmod(hour, 24)
    return datetime.combine(day + timedelta(days=extra), time(hour), tzinfo=zone).astimezone(UTC)


_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


_NUMERIC_LABELS: dict[str, str] = {}  # "-04" -> "UTC-04:00": a numeric abbreviation stands for one offset


def _label(moment: datetime) -> str:
    """The zone's abbreviation ("CET"), else its offset ("UTC-04:00")."""
    name = moment.tzname()
    if name and name[0] not in "+-":
        return name
    if name:
        found = _NUMERIC_LABELS.get(name)
        if found is None:
            found = _NUMERIC_LABELS[name] = _offset_label(moment)
        return found
    return _offset_label(moment)


def _offset_label(moment: datetime) -> str:
    offset = moment.utcoffset()
    if offset is None:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'-' if minutes < 0 else '+'}{hours:02d}:{rest:02d}"


def _day(moment: datetime) -> str:
    return f"{moment.day} {_MONTH_ABBR[moment.month - 1]} {moment.year}"


def format_window(window: TimeWindow) -> str:
    """The window in the event's zone, for people: '5 Jan 2026 21:00 – 6 Jan 2026 03:00 UTC-04:00 (late night)'."""
    zone = _zone(window.tz)
    start, end = window.start.astimezone(zone), window.end.astimezone(zone)
    if window.precision in _CALENDAR:
        last = end - timedelta(microseconds=1) if end > start else end
        text = _day(start) if last.date() == start.date() else f"{_day(start)} – {_day(last)}"
        text += f" ({window.tz})"
    else:
        first, last_label = _label(start), _label(end)
        if start == end:
            text = f"{_day(start)} {start.hour:02d}:{start.minute:02d} {first}"
        elif start.date() == end.date() and first == last_label:
            text = f"{_day(start)} {start.hour:02d}:{start.minute:02d}–{end.hour:02d}:{end.minute:02d} {first}"
        else:
            text = (f"{_day(start)} {start.hour:02d}:{start.minute:02d}{'' if first == last_label else ' ' + first}"
                    f" – {_day(end)} {end.hour:02d}:{end.minute:02d} {last_label}")
    return f"{text} ({window.text})" if window.text else text
