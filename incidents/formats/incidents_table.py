"""Our own incident tables, and any other table: one report per row in the columns of incidents.records.

A CSV needs a header row; a GeoJSON is a FeatureCollection whose features carry the columns as properties (a Point
geometry stands for lat/lon when the properties have neither; an area becomes the circle that holds it). Our own
exports load unchanged: their computed columns (incident id, mapped location, resolved times) are skipped, an
incidents GeoJSON's nested `reports` are read one by one, and its `event` and `notes` members are the event's.

Any other table works too: `columns` renames its columns to ours (`place=where`), a column we do not use is kept
as an attribute (refused with `strict`), and what such a table often lacks gets a stated default: the row label
as id, `other` as event type, the file's name as source, the place as summary.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import InputError
from ..geocode.areas import area_circle, precision_from_size
from ..models import Note, Source
from ..records import EVENT_COLUMNS, NOTE_COLUMNS, note_mapping, source_mapping
from .cells import ALIASES, KNOWN_COLUMNS, Row, cell, event_of, merge_source, row_of, validated, with_cited
from .reading import Table

__all__ = ["incident_rows", "incident_event", "place_from_geometry", "REQUIRED_HINT"]

REQUIRED_HINT = "id, event_type, where, when_start, source, summary, ..."
_LABEL_ID = re.compile(r"[^A-Za-z0-9_.:\-]+")


def place_from_geometry(row: dict[str, Any], geometry: dict[str, Any] | None, where: str, *,
                        has_columns: bool = False) -> None:
    """lat/lon (and for an area, radius and precision) from a feature's geometry, unless the row has them.

    `has_columns`: the table has lat/lon columns, so even their empty cells win (our reports export: the geometry
    is where a report was mapped, its lat/lon what the analyst wrote).
    """
    if has_columns or geometry is None or row.get("lat") is not None or row.get("lon") is not None:
        return
    if not geometry.get("type"):
        return
    if geometry.get("type") == "Point":
        coords = geometry.get("coordinates")
        if not (isinstance(coords, list | tuple) and len(coords) >= 2):
            raise InputError("a Point needs [longitude, latitude]", record=where, field="geometry")
        row["lon"], row["lat"] = cell("lon", coords[0], where), cell("lat", coords[1], where)
        return
    try:  # an area (Polygon, LineString, ...): the circle that holds it, unless the row gives radius/precision
        row["lat"], row["lon"], radius = area_circle(geometry)
    except InputError as exc:
        raise exc.located(record=where) from exc
    if row.get("radius_m") is None and row.get("precision") is None:
        row["radius_m"], row["precision"] = radius, precision_from_size(radius).value


def _check_header(table: Table, columns: dict[str, str] | None) -> None:
    seen: dict[str, str] = {}
    for name in table.columns:
        if name is None:
            continue
        mapped = columns.get(name.strip()) if columns else None
        column = mapped or ALIASES.get(name.strip().lower(), name.strip().lower())
        if column in seen and column in KNOWN_COLUMNS:
            raise InputError(f"column {name[:60]!r} repeats {seen[column][:60]!r}", record="row 1", field=column)
        seen[column] = name
    known = [c for c in seen if c in KNOWN_COLUMNS]
    if table.spreadsheet and not known:
        raise InputError(f"the first row must be a header naming the columns ({REQUIRED_HINT}); another table's "
                         "columns can be named with --columns 'theirs=ours'", record="row 1")


def _defaults(row: dict[str, Any], where: str, present: set[str], source: str) -> None:
    """What a foreign table lacks entirely (not an empty cell), said by a stated default."""
    if "id" not in present:
        row["id"] = _LABEL_ID.sub("-", where).strip("-")
    if "event_type" not in present:
        row["event_type"] = "other"
    if "source" not in present and "source_name" not in present:
        row["source"] = _LABEL_ID.sub("-", source).strip("-")[:100] or "table"
    if "summary" not in present and row.get("where"):
        row["summary"] = row["where"]
    if "where" not in present and row.get("lat") is not None and row.get("lon") is not None:
        row["where"] = f"{row['lat']}, {row['lon']}"


def _mapped_columns(table: Table, columns: dict[str, str] | None) -> set[str]:
    return {
        (columns.get(c.strip()) if columns else None) or ALIASES.get(c.strip().lower(), c.strip().lower())
        for c in table.columns if c is not None
    }


def incident_rows(table: Table, *, columns: dict[str, str] | None = None, strict: bool = False) -> list[Row]:
    """Our columns of every row (a nested `reports` list of our GeoJSON export read report by report)."""
    _check_header(table, columns)
    present = _mapped_columns(table, columns)
    rows: list[Row] = []
    for where, raw, geometry in table.rows:
        nested = raw.get("reports") if table.document is not None else None
        if isinstance(nested, list) and nested:
            for j, r in enumerate(nested):
                label = f"{where} report {j}"
                rows.append((label, row_of(r, label, strict=strict) if isinstance(r, dict) else {}))
            continue
        cells = {k: v for k, v in raw.items() if k != "reports"} if table.document is not None else raw
        row = row_of(cells, where, spreadsheet=table.spreadsheet, strict=strict, columns=columns)
        place_from_geometry(row, geometry, where, has_columns=bool({"lat", "lon"} & present))
        _defaults(row, where, present, table.name)
        rows.append((where, row))
    return rows


def _notes(event: dict[str, Any], member: Any) -> dict[str, Any]:
    """The context notes of our GeoJSON exports (`notes`, NOTE_COLUMNS records) added to `event`, with their sources."""
    if member is None:
        return event
    if not isinstance(member, list):
        raise InputError("'notes' must be a list", field="notes")
    sources = {s["id"]: s for s in event["sources"]}
    notes = []
    for j, raw in enumerate(member):
        where = f"note {j}"
        if not isinstance(raw, dict):
            raise InputError("a note must be an object", record=where)
        unknown = sorted(k for k in raw if k not in NOTE_COLUMNS)
        if unknown:
            raise InputError(f"unknown field {unknown[0][:60]!r} (known: {', '.join(NOTE_COLUMNS)})", record=where,
                             field=unknown[0][:60])
        row = {column: cell(column, value, where) for column, value in raw.items()}
        note = note_mapping(row)
        validated(Note, note, where, "")
        if note.get("source"):
            source = source_mapping(row)
            validated(Source, source, where, "source_")
            merge_source(sources, source, where)
        notes.append(note)
    event["sources"] = with_cited(sources)
    event["notes"] = notes
    return event


def incident_event(table: Table, *, columns: dict[str, str] | None = None, strict: bool = False) -> dict[str, Any]:
    """The incident-file mapping of an incident table (CSV, GeoJSON, GIS layer, DataFrame)."""
    rows = incident_rows(table, columns=columns, strict=strict)
    doc = table.document or {}
    member = doc.get("event")  # written by our exports: event_title, event_timezone, context_country, context_city
    defaults = None
    if isinstance(member, dict):
        defaults = row_of({k: v for k, v in member.items() if k in EVENT_COLUMNS}, "event")
    # our own export of an event whose reports all went unresolved has no features but is still that event
    ours = isinstance(member, dict) or bool(doc.get("notes"))
    event = event_of(rows, table.name, defaults, may_be_empty=ours)
    return _notes(event, doc.get("notes"))
