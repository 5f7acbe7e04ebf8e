"""The map page in headless Chromium: stacked incidents are all reachable, the cluster and heat overlays follow the
status, type and time filters, context notes can be read, and clusters work on a map without a basemap."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from maps.cli import main
from tests.hostile import HOSTILE, HOSTILE_URLS, hostile_event
from tests.support import SEED

pytestmark = pytest.mark.browser

STACK_TAGS = {"DIV", "H4", "UL", "LI", "BUTTON", "SPAN", "SVG", "CIRCLE"}
POPUP_TAGS = STACK_TAGS | {"H5", "DL", "DT", "DD", "OL", "B", "BR", "A"}
NOTES_TAGS = {"DETAILS", "SUMMARY", "DIV", "OL", "LI", "BR", "SPAN", "A", "B"}
VISIBLE = "window.incidentMap.layers.countVisible()"
# Hostile strings short enough for a title, one of each family.
SAMPLES = [HOSTILE[n] for n in range(0, len(HOSTILE), 23) if len(HOSTILE[n]) <= 400] + [
    "<img src=x onerror=alert(2)>",
    "{{ 7*7 }}",
    '"><script>alert(12)</script>',
    "${alert(19)}",
]


def render(*args: str) -> None:
    assert main(["render", *args]) == 0


def _policy(tmp_path: Path) -> Path:
    """A policy under which the seed has confirmed and unconfirmed incidents."""
    policy = tmp_path / "policy.yaml"
    policy.write_text("min_independent_sources: 1\naggregators_count_once_alone: false\n", encoding="utf-8")
    return policy


def _incident_points(page) -> list[dict]:
    """Every incident: status index, index, title (as text), and its marker's point on the page."""
    return page.evaluate("""() => {
        const L = window.incidentMap.layers, box = L.map.getContainer().getBoundingClientRect(), out = [];
        L.data.statuses.forEach((s, si) => s.incidents.id.forEach((id, i) => {
            const p = L.map.latLngToContainerPoint([s.incidents.lat[i], s.incidents.lon[i]]);
            const t = document.createElement('div'); t.innerHTML = s.incidents.title[i];
            out.push({si, i, title: t.textContent, x: box.left + p.x, y: box.top + p.y});
        }));
        return out;
    }""")


def _popup(page) -> dict:
    """The open popup: its text, element tags, attribute names that are handlers, links, and list buttons."""
    return page.evaluate("""() => {
        const el = document.querySelector('.leaflet-popup-content');
        if (!el) { return null; }
        const all = [...el.querySelectorAll('*')];
        return {text: el.textContent, tags: all.map(e => e.tagName.toUpperCase()),
                handlers: all.flatMap(e => [...e.attributes].map(a => a.name)).filter(n => n.startsWith('on')),
                hrefs: [...el.querySelectorAll('a')].map(a => a.getAttribute('href')),
                items: [...el.querySelectorAll('.im-stack-open')].map(b => b.textContent)};
    }""")


def _is_full_popup(page, si: int, i: int) -> bool:
    """The popup shows exactly the single-incident popup of (si, i), as before (after a back button, if any)."""
    return page.evaluate(
        """([si, i]) => {
            const el = document.querySelector('.leaflet-popup-content > div');
            const expected = document.createElement('div');
            expected.innerHTML = window.incidentMap.layers.popup(si, i);
            const shown = el.querySelector(':scope > .im-popup');
            return !!shown && shown.outerHTML === expected.innerHTML;
        }""",
        [si, i],
    )


def _click(page, target: dict, dx: float = 0) -> None:
    """A real mouse click on `target`'s marker, dx pixels right, with the marker centred first (clear of the controls;
    an opened popup may have panned the map)."""
    page.evaluate(
        """([si, i]) => { const m = window.incidentMap.map, c = window.incidentMap.layers.data.statuses[si].incidents;
            m.closePopup(); m.panTo([c.lat[i], c.lon[i]], {animate: false}); }""",
        [target["si"], target["i"]],
    )
    now = next(p for p in _incident_points(page) if (p["si"], p["i"]) == (target["si"], target["i"]))
    page.mouse.click(now["x"] + dx, now["y"])


