"""Cells and rows of every input table: our columns (incidents.records) parsed, the rest kept as attributes.

A row is a dict of our columns; a column we do not use is kept under `attributes` (shown in the popup and carried
into every export) unless the reader is strict, which refuses it. Errors name the row and the column.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import InputError
from ..models import Report, Source
from ..numbers import TooManyDigits, to_number, to_whole_number
from ..records import (
    DICT_COLUMNS,
    EVENT_COLUMNS,
    LIST_COLUMNS,
    NUMBER_COLUMNS,
    REPORT_COLUMNS,
    event_mapping,
    report_mapping,
    source_mapping,
)

__all__ = [
    "COMPUTED_COLUMNS", "ALIASES", "KNOWN_COLUMNS", "FORMULA_START", "neutralise", "unneutralise", "cell", "row_of",
    "check_row", "validated", "merge_source", "with_cited", "event_of", "attribute_value", "Row",
]

Row = tuple[str, dict[str, Any]]  # (where: "row 3", "feature 2", ...; our columns)

# Written by our exports, derived on every run, so never read back.
COMPUTED_COLUMNS = frozenset({
    "incident_id", "mapped_lat", "mapped_lon", "mapped_radius_m", "mapped_precision", "geocode_method",
    "time_start", "time_end", "time_precision",
})
ALIASES = {"when": "when_start", "date": "when_start", "place": "where", "latitude": "lat", "longitude": "lon",
           "source_id": "source", "timezone": "event_timezone", "title": "event_title"}
KNOWN_COLUMNS = frozenset(REPORT_COLUMNS) | frozenset(EVENT_COLUMNS)
# What a spreadsheet runs as a formula when a cell starts with it
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FIELD_COLUMN = {"when.start": "when_start", "when.end": "when_end", "when.precision": "when_precision",
                 "when.text": "when_text", "override.status": "override_status", "override.reason": "override_reason",
                 "override.by": "override_by", "span.start": "span_start", "span.end": "span_end",
                 "span.text": "span_text"}
_GROUPS = (("override_status", "override_reason", "override_by"), ("span_start", "span_end", "span_text"))


def neutralise(text: str) -> str:
    """Text a spreadsheet would evaluate (or that already starts with our apostrophe) gets one leading apostrophe."""
    if text.startswith(FORMULA_START) or (text.startswith("'") and text[1:2] in (*FORMULA_START, "'")):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """Undo `neutralise`: the apostrophe our CSV export puts before text a spreadsheet would run as a formula."""
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in (*FORMULA_START, "'") else text


def attribute_value(value: Any, where: str, column: str, spreadsheet: bool = False) -> Any:
    """A foreign cell as an attribute: text, a finite number, a boolean or None (dates as ISO text)."""
    if value is None:  # (a DataFrame's empty cells arrive as None: incidents.formats.reading)
        return None
    if isinstance(value, TooManyDigits):
        raise InputError(f"a number with too many digits ({value})", record=where, field=column)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value).bit_length() > 64:
        raise InputError("a number with too many digits", record=where, field=column)
    if isinstance(value, bool | int | str):
        if isinstance(value, str):
            value = unneutralise(value.strip()) if spreadsheet else value.strip()
            return value or None
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"not a finite number: {value!r}", record=where, field=column)
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "item"):  # a numpy scalar
        return attribute_value(value.item(), where, column, spreadsheet)
    if hasattr(value, "isoformat"):  # a pandas Timestamp
        return value.isoformat()
    return json.dumps(value, sort_keys=True, default=str)  # a list or mapping: its JSON text


def _dict_cell(column: str, value: Any, where: str) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise InputError(f"not a JSON object: {exc.msg}", record=where, field=column) from exc
    if not isinstance(value, dict):
        raise InputError("must be an object of names and values", record=where, field=column)
    return {str(k): attribute_value(v, where, f"{column}.{k}") for k, v in value.items()}


def cell(column: str, value: Any, where: str, spreadsheet: bool = False) -> Any:
    """A cell's value: None when empty, numbers and lists parsed, text with formula protection removed."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, TooManyDigits):
        raise InputError(f"a number with too many digits ({value})", record=where, field=column)
    if column in DICT_COLUMNS:
        return _dict_cell(column, value, where)
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
        if hasattr(value, "item") and not isinstance(value, str | int | float):
            value = value.item()  # a numpy scalar
        convert = to_whole_number if column.startswith("span_") else to_number
        try:
            return convert(value)
        except ValueError as exc:
            raise InputError(str(exc), record=where, field=column) from exc
    if hasattr(value, "isoformat") and not isinstance(value, str):  # a date or Timestamp from a typed table
        return value.isoformat()
    if hasattr(value, "item"):  # a numpy scalar
        return value.item()
    if not isinstance(value, str):
        return value
    return unneutralise(value.strip()) if spreadsheet else value.strip()


