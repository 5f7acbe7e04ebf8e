"""GeoPackage export: `incidents` (points), `uncertainty` (geodesic polygons) and `reports` (points) layers."""

from __future__ import annotations

from pathlib import Path

import pyogrio

from incidents.atomic import atomic_path
from incidents.errors import OutputError
from incidents.models import MappedEvent
from layers.frame import to_geodataframe

__all__ = ["write_gpkg", "GPKG_LAYERS"]

GPKG_LAYERS = ("incidents", "uncertainty", "reports")
# GeoPackage stores a "last change" time per layer; a fixed one keeps the same input giving the same file.
_FIXED_DATE = {"OGR_CURRENT_DATE": "2000-01-01T00:00:00.000Z"}


def write_gpkg(mapped: MappedEvent, path: str | Path) -> list[Path]:
    """All three layers in one GeoPackage at `path`, replaced atomically."""
    path = Path(path)
    with atomic_path(path, suffix=".gpkg") as tmp:
        tmp.unlink()  # GDAL creates the file itself
        pyogrio.set_gdal_config_options(_FIXED_DATE)
        try:
            for layer in GPKG_LAYERS:
                frame = to_geodataframe(mapped, layer, flat=True)
                pyogrio.write_dataframe(frame, tmp, layer=layer, driver="GPKG", append=False,
                                        layer_options={"IDENTIFIER": f"{mapped.title[:80]} ({layer})"})
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as exc:
            raise OutputError(f"{path}: cannot write GeoPackage: {exc}") from exc
        finally:
            pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
    return [path]
