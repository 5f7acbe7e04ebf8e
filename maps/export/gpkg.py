"""GeoPackage export: `incidents` (points), `uncertainty` (geodesic polygons) and `reports` (points) layers.

Columns get GeoPackage types GIS tools can filter and sort on: the resolved `time_start`/`time_end` are DateTime
(UTC), the numeric report columns Real or Integer even where every value is empty. The raw `when_start`/`when_end`
stay text: they are what the analyst wrote (a date, or a time with its own offset), and the CSV/YAML inputs read them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from incidents.atomic import atomic_path
from incidents.errors import OutputError
from incidents.models import MappedEvent
from incidents.records import NUMBER_COLUMNS
from layers.frame import to_geodataframe

from .qgis_styles import write_layer_styles

__all__ = ["write_gpkg", "GPKG_LAYERS", "typed", "sqlite_text"]

GPKG_LAYERS = ("incidents", "uncertainty", "reports")
# GeoPackage stores a "last change" time per layer; a fixed one keeps the same input giving the same file.
_FIXED_DATE = {"OGR_CURRENT_DATE": "2000-01-01T00:00:00.000Z"}


DATETIME_COLUMNS = ("time_start", "time_end")
REAL_COLUMNS = tuple(sorted(c for c in NUMBER_COLUMNS if not c.startswith("span_")))  # lat, lon, radius_m
INTEGER_COLUMNS = tuple(sorted(c for c in NUMBER_COLUMNS if c.startswith("span_")))  # character offsets


def sqlite_text(value: object) -> object:
    """Text SQLite (and so GeoPackage) can hold: a NUL would cut the value short there, so it becomes U+FFFD."""
    return value.replace("\x00", "\ufffd") if isinstance(value, str) and "\x00" in value else value


def _without_nul(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    for column in frame.columns:
        if column != frame.geometry.name and pd.api.types.is_string_dtype(frame[column].dtype):
            frame[column] = frame[column].map(sqlite_text)
    return frame


def typed(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """`frame` with its time columns as UTC datetimes and its number columns numeric (empty cells stay null)."""
    for column in DATETIME_COLUMNS:
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")  # layers.properties.iso_utc
    for column in REAL_COLUMNS:
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column], errors="raise").astype("float64")
    for column in INTEGER_COLUMNS:
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column], errors="raise").astype("Int64")
    return frame


def write_gpkg(mapped: MappedEvent, path: str | Path) -> list[Path]:
    """All three layers in one GeoPackage at `path`, replaced atomically."""
    path = Path(path)
    with atomic_path(path, suffix=".gpkg") as tmp:
        tmp.unlink()  # GDAL creates the file itself
        pyogrio.set_gdal_config_options(_FIXED_DATE)
        try:
            for layer in GPKG_LAYERS:
                frame = _without_nul(typed(to_geodataframe(mapped, layer, flat=True)))
                pyogrio.write_dataframe(
                    frame,
                    tmp,
                    layer=layer,
                    driver="GPKG",
                    append=False,
                    layer_options={"IDENTIFIER": f"{sqlite_text(mapped.title[:80])} ({layer})"},
                )
            write_layer_styles(tmp, {"incidents": "point", "uncertainty": "polygon"})  # QGIS opens them styled
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError, sqlite3.Error) as exc:
            raise OutputError(f"{path}: cannot write GeoPackage: {exc}") from exc
        finally:
            pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
    return [path]
