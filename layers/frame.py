"""Incidents as GeoDataFrames (EPSG:4326) for notebooks and GIS writers: points, uncertainty areas or raw reports."""

from __future__ import annotations

from typing import Literal

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd

from incidents.models import MappedEvent

from .geometry import uncertainty_circles
from .properties import PROPERTY_NAMES, incident_properties, report_properties

__all__ = ["to_geodataframe", "Layer"]

Layer = Literal["incidents", "uncertainty", "reports"]
CRS = "EPSG:4326"


def _flatten(frame: pd.DataFrame) -> pd.DataFrame:
    """List and dict cells as JSON text (GeoPackage and CSV have no list type); other columns unchanged."""
    for column in frame.columns:
        if frame[column].dtype == object and frame[column].map(lambda v: isinstance(v, (list, dict))).any():
            frame[column] = frame[column].map(
                lambda v: orjson.dumps(v, option=orjson.OPT_SORT_KEYS).decode() if v is not None else None
            )
    return frame


def to_geodataframe(mapped: MappedEvent, layer: Layer = "incidents", *, flat: bool = False) -> gpd.GeoDataFrame:
    """One row per incident (a Point), per incident's uncertainty area (a geodesic polygon) or per report (a Point).

    Values are raw (not escaped). With `flat=True`, list and dict values become JSON text for file formats.
    """
    incidents = mapped.incidents
    if layer == "reports":
        rows = [report_properties(r, inc.id) for inc in incidents for r in inc.reports]
        lons = [r["mapped_lon"] for r in rows]
        lats = [r["mapped_lat"] for r in rows]
        frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=["id"])
        geometry = gpd.points_from_xy(lons, lats)
    else:
        names = [n for n in PROPERTY_NAMES if n != "reports"] if layer == "uncertainty" else list(PROPERTY_NAMES)
        frame = pd.DataFrame([incident_properties(inc) for inc in incidents], columns=names)
        lons = np.array([i.geocode.lon for i in incidents], dtype=float)
        lats = np.array([i.geocode.lat for i in incidents], dtype=float)
        if layer == "uncertainty":
            radii = np.array([i.geocode.radius_m for i in incidents], dtype=float)
            geometry = gpd.GeoSeries(list(uncertainty_circles(lons, lats, radii)), crs=CRS)
        else:
            geometry = gpd.points_from_xy(lons, lats)
    for column in ("time_start", "time_end"):  # resolved times (UTC) as datetime64, for filtering and plotting
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    if flat:
        frame = _flatten(frame)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS)
