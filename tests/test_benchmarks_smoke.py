"""The benchmark entry points run end to end at tiny sizes (no browser, no timing assertions)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import bench_geocode, bench_render
from benchmarks.synthetic import synthetic_event
from incidents.models import MappedEvent


def test_synthetic_incidents_validate_as_the_pipeline_s():
    event = synthetic_event(50)
    again = MappedEvent.model_validate(event.model_dump())
    assert again == event and len(event.incidents) == 50
    assert synthetic_event(50) == event  # deterministic


def test_bench_render_runs_every_measurement(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "results.json"
    code = bench_render.main(
        [
            "--sizes",
            "50",
            "--export-size",
            "50",
            "--skip-folium-above",
            "1000",
            "--json",
            str(out),
            "--keep",
            str(tmp_path / "pages"),
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    doc = json.loads(out.read_text(encoding="utf-8"))
    kinds = {(r["kind"], r["size"]): r for r in doc["results"]}
    assert set(kinds) == {("ours", 50), ("folium", 50), ("explore", 50), ("export", 50)}
    for result in kinds.values():
        assert result["error"] is None and result["seconds"] > 0 and result["output_bytes"] > 0
        assert result["peak_rss_mb"] >= result["data_rss_mb"] > 0
    for kind in ("ours", "folium", "explore"):
        assert (tmp_path / "pages" / f"{kind}-50.html").is_file()
    assert "ours: " in printed and "faster than folium" in printed and "targets" in printed


def test_bench_render_says_when_folium_is_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code = bench_render.main(["--sizes", "30", "--export-size", "0", "--skip-folium-above", "10", "--no-explore"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "skipped: above --skip-folium-above 10" in printed and "folium skipped above 10 incidents" in printed


def test_bench_geocode_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "geocode.json"
    assert bench_geocode.main(["--strings", "300", "--distinct", "60", "--repeat", "1", "--json", str(out)]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["throughput"]["strings"] == 300
    assert report["throughput"]["found"] + report["throughput"]["not_found"] == 300
    assert report["cold_start"]["method"] in ("gazetteer", "geonames")
    assert "strings/s" in capsys.readouterr().out


def test_place_strings_mix_repeats_and_distinct_names():
    strings = bench_geocode.place_strings(2_000, 300)
    assert len(strings) == 2_000 and 50 < len(set(strings)) <= 300
    assert strings == bench_geocode.place_strings(2_000, 300)
    assert any(s.startswith("near ") for s in strings) and any(", Venezuela" in s for s in strings)


def test_export_floor_runs_every_step(capsys: pytest.CaptureFixture[str]):
    from benchmarks import export_floor

    assert export_floor.main(["--size", "40"]) == 0
    printed = capsys.readouterr().out
    assert [line.split()[0] for line in printed.splitlines()] == ["read", "lean", "native", "export"]
