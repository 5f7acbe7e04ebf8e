"""One report as a flat record (a CSV row, a GeoJSON feature's properties) and back.

The same columns are written by the CSV and GeoJSON report exports and read by the CSV and GeoJSON loaders, so an
export loads again unchanged. Lists (media, hedges, cites) are JSON arrays in a CSV cell; empty cells are "no value".
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .models import EventFile, GeoContext, Note, Report, Source

__all__ = ["REPORT_COLUMNS", "EVENT_COLUMNS", "NOTE_COLUMNS", "LIST_COLUMNS", "DICT_COLUMNS", "NUMBER_COLUMNS", "report_record",
           "event_record", "note_record", "note_mapping", "report_mapping", "source_mapping", "event_mapping",
           "iso_date"]

# What an analyst can write: every Report field, flattened, and the report's source.
REPORT_COLUMNS: tuple[str, ...] = (
    "id", "event_type", "where", "place_role", "lat", "lon", "radius_m", "precision",
    "when_start", "when_end", "when_precision", "when_text",
    "source", "source_name", "source_handle", "source_kind", "source_url", "source_cites",
    "url", "media", "summary", "hedges", "override_status", "override_reason", "override_by",
    "span_start", "span_end", "span_text", "place_reason", "event_row", "attributes",
)
# The event a report belongs to, repeated on every row so that one table is a whole incident file.
EVENT_COLUMNS: tuple[str, ...] = ("event_title", "event_timezone", "context_country", "context_city")
# A context note (a claim with no place) and its source, as a GeoJSON export's `notes` member lists them.
NOTE_COLUMNS: tuple[str, ...] = (
    "id", "text", "hedges", "when_start", "when_end", "when_precision", "when_text",
    "source", "source_name", "source_handle", "source_kind", "source_url", "source_cites",
    "span_start", "span_end", "span_text",
)
LIST_COLUMNS = frozenset({"media", "hedges", "source_cites"})
DICT_COLUMNS = frozenset({"attributes"})  # a JSON object in a CSV cell
NUMBER_COLUMNS = frozenset({"lat", "lon", "radius_m", "span_start", "span_end"})


def iso_date(value: date | datetime | None) -> str | None:
    """A date or datetime as ISO 8601 text, None kept."""
    return value.isoformat() if value is not None else None


def report_record(report: Report, source: Source) -> dict[str, Any]:
    """A report and its source as REPORT_COLUMNS (raw values: None for absent, lists as lists)."""
    when, override, span = report.when, report.override, report.span
    return {
        "id": report.id,
        "event_type": report.event_type,
        "where": report.where,
        "place_role": report.place_role.value,
        "lat": report.lat,
        "lon": report.lon,
        "radius_m": report.radius_m,
        "precision": report.precision.value if report.precision else None,
        "when_start": iso_date(when.start),
        "when_end": iso_date(when.end),
        "when_precision": when.precision.value if when.precision else None,
        "when_text": when.text,
        "source": source.id,
        "source_name": source.name,
        "source_handle": source.handle,
        "source_kind": source.kind.value,
        "source_url": source.url,
        "source_cites": list(source.cites),
        "url": report.url,
        "media": list(report.media),
        "summary": report.summary,
        "hedges": list(report.hedges),
        "override_status": override.status.value if override else None,
        "override_reason": override.reason if override else None,
        "override_by": override.by if override else None,
        "span_start": span.start if span else None,
        "span_end": span.end if span else None,
        "span_text": span.text if span else None,
        "place_reason": report.place_reason,
        "event_row": report.event_row,
        "attributes": dict(report.attributes),
    }


def event_record(title: str, timezone: str, context: GeoContext) -> dict[str, Any]:
    """The event columns for every row of a table."""
    return {"event_title": title, "event_timezone": timezone, "context_country": context.country,
            "context_city": context.city}


def _given(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: row[k] for k in keys if row.get(k) not in (None, "")}


def note_record(note: Note, source: Source | None) -> dict[str, Any]:
    """A context note and its source as NOTE_COLUMNS (raw values: None for absent, lists as lists)."""
    when, span = note.when, note.span
    return {
        "id": note.id,
        "text": note.text,
        "hedges": list(note.hedges),
        "when_start": iso_date(when.start) if when else None,
        "when_end": iso_date(when.end) if when else None,
        "when_precision": when.precision.value if when and when.precision else None,
        "when_text": when.text if when else None,
        "source": note.source,
        "source_name": source.name if source else None,
        "source_handle": source.handle if source else None,
        "source_kind": source.kind.value if source else None,
        "source_url": source.url if source else None,
        "source_cites": list(source.cites) if source else [],
        "span_start": span.start if span else None,
        "span_end": span.end if span else None,
        "span_text": span.text if span else None,
    }


def note_mapping(row: dict[str, Any]) -> dict[str, Any]:
    """The Note fields of a record, nested as an incident file has them (absent values left out)."""
    out = _given(row, "id", "text", "source")
    if row.get("hedges"):
        out["hedges"] = row["hedges"]
    when = {k.removeprefix("when_"): row[k] for k in ("when_start", "when_end", "when_precision", "when_text")
            if row.get(k) not in (None, "")}
    if when:
        out["when"] = when
    if row.get("span_start") not in (None, "") or row.get("span_text") not in (None, ""):
        out["span"] = {"start": row.get("span_start"), "end": row.get("span_end"), "text": row.get("span_text")}
    return out


def report_mapping(row: dict[str, Any]) -> dict[str, Any]:
    """The Report fields of a record, nested as an incident file has them (absent cells left out)."""
    out = _given(row, "id", "event_type", "where", "place_role", "lat", "lon", "radius_m", "precision", "url",
                 "summary", "place_reason")
    out["source"] = row.get("source")
    when = {k.removeprefix("when_"): row[k] for k in ("when_start", "when_end", "when_precision", "when_text")
            if row.get(k) not in (None, "")}
    out["when"] = when
    for key in ("media", "hedges", "attributes"):
        if row.get(key):
            out[key] = row[key]
    if row.get("event_row") not in (None, "", False, "false"):
        out["event_row"] = row["event_row"]
    if row.get("override_status") not in (None, ""):
        out["override"] = {"status": row["override_status"], "reason": row.get("override_reason")}
        if row.get("override_by") not in (None, ""):
            out["override"]["by"] = row["override_by"]
    if row.get("span_start") not in (None, "") or row.get("span_text") not in (None, ""):
        out["span"] = {"start": row.get("span_start"), "end": row.get("span_end"), "text": row.get("span_text")}
    return out


def source_mapping(row: dict[str, Any]) -> dict[str, Any]:
    """The Source fields of a record; a row naming only a source id gets that id as its name."""
    out = {"id": row.get("source"), "name": row.get("source_name") or row.get("source")}
    out.update({k.removeprefix("source_"): row[k] for k in ("source_handle", "source_kind", "source_url")
                if row.get(k) not in (None, "")})
    if row.get("source_cites"):
        out["cites"] = row["source_cites"]
    return out


def event_mapping(rows: list[dict[str, Any]], default_title: str) -> dict[str, Any]:
    """Title, time zone and context from the first row that gives each."""

    def first(key: str) -> Any:
        return next((r[key] for r in rows if r.get(key) not in (None, "")), None)

    out: dict[str, Any] = {"title": first("event_title") or default_title}
    if first("event_timezone"):
        out["timezone"] = first("event_timezone")
    context = {k.removeprefix("context_"): first(k) for k in ("context_country", "context_city") if first(k)}
    if context:
        out["context"] = context
    return out


def event_file_records(event: EventFile) -> list[dict[str, Any]]:
    """Every report of an incident file as a record with the event columns (for writing a table by hand)."""
    sources = {s.id: s for s in event.sources}
    head = event_record(event.title, event.timezone, event.context)
    return [{**head, **report_record(r, sources[r.source])} for r in event.reports]
