"""GeoJSON export (RFC 7946): one Point per incident with raw properties; optional uncertainty polygons and reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import orjson
from shapely.geometry import mapping

from incidents.atomic import write_atomic
from incidents.models import MappedEvent
from incidents.records import event_record
from layers.geometry import uncertainty_circles
from layers.properties import incident_properties, report_properties

__all__ = ["write_geojson", "feature_collection", "sibling", "round_coords"]

DECIMALS = 6


def sibling(path: Path, label: str) -> Path:
    """`out.geojson` -> `out.<label>.geojson` (and likewise for other suffixes)."""
    return path.with_name(f"{path.stem}.{label}{path.suffix}")


def round_coords(value: Any) -> Any:
    """Coordinates (nested lists/tuples of floats) rounded to 6 decimals."""
    if isinstance(value, (list, tuple)):
        return [round_coords(v) for v in value]
    return round(float(value), DECIMALS)


def _point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(lon, DECIMALS), round(lat, DECIMALS)]}


def feature_collection(features: list[dict[str, Any]], name: str | None = None,
                       event: dict[str, Any] | None = None) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection (no `crs`: WGS84 longitude/latitude is implied).

    `event` (title, time zone, context) is kept as a foreign member so the file loads back as an incident file.
    """
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if name:
        collection["name"] = name
    if event:
        collection["event"] = event
    return collection


def _dump(path: Path, collection: dict[str, Any]) -> Path:
    return write_atomic(path, orjson.dumps(collection, option=orjson.OPT_SORT_KEYS) + b"\n")


def write_geojson(mapped: MappedEvent, path: str | Path, *, polygons: bool = False, reports: bool = False) -> list[Path]:
    """Write incidents to `path`; with polygons, `<stem>.uncertainty.geojson`; with reports, `<stem>.reports.geojson`."""
    path = Path(path)
    incidents = mapped.incidents
    features = [
        {"type": "Feature", "id": inc.id, "geometry": _point(inc.geocode.lon, inc.geocode.lat),
         "properties": incident_properties(inc)}
        for inc in incidents
    ]
    event = event_record(mapped.title, mapped.timezone, mapped.context)
    written = [_dump(path, feature_collection(features, mapped.title, event))]
    if polygons:
        circles = uncertainty_circles(
            np.array([i.geocode.lon for i in incidents]), np.array([i.geocode.lat for i in incidents]),
            np.array([i.geocode.radius_m for i in incidents]),
        )
        shapes = []
        for inc, circle in zip(incidents, circles, strict=True):
            geometry = mapping(circle)
            geometry = {"type": geometry["type"], "coordinates": round_coords(geometry["coordinates"])}
            props = {k: v for k, v in incident_properties(inc).items() if k != "reports"}
            shapes.append({"type": "Feature", "id": inc.id, "geometry": geometry, "properties": props})
        written.append(_dump(sibling(path, "uncertainty"), feature_collection(shapes, f"{mapped.title} (uncertainty)")))
    if reports:
        rows = [
            {"type": "Feature", "id": r.report.id, "geometry": _point(r.geocode.lon, r.geocode.lat),
             "properties": report_properties(r, inc.id)}
            for inc in incidents for r in inc.reports
        ]
        written.append(_dump(sibling(path, "reports"), feature_collection(rows, f"{mapped.title} (reports)", event)))
    return written
