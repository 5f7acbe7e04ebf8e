"""The map's controls in headless Chromium at a phone's, an embed's and a desktop's size, with the notes panel open
and closed: no two controls overlap and none leaves the screen; on a phone the legend and the layer control fold
behind buttons and the time control is compact."""

from __future__ import annotations

from pathlib import Path

import pytest

from maps.cli import main
from tests.support import SEED

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "embed": (800, 600), "desktop": (1400, 900)}
BOXES = """() => {
    const out = [];
    document.querySelectorAll('.leaflet-control').forEach((el) => {
        if (el.offsetParent === null) { return; }
        const r = el.getBoundingClientRect();
        if (!r.width || !r.height) { return; }
        const name = [...el.classList].filter(c => c !== 'leaflet-control' && c !== 'leaflet-bar').join('.');
        out.push({name, left: r.left, top: r.top, right: r.right, bottom: r.bottom});
    });
    return out;
}"""


def _problems(boxes: list[dict], width: int, height: int) -> list[str]:
    found = []
    for n, a in enumerate(boxes):
        if a["left"] < -0.5 or a["top"] < -0.5 or a["right"] > width + 0.5 or a["bottom"] > height + 0.5:
            found.append(f"{a['name']} leaves the {width}x{height} screen: {a}")
        for b in boxes[n + 1 :]:
            if a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]:
                found.append(f"{a['name']} overlaps {b['name']}")
    return found


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """The seed as a linked page with its assets beside it (minimap, basemaps, the offline notice) and as a
    self-contained page (its own notice, no minimap)."""
    folder = tmp_path_factory.mktemp("layout")
    linked, single = folder / "linked.html", folder / "single.html"
    assert main(["render", str(SEED), "-o", str(linked), "--assets-dir", str(folder / "assets")]) == 0
    assert main(["render", str(SEED), "-o", str(single), "--self-contained"]) == 0
    return {"linked": linked, "single": single}


@pytest.mark.parametrize("kind", ["linked", "single"])
@pytest.mark.parametrize("size", list(SIZES))
def test_no_control_hides_another_or_leaves_the_screen(pages, open_map, kind: str, size: str):
    width, height = SIZES[size]
    opened = open_map(pages[kind], viewport=(width, height))
    page = opened.page
    if kind == "linked":  # offline, the basemap fails and its notice joins the controls
        page.wait_for_selector(".im-notice", timeout=10000)
    closed = page.evaluate(BOXES)
    names = {b["name"] for b in closed}
    assert {"im-title", "leaflet-control-layers", "im-legend", "im-time", "leaflet-control-attribution"} <= {
        n.split(".")[0] for n in names}, names
    assert _problems(closed, width, height) == [], (size, "notes closed")
    page.locator(".im-notes summary").click()
    page.wait_for_function("document.querySelector('.im-notes').open")
    opened_boxes = page.evaluate(BOXES)
    assert _problems(opened_boxes, width, height) == [], (size, "notes open")
    assert page.locator(".im-notes li").first.is_visible()
    page.locator(".im-notes summary").click()
    assert _problems(page.evaluate(BOXES), width, height) == [], (size, "notes closed again")
    if size == "phone":
        # small screens: legend and layers behind buttons, the time control compact; each opens on demand
        assert page.locator(".im-legend.im-collapsed").count() == 1
        assert page.locator(".leaflet-control-layers.im-collapsed").count() == 1
        assert page.locator(".im-time.im-compact").count() == 1
        page.locator(".im-legend .im-toggle").click()
        assert "dashed outline" in page.locator(".im-legend").inner_text()
        page.locator(".leaflet-control-layers .im-toggle").click()
        assert page.locator(".leaflet-control-layers-overlays label").first.is_visible()
        assert page.locator(".im-legend.im-collapsed").count() == 1  # opening one folds the other
        page.locator(".leaflet-control-layers .im-toggle").click()
        assert page.locator(".leaflet-control-layers.im-collapsed").count() == 1
    if size == "desktop":
        assert page.locator(".im-legend.im-collapsed").count() == 0 and page.locator(".im-time.im-compact").count() == 0
    assert opened.errors == [] and opened.dialogs == []
