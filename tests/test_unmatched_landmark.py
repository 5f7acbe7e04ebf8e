"""An unknown landmark stays honest: the map popup and every export say which landmark was named and that no
gazetteer had it, escaped wherever it reaches HTML (the name itself may be hostile)."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyogrio
import pytest

from incidents.loader import load_event
from incidents.pipeline import build_event
from layers.groups import map_payload
from maps.export import export as export_file

HOSTILE_NAME = "<img src=x onerror=alert(1)>{{ 7*7 }}"
EVENT = f"""
title: Karachi test event
timezone: Asia/Karachi
context: {{country: PK, city: Karachi}}
sources:
  - {{id: wire, name: Wire, kind: media}}
reports:
  - id: palace
    event_type: gunfire
    where: near the presidential palace
    when: 2026-01-06
    source: wire
    summary: Gunfire reported near the presidential palace.
  - id: hostile
    event_type: explosion
    where: "{HOSTILE_NAME}, Lahore"
    when: 2026-02-06
    source: wire
    summary: An explosion reported at a place no gazetteer knows.
"""


@pytest.fixture(scope="module")
def mapped(tmp_path_factory):
    path = tmp_path_factory.mktemp("unmatched") / "event.yaml"
    path.write_text(EVENT, encoding="utf-8")
    return build_event(load_event(path))


def _by_place(mapped):
    return {inc.reports[0].report.id: inc for inc in mapped.incidents}


def test_the_incidents_are_drawn_over_their_cities_and_name_the_landmark(mapped):
    got = _by_place(mapped)
    palace, hostile = got["palace"].geocode, got["hostile"].geocode
    assert palace.unmatched == "presidential palace" and palace.precision.value == "city" and palace.radius_m > 5_000
    assert hostile.unmatched == HOSTILE_NAME and hostile.entry.name == "Lahore"


def test_the_popup_payload_says_so_escaped(mapped):
    payload = map_payload(mapped)
    text = json.dumps(payload, ensure_ascii=False)
    assert "\u201cpresidential palace\u201d is in no gazetteer: drawn over Karachi" in text
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "{{ 7*7 }}" not in text  # template syntax never reaches folium/branca unescaped


@pytest.mark.parametrize("suffix", [".geojson", ".csv", ".gpkg", ".kml"])
def test_every_export_names_the_unmatched_landmark(tmp_path: Path, mapped, suffix):
    out = tmp_path / f"out{suffix}"
    export_file(mapped, out)
    if suffix == ".geojson":
        values = [f["properties"]["unmatched_landmark"] for f in json.loads(out.read_text())["features"]]
    elif suffix == ".csv":
        with open(out, encoding="utf-8-sig", newline="") as fh:
            values = [row["unmatched_landmark"] for row in csv.DictReader(fh)]
    elif suffix == ".gpkg":
        values = list(pyogrio.read_dataframe(out, layer="incidents")["unmatched_landmark"])
    else:
        ns = {"k": "http://www.opengis.net/kml/2.2"}
        root = ET.parse(out).getroot()
        values = [d.findtext("k:value", namespaces=ns) for d in root.iter("{http://www.opengis.net/kml/2.2}Data")
                  if d.get("name") == "unmatched_landmark"]
        descriptions = " ".join(e.text or "" for e in root.iter("{http://www.opengis.net/kml/2.2}description"))
        assert "is in no gazetteer" in descriptions and "<img" not in descriptions
    assert "presidential palace" in values
    assert any(v and v.lstrip("'").startswith("<img") for v in values)  # raw in the data (CSV may neutralise)


@pytest.mark.browser
def test_the_popup_in_chromium_names_the_landmark_literally(tmp_path: Path, open_map):
    from maps.cli import main
    from tests.support import popup_texts

    src, out = tmp_path / "event.yaml", tmp_path / "map.html"
    src.write_text(EVENT, encoding="utf-8")
    assert main(["render", str(src), "-o", str(out), "--self-contained", "--no-merge"]) == 0
    opened = open_map(out)
    popups = popup_texts(opened.page)
    assert len(popups) == 2 and all(popups)
    text = " ".join(p["text"] for p in popups)
    assert "\u201cpresidential palace\u201d is in no gazetteer: drawn over Karachi" in text
    assert f"\u201c{HOSTILE_NAME}\u201d is in no gazetteer: drawn over Lahore" in text  # shown as text, not markup
    assert all("IMG" not in p["tags"] and p["handlers"] == [] for p in popups)
    assert opened.dialogs == [] and opened.errors == [] and opened.external == []
