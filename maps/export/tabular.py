"""CSV export: one row per incident, and with --reports one row per report in the columns the CSV loader reads.

Cells are raw values; a text cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR) gets a leading
apostrophe, which the CSV loader removes again, so the export round-trips.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

import orjson

from incidents.atomic import write_atomic
from incidents.formats.cells import neutralise
from incidents.models import MappedEvent
from incidents.records import EVENT_COLUMNS, REPORT_COLUMNS, event_record
from layers.properties import PROPERTY_NAMES, incident_properties, report_properties

from .geojson import sibling

__all__ = ["write_csv", "neutralise", "INCIDENT_COLUMNS", "REPORT_TABLE_COLUMNS"]

INCIDENT_COLUMNS: tuple[str, ...] = ("id", "lat", "lon", *[n for n in PROPERTY_NAMES if n not in ("id", "reports")])
REPORT_TABLE_COLUMNS: tuple[str, ...] = (
    *EVENT_COLUMNS, *REPORT_COLUMNS,
    "incident_id", "mapped_lat", "mapped_lon", "mapped_radius_m", "mapped_precision", "geocode_method",
    "time_start", "time_end", "time_precision",
)
def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if math.isfinite(value) and value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, dict)):
        items = [neutralise(v) if isinstance(v, str) else v for v in value] if isinstance(value, list) else value
        return orjson.dumps(items, option=orjson.OPT_SORT_KEYS).decode()
    return neutralise(str(value))


def _table(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def write_csv(mapped: MappedEvent, path: str | Path, *, reports: bool = False) -> list[Path]:
    """Incidents to `path` (UTF-8 with BOM so spreadsheets detect it); with reports, `<stem>.reports.csv`."""
    path = Path(path)
    rows = []
    for inc in mapped.incidents:
        props = incident_properties(inc)
        props["lat"], props["lon"] = round(inc.geocode.lat, 6), round(inc.geocode.lon, 6)
        rows.append(props)
    written = [write_atomic(path, "\ufeff" + _table(INCIDENT_COLUMNS, rows))]
    if reports:
        head = event_record(mapped.title, mapped.timezone, mapped.context)
        table = [{**head, **report_properties(r, inc.id)} for inc in mapped.incidents for r in inc.reports]
        written.append(write_atomic(sibling(path, "reports"), "\ufeff" + _table(REPORT_TABLE_COLUMNS, table)))
    return written
