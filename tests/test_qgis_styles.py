"""QGIS styles: the GeoPackage's layer_styles table read back with GDAL and sqlite, the .qml beside a GeoJSON."""

from __future__ import annotations

import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pyogrio

from maps.cli import main
from tests.support import SEED

SE = "{http://www.opengis.net/se}"


def _qml_looks(qml: str) -> dict[str, dict[str, str]]:
    """status -> the options of its symbol layer (fill colour and style, outline style, ...)."""
    root = ET.fromstring(qml.split("\n", 1)[1])  # after the DOCTYPE line
    renderer = root.find("renderer-v2")
    assert renderer is not None and renderer.get("attr") == "status"
    symbols = {s.get("name"): s for s in renderer.find("symbols")}
    looks = {}
    for category in renderer.find("categories"):
        layer = symbols[category.get("symbol")].find("layer")
        looks[category.get("value")] = {o.get("name"): o.get("value") for o in layer.find("Option")}
    return looks


def test_geopackage_carries_qml_and_sld_styles(tmp_path: Path):
    out = tmp_path / "night.gpkg"
    assert main(["export", str(SEED), "-o", str(out)]) == 0
    layers = dict(pyogrio.list_layers(out))
    assert layers["layer_styles"] is None and {"incidents", "uncertainty", "reports"} < set(layers)  # no geometry
    query = "SELECT f_table_name, styleName, useAsDefault FROM layer_styles ORDER BY f_table_name"
    listed = subprocess.run(["ogrinfo", "-ro", "-q", str(out), "-sql", query], capture_output=True, text=True,
                            check=True).stdout  # GDAL reads the table
    assert "f_table_name (String) = incidents" in listed and "f_table_name (String) = uncertainty" in listed
    assert "useAsDefault (Integer) = 1" in listed or "useAsDefault (Integer(Boolean)) = 1" in listed
    with sqlite3.connect(out) as db:
        rows = db.execute("SELECT f_table_name, f_geometry_column, styleQML, styleSLD FROM layer_styles").fetchall()
        geometry = dict(db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
    for table, column, qml, sld in rows:
        assert column == geometry[table]
        looks = _qml_looks(qml)
        confirmed, unconfirmed = looks["confirmed"], looks["unconfirmed"]
        assert confirmed["outline_style"] == "solid" and unconfirmed["outline_style"] == "dash", table
        if table == "uncertainty":
            assert confirmed["style"] == "solid" and unconfirmed["style"] == "no"  # shaded vs hollow area
        else:
            assert confirmed["color"].endswith(",255") and unconfirmed["color"].endswith(",0")  # filled vs hollow
        rules = {r.find(f"{SE}Name").text: r for r in ET.fromstring(sld).iter(f"{SE}Rule")}
        assert set(rules) == {"confirmed", "unconfirmed"}
        dash = [p.text for p in rules["unconfirmed"].iter(f"{SE}SvgParameter") if p.get("name") == "stroke-dasharray"]
        assert dash and not [p for p in rules["confirmed"].iter(f"{SE}SvgParameter")
                             if p.get("name") == "stroke-dasharray"]
        assert rules["confirmed"].find(f".//{SE}Fill") is not None and rules["unconfirmed"].find(f".//{SE}Fill") is None


def test_qml_beside_geojson_on_request(tmp_path: Path, capsys):
    out = tmp_path / "night.geojson"
    assert main(["export", str(SEED), "-o", str(out), "--polygons", "--qml"]) == 0
    assert _qml_looks((tmp_path / "night.qml").read_text())["unconfirmed"]["outline_style"] == "dash"
    assert _qml_looks((tmp_path / "night.uncertainty.qml").read_text())["unconfirmed"]["style"] == "no"
    assert main(["export", str(SEED), "-o", str(tmp_path / "n.kml"), "--qml"]) == 2
    assert "--qml styles a GeoJSON export" in capsys.readouterr().err
