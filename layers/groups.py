"""Incidents -> the map's layers: one compact, escaped, columnar group per status, plus the lookup tables.

Everything here that is text has passed `escape_text`/`safe_link`: the browser code only concatenates it. Exports
use `layers.properties` (raw values) instead.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from incidents.errors import InputError
from incidents.gc_pause import gc_paused
from incidents.merge import span_time
from incidents.models import Incident, MappedEvent, Note, Source, Status, TimeWindow
from incidents.taxonomy import event_types
from incidents.timewindow import resolve_when

from .escape import escape_text, safe_link, safe_url
from .properties import unmatched_note
from .styles import styles
from .timelabels import map_window

__all__ = ["map_payload", "status_groups", "bounds"]

_TEXT_LIMIT = 2_000
_QUOTE_LIMIT = 1_200  # the post's own words in a popup: enough for a post, not a whole article


def status_groups(mapped: MappedEvent) -> dict[Status, list[Incident]]:
    """Incidents split by status, in a fixed status order."""
    groups: dict[Status, list[Incident]] = {status: [] for status in Status}
    for incident in mapped.incidents:
        groups[incident.assessment.status].append(incident)
    return groups


def bounds(mapped: MappedEvent) -> list[list[float]] | None:
    """[[south, west], [north, east]] around every incident's circle, or None for an empty map."""
    if not mapped.incidents:
        return None
    lat, lon, radius = np.array([(g.lat, g.lon, g.radius_m) for g in (i.geocode for i in mapped.incidents)]).T
    dlat = radius / 111_320.0
    south, north = float((lat - dlat).min()), float((lat + dlat).max())
    west, east = float((lon - dlat).min()), float((lon + dlat).max())
    return [[max(-85.0, south), max(-180.0, west)], [min(85.0, north), min(180.0, east)]]


def _source_row(source: Source) -> dict[str, str]:
    label = source.handle or source.name
    name = source.name if source.handle and source.name != source.handle else ""
    return {
        "label": safe_link(source.url, label),
        "name": escape_text(name, max_length=200),
        "kind": escape_text(source.kind.value),
    }


def _note_time(note: Note, tz: str) -> str:
    """The note's time as the popups show times; its own phrase when it cannot be placed (no date); else ""."""
    if note.when is None:
        return ""
    try:
        return _when(resolve_when(note.when, tz))
    except InputError:
        return escape_text(note.when.text or "", max_length=300)


def _note_row(note: Note, sources: dict[str, Source], tz: str) -> dict[str, str]:
    """A context note for the page's notes panel: text, source (a safe link when it has one), time, hedges."""
    source = sources.get(note.source) if note.source else None
    return {
        "text": escape_text(note.text, max_length=_TEXT_LIMIT),
        "source": safe_link(source.url, source.handle or source.name) if source else escape_text(note.source or ""),
        "time": _note_time(note, tz),
        "hedges": escape_text(", ".join(note.hedges), max_length=300),
    }


class _Strings:
    """A table of escaped strings that repeat (reasons, times, precisions, hedges): each is shipped once."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.items: list[str] = []

    def __call__(self, escaped: str) -> int:
        found = self.index.get(escaped)
        if found is None:
            found = self.index[escaped] = len(self.items)
            self.items.append(escaped)
        return found


@lru_cache(maxsize=200_000)
def _when(window: TimeWindow) -> str:
    return escape_text(map_window(window), max_length=300)


def _link_list(urls: list[str]) -> list[list]:
    """[escaped text, 1 if it may be a link (http/https) else 0] per URL; the browser links only the first kind."""
    return [[href, 1] if (href := safe_url(url)) is not None else [escape_text(url, max_length=200), 0] for url in urls]


def _attribute_rows(attributes: dict[str, Any]) -> list[list[str]]:
    """[[escaped name, escaped value], ...] of a report's attributes (empty values left out), at most 60."""
    return [
        [escape_text(str(k), max_length=100), escape_text(str(v), max_length=300)]
        for k, v in list(attributes.items())[:60] if v is not None and v != ""
    ]


def _distance(metres: float) -> str:
    return f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres:.0f} m"


_COLUMNS = (
    "id",
    "lat",
    "lon",
    "r",
    "type",
    "t0",
    "t1",
    "title",
    "place",
    "time",
    "span",
    "reason",
    "override",
    "precision",
    "reports",
    "unmatched",
)


