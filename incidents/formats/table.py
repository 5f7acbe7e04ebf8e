"""CSV and GeoJSON incident files: one report per row or feature, in the columns of incidents.records.

A CSV needs a header row; a GeoJSON is a FeatureCollection whose features carry the columns as properties (a Point
geometry stands for lat/lon when the properties have neither). Our own exports load unchanged: their computed
columns (incident id, mapped location, resolved times) are recognised and skipped, and an incidents GeoJSON's nested
`reports` are read one by one. Errors name the row (CSV, counting the header as row 1) or feature, and the column.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import InputError
from ..geocode.areas import area_circle, precision_from_size
from ..loader import read_input_text
from ..models import Note, Report, Source
from ..numbers import JSON_NUMBERS, TooManyDigits, to_number, to_whole_number
from ..records import (
    EVENT_COLUMNS,
    LIST_COLUMNS,
    NOTE_COLUMNS,
    NUMBER_COLUMNS,
    REPORT_COLUMNS,
    event_mapping,
    note_mapping,
    report_mapping,
    source_mapping,
)

__all__ = ["read_tabular_event", "COMPUTED_COLUMNS", "ALIASES", "neutralise", "unneutralise", "FORMULA_START"]

# Written by our exports, derived on every run, so never read back.
COMPUTED_COLUMNS = frozenset({
    "incident_id", "mapped_lat", "mapped_lon", "mapped_radius_m", "mapped_precision", "geocode_method",
    "time_start", "time_end", "time_precision",
})
ALIASES = {"when": "when_start", "date": "when_start", "place": "where", "latitude": "lat", "longitude": "lon",
           "source_id": "source", "timezone": "event_timezone", "title": "event_title"}
_KNOWN = frozenset(REPORT_COLUMNS) | frozenset(EVENT_COLUMNS)
# What a spreadsheet runs as a formula when a cell starts with it
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FIELD_COLUMN = {"when.start": "when_start", "when.end": "when_end", "when.precision": "when_precision",
                 "when.text": "when_text", "override.status": "override_status", "override.reason": "override_reason", "override.by": "override_by",
                 "span.start": "span_start", "span.end": "span_end", "span.text": "span_text"}


def neutralise(text: str) -> str:
    """Text a spreadsheet would evaluate (or that already starts with our apostrophe) gets one leading apostrophe."""
    if text.startswith(FORMULA_START) or (text.startswith("'") and text[1:2] in (*FORMULA_START, "'")):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """Undo `neutralise`: the apostrophe our CSV export puts before text a spreadsheet would run as a formula."""
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in (*FORMULA_START, "'") else text


def _cell(column: str, value: Any, where: str, spreadsheet: bool = False) -> Any:
    """A cell's value: None when empty, numbers and lists parsed, text with formula protection removed."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, TooManyDigits):
        raise InputError(f"a number with too many digits ({value})", record=where, field=column)
    if column in LIST_COLUMNS:
        if isinstance(value, list):
            items = value
        elif isinstance(value, str) and value.lstrip().startswith("["):
            try:
                items = json.loads(value)
            except json.JSONDecodeError as exc:
                raise InputError(f"not a JSON list of texts: {exc.msg}", record=where, field=column) from exc
        else:
            items = [part.strip() for part in str(value).split("|")]
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise InputError("must be a list of texts", record=where, field=column)
        return [unneutralise(i) if spreadsheet else i for i in items if i.strip()]
    if column in NUMBER_COLUMNS:
        convert = to_whole_number if column.startswith("span_") else to_number
        try:
            return convert(value)
        except ValueError as exc:
            raise InputError(str(exc), record=where, field=column) from exc
    if not isinstance(value, str):
        return value
    return unneutralise(value.strip()) if spreadsheet else value.strip()


