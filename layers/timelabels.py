"""Times as the map writes them: one way of writing the zone everywhere on the page ("UTC−4, America/Caracas").

The page's JavaScript writes the time control's moments the same way (`fmtTime` in maps/templates/incident_map.js);
`tests/test_map_reading_browser.py` checks that both agree. Exports and KML keep `incidents.timewindow.format_window`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from incidents.models import TimePrecision, TimeWindow

__all__ = ["map_window", "offset_label", "zone_label"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_CALENDAR = (TimePrecision.day, TimePrecision.week, TimePrecision.month)
MINUS = "\u2212"


def offset_label(offset: timedelta | None) -> str:
    """'UTC−4', 'UTC+5:30', 'UTC+0' (a true minus sign, hours without a leading zero)."""
    minutes = int((offset or timedelta(0)).total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{MINUS if minutes < 0 else '+'}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(moment: datetime, tz: str) -> str:
    """The zone of a local moment as the map writes it: 'UTC−4, America/Caracas' (just 'UTC' for UTC)."""
    if tz in ("UTC", "Etc/UTC"):
        return "UTC"
    return f"{offset_label(moment.utcoffset())}, {tz}"


def _day(moment: datetime) -> str:
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def _clock(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


@lru_cache(maxsize=200_000)
def map_window(window: TimeWindow, *, zone: bool = True) -> str:
    """'5 Jan 2026 21:00 – 6 Jan 2026 03:00 (UTC−4, America/Caracas), “late Monday night”' (plain text).

    zone=False leaves the zone out (a key that names it once), unless the window crosses a clock change.
    """
    local = ZoneInfo(window.tz)
    start, end = window.start.astimezone(local), window.end.astimezone(local)
    if window.precision in _CALENDAR:
        last = end - timedelta(microseconds=1) if end > start else end
        text = _day(start) if last.date() == start.date() else f"{_day(start)} – {_day(last)}"
        text += f" ({zone_label(start, window.tz)})" if zone else ""
    elif start.utcoffset() != end.utcoffset():  # across a clock change: each end keeps its own offset
        text = (f"{_day(start)} {_clock(start)} {offset_label(start.utcoffset())} – {_day(end)} {_clock(end)} "
                f"{offset_label(end.utcoffset())} ({window.tz})")
    else:
        if start == end:
            text = f"{_day(start)} {_clock(start)}"
        elif start.date() == end.date():
            text = f"{_day(start)} {_clock(start)}–{_clock(end)}"
        else:
            text = f"{_day(start)} {_clock(start)} – {_day(end)} {_clock(end)}"
        text += f" ({zone_label(start, window.tz)})" if zone else ""
    return f"{text}, “{window.text}”" if window.text else text
