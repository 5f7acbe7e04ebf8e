"""Incidents -> the map's layers: one compact, escaped, columnar group per status, plus the lookup tables.

Everything here that is text has passed `escape_text`/`safe_link`: the browser code only concatenates it. Exports
use `layers.properties` (raw values) instead.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from incidents.gc_pause import gc_paused
from incidents.models import Incident, MappedEvent, Source, Status, TimeWindow
from incidents.taxonomy import event_types
from incidents.timewindow import format_window

from .escape import escape_text, safe_link, safe_url
from .styles import styles

__all__ = ["map_payload", "status_groups", "bounds"]

_TEXT_LIMIT = 2_000


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
    lats, lons = [], []
    for i in mapped.incidents:
        dlat = i.geocode.radius_m / 111_320.0
        lats += [i.geocode.lat - dlat, i.geocode.lat + dlat]
        lons += [i.geocode.lon - dlat, i.geocode.lon + dlat]
    return [[max(-85.0, min(lats)), max(-180.0, min(lons))], [min(85.0, max(lats)), min(180.0, max(lons))]]


def _source_row(source: Source) -> dict[str, str]:
    label = source.handle or source.name
    name = source.name if source.handle and source.name != source.handle else ""
    return {
        "label": safe_link(source.url, label),
        "name": escape_text(name, max_length=200),
        "kind": escape_text(source.kind.value),
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
    return escape_text(format_window(window), max_length=300)


def _link_list(urls: list[str]) -> list[list]:
    """[escaped text, 1 if it may be a link (http/https) else 0] per URL; the browser links only the first kind."""
    out = []
    for url in urls:
        href = safe_url(url)
        out.append([href, 1] if href is not None else [escape_text(url, max_length=200), 0])
    return out


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
    "reason",
    "override",
    "precision",
    "reports",
)


def _columns(
    incidents: list[Incident], type_index: dict[str, int], source_index: dict[str, int], strings: _Strings
) -> dict[str, list]:
    cols: dict[str, list[Any]] = {k: [] for k in _COLUMNS}
    (ids, lats, lons, radii, types, t0s, t1s, titles, places, times, reasons, overrides, precisions, reports) = (
        cols[k] for k in _COLUMNS
    )
    # What repeats across incidents is escaped and interned once: time windows (by object: incidents and their
    # reports share them), reasons and precision labels (by value). Interning order is unchanged.
    window_ids: dict[int, tuple[TimeWindow, int]] = {}
    reason_ids: dict[str, int] = {}
    precision_ids: dict[tuple[str, float], int] = {}

    def window_id(window: TimeWindow) -> int:
        found = window_ids.get(id(window))
        if found is None:
            found = window_ids[id(window)] = (window, strings(_when(window)))  # keeps the window (and its id) alive
        return found[1]

    for inc in incidents:
        geo, window, verdict = inc.geocode, inc.time, inc.assessment
        ids.append(escape_text(inc.id))
        lats.append(round(geo.lat, 6))
        lons.append(round(geo.lon, 6))
        radii.append(round(geo.radius_m, 1))
        types.append(type_index[inc.event_type])
        t0s.append(int(window.start.timestamp()))
        t1s.append(int(window.end.timestamp()))
        titles.append(escape_text(inc.title, max_length=300))
        places.append(strings(escape_text(inc.place, max_length=300)))
        incident_time = window_id(window)
        times.append(incident_time)
        reason = reason_ids.get(verdict.reason)
        if reason is None:
            reason = reason_ids[verdict.reason] = strings(escape_text(verdict.reason, max_length=_TEXT_LIMIT))
        reasons.append(reason)
        overrides.append(1 if verdict.overridden else 0)
        key = (geo.precision.value, geo.radius_m)
        precision = precision_ids.get(key)
        if precision is None:
            precision = precision_ids[key] = strings(escape_text(f"{key[0]}, ±{_distance(geo.radius_m)}"))
        precisions.append(precision)
        rows = []
        for located in inc.reports:
            report = located.report
            report_time = window_id(located.time)
            hedges = strings(escape_text(", ".join(report.hedges), max_length=300)) if report.hedges else -1
            links = _link_list(([report.url] if report.url else []) + list(report.media))
            rows.append(
                [
                    source_index[located.source.id],
                    -1 if report_time == incident_time else report_time,
                    hedges,
                    escape_text(report.summary, max_length=_TEXT_LIMIT),
                    links,
                ]
            )
        reports.append(rows)
    return cols


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
    return {
        "title": escape_text(mapped.title, max_length=300),
        "timezone": escape_text(mapped.timezone),
        "bounds": bounds(mapped),
        "counts": mapped.counts.model_dump(),
        "notes": [escape_text(n.text, max_length=_TEXT_LIMIT) for n in mapped.notes],
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
        "attribution": ", ".join(
            escape_text(used_sources[s].handle or used_sources[s].name, max_length=80) for s in source_ids[:12]
        )
        + (" …" if len(source_ids) > 12 else ""),
    }
