"""Any input table as an incident file: read by the shared reader, its format detected from its columns (or said
with `format`), its rows turned into reports by that format's adapter.

Formats: `acled`, `ucdp-ged`, `gdelt`, `ushahidi` (incidents.formats.<name>) and `incidents` (our own columns, and
any other table: incidents.formats.incidents_table). `columns` renames a table's columns first ("place=where":
their `place` is our `where`, or a dataset's codebook column). Columns no format uses are kept as attributes;
`strict` refuses them. Errors name the row and the table's own column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError
from .acled import ACLED
from .cells import FORMULA_START, Row, event_of, neutralise, unneutralise
from .dataset import Adapter, Cells
from .gdelt import GDELT
from .incidents_table import incident_event, place_from_geometry
from .reading import Table, read_table
from .ucdp_ged import UCDP_GED
from .ushahidi import USHAHIDI

__all__ = ["read_tabular_event", "detect_format", "parse_columns", "FORMATS", "ADAPTERS", "neutralise",
           "unneutralise", "FORMULA_START"]

ADAPTERS: dict[str, Adapter] = {a.name: a for a in (ACLED, UCDP_GED, GDELT, USHAHIDI)}
FORMATS = (*ADAPTERS, "incidents")
# Our field -> the dataset column an error about it names
_THEIR_COLUMN = {
    "acled": {"id": "event_id_cnty", "where": "location", "when_start": "event_date", "summary": "notes"},
    "ucdp-ged": {"id": "id", "where": "where_coordinates", "when_start": "date_start", "when_end": "date_end",
                 "summary": "source_headline"},
    "gdelt": {"id": "GLOBALEVENTID", "where": "ActionGeo_FullName", "when_start": "SQLDATE"},
    "ushahidi": {"id": "#", "where": "LOCATION", "when_start": "INCIDENT DATE", "summary": "INCIDENT TITLE"},
}


def parse_columns(text: str | dict[str, str] | None) -> dict[str, str]:
    """'place=where,date=when_start' (theirs=ours) as a mapping; InputError naming --columns when malformed."""
    if not text:
        return {}
    if isinstance(text, dict):
        return {str(k).strip(): str(v).strip() for k, v in text.items()}
    mapping: dict[str, str] = {}
    for part in text.split(","):
        theirs, equals, ours = part.partition("=")
        if not equals or not theirs.strip() or not ours.strip():
            raise InputError(f"{part.strip()[:60]!r} is not THEIRS=OURS (e.g. 'place=where,date=when_start')",
                             field="--columns")
        mapping[theirs.strip()] = ours.strip()
    return mapping


def detect_format(columns: list[str]) -> str:
    """The dataset whose columns the table has (acled, ucdp-ged, gdelt, ushahidi), else `incidents`."""
    names = {str(c).strip().lower() for c in columns if c is not None}
    return next((name for name, adapter in ADAPTERS.items() if adapter.detect(names)), "incidents")


def _check_renames(table: Table, columns: dict[str, str]) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        shown = ", ".join(repr(str(c)[:40]) for c in table.columns[:20])
        raise InputError(f"the table has no column {missing[0][:60]!r} (its columns: {shown})", field="--columns")


def _renamed(table: Table, columns: dict[str, str]) -> Table:
    rows = [(where, {columns.get(k, k): v for k, v in raw.items()}, geometry) for where, raw, geometry in table.rows]
    return Table(table.name, [columns.get(c, c) for c in table.columns], rows, table.spreadsheet, table.document)


def _dataset_event(table: Table, adapter: Adapter, strict: bool, title: str) -> dict[str, Any]:
    rows: list[Row] = []
    cited: dict[str, dict[str, Any]] = {}
    for where, raw, geometry in table.rows:
        cells = Cells(raw, where, spreadsheet=table.spreadsheet)
        row, sources = adapter.row(cells)
        attributes = cells.attributes()
        if strict:
            unread = cells.unread()
            if unread:
                raise InputError(f"column {unread[0][:60]!r} is not one {adapter.name} defines (without --strict it "
                                 "would be kept as an attribute)", record=where, field=unread[0][:60])
        row = {k: v for k, v in row.items() if v is not None}
        row["attributes"] = {k: v for k, v in attributes.items() if v is not None}
        row["event_row"] = adapter.rows_are_events
        place_from_geometry(row, geometry, where)
        if row.get("lat") is None or row.get("lon") is None:  # no coordinates: geocoded from the place text
            row.pop("radius_m", None)
            row.pop("precision", None)
        for source in sources:
            cited.setdefault(source["id"], source)
        rows.append((where, row))
    try:
        event = event_of(rows, title, extra_sources=list(cited.values()))
    except InputError as exc:
        theirs = _THEIR_COLUMN.get(adapter.name, {}).get(exc.field or "")
        if theirs is None:
            raise
        raise InputError(exc.message, record=exc.record, field=theirs) from exc
    if "timezone" not in event:
        # a dataset's dates are local days (ACLED's event_date, UCDP's date_start): read them in the zone where its
        # first located row lies, never silently in UTC
        point = next(((r["lat"], r["lon"]) for _, r in rows if r.get("lat") is not None and r.get("lon") is not None),
                     None)
        if point is not None:
            from ..geocode.timezones import zone_at

            zone = zone_at(float(point[0]), float(point[1]))
            if zone and not zone.startswith("Etc/"):
                event["timezone"] = zone
    return event


def read_tabular_event(source: str | Path | Any, *, format: str | None = None, columns: str | dict | None = None,
                       strict: bool = False, name: str | None = None) -> dict[str, Any]:
    """The incident-file mapping (title, timezone, context, sources, reports) of a table file or DataFrame."""
    label = str(source) if isinstance(source, str | Path) else None
    try:
        if format is not None and format not in FORMATS:
            raise InputError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}", field="--format")
        table = read_table(source, name=name)
        renames = parse_columns(columns)
        _check_renames(table, renames)
        kind = format or detect_format([renames.get(c, c) for c in table.columns if c is not None])
        if kind == "incidents":
            return incident_event(table, columns=renames, strict=strict)
        if renames:
            table = _renamed(table, renames)
        adapter = ADAPTERS[kind]
        title = table.name if label else adapter.title
        return _dataset_event(table, adapter, strict, title)
    except InputError as exc:
        if label is None:
            raise
        raise exc.located(path=label) from exc
