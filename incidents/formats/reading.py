"""The one table reader every format shares: CSV (`,` `;` or tab), GeoJSON, any OGR layer (GeoPackage, Shapefile,
FlatGeobuf, ... through pyogrio), Parquet/GeoParquet, and a pandas DataFrame or GeoDataFrame.

It gives raw rows (column -> value) with their geometry, if any, as a GeoJSON-like mapping; what the columns mean
is the formats' business. Row labels are what a user finds the row by: `row 3` of a CSV (the header is row 1),
`feature 2` of a GeoJSON (from 0), `feature 7` of an OGR layer (its fid), `row 5` of a DataFrame (its index).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..numbers import JSON_NUMBERS
from ..reading import check_library_input

__all__ = ["Table", "read_table", "CSV_SUFFIXES", "GEOJSON_SUFFIXES", "OGR_SUFFIXES", "PARQUET_SUFFIXES",
           "TABLE_SUFFIXES", "input_text", "GDELT_EVENT_COLUMNS"]

CSV_SUFFIXES = (".csv", ".tsv", ".tab")
GEOJSON_SUFFIXES = (".geojson",)
OGR_SUFFIXES = (".gpkg", ".shp", ".fgb", ".gml", ".sqlite")
PARQUET_SUFFIXES = (".parquet", ".geoparquet")
TABLE_SUFFIXES = CSV_SUFFIXES + GEOJSON_SUFFIXES + OGR_SUFFIXES + PARQUET_SUFFIXES

# GDELT 2.0 event files (`*.export.CSV`) are tab-separated without a header: these are their 61 columns.
GDELT_EVENT_COLUMNS = (
    "GLOBALEVENTID SQLDATE MonthYear Year FractionDate Actor1Code Actor1Name Actor1CountryCode Actor1KnownGroupCode "
    "Actor1EthnicCode Actor1Religion1Code Actor1Religion2Code Actor1Type1Code Actor1Type2Code Actor1Type3Code "
    "Actor2Code Actor2Name Actor2CountryCode Actor2KnownGroupCode Actor2EthnicCode Actor2Religion1Code "
    "Actor2Religion2Code Actor2Type1Code Actor2Type2Code Actor2Type3Code IsRootEvent EventCode EventBaseCode "
    "EventRootCode QuadClass GoldsteinScale NumMentions NumSources NumArticles AvgTone Actor1Geo_Type "
    "Actor1Geo_FullName Actor1Geo_CountryCode Actor1Geo_ADM1Code Actor1Geo_ADM2Code Actor1Geo_Lat Actor1Geo_Long "
    "Actor1Geo_FeatureID Actor2Geo_Type Actor2Geo_FullName Actor2Geo_CountryCode Actor2Geo_ADM1Code "
    "Actor2Geo_ADM2Code Actor2Geo_Lat Actor2Geo_Long Actor2Geo_FeatureID ActionGeo_Type ActionGeo_FullName "
    "ActionGeo_CountryCode ActionGeo_ADM1Code ActionGeo_ADM2Code ActionGeo_Lat ActionGeo_Long ActionGeo_FeatureID "
    "DATEADDED SOURCEURL"
).split()


@dataclass
class Table:
    """Raw rows of one input table."""

    name: str  # a default title: the file's stem, the GeoJSON's name
    columns: list[str]
    rows: list[tuple[str, dict[str, Any], dict[str, Any] | None]]  # (where, cells, geometry)
    spreadsheet: bool = False  # text cells of a CSV: our export's formula protection is undone
    document: dict[str, Any] | None = field(default=None, repr=False)  # a GeoJSON document, for its own members


def input_text(path: Path) -> str:
    """The checked UTF-8 text of an input file (the loader's rules: size, encoding, NUL bytes, empty)."""
    from ..loader import read_input_text  # at call time: the loader imports the formats lazily too

    return read_input_text(path)


def _csv(path: Path) -> Table:
    text = input_text(path)
    header_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header_line.count)  # spreadsheets in some locales write ; or tabs
    if delimiter == "\t" and len(header_line.split("\t")) == len(GDELT_EVENT_COLUMNS) and header_line[:1].isdigit():
        reader = csv.DictReader(io.StringIO(text, newline=""), fieldnames=GDELT_EVENT_COLUMNS, delimiter="\t")
    else:
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = list(reader.fieldnames or [])
        rows = [(f"row {reader.line_num}", dict(raw), None) for raw in reader]
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", record=f"row {reader.line_num}") from exc
    return Table(path.stem, header, rows, spreadsheet=True)


