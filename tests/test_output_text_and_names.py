"""Text a format cannot hold is replaced (NUL in GeoPackage, control characters in KML), warnings come only after
the input was accepted, and an output suffix that is not ours is refused before anything is read."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pyogrio
import pytest
import yaml

from maps.cli import main
from tests.support import SEED

KML = "{http://www.opengis.net/kml/2.2}"


def _event(path: Path, text: str) -> Path:
    doc = {
        "title": f"Title {text}",
        "timezone": "UTC",
        "sources": [{"id": "s1", "name": f"Source {text}"}],
        "reports": [{"id": "r1", "event_type": "gunfire", "where": f"Place {text}", "lat": 10.5, "lon": -66.9,
                     "radius_m": 500, "when": "2026-01-06", "source": "s1", "summary": f"Summary {text}"}],
    }
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("text", ["nul\x00byte", "bell\x07esc\x1b[31m", "\x01\x02\x7f"])
def test_text_a_format_cannot_hold_is_replaced_not_a_failure(tmp_path: Path, capsys, text: str):
    src = _event(tmp_path / "e.yaml", text)
    gpkg, kml = tmp_path / "e.gpkg", tmp_path / "e.kml"
    assert main(["export", str(src), "-o", str(gpkg), "--reports"]) == 0
    assert main(["export", str(src), "-o", str(kml)]) == 0
    capsys.readouterr()
    for layer in ("incidents", "reports"):
        frame = pyogrio.read_dataframe(gpkg, layer=layer, read_geometry=False)
        values = [str(v) for v in frame.to_numpy().ravel() if "Summary" in str(v)]
        assert values and all("\x00" not in v for v in values)
        # nothing cut short at a NUL: what follows it is kept
        assert any(v.endswith(text.replace("\x00", "\ufffd")) for v in values) or "\x00" not in text
    root = ET.parse(kml).getroot()  # parses: XML 1.0 cannot hold these characters, so they were replaced
    names = [n.text for n in root.iter(f"{KML}name")]
    assert any(n and n.startswith("Title") and "\ufffd" in n for n in names)


def test_a_warning_comes_only_after_the_input_was_accepted(tmp_path: Path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nreports: 5\n", encoding="utf-8")
    assert main(["export", str(bad), "-o", str(tmp_path / "e.kml"), "--reports"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("incident-map: error: "), lines
    assert main(["export", str(SEED), "-o", str(tmp_path / "e.kml"), "--reports"]) == 0
    assert "warning: KML has no reports layer" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "said"), [
    (["export", "{seed}", "-o", "good.unresolved.json"], "names an unresolved list"),
    (["render", "{seed}", "-o", "good.unresolved.json"], "names an unresolved list"),
    (["render", "{seed}", "-o", "m.html", "--geojson", "g.unresolved.json"], "unresolved list"),
    (["export", "{seed}", "-o", "e.json"], "unknown export format '.json'"),
    (["export", "{seed}", "-o", "e.txt"], "unknown export format '.txt'"),
    (["render", "{seed}", "-o", "m.json"], "writes .html or .htm files"),
    (["render", "{seed}", "-o", "m.html", "--geojson", "g.json"], "writes .geojson files"),
    (["render", "{seed}", "-o", "m.html", "--png", "p.jpg"], "writes .png files"),
    (["extract", "{article}", "-o", "draft.json"], "writes .yaml or .yml files"),
])
def test_an_output_suffix_that_is_not_ours_is_refused_before_anything_is_written(
    tmp_path: Path, capsys, monkeypatch, argv: list[str], said: str
):
    monkeypatch.chdir(tmp_path)
    seed = tmp_path / "event.yaml"
    seed.write_bytes(SEED.read_bytes())
    article = tmp_path / "article.txt"
    article.write_text("Gunfire was heard near the presidential palace in Caracas late on Monday.\n", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main([a.format(seed=seed, article=article) for a in argv]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and said in lines[0], lines
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_outputs_without_a_suffix_are_still_accepted_for_render(tmp_path: Path, capsys):
    assert main(["render", str(SEED), "-o", str(tmp_path / "map")]) == 0
    assert (tmp_path / "map").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert (tmp_path / "map.unresolved.json").is_file()
