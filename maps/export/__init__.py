"""Exports GIS tools read: GeoJSON, GeoPackage, KML, CSV, GeoParquet and FlatGeobuf, chosen by the output's suffix."""

from __future__ import annotations

from pathlib import Path

from incidents.errors import InputError
from incidents.models import MappedEvent

__all__ = ["export", "FORMATS"]

FORMATS = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".kml": "kml", ".csv": "csv",
           ".parquet": "parquet", ".fgb": "fgb"}


def export(mapped: MappedEvent, path: str | Path, *, fmt: str | None = None, polygons: bool = False,
           reports: bool = False) -> list[Path]:
    """Write `mapped` to `path` in the format its suffix (or `fmt`) names; returns every file written."""
    path = Path(path)
    kind = fmt or FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InputError(f"unknown export format {path.suffix or '(no suffix)'!r}; use .geojson, .gpkg, .kml, .csv, .parquet or .fgb",
                         field="-o/--output")
    if kind == "geojson":
        from .geojson import write_geojson

        return write_geojson(mapped, path, polygons=polygons, reports=reports)
    if kind == "gpkg":
        from .gpkg import write_gpkg

        return write_gpkg(mapped, path)
    if kind in ("parquet", "fgb"):
        from .columnar import write_fgb, write_parquet

        writer = write_parquet if kind == "parquet" else write_fgb
        return writer(mapped, path, polygons=polygons, reports=reports)
    if kind == "kml":
        from .kml import write_kml

        return write_kml(mapped, path)
    from .tabular import write_csv

    return write_csv(mapped, path, reports=reports)
