"""Raw feature properties of an incident and of a report: what exports keep and what popups escape for display."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from incidents.models import Geocode, Incident, LocatedReport
from incidents.records import report_record
from incidents.taxonomy import event_type_info

__all__ = ["PROPERTY_NAMES", "incident_properties", "report_properties", "iso_utc", "unmatched_note",
           "incident_attributes"]

# The DESIGN.md contract first, then what analysts also need in a GIS table.
PROPERTY_NAMES: tuple[str, ...] = (
    "id",
    "title",
    "event_type",
    "status",
    "status_reason",
    "radius_m",
    "precision",
    "place",
    "time_start",
    "time_end",
    "time_precision",
    "sources",
    "report_ids",
    "event_type_label",
    "acled_event_type",
    "acled_sub_event_type",
    "status_overridden",
    "independent_sources",
    "has_media",
    "hedges",
    "timezone",
    "geocode_method",
    "gazetteer_id",
    "gazetteer_name",
    "gazetteer_source",
    "qualifier",
    "place_role",
    "unmatched_landmark",
    "summary",
    "attributes",
    "reports",
)


def iso_utc(moment: datetime) -> str:
    """An aware datetime as ISO 8601 in UTC with a Z suffix, to the second."""
    # isoformat, not strftime("%Y"), which writes the year 999 as "999" rather than "0999"
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def unmatched_note(geo: Geocode) -> str:
    """What a popup says of a landmark no gazetteer had (raw text; escape it for HTML)."""
    where = f" over {geo.entry.name}" if geo.entry else ""
    return (
        f"\u201c{geo.unmatched}\u201d is in no gazetteer: drawn{where} ({geo.precision.value} radius). "
        "Add it to a gazetteer to place it."
    )


def incident_attributes(incident: Incident) -> dict[str, Any]:
    """The input table's own columns of the incident's reports: one value each, or the distinct values joined."""
    located = incident.reports
    if len(located) == 1:
        return located[0].report.attributes
    values: dict[str, list[Any]] = {}
    for r in located:
        for key, value in r.report.attributes.items():
            seen = values.setdefault(key, [])
            if value not in seen:
                seen.append(value)
    return {k: v[0] if len(v) == 1 else " | ".join(str(x) for x in v) for k, v in sorted(values.items())}


def report_properties(located: LocatedReport, incident_id: str | None = None) -> dict[str, Any]:
    """One report as a flat record (incidents.records columns, raw values) plus where and when it was mapped.

    The computed columns (incident_id, mapped_*, geocode_method, time_*) are skipped when the record is read back.
    """
    geo, time = located.geocode, located.time
    return {
        **report_record(located.report, located.source),
        "incident_id": incident_id,
        "mapped_lat": round(geo.lat, 6),
        "mapped_lon": round(geo.lon, 6),
        "mapped_radius_m": round(geo.radius_m, 1),
        "mapped_precision": geo.precision.value,
        "geocode_method": geo.method,
        "time_start": iso_utc(time.start),
        "time_end": iso_utc(time.end),
        "time_precision": time.precision.value,
    }


def incident_properties(incident: Incident) -> dict[str, Any]:
    """The incident's properties in PROPERTY_NAMES order (raw values, not escaped)."""
    info = event_type_info(incident.event_type)
    geo, time, verdict = incident.geocode, incident.time, incident.assessment
    entry = geo.entry
    return {
        "id": incident.id,
        "title": incident.title,
        "event_type": incident.event_type,
        "status": verdict.status.value,
        "status_reason": verdict.reason,
        "radius_m": round(geo.radius_m, 1),
        "precision": geo.precision.value,
        "place": incident.place,
        "time_start": iso_utc(time.start),
        "time_end": iso_utc(time.end),
        "time_precision": time.precision.value,
        "sources": [{"name": s.name, "handle": s.handle, "url": s.url} for s in incident.sources],
        "report_ids": [r.report.id for r in incident.reports],
        "event_type_label": info.label,
        "acled_event_type": info.acled_event_type,
        "acled_sub_event_type": info.acled_sub_event_type,
        "status_overridden": verdict.overridden,
        "independent_sources": verdict.independent_sources,
        "has_media": verdict.has_media,
        "hedges": list(verdict.hedges),
        "timezone": time.tz,
        "geocode_method": geo.method,
        "gazetteer_id": entry.id if entry else None,
        "gazetteer_name": entry.name if entry else None,
        "gazetteer_source": entry.source if entry else None,
        "qualifier": geo.qualifier,
        "place_role": geo.role.value,
        "unmatched_landmark": geo.unmatched,
        "summary": " ".join(r.report.summary for r in incident.reports[:1]),
        "attributes": incident_attributes(incident),
        "reports": [report_properties(r) for r in incident.reports],
    }
