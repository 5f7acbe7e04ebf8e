"""User gazetteers (--gazetteer FILE, INCIDENT_MAP_GAZETTEER): every format loads, user entries win over bundled data,
and a bad file is one line naming file, record and field, with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
import yaml

from incidents.errors import InputError
from incidents.geocode import default_resolver
from incidents.geocode.user_gazetteer import GAZETTEER_ENV, load_user_gazetteer
from incidents.models import GeoContext
from maps.cli import main

CARACAS = GeoContext(country="VE", city="Caracas")
CONAKRY = GeoContext(country="GN", city="Conakry")


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("incident-map: error: "), err
    assert "Traceback" not in err
    return lines[0]


def desk_yaml(tmp_path: Path) -> Path:
    """A desk's list in the bundled gazetteer's format: a corrected Miraflores Palace and a Conakry district."""
    path = tmp_path / "desk.yaml"
    path.write_text(yaml.safe_dump({"entries": [
        {"id": "desk-miraflores", "name": "Miraflores Palace", "aliases_in_context": ["presidential palace"],
         "lat": 10.5090, "lon": -66.9200, "size_m": 120, "precision": "landmark", "country": "VE",
         "source": "https://example.org/our-survey"},
        {"name": "Kaloum", "aliases": ["Kaloum peninsula", "Commune de Kaloum"], "lat": 9.5092, "lon": -13.7122,
         "radius_m": 2500, "feature": "district", "country": "GN", "city": "Conakry"},
    ]}, allow_unicode=True), encoding="utf-8")
    return path


def test_user_entry_wins_over_bundled_landmark(tmp_path):
    bundled = default_resolver().resolve("the presidential palace", CARACAS)
    assert bundled.entry.source == "bundled"
    mine = default_resolver(gazetteers=[desk_yaml(tmp_path)]).resolve("the presidential palace", CARACAS)
    assert (mine.entry.source, mine.entry.id) == ("user", "desk-miraflores")
    assert (mine.lat, mine.lon, mine.radius_m) == (10.509, -66.92, 120.0)
    assert mine.method == "gazetteer"


def test_user_entry_answers_where_nothing_else_does_and_only_in_its_country(tmp_path):
    resolver = default_resolver(gazetteers=[desk_yaml(tmp_path)])
    hit = resolver.resolve("near Commune de Kaloum", CONAKRY)
    assert hit.entry.id == "desk:kaloum" and hit.precision.value == "district"
    assert hit.radius_m > 2500  # "near" widens the district's own radius
    misspelt = resolver.resolve("Kalum", CONAKRY)
    assert misspelt.entry.id == "desk:kaloum" and misspelt.score < 1
    with pytest.raises(LookupError):
        resolver.resolve("Kaloum", GeoContext(country="PE"))  # a Conakry district never answers for a Lima event


def test_every_format_loads_the_same_place(tmp_path):
    csv_path = tmp_path / "desk.csv"
    csv_path.write_text("name;lat;lon;radius_m;country;aliases;notes\nPlace des Martyrs;33,8957;35,5068;150;LB;"
                        "Martyrs' Square|Sahat al-Shuhada;taken from our map\n", encoding="utf-8")
    square = [[35.5060, 33.8950], [35.5076, 33.8950], [35.5076, 33.8964], [35.5060, 33.8964], [35.5060, 33.8950]]
    gj_path = tmp_path / "desk.geojson"
    gj_path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [square]},
         "properties": {"name": "Place des Martyrs", "aliases": ["Martyrs' Square"], "country": "Lebanon"}}]}))
    gpkg_path = tmp_path / "qgis.gpkg"  # a QGIS layer in a projected CRS (UTM 36N): taken back to WGS84
    from pyproj import Transformer

    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32636", always_xy=True)
    utm = shapely.Polygon([to_utm.transform(x, y) for x, y in square])
    pyogrio.raw.write(gpkg_path, shapely.to_wkb(np.array([utm])), [np.array(["Place des Martyrs"], object),
                      np.array(["LB"], object)], ["Name", "country"], layer="squares", driver="GPKG",
                      geometry_type="Polygon", crs="EPSG:32636")
    for path in (csv_path, gj_path, gpkg_path):
        gazetteer = load_user_gazetteer(path)
        (hit,) = gazetteer.lookup("place des martyrs", GeoContext(country="LB"))
        assert hit.country == "LB" and abs(hit.lat - 33.8957) < 0.001 and abs(hit.lon - 35.5068) < 0.001, path
        assert 50 < hit.radius_m < 160, (path, hit.radius_m)  # the drawn square's enclosing circle, or the given 150 m


def test_environment_variable_is_a_standing_list(tmp_path, monkeypatch):
    other = tmp_path / "other.csv"
    other.write_text("name,lat,lon,precision,country\nHamra,33.8966,35.4823,district,LB\n", encoding="utf-8")
    monkeypatch.setenv(GAZETTEER_ENV, f"{desk_yaml(tmp_path)}{__import__('os').pathsep}{other}")
    resolver = default_resolver()
    assert resolver.resolve("Hamra", GeoContext(country="LB", city="Beirut")).entry.id == "other:hamra"
    assert resolver.resolve("Kaloum", CONAKRY).entry.source == "user"


def test_render_and_geocode_take_gazetteer_option(tmp_path, capsys):
    desk = desk_yaml(tmp_path)
    event = tmp_path / "night.yaml"
    event.write_text(yaml.safe_dump({
        "title": "Conakry", "timezone": "Africa/Conakry", "context": {"country": "GN", "city": "Conakry"},
        "sources": [{"id": "s1", "name": "A", "kind": "social"}],
        "reports": [{"id": "r1", "event_type": "gunfire", "where": "in Kaloum", "when": "2026-01-06", "summary": "Gunfire.",
                     "source": "s1"}],
    }), encoding="utf-8")
    out = tmp_path / "night.geojson"
    assert main(["export", str(event), "-o", str(out), "--gazetteer", str(desk)]) == 0
    (feature,) = json.loads(out.read_text())["features"]
    assert feature["geometry"]["coordinates"] == [-13.7122, 9.5092]
    capsys.readouterr()
    assert main(["geocode", "Kaloum peninsula", "--context", "Conakry, GN", "--gazetteer", str(desk), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entry"]["id"] == "desk:kaloum"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("bad.csv", "name,lat,lon\nKaloum,9.5,-13.7\nHamra,north,35.48\n", "bad.csv: row 3: field 'lat': not a number: 'north'"),
        ("bad.csv", "name,lat,lon,country\nKaloum,9.5,-13.7,Atlantis\n", "bad.csv: row 2: field 'country': unknown country 'Atlantis'"),
        ("bad.yaml", "entries:\n  - {name: Kaloum, lat: 9.5, lon: -13.7}\n  - {name: Hamra, lat: 33.9, lon: 35.5, radius_m: -4}\n",
         "bad.yaml: entry 'Hamra' (entries[1]): field 'radius_m': must be more than 0 metres"),
        ("bad.yaml", "entries:\n  - {id: k, name: Kaloum, lattitude: 9.5, lon: -13.7}\n",
         "bad.yaml: entry 'k' (entries[0]): field 'lattitude': unknown field"),
        ("bad.yaml", "entries:\n  - {id: k, name: Kaloum, lat: 9.5, lon: -13.7, precision: street}\n",
         "bad.yaml: entry 'k' (entries[0]): field 'precision': unknown precision 'street'"),
        ("bad.geojson", '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "X"},'
         ' "geometry": {"type": "Point", "coordinates": [200, 9]}}]}',
         "bad.geojson: feature 0: field 'geometry': position [200.0, 9.0] is outside"),
        ("bad.geojson", '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"nom": "X"},'
         ' "geometry": {"type": "Point", "coordinates": [2, 9]}}]}',
         "bad.geojson: feature 0: field 'name': a place needs a name"),
        ("bad.txt", "name,lat,lon\n", "bad.txt: unknown gazetteer format '.txt'"),
    ],
)
def test_bad_gazetteer_is_one_line_exit_2(tmp_path, capsys, name, text, expected):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert main(["geocode", "Kaloum", "--context", "Conakry, GN", "--gazetteer", str(path)]) == 2
    line = one_line_error(capsys)
    assert expected in line, line
    assert line.startswith(f"incident-map: error: {path}"), line


def test_bad_gazetteer_from_environment_stops_render_before_writing(tmp_path, capsys, monkeypatch):
    bad = tmp_path / "desk.csv"
    bad.write_text("name,lat,lon\nKaloum,9.5\n", encoding="utf-8")
    monkeypatch.setenv(GAZETTEER_ENV, str(bad))
    event = tmp_path / "e.yaml"
    event.write_text(yaml.safe_dump({"title": "t", "timezone": "UTC", "sources": [{"id": "s", "name": "s"}],
                                     "reports": [{"id": "r", "event_type": "gunfire", "where": "Caracas",
                                                  "when": "2026-01-06", "source": "s", "summary": "x"}]}), encoding="utf-8")
    assert main(["render", str(event), "-o", str(tmp_path / "m.html")]) == 2
    assert "desk.csv: row 2: field 'lon'" in one_line_error(capsys)
    assert not (tmp_path / "m.html").exists()
    with pytest.raises(InputError):
        load_user_gazetteer(bad)


def test_geopackage_reads_named_layers_and_refuses_one_without_names(tmp_path, capsys):
    path = tmp_path / "qgis.gpkg"
    point = shapely.to_wkb(np.array([shapely.Point(-13.7122, 9.5092)]))
    pyogrio.raw.write(path, point, [np.array(["x"], object)], ["label"], layer="notes", driver="GPKG",
                      geometry_type="Point", crs="EPSG:4326")
    assert main(["geocode", "Kaloum", "--gazetteer", str(path)]) == 2
    assert f"{path}: field 'name': no layer has a 'name' field (layer 'notes' has: label)" in one_line_error(capsys)
    pyogrio.raw.write(path, point, [np.array(["Kaloum"], object), np.array(["GN"], object)], ["name", "country"],
                      layer="places_we_know", driver="GPKG", geometry_type="Point", crs="EPSG:4326", append=False)
    (hit,) = load_user_gazetteer(path).lookup("Kaloum", CONAKRY)
    assert hit.entry.id == "qgis:kaloum" and hit.radius_m == 250.0  # a point with no size: a landmark's 250 m
    garbage = tmp_path / "broken.gpkg"
    garbage.write_text("not a database", encoding="utf-8")
    assert main(["geocode", "Kaloum", "--gazetteer", str(garbage)]) == 2
    assert f"{garbage}: cannot read GeoPackage" in one_line_error(capsys)


def test_a_misspelt_user_entry_never_beats_an_exact_place(tmp_path):
    desk = tmp_path / "desk.csv"
    desk.write_text("name,lat,lon,radius_m,country\nCaracos,10.40,-66.80,300,VE\n", encoding="utf-8")
    resolver = default_resolver(gazetteers=[desk])
    assert resolver.resolve("Caracas", CARACAS).entry.source == "geonames"
    (candidate,) = load_user_gazetteer(desk).lookup("Caracas", CARACAS)
    assert candidate.match == "fuzzy" and candidate.score < 1