def _geojson(path: Path) -> Table:
    try:
        data = json.loads(input_text(path), **JSON_NUMBERS)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    except RecursionError as exc:
        raise InputError("JSON nests too deeply") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise InputError("a GeoJSON incident file must be a FeatureCollection", field="type")
    features = data.get("features")
    if not isinstance(features, list):
        raise InputError("'features' must be a list", field="features")
    rows, columns = [], {}
    for i, feature in enumerate(features):
        where = f"feature {i}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise InputError("not a GeoJSON Feature", record=where)
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            raise InputError("properties must be an object", record=where, field="properties")
        columns.update(dict.fromkeys(props))
        geometry = feature.get("geometry")
        rows.append((where, props, geometry if isinstance(geometry, dict) else None))
    name = data.get("name")
    return Table(name if isinstance(name, str) and name.strip() else path.stem, list(columns), rows, document=data)


def _frame(frame: Any, name: str, label: str = "row") -> Table:
    """Rows of a pandas DataFrame or GeoDataFrame (geometry in WGS84 as GeoJSON-like mappings)."""
    import pandas as pd

    geometries: list[dict[str, Any] | None] = [None] * len(frame)
    geometry_name = getattr(frame, "_geometry_column_name", None) if hasattr(frame, "geometry") else None
    if geometry_name is not None and geometry_name in frame.columns:
        from shapely.geometry import mapping

        series = frame.geometry
        if series.crs is not None and not series.crs.equals("EPSG:4326"):
            series = series.to_crs("EPSG:4326")
        geometries = [mapping(g) if g is not None and not g.is_empty else None for g in series]
        frame = pd.DataFrame(frame.drop(columns=[geometry_name]))
    columns = [str(c) for c in frame.columns]
    values = frame.astype(object).where(frame.notna(), None)
    rows = [
        (f"{label} {index}", dict(zip(columns, record, strict=True)), geometry)
        for index, record, geometry in zip(frame.index, values.itertuples(index=False, name=None), geometries,
                                           strict=True)
    ]
    return Table(name, columns, rows)


def _ogr(path: Path) -> Table:
    try:
        import pyogrio
    except ModuleNotFoundError as exc:  # pragma: no cover - a core dependency
        raise InputError("reading GIS layers needs pyogrio: pip install pyogrio", path=str(path)) from exc
    try:
        layers = pyogrio.list_layers(path)
        frame = pyogrio.read_dataframe(path, layer=layers[0][0] if len(layers) else None, fid_as_index=True)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise InputError(f"cannot read as a GIS layer: {' '.join(str(exc).split())[:200]}") from exc
    return _frame(frame, path.stem, "feature")


def _parquet(path: Path) -> Table:
    try:
        import pyarrow.parquet as pq
    except ModuleNotFoundError as exc:
        raise InputError("Parquet input needs pyarrow: pip install pyarrow") from exc
    try:
        metadata = pq.read_schema(path).metadata or {}
        if b"geo" in metadata:
            import geopandas as gpd

            frame = gpd.read_parquet(path)
        else:
            import pandas as pd

            frame = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read as Parquet: {' '.join(str(exc).split())[:200]}") from exc
    return _frame(frame, path.stem)


def read_table(source: Any, *, name: str | None = None) -> Table:
    """The raw rows of a table file (by its suffix) or of a pandas DataFrame/GeoDataFrame."""
    if not isinstance(source, str | Path):
        if not hasattr(source, "columns") or not hasattr(source, "index"):
            raise InputError(f"cannot read a {type(source).__name__} as a table; give a path or a DataFrame")
        return _frame(source, name or "table")
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _csv(path)
    if suffix in GEOJSON_SUFFIXES:
        return _geojson(path)
    check_library_input(path)  # GDAL and pyarrow open the file themselves: a regular file within the limit only
    if suffix in PARQUET_SUFFIXES:
        return _parquet(path)
    return _ogr(path)
