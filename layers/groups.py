"""Incidents -> the map's layers: one compact, escaped, columnar group per status, plus the lookup tables.

Everything here that is text has passed `escape_text`/`safe_link`: the browser code only concatenates it. Exports
use `layers.properties` (raw values) instead.
"""

from __future__ import annotations

from typing import Any

from incidents.models import Incident, MappedEvent, Source, Status
from incidents.taxonomy import event_types
from incidents.timewindow import format_window

from .escape import escape_text, safe_link
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


def _links(urls: list[str]) -> str:
    return " ".join(safe_link(u, f"media {n}") for n, u in enumerate(urls, 1))


def _columns(incidents: list[Incident], type_index: dict[str, int], source_index: dict[str, int]) -> dict[str, list]:
    cols: dict[str, list[Any]] = {k: [] for k in (
        "id", "lat", "lon", "r", "type", "t0", "t1", "title", "place", "time", "reason", "override", "precision",
        "reports",
    )}
    for inc in incidents:
        geo = inc.geocode
        cols["id"].append(escape_text(inc.id))
        cols["lat"].append(round(geo.lat, 6))
        cols["lon"].append(round(geo.lon, 6))
        cols["r"].append(round(geo.radius_m, 1))
        cols["type"].append(type_index[inc.event_type])
        cols["t0"].append(int(inc.time.start.timestamp()))
        cols["t1"].append(int(inc.time.end.timestamp()))
        cols["title"].append(escape_text(inc.title, max_length=300))
        cols["place"].append(escape_text(inc.place, max_length=300))
        cols["time"].append(escape_text(format_window(inc.time), max_length=300))
        cols["reason"].append(escape_text(inc.assessment.reason, max_length=_TEXT_LIMIT))
        cols["override"].append(1 if inc.assessment.overridden else 0)
        cols["precision"].append(escape_text(f"{geo.precision.value}, ±{_distance(geo.radius_m)}"))
        cols["reports"].append([
            [
                source_index[r.source.id],
                escape_text(format_window(r.time), max_length=300),
                escape_text(", ".join(r.report.hedges), max_length=300),
                escape_text(r.report.summary, max_length=_TEXT_LIMIT),
                " ".join(filter(None, [safe_link(r.report.url, "post") if r.report.url else "", _links(r.report.media)])),
            ]
            for r in inc.reports
        ])
    return cols


def _distance(metres: float) -> str:
    return f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres:.0f} m"


def map_payload(mapped: MappedEvent) -> dict[str, Any]:
    """The data the browser draws: escaped text, numbers, and style tables."""
    style = styles()
    terms = list(event_types())
    type_index = {term: n for n, term in enumerate(terms)}
    used_sources = {r.source.id: r.source for inc in mapped.incidents for r in inc.reports}
    source_ids = sorted(used_sources)
    source_index = {sid: n for n, sid in enumerate(source_ids)}
    groups = status_groups(mapped)
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
                "incidents": _columns(groups[status], type_index, source_index),
            }
            for status in Status
        ],
        "sources": [_source_row(used_sources[sid]) for sid in source_ids],
        "attribution": ", ".join(escape_text(used_sources[s].handle or used_sources[s].name, max_length=80)
                                 for s in source_ids[:12]) + (" …" if len(source_ids) > 12 else ""),
    }
