"""User gazetteers as GeoPackage: a QGIS layer of named points or polygons (polygons and lines stand for the
smallest circle that holds them; a layer in a projected CRS is taken back to WGS84), or an OpenStreetMap pack
written by `incident-map gazetteer build/fetch` (a `places` layer with an `osm_id` field). Every layer with a `name`
field is read; layers without one (a QGIS project's other layers) are left alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import InputError
from .user_gazetteer import UserPlace
from .user_records import places_from_records

__all__ = ["read_gpkg_places", "PACK_LAYER"]

PACK_LAYER = "places"


def _layers(path: Path) -> list[str]:
    import pyogrio

    try:
        listed = pyogrio.list_layers(path)
    except Exception as exc:  # GDAL's errors are its own classes; all mean "not a GeoPackage we can read"
        raise InputError(f"cannot read GeoPackage: {' '.join(str(exc).split())[:200]}", path=str(path)) from exc
    return [str(name) for name, geometry_type in listed if geometry_type]


def _to_wgs84(geometries: list[Any], crs: str | None) -> list[Any]:
    if not crs:
        return geometries
    from pyproj import CRS, Transformer
    from shapely import transform

    source = CRS.from_user_input(crs)
    if source.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return geometries
    to_wgs84 = Transformer.from_crs(source, "EPSG:4326", always_xy=True)

    def project(coords: Any) -> Any:
        import numpy as np

        x, y = to_wgs84.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return [None if g is None else transform(g, project) for g in geometries]


def _layer_records(path: Path, layer: str, several: bool):
    import pyogrio
    import shapely
    from shapely.geometry import mapping

    try:
        meta, _, wkb, columns = pyogrio.raw.read(path, layer=layer, force_2d=True)
    except Exception as exc:
        raise InputError(f"cannot read layer {layer!r}: {' '.join(str(exc).split())[:200]}", path=str(path)) from exc
    fields = [str(f) for f in meta["fields"]]
    geometries = _to_wgs84(list(shapely.from_wkb(wkb)) if wkb is not None else [None] * len(columns[0]),
                           meta.get("crs"))
    for index, geometry in enumerate(geometries):
        label = f"layer {layer!r} feature {index + 1}" if several else f"feature {index + 1}"
        raw = {name: _plain(values[index]) for name, values in zip(fields, columns, strict=True)}
        shape = None if geometry is None or geometry.is_empty else json.loads(json.dumps(mapping(geometry)))
        yield label, raw, shape


def _plain(value: Any) -> Any:
    """numpy scalars as Python values."""
    return value.item() if hasattr(value, "item") else value


def _has_name(path: Path, layer: str) -> bool:
    import pyogrio

    return "name" in [str(f).lower() for f in pyogrio.read_info(path, layer=layer)["fields"]]


def read_gpkg_places(path: Path) -> tuple[list[UserPlace], bool]:
    """The places of a GeoPackage gazetteer, and whether it is an OpenStreetMap pack."""
    layers = _layers(path)
    if not layers:
        raise InputError("a GeoPackage gazetteer needs a layer of named points or polygons", path=str(path))
    import pyogrio

    is_pack = PACK_LAYER in layers and "osm_id" in [
        str(f) for f in pyogrio.read_info(path, layer=PACK_LAYER)["fields"]
    ]
    if is_pack:
        return _pack_places(path), True
    chosen = [layer for layer in layers if _has_name(path, layer)]
    if not chosen:
        fields = ", ".join(str(f) for f in pyogrio.read_info(path, layer=layers[0])["fields"])[:200]
        raise InputError(f"no layer has a 'name' field (layer {layers[0]!r} has: {fields or 'no fields'})",
                         path=str(path), field="name")

    def records():
        for layer in chosen:
            yield from _layer_records(path, layer, len(chosen) > 1)

    return places_from_records(str(path), records(), prefix=path.stem), False


def _pack_places(path: Path) -> list[UserPlace]:
    """An OSM pack, read column-wise: tens of thousands of places in a fraction of a second (the writer checked
    them; what a hand edit in QGIS could break is checked here, vectorised, and named by feature and field)."""
    import numpy as np
    import pyogrio
    import shapely

    from ..models import Precision

    wanted = ["id", "name", "aliases", "feature", "radius_m", "precision", "country", "city"]
    try:
        meta, _, wkb, columns = pyogrio.raw.read(path, layer=PACK_LAYER, columns=wanted, force_2d=True)
    except Exception as exc:
        raise InputError(f"cannot read pack: {' '.join(str(exc).split())[:200]}", path=str(path)) from exc
    data = dict(zip([str(f) for f in meta["fields"]], columns, strict=True))
    missing = [f for f in wanted if f not in data]
    if missing:
        raise InputError(f"a pack's '{PACK_LAYER}' layer needs the field", path=str(path), field=missing[0])
    points = shapely.from_wkb(wkb)
    coords = shapely.get_coordinates(points)
    radius = np.asarray(data["radius_m"], dtype=float)
    precisions = {p.value for p in Precision}
    problems = [
        ("geometry", (shapely.get_type_id(points) != 0) | shapely.is_empty(points), "must be a point"),
        ("radius_m", ~(radius > 0), "must be more than 0 metres"),
        ("name", np.array([not isinstance(n, str) or not n.strip() for n in data["name"]]), "a place needs a name"),
        ("precision", np.array([p not in precisions for p in data["precision"]]), "unknown precision"),
    ]
    for field, bad, why in problems:
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise InputError(why, path=str(path), record=f"feature {row + 1}", field=field)
    if len(coords) and (np.abs(coords[:, 1]).max() > 90 or np.abs(coords[:, 0]).max() > 180):
        raise InputError("a point is outside longitude -180..180 / latitude -90..90", path=str(path), field="geometry")
    places = []
    for i, (lon, lat) in enumerate(coords):
        try:
            aliases = tuple(json.loads(data["aliases"][i] or "[]"))
        except ValueError:
            raise InputError("not a JSON list of names", path=str(path), record=f"feature {i + 1}",
                             field="aliases") from None
        places.append(UserPlace.model_construct(
            id=str(data["id"][i]), name=str(data["name"][i]), aliases=aliases, aliases_in_context=(),
            lat=float(lat), lon=float(lon), size_m=float(radius[i]), approximate=False, source=None, precision=Precision(data["precision"][i]),
            country=data["country"][i] or None, city=data["city"][i] or None, feature=data["feature"][i] or None,
        ))
    return places