def row_of(raw: dict[str, Any], where: str, *, spreadsheet: bool = False, strict: bool = False,
           columns: dict[str, str] | None = None) -> dict[str, Any]:
    """Our columns of a raw row (`columns` renames theirs to ours first); other columns become attributes.

    `strict` refuses a column we do not use instead, naming it.
    """
    row: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    for key, value in raw.items():
        if key is None:  # csv.DictReader puts cells beyond the header under None
            raise InputError("more cells than the header has columns", record=where)
        name = str(key)
        mapped = columns.get(name.strip()) if columns else None
        column = mapped or ALIASES.get(name.strip().lower(), name.strip().lower())
        if column in COMPUTED_COLUMNS:
            continue
        if column not in KNOWN_COLUMNS:
            if strict:
                raise InputError(f"unknown column {name[:60]!r} (known: {', '.join(REPORT_COLUMNS)}; without --strict"
                                 " it would be kept as an attribute)", record=where, field=name[:60])
            attributes[name.strip()[:200]] = attribute_value(value, where, name[:60], spreadsheet)
            continue
        if column in row and row[column] is not None and value not in (None, ""):
            raise InputError("given twice (under an alias)", record=where, field=column)
        parsed = cell(column, value, where, spreadsheet)
        if parsed is not None or column not in row:
            row[column] = parsed
    if attributes:
        row["attributes"] = {**attributes, **(row.get("attributes") or {})}
    return row


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


def check_row(row: dict[str, Any], where: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The row's report and source mappings, validated so errors name the row and its column."""
    _check_groups(row, where)
    report, source = report_mapping(row), source_mapping(row)
    validated(Report, report, where, "")
    validated(Source, source, where, "source_")
    return report, source


def validated(model: type[BaseModel], data: dict[str, Any], where: str, prefix: str) -> None:
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
        if column.startswith("attributes."):
            column = column.removeprefix("attributes.")
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            message = "required column is missing or empty"
        elif err["type"] == "extra_forbidden":
            message = "unknown field"
        raise InputError(message, record=where, field=column or None) from exc


def merge_source(sources: dict[str, dict[str, Any]], source: dict[str, Any], where: str) -> None:
    """Add a row's source to `sources`; a source described differently in two rows is an InputError."""
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


def with_cited(sources: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The sources, plus a name-only stub for each source that is only cited (no row of its own in the table)."""
    for source in list(sources.values()):
        for cited in source.get("cites", []):
            sources.setdefault(cited, {"id": cited, "name": cited})
    return list(sources.values())


def event_of(rows: list[Row], default_title: str, defaults: dict[str, Any] | None = None, *,
             may_be_empty: bool = False, extra_sources: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The incident-file mapping of validated rows: title, time zone and context from the rows, their sources."""
    if not rows and not may_be_empty:
        raise InputError("no reports in the table")
    reports, sources = [], {}
    for source in extra_sources or ():
        sources.setdefault(source["id"], source)
    for where, row in rows:
        report, source = check_row(row, where)
        reports.append(report)
        merge_source(sources, source, where)
    event = event_mapping([row for _, row in rows] + ([defaults] if defaults else []), default_title)
    event["sources"] = with_cited(sources)
    event["reports"] = reports
    return event
