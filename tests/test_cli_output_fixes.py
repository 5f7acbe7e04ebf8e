"""CLI and export fixes: distinct outputs, one-line usage errors, --context countries, KML text, GeoPackage types.

Every mistake a user can make on the command line is one `incident-map: error:` line with exit status 2, and nothing
is written; exports are read back with GDAL (ogrinfo, pyogrio).
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pyogrio
import pytest
import yaml

from maps.cli import main
from maps.commands.geocode import parse_context
from tests.hostile import write_hostile_event
from tests.support import SEED

KML = "{http://www.opengis.net/kml/2.2}"


def one_line_error(capsys) -> str:
    """The single stderr line of a refused command (and no traceback, no usage block)."""
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("incident-map: error: "), err
    return lines[0]


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def small_event(path: Path, *, n: int = 1) -> Path:
    """An incident file with `n` explicit-coordinate reports (no gazetteer needed), one per incident."""
    reports = [
        {"id": f"r{i}", "event_type": "gunfire", "where": f"spot {i}", "lat": 8.0 + i, "lon": -66.0, "radius_m": 500,
         "when": {"start": "2026-01-06T01:00:00-04:00", "precision": "hour"}, "source": "s1",
         "summary": f"Shots at spot {i}."}
        for i in range(n)
    ]  # fmt: skip
    doc = {"title": "Small", "timezone": "America/Caracas", "context": {"country": "VE"},
           "sources": [{"id": "s1", "name": "Source 1"}], "reports": reports}  # fmt: skip
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------ 9. output clashes


CLASHES = [
    (["render", "{seed}", "-o", "same.html", "--geojson", "same.html"], "--geojson"),
    (["render", "{seed}", "-o", "same2.html", "--png", "./sub/../same2.html"], "--png"),
    (["render", "{seed}", "-o", "s3.html", "--geojson", "s3.unresolved.json"], "unresolved list"),
    (["render", "{seed}", "-o", "m.html", "--geojson", "g.geojson", "--png", "g.geojson"], "--png"),
    (["render", "{seed}", "-o", "{seed}"], "replace the input"),
    (["render", "{seed}", "-o", "m.html", "--policy", "policy.yaml", "--png", "policy.yaml"], "replace the input"),
    (["export", "{seed}", "-o", "x.geojson", "--polygons", "--policy", "x.uncertainty.geojson"], "replace the input"),
    (["export", "{seed}", "-o", "e.csv", "--reports", "--policy", "e.reports.csv"], "replace the input"),
    (["extract", "{article}", "-o", "{article}"], "replace the input"),
]


@pytest.mark.parametrize(("argv", "named"), CLASHES)
def test_an_output_written_twice_or_over_an_input_is_refused_before_anything_is_written(
    tmp_path: Path, capsys, monkeypatch, argv: list[str], named: str
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    seed = tmp_path / "event.yaml"
    seed.write_bytes(SEED.read_bytes())
    article = tmp_path / "article.txt"
    article.write_text("Gunfire was heard near the presidential palace in Caracas late on Monday.\n", encoding="utf-8")
    for name in ("policy.yaml", "x.uncertainty.geojson", "e.reports.csv"):
        (tmp_path / name).write_text("min_independent_sources: 2\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    argv = [a.format(seed=seed, article=article) for a in argv]
    assert main(argv) == 2, argv
    line = one_line_error(capsys)
    assert named in line, line
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert after == before, "nothing written, no input changed"


def test_distinct_outputs_are_all_written(tmp_path: Path, capsys):
    src = small_event(tmp_path / "e.yaml")
    out = tmp_path / "out.geojson"
    assert main(["export", str(src), "-o", str(out), "--polygons", "--reports"]) == 0
    assert {"out.geojson", "out.uncertainty.geojson", "out.reports.geojson", "out.unresolved.json"} <= files_in(
        tmp_path
    )
    assert main(["render", str(src), "-o", str(tmp_path / "m.html"), "--geojson", str(tmp_path / "m.geojson")]) == 0
    assert json.loads((tmp_path / "m.geojson").read_text())["type"] == "FeatureCollection"
    assert (tmp_path / "m.html").read_text().lstrip().lower().startswith("<!doctype html")


# ------------------------------------------------------------------------------- output directories: exit 2


def test_a_missing_output_directory_is_one_line_exit_2(tmp_path: Path, capsys):
    src = small_event(tmp_path / "e.yaml")
    for argv in (
        ["render", str(src), "-o", str(tmp_path / "nodir" / "m.html")],
        ["export", str(src), "-o", str(tmp_path / "nodir" / "m.gpkg")],
        ["render", str(src), "-o", str(tmp_path / "m.html"), "--png", str(tmp_path / "nodir" / "m.png")],
    ):
        assert main(argv) == 2, argv
        line = one_line_error(capsys)
        assert "nodir does not exist" in line, line
    assert files_in(tmp_path) == {"e.yaml"}


def test_a_file_where_a_directory_should_be_is_named(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = small_event(tmp_path / "e.yaml")
    Path("afile").write_text("x", encoding="utf-8")
    for argv in (
        ["render", str(src), "-o", "afile/m.html"],
        ["export", str(src), "-o", "afile/deeper/m.kml"],
        ["demo", "-o", "afile/demo"],
    ):
        assert main(argv) == 2, argv
        line = one_line_error(capsys)
        assert "afile is not a directory" in line and "does not exist" not in line, line
    assert main(["demo", "-o", "afile"]) == 2  # click: a file given as the directory
    one_line_error(capsys)
    assert files_in(tmp_path) == {"e.yaml", "afile"}
    Path("out", "map.html").mkdir(parents=True)  # a folder where the demo's map goes: refused before any work
    assert main(["demo", "-o", "out"]) == 2
    assert "is a directory" in one_line_error(capsys)


# -------------------------------------------------------------------------- click's usage errors: one line


def test_directory_missing_input_and_bad_date_are_one_line(tmp_path: Path, capsys):
    src = small_event(tmp_path / "e.yaml")
    (tmp_path / "adir").mkdir()
    cases = [
        (["render", str(tmp_path / "adir"), "-o", str(tmp_path / "m.html")], "is a directory"),
        (["export", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "m.geojson")], "does not exist"),
        (["render", str(src), "--date", "2026-13-01", "-o", str(tmp_path / "m.html")], "--date"),
        (["extract", str(tmp_path / "adir"), "-o", str(tmp_path / "d.yaml")], "is a directory"),
        (["render", str(src)], "--output"),
        (["rendr", str(src)], "No such command"),
    ]
    for argv, fragment in cases:
        assert main(argv) == 2, argv
        line = one_line_error(capsys)
        assert fragment in line and "Usage:" not in line, line
    assert files_in(tmp_path) == {"e.yaml", "adir"}


def test_usage_error_in_a_real_process_is_one_line(tmp_path: Path):
    # the interpreter running the tests, in any layout (no virtualenv path assumed); `-m maps.cli` is the entry point
    done = subprocess.run([sys.executable, "-m", "maps.cli", "render", str(tmp_path / "missing.yaml"),
                           "-o", str(tmp_path / "m.html")], capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("incident-map: error: "), done.stderr


# --------------------------------------------------------------------------------- 5. geocode --context


@pytest.mark.parametrize(
    ("text", "country", "city"),
    [("Lima, Peru", "PE", "Lima"), ("Lima, PER", "PE", "Lima"), ("Lima, pe", "PE", "Lima"), ("Peru", "PE", None),
     ("Caracas, VE", "VE", "Caracas"), ("Caracas, Venezuela", "VE", "Caracas"), ("VEN", "VE", None),
     ("Caracas", None, "Caracas"), ("Chacao, Caracas, VE", "VE", "Chacao, Caracas"), ("", None, None),
     ("Ica", None, "Ica"), ("Ufa", None, "Ufa"), ("AQ", "AQ", None), ("McMurdo, Antarctica", "AQ", "McMurdo"),
     ("Bouvet Island", "BV", None)],
)  # fmt: skip
def test_context_country_as_code_alpha3_or_name(text: str, country: str | None, city: str | None):
    ctx = parse_context(text)
    assert (ctx.country, ctx.city) == (country, city)


@pytest.mark.parametrize("context", ["Lima, Peru", "Lima, PER", "Peru"])
def test_geocode_honours_the_country_of_the_context(capsys, context: str):
    assert main(["geocode", "Miraflores", "--context", context, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["lat"] < 0 and result["lon"] < -70, result  # Miraflores, Lima; not Miraflores, Caracas


@pytest.mark.parametrize("context", ["Caracas, XX", "XX", "Lima, Narnia", "Lima, ZZZ"])
def test_an_unknown_context_country_is_one_line_exit_2(capsys, context: str):
    assert main(["geocode", "Miraflores", "--context", context]) == 2
    line = one_line_error(capsys)
    assert "--context" in line and "unknown country" in line, line


# ------------------------------------------------------------------------------------------------------ KML


def test_kml_balloon_says_the_status_once_and_names_are_plain_text(tmp_path: Path, capsys):
    src = write_hostile_event(tmp_path / "h.yaml", "{{7*7}} <b>bold</b> & ${x}")
    out = tmp_path / "h.kml"
    assert main(["export", str(src), "-o", str(out)]) == 0
    capsys.readouterr()
    root = ET.parse(out).getroot()
    marks = list(root.iter(f"{KML}Placemark"))
    assert marks
    for mark in marks:
        description = mark.find(f"{KML}description").text
        assert "Unconfirmed: Unconfirmed" not in description and "Confirmed: Confirmed" not in description
        assert "{{" not in description and "<b>bold" not in description  # the balloon stays escaped HTML
        name = mark.find(f"{KML}name").text
        assert "&#123;" not in name and "&lt;" not in name and "&amp;" not in name, name
    names = [m.find(f"{KML}name").text for m in marks]
    assert any("{{7*7}} <b>bold</b> & ${x}" in n for n in names), names
    read = [pyogrio.read_dataframe(out, layer=layer) for layer, _ in pyogrio.list_layers(out)]
    gdal_names = [n for frame in read if len(frame) for n in frame["Name"]]
    assert any("{{7*7}}" in n for n in gdal_names) and not any("&#123;" in n for n in gdal_names), gdal_names


def test_kml_balloon_keeps_the_label_before_a_reason_without_it(seed_mapped, tmp_path: Path):
    from maps.export.kml import status_line, write_kml

    assert status_line("Unconfirmed", "Unconfirmed: single source.") == "Unconfirmed: single source."
    assert status_line("Confirmed", "Corroborated by 2 sources.") == "Confirmed: Corroborated by 2 sources."
    out = write_kml(seed_mapped, tmp_path / "s.kml")[0]
    text = out.read_text(encoding="utf-8")
    assert "Unconfirmed: Unconfirmed" not in text and text.count("Unconfirmed: ") + text.count("Confirmed: ") >= len(
        seed_mapped.incidents
    )


def test_kml_and_csv_say_which_flags_they_ignore(tmp_path: Path, capsys):
    src = small_event(tmp_path / "e.yaml")
    assert main(["export", str(src), "-o", str(tmp_path / "e.kml"), "--reports", "--polygons"]) == 0
    err = capsys.readouterr().err
    assert "incident-map: warning: KML has no reports layer" in err and "--polygons adds nothing" in err
    assert main(["export", str(src), "-o", str(tmp_path / "e.csv"), "--polygons"]) == 0
    assert "--polygons is ignored" in capsys.readouterr().err
    assert main(["export", str(src), "-o", str(tmp_path / "e.geojson"), "--reports", "--polygons"]) == 0
    assert "warning" not in capsys.readouterr().err


# ------------------------------------------------------------------------------------------------- plurals


def test_counts_line_uses_singular_for_one(tmp_path: Path, capsys):
    src = small_event(tmp_path / "e.yaml", n=1)
    assert main(["export", str(src), "-o", str(tmp_path / "e.geojson")]) == 0
    err = capsys.readouterr().err
    assert "1 report read, 1 mapped into 1 incident (0 merged into others), 0 unresolved, 0 context notes" in err
    src = small_event(tmp_path / "f.yaml", n=2)
    assert main(["export", str(src), "-o", str(tmp_path / "f.geojson")]) == 0
    assert "2 reports read, 2 mapped into 2 incidents" in capsys.readouterr().err


# -------------------------------------------------------------------------------------------- GeoPackage


@pytest.fixture(scope="module")
def seed_gpkg(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gpkg") / "caracas.gpkg"
    assert main(["export", str(SEED), "-o", str(out)]) == 0
    assert main(["export", str(SEED), "-o", str(out.with_suffix(".geojson")), "--reports"]) == 0
    return out


def _ogr_fields(path: Path, layer: str) -> dict[str, str]:
    info = subprocess.run(["ogrinfo", "-ro", "-so", str(path), layer], capture_output=True, text=True, check=True)
    fields = {}
    for line in info.stdout.splitlines():
        name, sep, kind = line.partition(": ")
        if sep and not line.startswith(" ") and "(" in kind:
            fields[name] = kind.split(" (")[0].split("(")[0]
    return fields


def test_geopackage_times_are_datetime_and_report_numbers_real(seed_gpkg: Path):
    for layer in ("incidents", "uncertainty", "reports"):
        fields = _ogr_fields(seed_gpkg, layer)
        assert fields["time_start"] == fields["time_end"] == "DateTime", (layer, fields)
    reports = _ogr_fields(seed_gpkg, "reports")
    assert reports["lat"] == reports["lon"] == reports["radius_m"] == "Real", reports
    assert reports["span_start"].startswith("Integer"), reports
    assert reports["when_start"] == "String"  # what the analyst wrote, kept as written


def test_geopackage_times_match_the_geojson_export(seed_gpkg: Path):
    import pandas as pd

    frame = pyogrio.read_dataframe(seed_gpkg, layer="incidents").set_index("id")
    geojson = json.loads(seed_gpkg.with_suffix(".geojson").read_text(encoding="utf-8"))
    for feature in geojson["features"]:
        props = feature["properties"]
        for column in ("time_start", "time_end"):
            assert frame.loc[props["id"], column] == pd.Timestamp(props[column]), (props["id"], column)
    reports = pyogrio.read_dataframe(seed_gpkg, layer="reports")
    assert str(reports["lat"].dtype) == "float64" and str(reports["time_start"].dtype).startswith("datetime64")


def test_geopackage_with_explicit_coordinates_and_no_incidents(tmp_path: Path, capsys):
    src = small_event(tmp_path / "e.yaml", n=2)
    out = tmp_path / "e.gpkg"
    assert main(["export", str(src), "-o", str(out)]) == 0
    reports = pyogrio.read_dataframe(out, layer="reports")
    assert sorted(reports["lat"]) == [8.0, 9.0] and set(reports["radius_m"]) == {500.0}
    doc = yaml.safe_load(src.read_text(encoding="utf-8"))
    doc["reports"] = [{**r, "where": "Qxzvb Plorthkw", "lat": None, "lon": None, "radius_m": None}
                      for r in doc["reports"]]  # fmt: skip
    nowhere = tmp_path / "nowhere.yaml"
    nowhere.write_text(yaml.safe_dump(doc), encoding="utf-8")
    assert main(["export", str(nowhere), "-o", str(tmp_path / "n.gpkg")]) == 0  # every report unresolved
    assert pyogrio.read_info(tmp_path / "n.gpkg", layer="incidents")["features"] == 0


def test_geopackage_time_in_the_year_999_utc(tmp_path: Path, capsys):
    src = small_event(tmp_path / "e.yaml")
    doc = yaml.safe_load(src.read_text(encoding="utf-8"))
    doc["reports"][0]["when"] = {"start": "1000-01-01T00:30:00+14:00", "precision": "exact"}
    src.write_text(yaml.safe_dump(doc), encoding="utf-8")
    out = tmp_path / "e.gpkg"
    assert main(["export", str(src), "-o", str(out)]) == 0
    frame = pyogrio.read_dataframe(out, layer="incidents")
    assert frame.loc[0, "time_start"].year == 999 and frame.loc[0, "time_start"].hour == 10


# --------------------------------------------------------------------------------------------------- CSV


def test_csv_bad_date_names_the_column(tmp_path: Path, capsys):
    table = tmp_path / "bad.csv"
    table.write_text(
        "id,event_type,where,when_start,when_end,source,summary\n"
        "r1,gunfire,Caracas,2026-01-06,,s1,x\n"
        "r2,gunfire,Caracas,2026-02-30,,s1,y\n",
        encoding="utf-8",
    )
    assert main(["export", str(table), "-o", str(tmp_path / "o.geojson")]) == 2
    line = one_line_error(capsys)
    assert "row 3" in line and "field 'when_start'" in line and "datetime" not in line.split("'when_start'")[0], line
    table.write_text("id,event_type,where,when_start,when_end,source,summary\nr1,gunfire,Caracas,2026-01-06,"
                     "2026-01-06T25:00,s1,x\n", encoding="utf-8")  # fmt: skip
    assert main(["export", str(table), "-o", str(tmp_path / "o.geojson")]) == 2
    assert "field 'when_end'" in one_line_error(capsys)
