"""`export --engine dask` on a LocalCluster gives the incidents one process gives, on a real-shaped table."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from benchmarks.shapes import write_table
from incidents.partition import pack_parts, time_segments
from maps.cli import main

ROWS = int(__import__("os").environ.get("DASK_TEST_ROWS", "200000"))


def _frame(path: Path) -> pd.DataFrame:
    frame = gpd.read_parquet(path) if path.is_file() else pd.concat([gpd.read_parquet(p)
                                                                     for p in sorted(path.glob("part.*.parquet"))])
    frame = frame.assign(wkt=frame.geometry.to_wkt()).drop(columns="geometry")
    return frame.sort_values("id").reset_index(drop=True)


def test_segments_never_split_what_could_merge() -> None:
    rng = np.random.default_rng(3)
    family = rng.integers(0, 3, 5_000)
    start = rng.integers(0, 2_000, 5_000)
    end = start + rng.choice([0, 1, 5, 50], 5_000)
    segment = time_segments(family, start, end)
    order = np.lexsort((start, family))
    for a in range(len(order)):  # a report overlapping a later one of its family is in that one's segment
        i = order[a]
        later = order[a + 1 : a + 200]
        same = later[family[later] == family[i]]
        touch = np.where((start[same] == end[same]) | (start[i] == end[i]), start[same] <= end[i], start[same] < end[i])
        assert (segment[same[touch]] == segment[i]).all()
    parts = pack_parts(segment, 4)
    assert set(parts.tolist()) <= {0, 1, 2, 3}
    for s in np.unique(segment):
        assert len(set(parts[segment == s].tolist())) == 1  # a segment is never cut


@pytest.mark.slow
def test_dask_equals_one_process_on_200k_rows(tmp_path: Path) -> None:
    table = write_table(tmp_path / "dense.csv", "dense", ROWS)
    one = tmp_path / "one.parquet"
    assert main(["export", str(table), "-o", str(one)]) == 0
    many = tmp_path / "many.parquet"
    assert main(["export", str(table), "-o", str(many), "--engine", "dask", "--workers", "2"]) == 0
    assert len(list(many.glob("part.*.parquet"))) > 1
    pd.testing.assert_frame_equal(_frame(one), _frame(many))
    assert (tmp_path / "many.unresolved.json").read_text() == (tmp_path / "one.unresolved.json").read_text()
    import dask_geopandas

    assert len(dask_geopandas.read_parquet(many).compute()) == len(_frame(one))  # one dataset to dask-geopandas


def test_rows_with_their_own_points_and_a_second_run_into_the_same_dataset(tmp_path: Path) -> None:
    table = write_table(tmp_path / "spread.csv", "spread", 3_000)  # every row has lat/lon/radius: nothing to look up
    one, many = tmp_path / "one.parquet", tmp_path / "many.parquet"
    assert main(["export", str(table), "-o", str(one)]) == 0
    for _ in range(2):  # the second run replaces the first dataset
        assert main(["export", str(table), "-o", str(many), "--engine", "dask", "--workers", "1"]) == 0
    pd.testing.assert_frame_equal(_frame(one), _frame(many))


def test_a_bad_scheduler_address_is_one_line_exit_2(tmp_path: Path, capsys) -> None:
    table = write_table(tmp_path / "hour.csv", "hour", 10)
    code = main(["export", str(table), "-o", str(tmp_path / "x.parquet"), "--engine", "dask", "--scheduler", "notaurl"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "--scheduler" in err[0]


def test_a_bad_row_is_one_line_exit_2_naming_file_row_and_column(tmp_path: Path) -> None:
    import subprocess
    import sys

    bad = tmp_path / "bad.csv"
    bad.write_text("id,event_type,where,when_start,source,summary\nr1,gunfire,Caracas,2026-13-01,s1,x\n")
    done = subprocess.run([sys.executable, "-m", "maps.cli", "export", str(bad), "-o", str(tmp_path / "x.parquet"),
                           "--engine", "dask", "--workers", "1"], capture_output=True, text=True, timeout=300)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    assert "bad.csv: row 2: field 'when_start'" in lines[0] and "Traceback" not in done.stderr
