"""Input tables of every format: ACLED, UCDP GED, GDELT and Ushahidi adapters on fixtures written from their
codebooks, any other table (foreign columns kept, --columns, --strict), and the shared reader's file kinds."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyogrio
import pytest

from incidents.errors import InputError
from incidents.formats.table import detect_format, read_tabular_event
from incidents.formats.ucdp_ged import UNCLEAR
from incidents.loader import load_event
from incidents.merge import distance_m
from incidents.models import Geocode
from incidents.pipeline import build_event
from layers.groups import map_payload
from maps.cli import main

DATA = Path(__file__).parent / "data" / "formats"


def _mapped(path: Path, **options):
    return build_event(load_event(path, **options))


def _by_report(mapped):
    return {inc.reports[0].report.id: inc for inc in mapped.incidents}


def test_acled_rows_are_events_with_codebook_precisions():
    mapped = _mapped(DATA / "acled.csv")
    assert mapped.counts.read == 4 and len(mapped.incidents) == 4  # VEN9001 and VEN9004: same place and day, kept apart
    incidents = _by_report(mapped)
    clash, march, strike = incidents["VEN9001"], incidents["VEN9002"], incidents["VEN9003"]
    assert (clash.geocode.radius_m, clash.geocode.precision.value) == (5_000, "city")  # geo_precision 1
    assert (march.geocode.radius_m, march.geocode.precision.value) == (25_000, "region")  # 2
    assert strike.geocode.radius_m == 100_000  # 3
    assert clash.time.precision.value == "day"
    assert march.time.precision.value == "week" and (march.time.end - march.time.start).days == 7  # time_precision 2
    assert strike.time.precision.value == "month" and strike.time.start.day == 1  # 3: the month
    assert (clash.event_type, march.event_type, strike.event_type) == ("gunfire", "protest", "explosion")
    attrs = clash.reports[0].report.attributes
    assert attrs["event_type"] == "Battles" and attrs["sub_event_type"] == "Armed clash"  # stay in the export
    assert attrs["fatalities"] == 2 and attrs["actor2"] == "Unidentified Armed Group (Venezuela)"
    assert attrs["geo_precision"] == 1 and "notes" not in attrs and "latitude" not in attrs
    source = clash.reports[0].source
    assert source.kind.value == "aggregator" and source.cites == ["src:reuters", "src:el-pitazo"]
    assert {"src:reuters", "src:el-pitazo", "src:efecto-cocuyo"} <= {s.id for s in mapped.sources}


def test_ucdp_ged_precisions_clarity_and_deaths():
    incidents = _by_report(_mapped(DATA / "ucdp_ged.csv"))
    clash, unclear = incidents["530001"], incidents["530002"]
    assert (clash.geocode.radius_m, clash.geocode.precision.value) == (25_000, "region")  # where_prec 2
    assert unclear.geocode.radius_m == 150_000  # where_prec 4: an ADM1
    assert unclear.time.precision.value == "month" and (unclear.time.end - unclear.time.start).days == 20
    assert UNCLEAR in unclear.assessment.hedges and "unclear" in unclear.assessment.reason
    assert UNCLEAR not in clash.assessment.hedges
    attrs = clash.reports[0].report.attributes
    assert (attrs["best"], attrs["low"], attrs["high"], attrs["deaths_civilians"]) == (8, 6, 12, 1)
    assert attrs["side_b"] == "Al-Shabaab" and attrs["event_clarity"] == 1
    assert clash.reports[0].source.cites == ["src:reuters", "src:afp"]


def test_gdelt_headerless_export_file():
    assert detect_format(["GLOBALEVENTID", "SQLDATE", "ActionGeo_Type"]) == "gdelt"
    mapped = _mapped(DATA / "gdelt.export.csv")
    incidents = _by_report(mapped)
    fight, country = incidents["1187001001"], incidents["1187001002"]
    assert fight.event_type == "gunfire" and fight.geocode.radius_m == 10_000  # CAMEO 193, ActionGeo_Type 4
    assert fight.reports[0].report.url == "https://www.example-news.com/world/caracas-gunfire"
    assert fight.reports[0].source.name == "example-news.com"
    assert country.geocode.precision.value == "country" and country.geocode.method != "explicit"
    assert fight.reports[0].report.attributes["NumSources"] == 2


def test_ushahidi_verified_is_the_deployments_override():
    incidents = _by_report(_mapped(DATA / "ushahidi.csv"))
    shots, road = incidents["101"], incidents["102"]
    assert shots.assessment.status.value == "confirmed" and shots.assessment.overridden
    assert "verified in the Ushahidi deployment" in shots.assessment.reason
    assert road.assessment.status.value == "unconfirmed" and not road.assessment.overridden
    assert shots.event_type == "gunfire" and shots.geocode.radius_m == 2_000
    assert shots.reports[0].report.attributes["CATEGORY"] == "1. Gunfire / shooting,"


# Truth for the rows below: GeoNames coordinates of each town (the event happened in the town).
_NO_COORDS = [
    ("VEN1", "Caracas", "Distrito Capital", 10.48801, -66.87919),
    ("VEN2", "Maracaibo", "Zulia", 10.66663, -71.61245),
    ("VEN3", "Valencia", "Carabobo", 10.16202, -68.00765),
    ("VEN4", "Barquisimeto", "Lara", 10.0647, -69.35703),
    ("VEN5", "Maturin", "Monagas", 9.74569, -63.18323),
]


def test_a_table_without_coordinates_is_geocoded_from_location_and_admin(tmp_path: Path):
    path = tmp_path / "acled_no_coords.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "country",
                         "admin1", "location", "geo_precision", "source", "notes", "fatalities"])
        for ident, town, admin1, _, _ in _NO_COORDS:
            writer.writerow([ident, "2026-01-06", 1, "Protests", "Peaceful protest", "Venezuela", admin1, town, 1,
                             "Local Source", f"A march in {town}.", 0])
    mapped = _mapped(path)
    assert mapped.counts.mapped == len(_NO_COORDS) and not mapped.unresolved
    incidents = _by_report(mapped)
    for ident, town, _, lat, lon in _NO_COORDS:
        geo = incidents[ident].geocode
        assert geo.method != "explicit", town
        truth = Geocode(lat=lat, lon=lon, radius_m=1, precision="city", method="explicit")
        assert distance_m(geo, truth) <= geo.radius_m, town


def _foreign_geojson(path: Path) -> Path:
    """A layer as QGIS saves it: its own fid, a status of the desk's own and a note with hostile text."""
    path.write_text(json.dumps({"type": "FeatureCollection", "name": "desk layer", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-66.9146, 10.5061]},
         "properties": {"fid": 7, "id": "d1", "event_type": "gunfire", "where": "Miraflores", "when_start":
                        "2026-01-06", "source": "desk", "summary": "Shots", "status": "checked",
                        "desk_note": "{{ 7*7 }} <img src=x onerror=alert(1)>"}}]}), encoding="utf-8")
    return path


