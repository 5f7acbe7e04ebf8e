"""`incident-map geocode --batch PLACES.csv -o OUT.jsonl`: one object per row, in order; documents resolved jointly."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from incidents.geocode import PlaceResolver
from incidents.geocode.batch import geocode_rows, read_places
from incidents.geocode.geonames import great_circle_km
from incidents.models import GeoContext
from maps.cli import main


def _run(tmp_path: Path, csv_text: str, *extra: str) -> tuple[int, list[dict], Path]:
    places, out = tmp_path / "places.csv", tmp_path / "out.jsonl"
    places.write_text(csv_text, encoding="utf-8")
    rc = main(["geocode", "--batch", str(places), "-o", str(out), *extra])
    rows = [orjson.loads(line) for line in out.read_bytes().splitlines()] if rc == 0 else []
    return rc, rows, out


def test_one_object_per_row_in_order_with_fields_or_error(tmp_path, capsys):
    rc, rows, _ = _run(tmp_path, "id,text,context\nA,Caracas,VE\nB,Xqzzyw,\nC,near Miraflores Palace,\nD,,\n",
                       "--context", "Caracas, VE")  # fmt: skip
    assert rc == 0 and [r["id"] for r in rows] == ["A", "B", "C", "D"] and [r["row"] for r in rows] == [1, 2, 3, 4]
    caracas, unknown, palace, empty = rows
    assert caracas["precision"] == "city" and caracas["entry"]["name"] == "Caracas" and caracas["reason"]
    assert {"lat", "lon", "radius_m", "method", "score"} <= caracas.keys() and "error" not in caracas
    assert "Xqzzyw" in unknown["error"] and "lat" not in unknown
    assert palace["qualifier"] == "near" and palace["entry"]["name"] == "Miraflores Palace"
    assert empty["error"] == "empty text"
    err = capsys.readouterr().err
    assert "4 rows" in err and "2 resolved, 2 unresolved" in err and "Traceback" not in err


def test_a_rows_context_overrides_the_commands(tmp_path):
    _, rows, _ = _run(tmp_path, "text,context\nMiraflores,\nMiraflores,\"Lima, PE\"\n", "--context", "Caracas, VE")
    caracas, lima = rows
    assert caracas["lat"] > 10 and lima["lat"] < -12 and "id" in caracas and caracas["id"] is None


def test_rows_sharing_a_doc_are_resolved_together(tmp_path):
    _, rows, _ = _run(tmp_path, "id,text,doc\n1,Paris,texas-story\n2,Dallas,texas-story\n3,Paris,\n")
    joint, _, alone = rows
    assert great_circle_km(joint["lat"], joint["lon"], 33.66, -95.56) < 30 and "Dallas" in joint["reason"]
    assert great_circle_km(alone["lat"], alone["lon"], 48.85, 2.35) < 30


def test_each_distinct_text_and_context_is_resolved_once():
    calls = []

    class Counting(PlaceResolver):
        def resolve(self, text, context, **kw):  # noqa: ANN001, ANN003, ANN202
            calls.append((text, context.country))
            return super().resolve(text, context, **kw)

    from incidents.geocode.batch import BatchRow

    rows = [BatchRow(n, text, None, GeoContext(country=cc), None)
            for n, (text, cc) in enumerate([("Caracas", "VE"), ("Caracas", "VE"), ("Caracas", None)] * 50, 1)]  # fmt: skip
    lines = list(geocode_rows(rows, Counting()))
    assert len(lines) == 150 and calls == [("Caracas", "VE"), ("Caracas", None)]


@pytest.mark.parametrize(("text", "expected"), [
    ("name,context\nCaracas,VE\n", "places.csv: field 'text': no 'text' column"),
    ("text,id\nCaracas,1,extra\n", "places.csv: row 1: 3 fields, the header has 2"),
    ("text,context\nCaracas,VE\nLima,\"Lima, Narnia\"\n", "places.csv: row 2: field 'context': unknown country"),
    ("", "places.csv: empty file"),
])  # fmt: skip
def test_a_bad_csv_is_one_line_naming_file_row_and_column_and_exit_2(tmp_path, capsys, text, expected):
    out = tmp_path / "out.jsonl"
    out.write_text("before\n")
    rc, _, _ = _run(tmp_path, text)
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and expected in err and "Traceback" not in err
    assert out.read_text() == "before\n"  # nothing written over the old output


def test_batch_needs_an_output_and_no_place(tmp_path, capsys):
    places = tmp_path / "p.csv"
    places.write_text("text\nCaracas\n")
    assert main(["geocode", "--batch", str(places)]) == 2
    assert main(["geocode", "Caracas", "--batch", str(places), "-o", str(tmp_path / "o.jsonl")]) == 2
    assert main(["geocode", "--batch", str(places), "-o", str(places)]) == 2  # never over its input
    assert "--batch" in capsys.readouterr().err


def test_reading_keeps_quoted_commas_and_skips_blank_lines(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text('\ufefftext,doc\n"Dahieh, Beirut",x\n\n"Plateau, Niamey",\n', encoding="utf-8")
    rows = read_places(path, GeoContext())
    assert [(r.row, r.text, r.doc) for r in rows] == [(1, "Dahieh, Beirut", "x"), (3, "Plateau, Niamey", None)]