def test_stacked_incidents_are_listed_and_each_opens_its_own_popup(tmp_path: Path, open_map):
    out = tmp_path / "map.html"
    render(str(SEED), "-o", str(out), "--self-contained")
    opened = open_map(out)
    page = opened.page
    points = _incident_points(page)
    gunfire = next(p for p in points if p["title"].startswith("Gunfire"))
    armed = next(p for p in points if p["title"].startswith("Armed group"))
    smoke = next(p for p in points if p["title"].startswith("Smoke"))
    assert (gunfire["x"], gunfire["y"]) == (armed["x"], armed["y"])  # the review's stack: same point and radius
    # a click on the shared marker lists both, with title and status
    _click(page, gunfire)
    listed = _popup(page)
    assert "2 incidents here" in listed["text"] and "Unconfirmed".upper() in listed["text"].upper()
    assert [t.strip()[2:] for t in listed["items"]] == [gunfire["title"], armed["title"]]
    # each entry opens that incident's own, unchanged popup; "back" returns to the list
    for n, target in enumerate((gunfire, armed)):
        page.locator(".im-stack-open").nth(n).click()
        assert _is_full_popup(page, target["si"], target["i"])
        page.locator(".im-stack-back").click()
        assert _popup(page)["items"] == listed["items"]
    # a single incident under the click: its popup exactly as before, no list
    _click(page, smoke)
    assert _is_full_popup(page, smoke["si"], smoke["i"]) and _popup(page)["items"] == []
    # off every marker but inside the circles: each incident whose circle holds the point (the city-wide one too)
    page.evaluate(
        """([si, i]) => { const c = window.incidentMap.layers.data.statuses[si].incidents;
            window.incidentMap.map.setView([c.lat[i], c.lon[i]], 16, {animate: false}); }""",
        [gunfire["si"], gunfire["i"]],
    )
    _click(page, gunfire, dx=60)
    assert len(_popup(page)["items"]) == 3
    # hidden event types are not listed: with Armed group hidden, the shared marker opens Gunfire alone
    page.locator(".im-types label", has_text="Armed group").locator("input").uncheck()
    _click(page, gunfire)
    assert _is_full_popup(page, gunfire["si"], gunfire["i"])
    assert opened.errors == [] and opened.dialogs == []


@pytest.mark.parametrize("payload", SAMPLES)
def test_stack_list_shows_hostile_text_literally(tmp_path: Path, open_map, payload: str):
    doc = hostile_event(payload, HOSTILE_URLS[len(payload) % len(HOSTILE_URLS)])
    first, second = doc["reports"]
    first.update(lat=second["lat"], lon=second["lon"], radius_m=second["radius_m"])  # one point, two event types
    second["event_type"] = "explosion"
    src = tmp_path / "stack.yaml"
    src.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "stack.html"
    render(str(src), "-o", str(out), "--self-contained", "--no-merge")
    opened = open_map(out)
    page = opened.page
    points = _incident_points(page)
    assert len(points) == 2 and len({(p["x"], p["y"]) for p in points}) == 1
    _click(page, points[0])
    listed = _popup(page)
    assert len(listed["items"]) == 2
    assert set(listed["tags"]) <= STACK_TAGS, listed["tags"]
    assert listed["handlers"] == [] and listed["hrefs"] == []
    for p in points:  # every title shows as written (control characters aside)
        assert p["title"] in listed["text"]
    probe = payload.replace("\x00", "").split("\n")[0][:12].strip()
    if probe.isprintable() and probe:
        assert probe in listed["text"]
    for n in range(2):
        page.locator(".im-stack-open").nth(n).click()
        full = _popup(page)
        assert set(full["tags"]) <= POPUP_TAGS, full["tags"]
        assert full["handlers"] == [] and all(h.startswith(("https://", "http://")) for h in full["hrefs"])
        page.locator(".im-stack-back").click()
    assert opened.dialogs == [] and opened.errors == [] and opened.external == []