def _columns(
    incidents: list[Incident], type_index: dict[str, int], source_index: dict[str, int], strings: _Strings
) -> dict[str, list]:
    # What repeats across incidents is escaped and interned once: time windows (by object: incidents and their
    # reports share them; with their start and end seconds), reasons and precision labels (by value). Strings are
    # interned in the order of a plain walk through the incidents and their reports.
    windows: dict[int, tuple[TimeWindow, int, int, int]] = {}
    reason_ids: dict[str, int] = {}
    precision_ids: dict[tuple[str, float], int] = {}

    def window_entry(window: TimeWindow) -> tuple[TimeWindow, int, int, int]:
        # the entry keeps the window (and so its id) alive while the table lives
        entry = windows[id(window)] = (
            window,
            strings(_when(window)),
            int(window.start.timestamp()),
            int(window.end.timestamp()),
        )
        return entry

    ids, lats, lons, radii, types, t0s, t1s, titles, places, times, spans, reasons, overrides, precisions, reports, unmatched = (
        [] for _ in _COLUMNS
    )
    for inc in incidents:
        geo, verdict = inc.geocode, inc.assessment
        ids.append(escape_text(inc.id))
        lats.append(round(geo.lat, 6))
        lons.append(round(geo.lon, 6))
        radii.append(round(geo.radius_m, 1))
        types.append(type_index[inc.event_type])
        titles.append(escape_text(inc.title, max_length=300))
        places.append(strings(escape_text(inc.place, max_length=300)))
        window = windows.get(id(inc.time)) or window_entry(inc.time)
        incident_time = window[1]
        times.append(incident_time)
        if len(inc.reports) > 1:  # the time slider covers every report's window, not only where they agree
            span = span_time(inc.reports)
            t0s.append(int(span.start.timestamp()))
            t1s.append(int(span.end.timestamp()))
            spans.append(-1 if (span.start, span.end) == (inc.time.start, inc.time.end) else strings(_when(span)))
        else:
            t0s.append(window[2])
            t1s.append(window[3])
            spans.append(-1)
        reason = reason_ids.get(verdict.reason)
        if reason is None:
            reason = reason_ids[verdict.reason] = strings(escape_text(verdict.reason, max_length=_TEXT_LIMIT))
        reasons.append(reason)
        overrides.append(1 if verdict.overridden else 0)
        key = (geo.precision, geo.radius_m)
        precision = precision_ids.get(key)
        if precision is None:
            precision = precision_ids[key] = strings(escape_text(f"{geo.precision.value}, ±{_distance(geo.radius_m)}"))
        precisions.append(precision)
        # a landmark no gazetteer had: the popup says which, so that the analyst can add it
        unmatched.append(strings(escape_text(unmatched_note(geo), max_length=400)) if geo.unmatched else -1)
        rows = []
        for located in inc.reports:
            report = located.report
            report_time = (windows.get(id(located.time)) or window_entry(located.time))[1]
            hedges = strings(escape_text(", ".join(report.hedges), max_length=300)) if report.hedges else -1
            url = report.url
            rows.append(
                [
                    source_index[located.source.id],
                    -1 if report_time == incident_time else report_time,
                    hedges,
                    escape_text(report.summary, max_length=_TEXT_LIMIT),
                    _link_list([url, *report.media] if url else report.media),
                    escape_text(" ".join(report.span.text.split()), max_length=_QUOTE_LIMIT) if report.span else "",
                ]
            )
            if report.attributes:  # the input table's own columns, escaped like every other text
                rows[-1].append(_attribute_rows(report.attributes))
        reports.append(rows)
    columns = (
        ids, lats, lons, radii, types, t0s, t1s, titles, places, times, spans, reasons, overrides, precisions, reports,
        unmatched,
    )
    return dict(zip(_COLUMNS, columns, strict=True))


@gc_paused()
def map_payload(mapped: MappedEvent) -> dict[str, Any]:
    """The data the browser draws: escaped text, numbers, and style tables."""
    style = styles()
    terms = list(event_types())
    type_index = {term: n for n, term in enumerate(terms)}
    used_sources = {r.source.id: r.source for inc in mapped.incidents for r in inc.reports}
    source_ids = sorted(used_sources)
    source_index = {sid: n for n, sid in enumerate(source_ids)}
    groups = status_groups(mapped)
    strings = _Strings()
    present_types = {inc.event_type for inc in mapped.incidents}
    note_sources = {s.id: s for s in mapped.sources}
    return {
        "title": escape_text(mapped.title, max_length=300),
        "timezone": escape_text(mapped.timezone),
        "bounds": bounds(mapped),
        "counts": mapped.counts.model_dump(),
        "notes": [_note_row(n, note_sources, mapped.timezone) for n in mapped.notes],
        "types": [
            {
                "term": escape_text(term),
                "label": escape_text(info.label),
                "glyph": escape_text(style.event_types[term].glyph),
                "present": term in present_types,
            }
            for term, info in event_types().items()
        ],
        "statuses": [
            {
                "key": status.value,
                "label": escape_text(style.status[status].label),
                "legend": escape_text(style.status[status].legend),
                "color": escape_text(style.status[status].color),
                "fillOpacity": style.status[status].fill_opacity,
                "dash": escape_text(style.status[status].dash),
                "weight": style.status[status].weight,
                "solid": style.status[status].marker_fill == "solid",
                "incidents": _columns(groups[status], type_index, source_index, strings),
            }
            for status in Status
        ],
        "sources": [_source_row(used_sources[sid]) for sid in source_ids],
        "strings": strings.items,
        "attribution": ", ".join(  # each name isolated: a right-to-left one keeps the list in order
            f'<span dir="auto">{escape_text(used_sources[s].handle or used_sources[s].name, max_length=40)}</span>'
            for s in source_ids[:12]
        )
        + (" …" if len(source_ids) > 12 else ""),
    }
