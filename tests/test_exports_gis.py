"""GeoPackage, KML and CSV exports read back by GDAL; CSV and GeoJSON inputs; round trips; geodesic radii."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pyogrio
import pytest
from pyproj import Geod

from incidents.errors import InputError
from incidents.loader import load_event
from incidents.pipeline import build_event
from incidents.records import EVENT_COLUMNS
from layers.frame import to_geodataframe
from layers.geometry import is_ccw, uncertainty_circles
from maps.cli import main
from maps.export import export as export_file
from maps.export.kml import write_kml
from maps.export.tabular import INCIDENT_COLUMNS, REPORT_TABLE_COLUMNS, neutralise
from tests.hostile import HOSTILE, HOSTILE_URLS, write_hostile_event
from tests.support import SEED

GEOD = Geod(ellps="WGS84")


def export(*args: str) -> None:
    assert main(["export", *args]) == 0


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def seed_exports(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("exports")
    for suffix in ("gpkg", "kml", "csv", "geojson"):
        export(str(SEED), "-o", str(out / f"caracas.{suffix}"), "--reports", "--polygons")
    return out


def test_geopackage_has_three_layers_gdal_reads(seed_exports: Path, seed_mapped):
    path = seed_exports / "caracas.gpkg"
    layers = dict(pyogrio.list_layers(path))
    assert set(layers) == {"incidents", "uncertainty", "reports", "layer_styles"}  # + QGIS styles (no geometry)
    incidents = pyogrio.read_dataframe(path, layer="incidents")
    circles = pyogrio.read_dataframe(path, layer="uncertainty")
    reports = pyogrio.read_dataframe(path, layer="reports")
    assert len(incidents) == len(circles) == len(seed_mapped.incidents) and len(reports) == 7
    assert incidents.crs.to_epsg() == 4326 and set(incidents.geometry.geom_type) == {"Point"}
    assert set(circles.geometry.geom_type) <= {"Polygon", "MultiPolygon"} and all(map(is_ccw, circles.geometry))
    assert set(reports["incident_id"]) == set(incidents["id"])
    assert json.loads(incidents.loc[0, "sources"])[0]["name"]  # lists travel as JSON text
    info = subprocess.run(["ogrinfo", "-ro", "-so", "-al", str(path)], capture_output=True, text=True, check=True)
    assert "Feature Count: 7" in info.stdout and "status_reason" in info.stdout


@pytest.mark.parametrize("suffix", ["gpkg", "kml", "csv"])
def test_exports_are_byte_identical_for_the_same_input(tmp_path: Path, suffix: str):
    a, b = tmp_path / f"a.{suffix}", tmp_path / f"b.{suffix}"
    export(str(SEED), "-o", str(a), "--reports")
    export(str(SEED), "-o", str(b), "--reports")
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()


def test_kml_has_status_folders_circles_and_times_gdal_reads(seed_exports: Path, seed_mapped):
    path = seed_exports / "caracas.kml"
    root = ET.parse(path).getroot()
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    marks = root.findall(".//k:Placemark", ns)
    assert len(marks) == len(seed_mapped.incidents)
    for mark in marks:
        assert mark.find("k:TimeSpan/k:begin", ns).text.endswith("Z")
        assert mark.find(".//k:Point", ns) is not None and mark.find(".//k:Polygon", ns) is not None
        assert mark.find("k:styleUrl", ns).text in ("#confirmed", "#unconfirmed")
    folders = [f.find("k:name", ns).text for f in root.findall(".//k:Folder", ns)]
    assert folders == ["Confirmed", "Unconfirmed"]
    total = sum(pyogrio.read_info(path, layer=name)["features"] for name in folders)
    assert total == len(seed_mapped.incidents)


PAYLOADS = [p for p in HOSTILE if len(p) <= 400]


def _markup(html: str) -> tuple[set[str], list[tuple[str, str]]]:
    """The tags and attributes a browser would build from `html`."""
    from html.parser import HTMLParser

    found: tuple[set[str], list[tuple[str, str]]] = (set(), [])

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found[0].add(tag)
            found[1].extend((k, v or "") for k, v in attrs)

    Collect().feed(html)
    return found


def test_kml_with_hostile_text_is_valid_xml_and_balloons_stay_inert(tmp_path: Path):
    kml = "{http://www.opengis.net/kml/2.2}"
    for n, payload in enumerate(PAYLOADS):
        src = write_hostile_event(tmp_path / "h.yaml", payload, HOSTILE_URLS[n % len(HOSTILE_URLS)])
        out = tmp_path / f"h{n}.kml"
        write_kml(build_event(load_event(src), merge=False), out)
        root = ET.parse(out).getroot()  # parses: no control character or broken markup got through
        for description in root.iter(f"{kml}description"):
            html = description.text or ""
            assert "{{" not in html and "${" not in html and "`" not in html
            tags, attrs = _markup(html)
            assert tags <= {"b", "br", "i", "a"} and {a for a, _ in attrs} <= {"href", "target", "rel"}, (tags, attrs)
            assert all(v.startswith(("http://", "https://")) for a, v in attrs if a == "href")
        if n % 40 == 0:  # GDAL reads a sample of them
            info = subprocess.run(["ogrinfo", "-ro", "-al", "-so", str(out)], capture_output=True, text=True)
            assert info.returncode == 0 and "Feature Count: 1" in info.stdout, info.stderr


def test_csv_exports_incidents_and_reports_columns(seed_exports: Path, seed_mapped):
    incidents = _rows(seed_exports / "caracas.csv")
    assert list(incidents[0]) == list(INCIDENT_COLUMNS) and len(incidents) == len(seed_mapped.incidents)
    reports = _rows(seed_exports / "caracas.reports.csv")
    assert list(reports[0]) == list(REPORT_TABLE_COLUMNS) and len(reports) == 7
    assert (seed_exports / "caracas.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    gdal = pyogrio.read_dataframe(seed_exports / "caracas.csv", X_POSSIBLE_NAMES="lon", Y_POSSIBLE_NAMES="lat")
    assert len(gdal) == len(incidents) and gdal.geometry.notna().all()


def test_csv_neutralises_formulas_and_reads_them_back():
    for text in ("=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "'=already"):
        assert neutralise(text).startswith("'")
    assert neutralise("plain") == "plain" and neutralise("'quoted") == "'quoted"


@pytest.mark.parametrize("kind", ["csv", "geojson"])
def test_hostile_text_round_trips_through_tables(tmp_path: Path, kind: str):
    payloads = [p for p in PAYLOADS if "\x00" not in p][::6] + ["=cmd|' /C calc'!A0", "@SUM(1+1)", "-1+1", "'=x"]
    for n, payload in enumerate(payloads):
        src = write_hostile_event(tmp_path / "h.yaml", payload)
        mapped = build_event(load_event(src), merge=False)
        first = tmp_path / f"first.{kind}"
        export_file(mapped, first, reports=True)
        again = tmp_path / "again.csv"
        export_file(build_event(load_event(first.with_name(f"first.reports.{kind}")), merge=False), again,
                    reports=True)
        original, back = load_event(src), load_event(again.with_name("again.reports.csv"))
        for field in ("summary", "where", "hedges", "url", "media", "when", "override"):
            assert [getattr(r, field) for r in back.reports] == [getattr(r, field) for r in original.reports], (
                n, field)
        assert [s.name for s in back.sources] == [s.name for s in original.sources]
        if kind == "csv" and payload.startswith(("=", "+", "-", "@")):
            assert f"'{payload}" in first.with_name("first.reports.csv").read_text(encoding="utf-8-sig")


def test_csv_to_geojson_to_csv_keeps_every_field(tmp_path: Path, seed_exports: Path):
    start = seed_exports / "caracas.reports.csv"
    export(str(start), "-o", str(tmp_path / "step.geojson"), "--reports")
    export(str(tmp_path / "step.reports.geojson"), "-o", str(tmp_path / "end.csv"), "--reports")
    a = sorted(_rows(start), key=lambda r: r["id"])
    b = sorted(_rows(tmp_path / "end.reports.csv"), key=lambda r: r["id"])
    assert a == b
    assert {k for row in a for k, v in row.items() if v} >= {*EVENT_COLUMNS, "id", "where", "hedges", "media",
                                                              "when_start", "source_handle", "span_text"} - {
        "span_text"}
    # and the incidents GeoJSON (reports nested in each feature) loads back too
    export(str(seed_exports / "caracas.geojson"), "-o", str(tmp_path / "nested.csv"), "--reports")
    assert sorted(_rows(tmp_path / "nested.reports.csv"), key=lambda r: r["id"]) == a


def test_geojson_keeps_the_context_notes_and_loads_them_back(tmp_path: Path, seed_exports: Path, seed_mapped):
    """Notes (claims with no place) travel in a `notes` member of both GeoJSON files; GDAL still reads the file."""
    path = seed_exports / "caracas.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert [n["id"] for n in doc["notes"]] == [n.id for n in seed_mapped.notes]
    assert doc["notes"][0]["hedges"] == list(seed_mapped.notes[0].hedges) and doc["notes"][0]["source_kind"] == "media"
    assert json.loads((seed_exports / "caracas.reports.geojson").read_text(encoding="utf-8"))["notes"] == doc["notes"]
    assert len(pyogrio.read_dataframe(path)) == len(seed_mapped.incidents)
    original = load_event(SEED)
    for name in ("caracas.geojson", "caracas.reports.geojson"):
        back = load_event(seed_exports / name)
        assert [n.model_dump() for n in back.notes] == [n.model_dump() for n in original.notes], name
        export(str(seed_exports / name), "-o", str(tmp_path / "again.geojson"))
        assert (tmp_path / "again.geojson").read_bytes() == path.read_bytes(), name


def test_an_export_whose_reports_all_went_unresolved_still_reloads(tmp_path: Path):
    src = tmp_path / "notes.yaml"
    src.write_text(
        "title: Only notes\ntimezone: America/Caracas\ncontext: {country: VE}\n"
        "sources: [{id: s1, name: S1}]\n"
        "reports: [{id: r1, event_type: gunfire, where: Xqzzyw Blorptown, when: 2026-01-06, source: s1, summary: x}]\n"
        "notes: [{id: n1, text: A rumour, source: s1, hedges: ['', rumors]}]\n",
        encoding="utf-8",
    )
    export(str(src), "-o", str(tmp_path / "one.geojson"))
    assert json.loads((tmp_path / "one.geojson").read_text())["features"] == []
    export(str(tmp_path / "one.geojson"), "-o", str(tmp_path / "two.geojson"))
    assert (tmp_path / "two.geojson").read_bytes() == (tmp_path / "one.geojson").read_bytes()
    back = load_event(tmp_path / "one.geojson")
    assert back.reports == [] and [(n.id, n.hedges) for n in back.notes] == [("n1", ["rumors"])]
    # a FeatureCollection that is not one of ours and has nothing in it is still refused
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(InputError, match="no reports"):
        load_event(empty)


def test_geojson_notes_with_hostile_text_round_trip(tmp_path: Path):
    for payload in PAYLOADS[::9]:
        src = write_hostile_event(tmp_path / "h.yaml", payload)
        out = tmp_path / "h.geojson"
        export_file(build_event(load_event(src), merge=False), out)
        assert [n.text for n in load_event(out).notes] == [n.text for n in load_event(src).notes] == [payload.strip()
                                                                                                   or payload]


@pytest.mark.parametrize(
    ("notes", "message"),
    [
        ({"a": 1}, "'notes' must be a list"),
        (["x"], "note 0: a note must be an object"),
        ([{"id": "n1", "text": "t", "colour": "red"}], "note 0: field 'colour': unknown field 'colour'"),
        ([{"id": "n1"}], "note 0: field 'text'"),
        ([{"id": "n1", "text": "t", "when_start": "2026-13-01"}], "note 0: field 'when_start'"),
    ],
)
def test_bad_geojson_notes_name_the_note_and_field(tmp_path: Path, seed_exports: Path, notes, message, capsys):
    doc = json.loads((seed_exports / "caracas.geojson").read_text(encoding="utf-8"))
    doc["notes"] = notes
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["export", str(path), "-o", str(tmp_path / "out.geojson")]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and str(path) in err and "\n" not in err


def test_a_hand_written_csv_with_few_columns_loads(tmp_path: Path):
    path = tmp_path / "mine.csv"
    path.write_text(
        "id,event_type,place,date,source,summary,hedges,context_country,timezone\n"
        "r1,gunfire,near Miraflores Palace,2026-01-06,alice,Shots near the palace,allegedly|reportedly,VE,"
        "America/Caracas\n"
        "r2,explosion,,2026-01-06,bob,A blast,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_event(path)
    assert str(err.value) == f"{path}: row 3: field 'where': required column is missing or empty"
    path.write_text(path.read_text().replace("A blast", "A blast").replace(",,2026", ",Caracas,2026"))
    event = load_event(path)
    assert event.context.country == "VE" and event.timezone == "America/Caracas"
    assert event.reports[0].hedges == ["allegedly", "reportedly"] and event.sources[0].name == "alice"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("id,event_type,where,when_start,source,summary,lat,lon\nr1,gunfire,x,2026-01-06,s,y,91,0\n",
         "row 2: field 'lat'"),
        ("id,event_type,where,when_start,source,summary\nr1,shelling?,x,2026-01-06,s,y\n", "field 'event_type'"),
        ("id,event_type,where,when_start,source,summary,lat\nr1,gunfire,x,2026-01-06,s,y,north\n",
         "row 2: field 'lat': not a number"),
        ("just some words\n", "row 1: the first row must be a header"),
        ("id,event_type,where,when_start,source,summary,override_reason\nr1,gunfire,x,2026-01-06,s,y,because\n",
         "row 2: field 'override_status': override_reason needs override_status"),
        ("id,event_type,where,when_start,source,summary,span_end\nr1,gunfire,x,2026-01-06,s,y,4\n",
         "row 2: field 'span_start'"),
        ("id,event_type,where,when_start,source,summary,ID\nr1,gunfire,x,2026-01-06,s,y,r2\n",
         "row 1: field 'id': column 'ID' repeats 'id'"),
    ],
)
def test_bad_csv_names_row_and_column(tmp_path: Path, body: str, message: str, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(body, encoding="utf-8")
    assert main(["export", str(path), "-o", str(tmp_path / "out.geojson")]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and str(path) in err and "\n" not in err
    assert not (tmp_path / "out.geojson").exists()


def test_plain_geojson_points_are_explicit_locations(tmp_path: Path):
    path = tmp_path / "points.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "name": "Field notes", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-66.9194, 10.5081]},
         "properties": {"id": "p1", "event_type": "smoke_fire", "where": "palace roof", "when_start": "2026-01-06",
                        "source": "me", "summary": "Smoke", "radius_m": 300, "precision": "landmark"}}]}))
    event = load_event(path)
    report = event.reports[0]
    assert event.title == "Field notes" and (report.lat, report.lon, report.radius_m) == (10.5081, -66.9194, 300)


def test_to_geodataframe_for_notebooks(seed_mapped):
    points = to_geodataframe(seed_mapped)
    assert points.crs.to_epsg() == 4326 and len(points) == len(seed_mapped.incidents)
    assert isinstance(points.loc[0, "sources"], list) and "status_reason" in points.columns
    reports = to_geodataframe(seed_mapped, "reports")
    assert len(reports) == 7 and {"incident_id", "hedges", "mapped_radius_m"} <= set(reports.columns)
    circles = to_geodataframe(seed_mapped, "uncertainty", flat=True)
    assert isinstance(circles.loc[0, "sources"], str)
    assert "reports" not in circles.columns


CASES = [(-66.9, 10.5, 250.0), (0.0, 0.0, 10_000.0), (13.4, 52.5, 50_000.0), (-70.0, -60.0, 5_000.0),
         (25.0, 78.2, 120_000.0), (179.95, -17.0, 40_000.0), (-179.9, 65.0, 30_000.0), (0.0, 89.9, 50_000.0),
         (45.0, -89.95, 200_000.0)]


@pytest.mark.parametrize(("lon", "lat", "radius"), CASES)
def test_polygon_radius_within_a_thousandth(lon: float, lat: float, radius: float):
    (circle,) = uncertainty_circles([lon], [lat], [radius])
    assert circle.is_valid and is_ccw(circle)
    xs, ys = np.concatenate([np.asarray(p.exterior.coords) for p in getattr(circle, "geoms", [circle])]).T
    # vertices added where the ring is cut at the antimeridian or closed over a pole are not on the circle
    on_circle = (np.abs(np.abs(xs) - 180) > 1e-9) & (np.abs(np.abs(ys) - 90) > 1e-9)
    assert on_circle.sum() >= 48
    dist = GEOD.inv(np.full(on_circle.sum(), lon), np.full(on_circle.sum(), lat), xs[on_circle], ys[on_circle])[2]
    assert np.abs(dist - radius).max() <= radius * 0.001
    assert all(-180 <= x <= 180 for x in xs) and all(-90 <= y <= 90 for y in ys)
    if abs(lon) > 179 and radius > 10_000:
        assert circle.geom_type == "MultiPolygon"  # split at the antimeridian, never a band around the world
    if abs(lat) > 89:
        assert circle.contains(circle.representative_point()) and max(np.abs(ys)) == 90  # closed over the pole


def test_outputs_never_replace_an_input(tmp_path: Path, capsys):
    seed = tmp_path / "c.yaml"
    seed.write_bytes(SEED.read_bytes())
    export(str(seed), "-o", str(tmp_path / "c.csv"), "--reports")
    table = tmp_path / "c.reports.csv"
    before = {p: p.read_bytes() for p in (seed, table)}
    cases = [
        ["render", str(seed), "-o", str(tmp_path / "c.html"), "--geojson", str(seed)],
        ["export", str(table), "-o", str(tmp_path / "c.csv"), "--reports"],  # would write c.reports.csv
        ["extract", str(seed), "-o", str(seed)],
    ]
    for argv in cases:
        assert main(argv) == 2, argv
        assert "replace" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in before} == before


def test_kml_names_are_plain_text_xml_escaped_once(tmp_path: Path):
    src = write_hostile_event(tmp_path / "h.yaml", "<img src=x onerror=alert(1)>")
    out = tmp_path / "h.kml"
    write_kml(build_event(load_event(src), merge=False), out)
    names = [n.text for n in ET.parse(out).getroot().iter("{http://www.opengis.net/kml/2.2}name")]
    assert any("<img src=x onerror=alert(1)>" in n for n in names)  # shown as written: <name> is plain text
    assert "<img" not in out.read_text(encoding="utf-8")  # XML-escaped in the file, never markup