def test_context_notes_can_be_read(tmp_path: Path, open_map, seed_mapped):
    out = tmp_path / "map.html"
    render(str(SEED), "-o", str(out), "--self-contained")
    opened = open_map(out)
    page = opened.page
    panel = page.locator(".im-title .im-notes")
    assert f"{len(seed_mapped.notes)} context notes" in panel.locator("summary").inner_text()
    assert not page.locator(".im-notes li").first.is_visible()  # collapsed until asked for
    panel.locator("summary").click()
    items = page.locator(".im-notes li")
    assert items.count() == len(seed_mapped.notes)
    sources = {s.id: s for s in seed_mapped.sources}
    for n, note in enumerate(seed_mapped.notes):
        text = items.nth(n).inner_text()
        assert " ".join(note.text.split()) in " ".join(text.split())
        source = sources[note.source]
        assert (source.handle or source.name) in text
        for hedge in note.hedges:
            assert hedge in text
    assert opened.errors == [] and opened.dialogs == []


@pytest.mark.parametrize("payload", SAMPLES)
def test_context_notes_show_hostile_text_literally(tmp_path: Path, open_map, payload: str):
    url = HOSTILE_URLS[len(payload) % len(HOSTILE_URLS)]
    doc = hostile_event(payload, url)
    doc["notes"][0]["when"] = {"start": "2026-01-06T05:00:00", "precision": "hour", "text": payload}
    src = tmp_path / "notes.yaml"
    src.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "notes.html"
    render(str(src), "-o", str(out), "--self-contained")
    opened = open_map(out)
    page = opened.page
    page.locator(".im-notes summary").click()
    found = page.evaluate("""() => {
        const el = document.querySelector('.im-notes'), all = [...el.querySelectorAll('*')];
        return {text: el.textContent, tags: all.map(e => e.tagName.toUpperCase()),
                handlers: all.flatMap(e => [...e.attributes].map(a => a.name)).filter(n => n.startsWith('on')),
                hrefs: [...el.querySelectorAll('a')].map(a => a.getAttribute('href'))};
    }""")
    assert set(found["tags"]) <= NOTES_TAGS, found["tags"]
    assert found["handlers"] == [] and all(h.startswith(("https://", "http://")) for h in found["hrefs"])
    assert "6 Jan 2026 05:00" in found["text"] and "hedged:" in found["text"]
    probe = payload.replace("\x00", "").split("\n")[0][:12].strip()
    if probe.isprintable() and probe:
        assert found["text"].count(probe) >= 3  # text, source name, hedge
    if "{{ 7*7 }}" in payload:
        assert "{{ 7*7 }}" in found["text"] and " 49 " not in f" {found['text']} "
    assert opened.dialogs == [] and opened.errors == [] and opened.external == []


OVERLAYS = """() => {
    let cluster = null, heat = null;
    window.incidentMap.map.eachLayer((l) => {
        if (L.MarkerClusterGroup && l instanceof L.MarkerClusterGroup) { cluster = l.getLayers().length; }
        if (L.HeatLayer && l instanceof L.HeatLayer) { heat = l._latlngs.length; }
    });
    const shownOnMap = document.querySelectorAll('.im-pin').length +
        [...document.querySelectorAll('.im-cc')].reduce((n, e) => n + Number(e.textContent), 0);
    return {cluster, heat, dom: shownOnMap, visible: window.incidentMap.layers.countVisible()};
}"""


def _overlays_follow(page) -> dict:
    page.wait_for_function(
        f"(() => {{ const o = ({OVERLAYS})(); "
        "return o.cluster === o.visible && o.heat === o.visible && o.dom === o.visible; })()",
        timeout=5000,
    )
    return page.evaluate(OVERLAYS)


