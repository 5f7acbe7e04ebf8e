"""The public Python API: the README's notebook (docs/notebook.ipynb) runs; read/build/filter/to_geodataframe;
our layers on a folium.Map of the user's own, opened in Chromium, with report text never run as a template."""

from __future__ import annotations

import json
from pathlib import Path

import folium
import pandas as pd
import pytest

import incidents
import maps
from tests.support import SEED, popup_texts

ROOT = Path(__file__).parent.parent
ACLED = ROOT / "tests" / "data" / "formats" / "acled.csv"


def test_the_notebook_example_runs(monkeypatch):
    monkeypatch.chdir(ROOT)
    notebook = json.loads((ROOT / "docs" / "notebook.ipynb").read_text(encoding="utf-8"))
    namespace: dict = {}
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            *body, last = source.rstrip().splitlines()
            exec(compile("\n".join(body) + "\n_ = " + last if not last.startswith(("print", "maps.Inc")) else source,
                         "notebook", "exec"), namespace)
    assert str(namespace["frame"]["time_start"].dtype).startswith("datetime64")
    assert namespace["clashes"].counts.incidents == 2 and "2 incidents of 4" in namespace["clashes"].selection
    html = namespace["fmap"].get_root().render()
    assert "IncidentMapper.init" in html
    shown = namespace["_"]._repr_html_()
    assert "tile.openstreetmap.org" in shown and "cdn.jsdelivr.net" not in shown  # basemap, inlined scripts


def test_read_build_filter_and_frames():
    frame = pd.read_csv(ACLED)
    mapped = incidents.build(incidents.read(frame))
    assert mapped.counts.read == 4 and mapped.counts.incidents == 4
    again = incidents.build(incidents.read(ACLED, format="acled"))
    assert [i.id for i in again.incidents] == [i.id for i in mapped.incidents]
    late = mapped.filter(between=("2026-01-20", "2026-01-25"))  # only VEN9003's window (its month) reaches there
    assert late.counts.read == late.counts.mapped + late.counts.unresolved == 1
    none = mapped.filter(status="confirmed")
    assert none.counts.incidents == 0 and none.counts.read == 0
    for layer in ("incidents", "uncertainty", "reports"):
        gdf = mapped.to_geodataframe(layer)
        assert gdf.crs.to_epsg() == 4326 and str(gdf["time_start"].dtype).startswith("datetime64") and str(gdf["time_start"].dtype).endswith("UTC]"), layer
    seed = incidents.build(incidents.read(SEED))
    assert seed.filter(status=["confirmed", "unconfirmed"]).counts.incidents == seed.counts.incidents


@pytest.mark.browser
def test_incident_layers_join_a_users_folium_map(tmp_path: Path, open_map, vendor_server):
    mapped = incidents.build(incidents.read(ACLED))  # VEN9001's notes say "{{ 7*7 }} <b>bold</b>"
    fmap = folium.Map(location=[10.5, -66.9], zoom_start=6, tiles=None)
    fmap.default_js = [("leaflet", f"{vendor_server}/leaflet@1.9.4/dist/leaflet.js")]
    fmap.default_css = [("leaflet_css", f"{vendor_server}/leaflet@1.9.4/dist/leaflet.css")]
    maps.IncidentLayers(mapped, asset_base=vendor_server).add_to(fmap)
    page_path = tmp_path / "mine.html"
    fmap.save(str(page_path))
    opened = open_map(page_path)
    assert not opened.errors, opened.errors
    texts = popup_texts(opened.page)
    assert len(texts) == 4 and all(t is not None for t in texts)
    clash = next(t for t in texts if "presidential palace" in t["text"])
    assert "{{ 7*7 }}" in clash["visible"] and "49" not in clash["visible"]  # never evaluated as a template
    assert "<b>bold</b>" in clash["visible"]  # shown as written: were it markup, innerText would hold "bold" alone
    assert "fatalities" in clash["visible"]  # the table's own columns
    legend = opened.page.inner_text(".leaflet-control-container")
    assert "onfirmed" in legend