def test_foreign_columns_are_kept_shown_escaped_and_exported(tmp_path: Path):
    src = _foreign_geojson(tmp_path / "desk.geojson")
    mapped = _mapped(src)
    assert mapped.incidents[0].reports[0].report.attributes == {
        "desk_note": "{{ 7*7 }} <img src=x onerror=alert(1)>", "fid": 7, "status": "checked"}
    payload = json.dumps(map_payload(mapped))
    assert "<img" not in payload and "&lt;img" in payload and "desk_note" in payload
    for suffix in ("geojson", "gpkg", "csv", "kml"):
        out = tmp_path / f"out.{suffix}"
        assert main(["export", str(src), "-o", str(out), "--reports"]) == 0
        text = out.read_bytes().decode("utf-8", "replace") if suffix != "gpkg" else ""
        if suffix == "gpkg":
            frame = pyogrio.read_dataframe(out, layer="reports")
            text = " ".join(str(v) for v in frame["attributes"])
        assert "desk_note" in text and "fid" in text and "checked" in text, suffix
    back = load_event(tmp_path / "out.reports.csv")  # our own export loads back with the attributes
    assert back.reports[0].attributes["fid"] == 7 and back.reports[0].attributes["status"] == "checked"


def test_strict_refuses_a_foreign_column(tmp_path: Path, capsys):
    src = _foreign_geojson(tmp_path / "desk.geojson")
    assert main(["export", str(src), "-o", str(tmp_path / "out.geojson"), "--strict"]) == 2
    err = capsys.readouterr().err.strip()
    assert "feature 0: field 'fid': unknown column" in err and "\n" not in err
    path = tmp_path / "colour.csv"
    path.write_text("id,event_type,where,when_start,source,summary,colour\nr1,gunfire,x,2026-01-06,s,y,red\n")
    assert main(["export", str(path), "-o", str(tmp_path / "o.geojson"), "--strict"]) == 2
    assert "row 2: field 'colour': unknown column" in capsys.readouterr().err


