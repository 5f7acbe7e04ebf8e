"""GeoJSON input features drawn as areas (Polygon, LineString, ...) become the circle that holds them."""

from __future__ import annotations

import json
from pathlib import Path

import pyogrio
import pytest
from pyproj import Geod

from incidents.errors import InputError
from incidents.geocode.areas import area_circle
from incidents.loader import load_event
from incidents.models import Precision
from maps.cli import main

GEOD = Geod(ellps="WGS84")
BLOCK = {"type": "Polygon", "coordinates": [[[-66.93, 10.50], [-66.90, 10.50], [-66.90, 10.52], [-66.93, 10.52],
                                             [-66.93, 10.50]]]}


def _feature(fid: str, geometry: dict, **props) -> dict:
    base = {"id": fid, "event_type": "gunfire", "where": "an area drawn by the desk", "when_start": "2026-01-06",
            "source": "desk", "summary": "Drawn"}
    return {"type": "Feature", "geometry": geometry, "properties": {**base, **props}}


def _write(path: Path, *features: dict) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "name": "Areas", "features": list(features)}))
    return path


def _positions(coordinates) -> list[list[float]]:
    if isinstance(coordinates[0], (int, float)):
        return [coordinates]
    return [p for part in coordinates for p in _positions(part)]


@pytest.mark.parametrize(
    "geometry",
    [
        BLOCK,
        {"type": "LineString", "coordinates": [[-66.88, 10.49], [-66.91, 10.505], [-66.95, 10.51]]},
        {"type": "MultiPolygon", "coordinates": [BLOCK["coordinates"], [[[-66.80, 10.45], [-66.79, 10.45],
                                                                         [-66.79, 10.46], [-66.80, 10.45]]]]},
        {"type": "Polygon", "coordinates": [[[179.5, -17], [-179.5, -17], [-179.5, -16], [179.5, -16], [179.5, -17]]]},
        {"type": "MultiPoint", "coordinates": [[10, 60], [10.001, 60.001]]},
    ],
)
def test_the_circle_holds_every_position(geometry: dict):
    lat, lon, radius = area_circle(geometry)
    points = _positions(geometry["coordinates"])
    assert all(GEOD.inv(lon, lat, p[0], p[1])[2] <= radius for p in points)
    # the smallest such circle, not one about the vertex mean: no wider than the widest span / sqrt(3) (Jung)
    widest = max(GEOD.inv(a[0], a[1], b[0], b[1])[2] for a in points for b in points)
    assert radius <= max(10.0, widest / 3**0.5 * 1.01)


def test_an_area_across_the_antimeridian_is_centred_on_it():
    lat, lon, radius = area_circle(
        {"type": "Polygon", "coordinates": [[[179.5, -17], [-179.5, -17], [-179.5, -16], [179.5, -16], [179.5, -17]]]})
    assert abs(abs(lon) - 180) < 1e-6 and abs(lat + 16.5) < 0.01 and 70_000 < radius < 80_000


def test_drawn_areas_load_as_explicit_circles_through_the_cli(tmp_path: Path):
    src = _write(
        tmp_path / "areas.geojson",
        _feature("a1", BLOCK),
        _feature("a2", {"type": "LineString", "coordinates": [[-66.88, 10.49], [-66.91, 10.505]]}, radius_m=500,
                 event_type="armoured_vehicles"),
        _feature("a3", BLOCK, precision="city", event_type="protest"),
    )
    reports = {r.id: r for r in load_event(src).reports}
    assert reports["a1"].radius_m and 1_900 < reports["a1"].radius_m < 2_100
    assert reports["a1"].precision is Precision.district
    assert reports["a2"].radius_m == 500 and reports["a2"].precision is None  # the analyst's radius wins
    assert reports["a3"].radius_m is None and reports["a3"].precision is Precision.city
    out = tmp_path / "out.geojson"
    assert main(["export", str(src), "-o", str(out), "--no-merge"]) == 0
    frame = pyogrio.read_dataframe(out)
    assert len(frame) == 3 and set(frame["geocode_method"]) == {"explicit"}
    assert set(frame.geometry.geom_type) == {"Point"}
    assert sorted(frame["radius_m"]) == sorted([reports["a1"].radius_m, 500.0, 10_000.0])


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Polygon", "coordinates": [[[-66.9, 10.5], [-66.9, 95.0], [-66.8, 10.5]]]}, "outside longitude"),
        ({"type": "Polygon", "coordinates": [[["a", "b"]]]}, "coordinates must be nested lists of numbers"),
        ({"type": "LineString", "coordinates": []}, "with no positions"),
        ({"type": "Polygon", "coordinates": [[[1.0]]]}, "a position needs [longitude, latitude]"),
        ({"type": "GeometryCollection"}, "needs 'geometries'"),
        ({"type": "Nonsense", "coordinates": [1, 2]}, "unknown geometry type 'Nonsense'"),
    ],
)
def test_bad_areas_name_the_feature_and_geometry(tmp_path: Path, geometry: dict, message: str, capsys):
    src = _write(tmp_path / "bad.geojson", _feature("b1", geometry))
    with pytest.raises(InputError, match="feature 0"):
        load_event(src)
    assert main(["export", str(src), "-o", str(tmp_path / "out.geojson")]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "feature 0: field 'geometry'" in err and str(src) in err and "\n" not in err


def test_nested_geometry_collections_count_every_part():
    inner = {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [-66.9, 10.5]}]}
    outer = {"type": "GeometryCollection", "geometries": [inner, {"type": "Point", "coordinates": [-66.8, 10.5]}]}
    lat, lon, radius = area_circle(outer)
    assert abs(lon + 66.85) < 1e-4 and 5_400 < radius < 5_500
