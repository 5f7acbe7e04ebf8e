"""Geodesic uncertainty polygons: true circles on the WGS84 ellipsoid, RFC 7946 winding, antimeridian and poles.

Rings are counter-clockwise. A circle that crosses the antimeridian becomes a MultiPolygon split at ±180°; a circle
that contains a pole becomes one polygon bounded by the circle and the ±180° meridians up to the pole's latitude.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

__all__ = ["uncertainty_circle", "uncertainty_circles", "GEOD"]

GEOD = Geod(ellps="WGS84")


def _ring(lon: float, lat: float, radius_m: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    # azimuths clockwise from north; reversed below so the ring runs counter-clockwise
    azimuths = np.linspace(0.0, 360.0, n, endpoint=False)
    lons, lats, _ = GEOD.fwd(np.full(n, lon), np.full(n, lat), azimuths, np.full(n, radius_m))
    return np.asarray(lons)[::-1], np.asarray(lats)[::-1]


def _contains_pole(lat: float, radius_m: float) -> int:
    """+1 / -1 when the circle contains the north / south pole, else 0."""
    for pole in (90.0, -90.0):
        _, _, dist = GEOD.inv(0.0, lat, 0.0, pole)
        if dist < radius_m:
            return 1 if pole > 0 else -1
    return 0


def _unwrap(lons: np.ndarray) -> np.ndarray:
    return np.degrees(np.unwrap(np.radians(lons)))


def _split(poly: Polygon) -> Polygon | MultiPolygon:
    """Cut a polygon given in unwrapped longitudes into parts inside [-180, 180]."""
    parts = []
    minx, _, maxx, _ = poly.bounds
    for shift in range(int(np.floor((minx + 180) / 360)), int(np.floor((maxx + 180) / 360)) + 1):
        window = box(-180 + 360 * shift, -90, 180 + 360 * shift, 90)
        piece = poly.intersection(window)
        if piece.is_empty:
            continue
        piece = shapely.affinity.translate(piece, xoff=-360 * shift)
        parts.extend(g for g in getattr(piece, "geoms", [piece]) if isinstance(g, Polygon) and not g.is_empty)
    parts = [shapely.geometry.polygon.orient(p, sign=1.0) for p in parts]
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def uncertainty_circle(lon: float, lat: float, radius_m: float, n: int = 64) -> Polygon | MultiPolygon:
    """The geodesic circle of `radius_m` around (lon, lat), counter-clockwise, split at the antimeridian."""
    lons, lats = _ring(lon, lat, radius_m, n)
    pole = _contains_pole(lat, radius_m)
    if pole:
        # sort the ring by longitude and close it along the ±180 meridians through the pole
        order = np.argsort(((lons + 180) % 360) - 180)
        ring_lons = ((lons[order] + 180) % 360) - 180
        ring_lats = lats[order]
        edge_lat = float(np.interp(180.0, np.r_[ring_lons, ring_lons[0] + 360], np.r_[ring_lats, ring_lats[0]]))
        coords = [(-180.0, edge_lat), *zip(ring_lons, ring_lats, strict=True), (180.0, edge_lat),
                  (180.0, 90.0 * pole), (-180.0, 90.0 * pole)]
        return shapely.geometry.polygon.orient(Polygon(coords), sign=1.0)
    unwrapped = _unwrap(lons)
    poly = Polygon(zip(unwrapped, lats, strict=True))
    if unwrapped.min() >= -180 and unwrapped.max() <= 180:
        return shapely.geometry.polygon.orient(poly, sign=1.0)
    return _split(poly)


def uncertainty_circles(
    lons: Sequence[float] | np.ndarray, lats: Sequence[float] | np.ndarray, radii: Sequence[float] | np.ndarray,
    n: int = 64,
) -> np.ndarray:
    """Many circles at once (vectorised); special cases (antimeridian, poles) fall back to uncertainty_circle."""
    lon = np.asarray(lons, dtype=float)
    lat = np.asarray(lats, dtype=float)
    rad = np.asarray(radii, dtype=float)
    count = len(lon)
    if count == 0:
        return np.empty(0, dtype=object)
    azimuths = np.linspace(360.0, 0.0, n, endpoint=False)  # descending azimuth -> counter-clockwise ring
    vx, vy, _ = GEOD.fwd(np.repeat(lon, n), np.repeat(lat, n), np.tile(azimuths, count), np.repeat(rad, n))
    vx = np.asarray(vx).reshape(count, n)
    vy = np.asarray(vy).reshape(count, n)
    # a ring is simple when it stays within 180 degrees of longitude without wrapping and avoids the poles
    span = np.abs(((vx - lon[:, None]) + 180) % 360 - 180).max(axis=1)
    simple = (np.abs(lon[:, None] + (((vx - lon[:, None]) + 180) % 360 - 180)) <= 180).all(axis=1) & (span < 170) & (
        np.abs(vy).max(axis=1) < 89.9)
    out = np.empty(count, dtype=object)
    if simple.any():
        coords = np.stack([vx[simple], vy[simple]], axis=-1)
        out[simple] = shapely.polygons(coords)
    for i in np.flatnonzero(~simple):
        out[i] = uncertainty_circle(float(lon[i]), float(lat[i]), float(rad[i]), n)
    return out


def is_ccw(geometry: BaseGeometry) -> bool:
    """Whether every exterior ring is counter-clockwise (and holes clockwise)."""
    polys = getattr(geometry, "geoms", [geometry])
    return all(p.exterior.is_ccw for p in polys)