def test_columns_option_maps_any_table(tmp_path: Path, capsys):
    path = tmp_path / "sheet.csv"
    path.write_text("town;day;what;reporter\nCaracas;2026-01-06;Shots heard downtown;A. Witness\n", encoding="utf-8")
    out = tmp_path / "out.geojson"
    assert main(["export", str(path), "-o", str(out)]) == 2
    assert "--columns" in capsys.readouterr().err
    assert main(["export", str(path), "-o", str(out), "--columns", "town=where,day=when_start,what=summary"]) == 0
    feature = json.loads(out.read_text())["features"][0]["properties"]
    assert feature["place"] == "Caracas" and feature["summary"] == "Shots heard downtown"
    assert feature["attributes"] == {"reporter": "A. Witness"} and feature["report_ids"] == ["row-2"]
    assert main(["export", str(path), "-o", str(out), "--columns", "nope=where"]) == 2
    assert "field '--columns': the table has no column 'nope'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        ("acled.csv", ",10.5061,-66.9146,1,Reuters; El", ",10.5061,-66.9146,7,Reuters; El", "row 2: field 'geo_precision'"),
        ("acled.csv", "06 January 2026,2026,1,Political", "6 Janvier 2026,2026,1,Political", "row 2: field 'event_date'"),
        ("ucdp_ged.csv", "Clashes on the outskirts of Mogadishu,,2,", "Clashes on the outskirts of Mogadishu,,9,",
         "row 2: field 'where_prec'"),
        ("ucdp_ged.csv", "Africa,2,4,2024", "Africa,3,4,2024", "row 3: field 'event_clarity'"),
        ("gdelt.export.csv", "\t10.5\t", "\tnorth\t", "row 1: field 'ActionGeo_Lat': not a number"),
        ("ushahidi.csv", "01/07/2026 08:00", "yesterday", "row 3: field 'INCIDENT DATE': invalid date"),
        ("ushahidi.csv", ",10.4768,", ",91.5,", "row 3: field 'LATITUDE': out of range (-90 to 90)"),
    ],
)
def test_bad_rows_of_each_format_are_one_line(tmp_path: Path, capsys, name, old, new, message):
    text = (DATA / name).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert main(["export", str(path), "-o", str(tmp_path / "out.geojson")]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and str(path) in err and "\n" not in err


def test_unknown_format_name_and_a_mismatched_format(tmp_path: Path, capsys):
    with pytest.raises(InputError, match="unknown format 'xls'"):
        read_tabular_event(DATA / "acled.csv", format="xls")
    assert main(["export", str(DATA / "acled.csv"), "-o", str(tmp_path / "o.geojson"), "--format", "gdelt"]) == 2
    assert "acled.csv: row 2: field 'GLOBALEVENTID'" in capsys.readouterr().err


def test_gis_layers_parquet_and_dataframes_are_read_alike(tmp_path: Path):
    import geopandas as gpd
    import pandas as pd

    frame = pd.read_csv(DATA / "acled.csv")
    from_frame = read_tabular_event(frame)
    assert [r["id"] for r in from_frame["reports"]] == ["VEN9001", "VEN9002", "VEN9003", "VEN9004"]
    layer = gpd.GeoDataFrame(frame.drop(columns=["latitude", "longitude"]),
                             geometry=gpd.points_from_xy(frame.longitude, frame.latitude), crs="EPSG:4326")
    gpkg = tmp_path / "acled.gpkg"
    layer.to_crs("EPSG:3857").to_file(gpkg, driver="GPKG")
    frame.to_parquet(tmp_path / "acled.parquet")
    for path in (gpkg, tmp_path / "acled.parquet"):
        event = load_event(path)
        first = event.reports[0]
        assert first.id == "VEN9001" and abs(first.lat - 10.5061) < 1e-6 and abs(first.lon + 66.9146) < 1e-6, path
        assert first.radius_m == 5_000 and first.attributes["fatalities"] == 2, path


def test_dataset_days_are_read_in_the_zone_where_the_rows_lie():
    from incidents.loader import load_event

    event = load_event(DATA / "acled.csv")  # Venezuelan rows with coordinates, no zone column
    assert event.timezone == "America/Caracas"
