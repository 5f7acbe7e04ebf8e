"""GeoParquet and FlatGeobuf exports read back: FlatGeobuf by GDAL (pyogrio, ogrinfo), GeoParquet by pyarrow and
geopandas (the GDAL builds here have no Parquet driver); layers, types, determinism."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pyogrio
import pytest

from maps.cli import main
from tests.support import SEED


@pytest.fixture(scope="module", params=["parquet", "fgb"])
def exported(request, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp(request.param) / f"caracas.{request.param}"
    assert main(["export", str(SEED), "-o", str(out), "--polygons", "--reports"]) == 0
    return out


def _read(path: Path):
    if path.suffix == ".parquet":
        import geopandas as gpd

        return gpd.read_parquet(path)
    return pyogrio.read_dataframe(path)


def test_every_layer_reads_back_with_types(exported: Path):
    points = _read(exported)
    assert points.crs.to_epsg() == 4326 and len(points) >= 3
    assert set(points.geometry.geom_type) == {"Point"} and (points["radius_m"] > 0).all()
    assert set(points["status"]) <= {"confirmed", "unconfirmed"}
    assert str(points["time_start"].dtype).startswith("datetime64")
    circles = _read(exported.with_name(f"caracas.uncertainty{exported.suffix}"))
    assert set(circles.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
    assert sorted(circles["id"]) == sorted(points["id"])  # FlatGeobuf's spatial index orders features by place
    reports = _read(exported.with_name(f"caracas.reports{exported.suffix}"))
    assert set(reports["incident_id"]) == set(points["id"]) and len(reports) == 7
    if exported.suffix == ".fgb":
        ogr = subprocess.run(["ogrinfo", "-so", "-al", str(exported)], capture_output=True, text=True, check=True)
        assert "Point" in ogr.stdout and "radius_m" in ogr.stdout


def test_same_input_same_bytes(exported: Path, tmp_path: Path):
    again = tmp_path / exported.name
    assert main(["export", str(SEED), "-o", str(again)]) == 0
    assert again.read_bytes() == exported.read_bytes()


def test_geoparquet_metadata_names_the_crs_and_geometry(tmp_path: Path):
    import pyarrow.parquet as pq

    out = tmp_path / "night.parquet"
    assert main(["export", str(SEED), "-o", str(out)]) == 0
    geo = json.loads(pq.read_schema(out).metadata[b"geo"])
    assert geo["primary_column"] == "geometry" and geo["columns"]["geometry"]["encoding"] == "WKB"
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary left beside it
