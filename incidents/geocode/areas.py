"""An area drawn as a geometry (a polygon from QGIS, a convoy's route) as the circle that holds it.

An incident's place is a centre and a radius. A GeoJSON input feature may bring a Polygon, LineString or any other
geometry instead of a Point; the honest circle for it is centred on the mean of its positions (taken on the sphere, so
an area across the antimeridian is centred correctly) and reaches its farthest position (geodesic, WGS84).
"""

from __future__ import annotations

import math
from typing import Any

from pyproj import Geod

from ..errors import InputError
from ..models import Precision

__all__ = ["area_circle", "precision_from_size", "MIN_AREA_RADIUS_M", "GEOMETRY_TYPES"]

MIN_AREA_RADIUS_M = 10.0  # a drawn area collapsed to one point still means "about here"
MAX_POSITIONS = 1_000_000
GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
                  "GeometryCollection")
_GEOD = Geod(ellps="WGS84")


def precision_from_size(radius_m: float) -> Precision:
    """The precision class of a place about `radius_m` wide."""
    if radius_m < 1_000:
        return Precision.landmark
    if radius_m < 5_000:
        return Precision.district
    if radius_m < 30_000:
        return Precision.city
    if radius_m < 300_000:
        return Precision.region
    return Precision.country


def _positions(coordinates: Any, out: list[tuple[float, float]]) -> None:
    """Every [lon, lat, ...] position in nested GeoJSON coordinates, checked."""
    if isinstance(coordinates, list) and coordinates and all(isinstance(c, (int, float)) for c in coordinates):
        if len(coordinates) < 2 or any(isinstance(c, bool) for c in coordinates):
            raise InputError("a position needs [longitude, latitude]", field="geometry")
        lon, lat = float(coordinates[0]), float(coordinates[1])
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            raise InputError(f"position [{lon}, {lat}] is outside longitude -180..180 / latitude -90..90",
                             field="geometry")
        out.append((lon, lat))
        if len(out) > MAX_POSITIONS:
            raise InputError(f"a geometry with more than {MAX_POSITIONS:,} positions", field="geometry")
        return
    if not isinstance(coordinates, list):
        raise InputError("coordinates must be nested lists of numbers", field="geometry")
    for item in coordinates:
        _positions(item, out)


def _geometry_positions(geometry: dict[str, Any], out: list[tuple[float, float]], depth: int = 0) -> None:
    kind = geometry.get("type")
    if kind not in GEOMETRY_TYPES:
        raise InputError(f"unknown geometry type {str(kind)[:40]!r} (known: {', '.join(GEOMETRY_TYPES)})",
                         field="geometry")
    if kind != "GeometryCollection":
        _positions(geometry.get("coordinates"), out)
        return
    parts = geometry.get("geometries")
    if not isinstance(parts, list):
        raise InputError("a GeometryCollection needs 'geometries'", field="geometry")
    if depth > 8:
        raise InputError("GeometryCollections nested too deeply", field="geometry")
    for part in parts:
        if not isinstance(part, dict):
            raise InputError("a geometry must be an object", field="geometry")
        _geometry_positions(part, out, depth + 1)


def area_circle(geometry: dict[str, Any]) -> tuple[float, float, float]:
    """(lat, lon, radius_m) of the circle that holds every position of a GeoJSON geometry.

    The circle is the smallest one in an equidistant projection about the positions' mean; for areas wider than a
    hemisphere that can be somewhat wider than the smallest on the sphere, never narrower than the area.
    """
    positions: list[tuple[float, float]] = []
    _geometry_positions(geometry, positions)
    positions = list(dict.fromkeys(positions))  # a ring's closing position once, not twice
    if not positions:
        raise InputError(f"a {str(geometry.get('type'))[:40]} with no positions", field="geometry")
    lat0, lon0 = _mean_position(positions)
    lat0, lon0 = _enclosing_centre(positions, lat0, lon0)
    lat0, lon0 = round(lat0, 6), round(lon0, 6)
    n = len(positions)
    _, _, dist = _GEOD.inv([lon0] * n, [lat0] * n, [p[0] for p in positions], [p[1] for p in positions])
    radius = max(MIN_AREA_RADIUS_M, max(float(d) for d in dist))
    return lat0, lon0, math.ceil(radius * 10) / 10  # rounded up: the farthest position stays inside


def _mean_position(positions: list[tuple[float, float]]) -> tuple[float, float]:
    """The mean of the positions as unit vectors, as (lat, lon): right across the antimeridian too."""
    x = y = z = 0.0
    for lon, lat in positions:
        p, q = math.radians(lat), math.radians(lon)
        x, y, z = x + math.cos(p) * math.cos(q), y + math.cos(p) * math.sin(q), z + math.sin(p)
    if math.hypot(x, y, z) < 1e-9 * len(positions):
        raise InputError("the geometry's positions surround the whole globe: no centre", field="geometry")
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def _enclosing_centre(positions: list[tuple[float, float]], lat0: float, lon0: float) -> tuple[float, float]:
    """The centre of the smallest circle around the positions, found in an equidistant projection about (lat0, lon0).

    The vertex mean leans towards wherever the drawing has many vertices; the enclosing circle does not.
    """
    from pyproj import Transformer
    from shapely import MultiPoint, minimum_bounding_circle

    aeqd = f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m"
    forward = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    xs, ys = forward.transform([p[0] for p in positions], [p[1] for p in positions])
    centre = minimum_bounding_circle(MultiPoint(list(zip(xs, ys, strict=True)))).centroid
    if centre.is_empty:
        return lat0, lon0
    lon, lat = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True).transform(centre.x, centre.y)
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return lat0, lon0
    return float(lat), (float(lon) + 540.0) % 360.0 - 180.0
