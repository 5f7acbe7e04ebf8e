"""The UCDP GED / ACLED sample benchmark reads its sample from a path (benchmarks/ucdp_acled_sample.py); here on a
small synthetic file written by the test, not real rows."""

from __future__ import annotations

import pytest

from benchmarks.ucdp_acled_sample import COLUMNS, SampleError, load_sample, main, run

HEADER = ",".join(COLUMNS)
ROWS = [
    "UCDP GED,1,Pakistan,Khyber Pakhtunkhwa province,Peshawar town,34.008,71.578,1,synthetic",
    "UCDP GED,2,Syria,Daraa governorate,Daraa governorate,32.83,36.21,4,synthetic",
    "ACLED,SYN3,Kenya,Nairobi,Nairobi,-1.283,36.817,1,synthetic",
    "ACLED,SYN4,Kenya,Nairobi,Nairobi,-4.05,39.67,2,synthetic",  # a truth far from the place: outside the radius
    "ACLED,SYN5,Kenya,,Xqzvbnw,-1.283,36.817,2,synthetic",  # no gazetteer knows it
]


def _write(tmp_path, rows, header=HEADER):
    path = tmp_path / "sample.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_the_sample_loads_and_is_scored(tmp_path):
    rows = load_sample(_write(tmp_path, ROWS))
    assert [r.dataset for r in rows] == ["UCDP GED", "UCDP GED", "ACLED", "ACLED", "ACLED"]
    assert rows[0].text == "Peshawar town, Khyber Pakhtunkhwa province"
    assert rows[1].text == "Daraa governorate"  # the admin1 is not repeated
    result = run(rows)
    assert result["rows"] == 5 and result["resolved_pct"] == 80.0 and result["inside_pct"] == 60.0
    assert result["exact_rows"] == 2 and 0 < result["median_exact_radius_km"] < 30
    assert [m["id"] for m in result["misses"]] == ["SYN4", "SYN5"]
    assert "error" in result["misses"][1] and result["misses"][0]["off_km"] > 300


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("GDELT,1,Kenya,Nairobi,Nairobi,-1.2,36.8,1,x", "dataset"),
        ("ACLED,1,Kenya,Nairobi,Nairobi,north,36.8,1,x", "latitude"),
        ("ACLED,1,Kenya,Nairobi,Nairobi,-1.2,361,1,x", "longitude"),
        ("ACLED,1,Kenya,Nairobi,Nairobi,-1.2,36.8,,x", "precision"),
        ("ACLED,1,Kenya,Nairobi,Nairobi,-1.2,36.8,1,", "source"),
    ],
)
def test_a_bad_row_is_named_with_its_field(tmp_path, row, field):
    with pytest.raises(SampleError, match=rf"row 2, field {field}"):
        load_sample(_write(tmp_path, [row]))


def test_the_command_exits_2_on_a_bad_file(tmp_path, capsys):
    assert main([str(_write(tmp_path, [], header="dataset,location"))]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "missing column(s)" in err and err.count("\n") == 1
