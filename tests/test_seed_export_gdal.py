"""The seed's GeoJSON export read back by GDAL (pyogrio and ogrinfo), against the DESIGN.md contract."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pyogrio
import pytest
import shapely

from maps.cli import main
from tests.support import SEED

CONTRACT = ["id", "title", "event_type", "status", "status_reason", "radius_m", "precision", "place", "time_start",
            "time_end", "time_precision", "sources", "report_ids"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "caracas.geojson"
    assert main(["export", str(SEED), "-o", str(out), "--polygons", "--reports"]) == 0
    return out


def test_gdal_reads_points_with_the_contract_fields(exported: Path):
    info = pyogrio.read_info(exported)
    assert info["geometry_type"] == "Point" and info["features"] >= 3
    assert set(CONTRACT) <= set(info["fields"])
    frame = pyogrio.read_dataframe(exported)
    assert frame.crs.to_epsg() == 4326
    assert set(frame["status"]) <= {"confirmed", "unconfirmed"} and (frame["radius_m"] > 0).all()
    ogr = subprocess.run(["ogrinfo", "-so", "-al", str(exported)], capture_output=True, text=True, check=True)
    assert "Geometry: Point" in ogr.stdout and "radius_m" in ogr.stdout


def test_rfc7946_shape(exported: Path):
    doc = json.loads(exported.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    for feature in doc["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert all(len(str(c).split(".")[-1]) <= 6 for c in (lon, lat))
        props = feature["properties"]
        assert all(isinstance(s, dict) and {"name", "handle", "url"} <= set(s) for s in props["sources"])
        assert props["report_ids"]


def test_uncertainty_polygons_are_geodesic_ccw_and_match_the_radius(exported: Path):
    from layers.geometry import GEOD

    polygons = exported.with_name("caracas.uncertainty.geojson")
    frame = pyogrio.read_dataframe(polygons)
    assert set(frame.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
    points = pyogrio.read_dataframe(exported).set_index("id")
    for _, row in frame.iterrows():
        ring = row.geometry.exterior if row.geometry.geom_type == "Polygon" else row.geometry.geoms[0].exterior
        assert shapely.is_ccw(ring)
        centre = points.loc[row["id"]].geometry
        xs, ys = ring.coords.xy
        dist = GEOD.inv([centre.x] * len(xs), [centre.y] * len(xs), list(xs), list(ys))[2]
        assert max(abs(d - row["radius_m"]) for d in dist) <= row["radius_m"] * 0.001 + 0.2


def test_reports_export_keeps_every_report_with_its_incident(exported: Path):
    reports = pyogrio.read_dataframe(exported.with_name("caracas.reports.geojson"))
    incidents = pyogrio.read_dataframe(exported)
    assert len(reports) == 7 and set(reports["incident_id"]) == set(incidents["id"])


def test_exported_text_stays_raw(tmp_path: Path):
    from tests.hostile import write_hostile_event

    src = write_hostile_event(tmp_path / "h.yaml", "<b>{{ 7*7 }}</b> & ${x}")
    out = tmp_path / "h.geojson"
    assert main(["export", str(src), "-o", str(out)]) == 0
    text = json.loads(out.read_text(encoding="utf-8"))
    titles = [f["properties"]["summary"] for f in text["features"]]
    assert any("<b>{{ 7*7 }}</b> & ${x}" in t for t in titles)
