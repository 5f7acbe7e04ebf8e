"""Incident files: the seed loads, and every kind of bad file gives one line naming file, record and field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from incidents.errors import InputError
from incidents.loader import load_event
from tests.support import SEED

GOOD = yaml.safe_load(SEED.read_text(encoding="utf-8"))


def test_seed_loads_with_every_reported_incident(seed_event):
    ids = {r.id for r in seed_event.reports}
    assert len(seed_event.reports) == 7 and len(seed_event.notes) == 3
    assert {"disclosetv-gunfire", "worldsource-aa-fire", "worldsource-smoke", "sortor-armed-men",
            "safetyswipe-column", "article-firefights-miraflores"} <= ids
    column = next(r for r in seed_event.reports if r.id == "safetyswipe-column")
    assert column.hedges == ["allegedly"] and column.media and column.source == "safetynotorious"
    handles = {s.handle for s in seed_event.sources}
    assert {"@disclosetv", "@Worldsource24", "@nicksortor", "@SafetyNotorious"} <= handles


def _with(mutate) -> dict:
    doc = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    mutate(doc)
    return doc


CASES = {
    "unknown-field": (_with(lambda d: d["reports"][1].update(wher="x")), "report 'disclosetv-gunfire'", "wher"),
    "bad-date": (_with(lambda d: d["reports"][1].update(when="2026-13-45")), "report 'disclosetv-gunfire'", "when"),
    "unknown-type": (_with(lambda d: d["reports"][2].update(event_type="laser")), "report 'worldsource-aa-fire'",
                     "event_type"),
    "unknown-source": (_with(lambda d: d["reports"][0].update(source="nobody")), "report 'article-firefights",
                       "source"),
    "lat-without-lon": (_with(lambda d: d["reports"][3].update(lat=10.5)), "report 'worldsource-smoke'", None),
    "lat-out-of-range": (_with(lambda d: d["reports"][3].update(lat=100, lon=0)), "report 'worldsource-smoke'", "lat"),
    "negative-radius": (_with(lambda d: d["reports"][3].update(lat=10, lon=0, radius_m=-5)),
                        "report 'worldsource-smoke'", "radius_m"),
    "duplicate-id": (_with(lambda d: d["reports"].append(dict(d["reports"][0]))), "report 'article-firefights", "id"),
    "bad-timezone": (_with(lambda d: d.update(timezone="Mars/Olympus")), None, "timezone"),
    "bad-country": (_with(lambda d: d["context"].update(country="Venezuela")), None, "context.country"),
    "missing-summary": (_with(lambda d: d["reports"][4].pop("summary")), "report 'sortor-armed-men'", "summary"),
    "override-without-reason": (_with(lambda d: d["reports"][4].update(override={"status": "confirmed"})),
                                "report 'sortor-armed-men'", "override.reason"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_record_names_file_record_and_field(tmp_path: Path, name: str):
    doc, record, field = CASES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_event(path)
    line = info.value.one_line()
    assert "\n" not in line and str(path) in line
    if record:
        assert record in line
    if field:
        assert f"field '{field}" in line


@pytest.mark.parametrize("content, expected", [
    (b"", "empty"), (b"   \n", "empty"), (b"title: [unclosed", "invalid YAML at line"),
    (b"- just\n- a list\n", "top level must be a mapping"), (b"\xff\xfe t\x00i\x00", "UTF-16"),
    (b"title: caf\xe9\n", "not UTF-8"), (b"title: x\x00y", "NUL"),
])
def test_unreadable_files_give_one_line(tmp_path: Path, content: bytes, expected: str):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    with pytest.raises(InputError, match=expected):
        load_event(path)


def test_invalid_json_names_line(tmp_path: Path):
    path = tmp_path / "bad.json"
    path.write_text('{"title": "x",\n "reports": [}', encoding="utf-8")
    with pytest.raises(InputError, match=r"invalid JSON at line 2"):
        load_event(path)


def test_json_incident_file(tmp_path: Path):
    import json

    path = tmp_path / "event.json"
    path.write_text(json.dumps(GOOD, default=str), encoding="utf-8")
    assert len(load_event(path).reports) == 7


def test_cli_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(CASES["unknown-type"][0]), encoding="utf-8")
    out = tmp_path / "map.html"
    proc = subprocess.run([sys.executable, "-m", "maps.cli", "render", str(bad), "-o", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("incident-map: error:") and "event_type" in lines[0]
    assert "Traceback" not in proc.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]


def test_inputs_are_never_modified(tmp_path: Path):
    import shutil

    copy = tmp_path / "seed.yaml"
    shutil.copy(SEED, copy)
    before = copy.read_bytes()
    from maps.cli import main

    assert main(["render", str(copy), "-o", str(tmp_path / "m.html")]) == 0
    assert copy.read_bytes() == before
