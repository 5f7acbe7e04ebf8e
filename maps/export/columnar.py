"""GeoParquet (`.parquet`) and FlatGeobuf (`.fgb`) exports: the incidents layer, and its siblings on request.

Both are columnar formats that GIS tools and data frames read fast (QGIS, GDAL, DuckDB, geopandas, Arrow). Each
file holds one layer, so `--polygons` adds `OUT.uncertainty.parquet` (geodesic circles) and `--reports` adds
`OUT.reports.parquet` (every report's full record, with the incident id it belongs to, which reloads as the incident
file). Columns are typed as in the GeoPackage (`maps.export.gpkg.typed`: times as UTC datetimes, numbers as
numbers); lists and objects are JSON text. GeoParquet is written by geopandas through pyarrow (GeoParquet 1.0
metadata, WKB geometry), FlatGeobuf by GDAL through pyogrio (with its spatial index). Writes are atomic.
"""

from __future__ import annotations

from pathlib import Path

from incidents.atomic import atomic_path
from incidents.errors import OutputError
from incidents.models import MappedEvent
from layers.frame import to_geodataframe

from .geojson import sibling
from .gpkg import typed

__all__ = ["write_parquet", "write_fgb", "layer_paths"]


def layer_paths(path: Path, *, polygons: bool, reports: bool) -> list[tuple[str, Path]]:
    """(layer, file) for every file a columnar export of `path` writes."""
    layers = [("incidents", path)]
    if polygons:
        layers.append(("uncertainty", sibling(path, "uncertainty")))
    if reports:
        layers.append(("reports", sibling(path, "reports")))
    return layers


def write_parquet(mapped: MappedEvent, path: str | Path, *, polygons: bool = False, reports: bool = False) -> list[Path]:
    """GeoParquet files of the incidents (and the asked-for sibling layers), each replaced atomically."""
    written = []
    for layer, target in layer_paths(Path(path), polygons=polygons, reports=reports):
        frame = typed(to_geodataframe(mapped, layer, flat=True))
        with atomic_path(target) as tmp:
            try:
                frame.to_parquet(tmp, index=False, compression="zstd")
            except (OSError, ValueError) as exc:
                raise OutputError(f"{target}: cannot write GeoParquet: {exc}") from exc
        written.append(target)
    return written


def write_fgb(mapped: MappedEvent, path: str | Path, *, polygons: bool = False, reports: bool = False) -> list[Path]:
    """FlatGeobuf files of the incidents (and the asked-for sibling layers), each replaced atomically."""
    import pyogrio

    written = []
    for layer, target in layer_paths(Path(path), polygons=polygons, reports=reports):
        frame = typed(to_geodataframe(mapped, layer, flat=True))
        with atomic_path(target, suffix=".fgb") as tmp:
            tmp.unlink()  # GDAL creates the file itself
            try:
                pyogrio.write_dataframe(frame, tmp, layer=layer, driver="FlatGeobuf")
            except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as exc:
                raise OutputError(f"{target}: cannot write FlatGeobuf: {exc}") from exc
        written.append(target)
    return written