def test_cluster_and_heat_show_only_what_the_filters_show(tmp_path: Path, open_map):
    out = tmp_path / "map.html"
    render(str(SEED), "-o", str(out), "--self-contained", "--cluster", "--heat", "--policy", str(_policy(tmp_path)))
    opened = open_map(out)
    page = opened.page
    overlays = page.locator(".leaflet-control-layers-overlays label")
    overlays.filter(has_text="Clusters").locator("input").check()
    overlays.filter(has_text="Heat").locator("input").check()
    total = page.evaluate(VISIBLE)
    assert _overlays_follow(page)["visible"] == total >= 3
    unconfirmed = overlays.filter(has_text="Unconfirmed").locator("input")
    confirmed = overlays.filter(has_text=re.compile(r"^\s*Confirmed")).locator("input")
    unconfirmed.uncheck()
    assert 0 < _overlays_follow(page)["visible"] < total
    confirmed.uncheck()
    assert _overlays_follow(page)["visible"] == 0
    confirmed.check()
    unconfirmed.check()
    assert _overlays_follow(page)["visible"] == total
    types = page.locator(".im-types input")
    types.first.uncheck()
    assert _overlays_follow(page)["visible"] < total
    for n in range(types.count()):
        types.nth(n).uncheck()
    assert _overlays_follow(page)["visible"] == 0
    for n in range(types.count()):
        types.nth(n).check()
    slider = page.locator(".im-time .im-slider")
    slider.fill("10")
    slider.dispatch_event("input")
    assert 0 < _overlays_follow(page)["visible"] < total
    page.locator(".im-time .im-all").check()
    assert _overlays_follow(page)["visible"] == total
    # off, changed, on again: still in step
    overlays.filter(has_text="Clusters").locator("input").uncheck()
    unconfirmed.uncheck()
    overlays.filter(has_text="Clusters").locator("input").check()
    _overlays_follow(page)
    unconfirmed.check()
    _overlays_follow(page)
    assert opened.errors == [] and opened.dialogs == []


def test_cluster_pins_show_status_as_filled_or_hollow_and_dashed(tmp_path: Path, open_map):
    out = tmp_path / "map.html"
    render(str(SEED), "-o", str(out), "--self-contained", "--cluster", "--policy", str(_policy(tmp_path)))
    opened = open_map(out)
    page = opened.page
    page.locator(".leaflet-control-layers-overlays label", has_text="Clusters").locator("input").check()
    page.wait_for_selector(".im-cc, .im-pin-dot")
    styles = """() => {
        const out = [];
        document.querySelectorAll('.im-cc, .im-pin-dot').forEach((e) => {
            const s = getComputedStyle(e);
            out.push({solid: e.classList.contains('im-solid'), border: s.borderTopStyle, background: s.backgroundColor});
        });
        return out;
    }"""

    def check() -> set[bool]:
        found = page.evaluate(styles)
        assert found
        for f in found:
            if f["solid"]:
                assert f["border"] == "solid" and f["background"] != "rgb(255, 255, 255)", f
            else:
                assert f["border"] == "dashed" and f["background"] == "rgb(255, 255, 255)", f
        return {f["solid"] for f in found}

    assert check() == {True, False}  # clustered: one count per status, each in its style
    # zoomed in on the incident that stands alone, it is a pin in its status' style
    page.evaluate("""() => { const L = window.incidentMap.layers;
        L.data.statuses.forEach((s) => s.incidents.title.forEach((t, i) => {
            if (t.startsWith('Smoke')) {
                L.map.setView([s.incidents.lat[i], s.incidents.lon[i]], 19, {animate: false});
            }
        })); }""")
    page.wait_for_selector(".im-pin-dot")
    assert check()
    assert page.locator(".leaflet-marker-icon img").count() == 0  # no default blue pin anywhere
    assert opened.errors == [] and opened.dialogs == []


def test_clusters_work_self_contained_and_with_tiles(tmp_path: Path, open_map, vendor_server: str):
    for name, args in (("sc.html", ["--self-contained"]), ("tiles.html", ["--asset-base", vendor_server])):
        out = tmp_path / name
        render(str(SEED), "-o", str(out), "--cluster", "--heat", *args)
        opened = open_map(out)
        page = opened.page
        assert page.evaluate("isFinite(window.incidentMap.map.getMaxZoom())")
        for overlay in ("Clusters", "Heat"):
            page.locator(".leaflet-control-layers-overlays label", has_text=overlay).locator("input").check()
        page.wait_for_selector(".im-cc, .im-pin-dot")
        assert page.locator("canvas.leaflet-heatmap-layer").count() == 1
        page.evaluate("window.incidentMap.map.setZoom(window.incidentMap.map.getMaxZoom(), {animate: false})")
        page.evaluate("window.incidentMap.map.setZoom(10, {animate: false})")
        assert opened.errors == [] and opened.dialogs == [], (name, opened.errors)


def test_page_with_notes_and_overlays_is_deterministic(tmp_path: Path):
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    for out in (a, b):
        render(str(SEED), "-o", str(out), "--self-contained", "--cluster", "--heat")
    assert a.read_bytes() == b.read_bytes()