def _row(raw: dict[str, Any], where: str, spreadsheet: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for key, value in raw.items():
        if key is None:  # csv.DictReader puts cells beyond the header under None
            raise InputError("more cells than the header has columns", record=where)
        column = ALIASES.get(key.strip().lower(), key.strip().lower())
        if column in COMPUTED_COLUMNS:
            continue
        if column not in _KNOWN:
            raise InputError(f"unknown column {key[:60]!r} (known: {', '.join(REPORT_COLUMNS)})", record=where,
                             field=key[:60])
        if column in row and row[column] is not None and value not in (None, ""):
            raise InputError("given twice (under an alias)", record=where, field=column)
        parsed = _cell(column, value, where, spreadsheet)
        if parsed is not None or column not in row:
            row[column] = parsed
    return row


_GROUPS = (("override_status", "override_reason", "override_by"), ("span_start", "span_end", "span_text"))


def _given(row: dict[str, Any], column: str) -> bool:
    return row.get(column) not in (None, "")


def _check_groups(row: dict[str, Any], where: str) -> None:
    """Columns that only mean something together: a reason without a status would otherwise be dropped silently."""
    for group in _GROUPS:
        present = [c for c in group if _given(row, c)]
        if not present:
            continue
        needed = group[:1] if group[0].startswith("override") else group
        missing = [c for c in needed if not _given(row, c)]
        if missing:
            raise InputError(f"{present[0]} needs {' and '.join(missing)} in the same row", record=where,
                             field=missing[0])


def _check(row: dict[str, Any], where: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The row's report and source mappings, validated so errors name the row and its column."""
    _check_groups(row, where)
    report, source = report_mapping(row), source_mapping(row)
    _validated(Report, report, where, "")
    _validated(Source, source, where, "source_")
    return report, source


def _validated(model: type[BaseModel], data: dict[str, Any], where: str, prefix: str) -> None:
    """Validate `data` as `model`; an error names the record and the column (`prefix` for a source's columns)."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        dotted = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-"))
        # a union type adds the member it tried ("when.start.datetime"): name the column the cell came from
        nested = next((c for f, c in _FIELD_COLUMN.items() if dotted == f or dotted.startswith(f + ".")), None)
        column = nested or (prefix + dotted if dotted and prefix and dotted != "id" else dotted)
        if prefix and dotted == "id":
            column = "source"
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            message = "required column is missing or empty"
        elif err["type"] == "extra_forbidden":
            message = "unknown field"
        raise InputError(message, record=where, field=column or None) from exc


def _merge_source(sources: dict[str, dict[str, Any]], source: dict[str, Any], where: str) -> None:
    known = sources.get(source["id"])
    if known is None:
        sources[source["id"]] = source
        return
    for key, value in source.items():
        if key == "name" and value == source["id"]:
            continue  # a row that names only the source id
        if known.get(key) in (None, known["id"] if key == "name" else None):
            known[key] = value
        elif value != known[key]:
            column = "source_name" if key == "name" else f"source_{key}"
            raise InputError(f"source {source['id']!r} is described differently in an earlier row "
                             f"({str(known[key])[:40]!r} there)", record=where, field=column)


def _with_cited(sources: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The sources, plus a name-only stub for each source that is only cited (no row of its own in the table)."""
    for source in list(sources.values()):
        for cited in source.get("cites", []):
            sources.setdefault(cited, {"id": cited, "name": cited})
    return list(sources.values())


def _event(rows: list[tuple[str, dict[str, Any]]], default_title: str,
           defaults: dict[str, Any] | None = None, *, may_be_empty: bool = False) -> dict[str, Any]:
    if not rows and not may_be_empty:
        raise InputError("no reports in the table")
    reports, sources = [], {}
    for where, row in rows:
        report, source = _check(row, where)
        reports.append(report)
        _merge_source(sources, source, where)
    event = event_mapping([row for _, row in rows] + ([defaults] if defaults else []), default_title)
    event["sources"] = _with_cited(sources)
    event["reports"] = reports
    return event


def _read_csv(path: Path) -> dict[str, Any]:
    text = read_input_text(path)
    header_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header_line.count)  # spreadsheets in some locales write ; or tabs
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = reader.fieldnames or []
        seen: dict[str, str] = {}
        for name in header:
            column = ALIASES.get(name.strip().lower(), name.strip().lower())
            if column in seen:
                raise InputError(f"column {name[:60]!r} repeats {seen[column][:60]!r}", record="row 1", field=column)
            seen[column] = name
        if not any(h and h.strip().lower() in ("id", "event_type") for h in header):
            raise InputError("the first row must be a header naming the columns (id, event_type, where, when_start,"
                             " source, summary, ...)", record="row 1")
        rows = [(f"row {reader.line_num}", _row(raw, f"row {reader.line_num}", spreadsheet=True)) for raw in reader]
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", record=f"row {reader.line_num}") from exc
    return _event(rows, path.stem)


def _feature_rows(feature: Any, index: int) -> list[tuple[str, dict[str, Any]]]:
    where = f"feature {index}"
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise InputError("not a GeoJSON Feature", record=where)
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        raise InputError("properties must be an object", record=where, field="properties")
    nested = props.get("reports")
    if isinstance(nested, list) and nested:
        return [(f"{where} report {j}", _row(r, f"{where} report {j}") if isinstance(r, dict) else {})
                for j, r in enumerate(nested)]
    row = _row({k: v for k, v in props.items() if k != "reports"}, where)
    geometry = feature.get("geometry")
    if "lat" not in props and "lon" not in props and isinstance(geometry, dict) and geometry.get("type") == "Point":
        coords = geometry.get("coordinates")
        if not (isinstance(coords, list) and len(coords) >= 2):
            raise InputError("a Point needs [longitude, latitude]", record=where, field="geometry")
        row["lon"], row["lat"] = _cell("lon", coords[0], where), _cell("lat", coords[1], where)
    elif "lat" not in props and "lon" not in props and isinstance(geometry, dict) and geometry.get("type"):
        # an area (Polygon, LineString, ...): the circle that holds it, unless the properties give radius/precision
        try:
            row["lat"], row["lon"], radius = area_circle(geometry)
        except InputError as exc:
            raise exc.located(record=where) from exc
        if row.get("radius_m") is None and row.get("precision") is None:
            row["radius_m"], row["precision"] = radius, precision_from_size(radius).value
    return [(where, row)]


def _read_geojson(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(read_input_text(path), **JSON_NUMBERS)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    except RecursionError as exc:
        raise InputError("JSON nests too deeply") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise InputError("a GeoJSON incident file must be a FeatureCollection", field="type")
    features = data.get("features")
    if not isinstance(features, list):
        raise InputError("'features' must be a list", field="features")
    rows = [row for i, f in enumerate(features) for row in _feature_rows(f, i)]
    name = data.get("name")
    member = data.get("event")  # written by our exports: event_title, event_timezone, context_country, context_city
    defaults = _row({k: v for k, v in member.items() if k in EVENT_COLUMNS}, "event") if isinstance(member, dict) else None
    # our own export of an event whose reports all went unresolved has no features but is still that event
    ours = isinstance(member, dict) or bool(data.get("notes"))
    event = _event(rows, name if isinstance(name, str) and name.strip() else path.stem, defaults, may_be_empty=ours)
    return _with_notes(event, data.get("notes"))


def _with_notes(event: dict[str, Any], member: Any) -> dict[str, Any]:
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
        row = {column: _cell(column, value, where) for column, value in raw.items()}
        note = note_mapping(row)
        _validated(Note, note, where, "")
        if note.get("source"):
            source = source_mapping(row)
            _validated(Source, source, where, "source_")
            _merge_source(sources, source, where)
        notes.append(note)
    event["sources"] = _with_cited(sources)
    event["notes"] = notes
    return event


def read_tabular_event(path: str | Path) -> dict[str, Any]:
    """The incident-file mapping (title, timezone, context, sources, reports) of a CSV or GeoJSON file."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".csv":
            return _read_csv(path)
        return _read_geojson(path)
    except InputError as exc:
        raise exc.located(path=str(path)) from exc
