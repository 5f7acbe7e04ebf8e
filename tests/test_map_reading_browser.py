"""Reading the map in headless Chromium: a page whose CDN is blocked never goes blank, a confirmed incident is never
under an unconfirmed one at the same point, markers are large enough to read, popups quote the post's own words
with right-to-left names isolated, and a merged incident shows both where its reports agree and their whole span,
with one way of writing the zone."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from maps.cli import main
from tests.support import SEED

pytestmark = pytest.mark.browser

ZONE = "(UTC\u22124, America/Caracas)"
PALACE = (10.5054, -66.9170)
ARABIC = "\u062f\u0644\u0627\u0644 \u0645\u0639\u0648\u0636"  # دلال معوض
QUOTE = 'Heavy gunfire right now by the palace <b>"!"</b> {{ 7*7 }} #Caracas'


def render(*args: str) -> None:
    assert main(["render", *args]) == 0


def _event() -> dict:
    """Three incidents at one point (one confirmed, two not), one with a quoted post by a source with an Arabic name;
    and, 3 km away, one incident merged from a night report and a whole-day report."""
    lat, lon = PALACE
    point = {"lat": lat, "lon": lon, "radius_m": 300, "precision": "landmark", "where": "Miraflores Palace"}
    far = {"lat": lat + 0.027, "lon": lon, "radius_m": 800, "precision": "district", "where": "San Bernardino"}
    return {
        "title": "Stack and span test",
        "timezone": "America/Caracas",
        "reference_date": "2020-08-08",
        "context": {"country": "VE", "city": "Caracas"},
        "sources": [
            {"id": "dalal", "name": ARABIC, "handle": "Dalal Mawad", "kind": "social", "url": "https://x.com/dalal"},
            {"id": "desk", "name": "Desk", "handle": "@desk", "kind": "social"},
        ],
        "reports": [
            {**point, "id": "conf", "event_type": "gunfire", "when": "2020-08-08", "source": "dalal",
             "summary": "Our summary of the gunfire post.", "span": {"start": 0, "end": len(QUOTE), "text": QUOTE},
             "override": {"status": "confirmed", "reason": "geolocated by the desk", "by": "AB"}},
            {**point, "id": "unc-protest", "event_type": "protest", "when": "2020-08-08", "source": "desk",
             "summary": "A protest at the palace."},
            {**point, "id": "unc-arrests", "event_type": "arrests", "when": "2020-08-08", "source": "desk",
             "summary": "Arrests at the palace."},
            {**far, "id": "night", "event_type": "explosion", "source": "desk", "summary": "Blasts at night.",
             "when": {"start": "2020-08-07T21:00:00", "end": "2020-08-08T03:00:00", "precision": "part_of_day",
                      "text": "late Friday night"}},
            {**far, "id": "day", "event_type": "explosion", "when": "2020-08-08", "source": "dalal",
             "summary": "Blasts reported during the day."},
        ],
    }


@pytest.fixture(scope="module")
def reading_map(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("reading")
    src = folder / "stack.yaml"
    src.write_text(yaml.safe_dump(_event(), allow_unicode=True), encoding="utf-8")
    out = folder / "stack.html"
    render(str(src), "-o", str(out), "--self-contained")
    return out


def _marker(page, title_start: str) -> dict:
    return page.evaluate(
        """(start) => {
            const L = window.incidentMap.layers, box = L.map.getContainer().getBoundingClientRect();
            let found = null;
            L.items.forEach((pairs, si) => pairs.forEach((pair, i) => {
                const t = document.createElement('div'); t.innerHTML = L.data.statuses[si].incidents.title[i];
                if (t.textContent.startsWith(start)) {
                    const p = L.map.latLngToContainerPoint(pair[1].getLatLng());
                    found = {si, i, x: box.left + p.x, y: box.top + p.y, r: pair[1]._radius, stack: pair[1].stack,
                             solid: pair[1].options.solid};
                }
            }));
            return found;
        }""",
        title_start,
    )


def _centre(page, lat: float, lon: float, zoom: int) -> None:
    page.evaluate("([lat, lon, z]) => { window.incidentMap.map.closePopup();"
                  " window.incidentMap.map.setView([lat, lon], z, {animate: false}); }", [lat, lon, zoom])


def test_confirmed_is_drawn_over_unconfirmed_with_a_count_and_markers_are_readable(reading_map: Path, open_map):
    opened = open_map(reading_map)
    page = opened.page
    _centre(page, *PALACE, 15)  # city zoom
    gunfire = _marker(page, "Gunfire")
    protest = _marker(page, "Protest")
    assert (gunfire["x"], gunfire["y"]) == (protest["x"], protest["y"]) and gunfire["solid"] and not protest["solid"]
    assert gunfire["r"] >= 12 and gunfire["stack"] == 3
    # the painted marker: a filled, confirmed disc at least 24 px across, on top of the hollow ones
    x, y = round(gunfire["x"]), round(gunfire["y"])
    shot = np.asarray(Image.open(io.BytesIO(page.screenshot(clip={"x": x - 30, "y": y - 30, "width": 60,
                                                                 "height": 60}))).convert("RGB")).astype(int)
    red = np.all(np.abs(shot - (0xB2, 0x18, 0x2B)) < 45, axis=-1)
    row = np.flatnonzero(red[30])
    assert row.size and row.max() - row.min() + 1 >= 22, row
    ring = [(30 + round(9 * np.cos(a)), 30 + round(9 * np.sin(a))) for a in np.linspace(0, 2 * np.pi, 16, endpoint=False)]
    assert sum(red[py, px] for px, py in ring) >= 12  # the fill under the glyph is the confirmed red, not white
    # the count badge sits above right of the marker, in dark ink
    badge = shot[30 - 12 - 4 : 30 - 12 + 8, 30 + 6 : 30 + 20]
    assert (np.all(badge < 60, axis=-1)).sum() > 20
    # switching the unconfirmed layer off and on keeps the confirmed marker on top, and the count follows
    overlays = page.locator(".leaflet-control-layers-overlays label")
    overlays.filter(has_text="Unconfirmed").locator("input").uncheck()
    assert _marker(page, "Gunfire")["stack"] == 1
    overlays.filter(has_text="Unconfirmed").locator("input").check()
    assert _marker(page, "Gunfire")["stack"] == 3
    order = page.evaluate("""() => { const out = []; let o = window.incidentMap.layers.renderer._drawFirst;
        while (o) { if (o.layer.options.glyph) { out.push(o.layer.options.solid); } o = o.next; } return out; }""")
    assert order == sorted(order)  # every hollow marker is drawn before every filled one
    # a click on the shared marker lists all three
    page.mouse.click(gunfire["x"], gunfire["y"])
    assert page.locator(".im-stack-open").count() == 3
    assert opened.errors == [] and opened.dialogs == []


def test_popup_quotes_the_post_isolates_right_to_left_names_and_writes_one_zone(reading_map: Path, open_map):
    opened = open_map(reading_map)
    page = opened.page
    _centre(page, *PALACE, 15)
    gunfire = _marker(page, "Gunfire")
    page.evaluate("([si, i]) => window.incidentMap.layers.openIncident(si, i, window.incidentMap.map.getCenter())",
                  [gunfire["si"], gunfire["i"]])
    popup = page.locator(".leaflet-popup-content")
    quote = popup.locator(".im-quote")
    assert quote.count() == 1 and quote.inner_text() == f"“{QUOTE}”"  # literal: no bold, no template
    assert quote.get_attribute("dir") == "auto" and popup.locator(".im-quote b").count() == 0
    text = popup.inner_text()
    assert text.index(QUOTE) < text.index("Our summary of the gunfire post.")  # the post's words first
    # the Arabic name is isolated: the date after it stays after it, on the right, in a left-to-right line
    item = popup.locator("li").first
    boxes = item.evaluate("""(li) => {
        const name = [...li.querySelectorAll('[dir=auto]')].find(e => e.textContent.includes('\u062f'));
        const walker = document.createTreeWalker(li, NodeFilter.SHOW_TEXT);
        let node, range = null;
        while ((node = walker.nextNode())) {
            const at = node.textContent.indexOf('8 Aug 2020');
            if (at >= 0) { range = document.createRange(); range.setStart(node, at); range.setEnd(node, at + 1); break; }
        }
        const label = li.querySelector('b');
        return {bidi: getComputedStyle(name).unicodeBidi, name: name.getBoundingClientRect().right,
                digit: range.getBoundingClientRect().left, label: label.getBoundingClientRect().right,
                nameLeft: name.getBoundingClientRect().left, sameLine:
                Math.abs(range.getBoundingClientRect().top - name.getBoundingClientRect().top) < 4};
    }""")
    assert boxes["bidi"] == "isolate"
    assert boxes["label"] <= boxes["nameLeft"] + 1
    if boxes["sameLine"]:
        assert boxes["digit"] >= boxes["name"] - 1, boxes
    assert ZONE in text and "GMT" not in text and "UTC-04:00" not in text
    assert opened.errors == [] and opened.dialogs == []


def test_merged_incident_shows_agreement_and_span_and_the_slider_reaches_every_report(reading_map: Path, open_map):
    opened = open_map(reading_map)
    page = opened.page
    blast = _marker(page, "Explosion")
    page.evaluate("([si, i]) => window.incidentMap.layers.openIncident(si, i, window.incidentMap.map.getCenter())",
                  [blast["si"], blast["i"]])
    text = page.locator(".leaflet-popup-content").inner_text()
    assert f"8 Aug 2020 00:00–03:00 {ZONE}" in text and "the time all 2 reports allow" in text
    assert f"Reports span\n7 Aug 2020 21:00 – 9 Aug 2020 00:00 {ZONE}" in text
    assert f"7 Aug 2020 21:00 – 8 Aug 2020 03:00 {ZONE}, “late Friday night”" in text  # the night report's own
    # the time control starts at the night report's 21:00 and writes the zone as the popups do
    label = page.locator(".im-time .im-when").inner_text()
    assert label == f"7 Aug 2020 21:00 – 9 Aug 2020 00:00 {ZONE}"
    slider = page.locator(".im-time .im-slider")
    slider.fill("5")  # 21:40 on 7 August (27 h in 200 steps): only the night report's incident
    slider.dispatch_event("input")
    assert page.evaluate("window.incidentMap.layers.countVisible()") == 1
    assert f"around 7 Aug 2020 21:40 {ZONE}" == page.locator(".im-time .im-when").inner_text()
    assert opened.errors == [] and opened.dialogs == []


BLOCKED: list[str] = []


def _blocked(page) -> None:
    """Every request that is not a local file fails, as on a plane or behind a proxy that blocks the CDN."""

    def route(r) -> None:
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            BLOCKED.append(r.request.url)
            r.abort()

    page.route("**/*", route)


def test_a_page_whose_cdn_is_blocked_falls_back_or_says_what_to_do(tmp_path: Path, open_map):
    # with the vendored copies beside it (render --assets-dir), the map opens with no network
    linked = tmp_path / "out" / "map.html"
    linked.parent.mkdir()
    render(str(SEED), "-o", str(linked), "--assets-dir", str(tmp_path / "out" / "assets"))
    assert (tmp_path / "out" / "assets" / "leaflet@1.9.4" / "dist" / "leaflet.js").is_file()
    html = linked.read_text(encoding="utf-8")
    assert 'integrity="sha384-' in html and "cdn.jsdelivr.net" in html  # the CDN first, with SRI
    opened = open_map(linked, before=_blocked)
    page = opened.page
    assert page.evaluate("window.incidentMap.layers.countVisible()") >= 3
    assert not page.locator("#im-no-map").is_visible()
    assert any(u.startswith("https://cdn.jsdelivr.net/") for u in BLOCKED)  # it did try the CDN first
    assert opened.errors == []
    # without them: no blank page, but a plain message saying what is missing and how to get an offline map
    bare = tmp_path / "bare.html"
    render(str(SEED), "-o", str(bare))
    opened = open_map(bare, wait=False, before=_blocked)
    page = opened.page
    page.wait_for_load_state("load")
    notice = page.locator("#im-no-map")
    assert notice.is_visible()
    message = notice.inner_text()
    assert "Leaflet 1.9.4" in message and "cdn.jsdelivr.net" in message and "--self-contained" in message
    assert "--assets-dir" in message
    assert notice.bounding_box()["height"] > 100
    # the demo writes its assets beside the map: it opens with no network
    demo = tmp_path / "demo"
    assert main(["demo", "-o", str(demo)]) == 0
    opened = open_map(demo / "map.html", before=_blocked)
    assert opened.page.evaluate("window.incidentMap.layers.countVisible()") >= 3 and opened.errors == []


def test_fallback_pages_stay_deterministic(tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        folder.mkdir()
        render(str(SEED), "-o", str(folder / "map.html"), "--assets-dir", str(folder / "assets"))
    assert (a / "map.html").read_bytes() == (b / "map.html").read_bytes()
    assert main(["render", str(SEED), "-o", str(tmp_path / "x.html"), "--self-contained", "--assets-dir",
                 str(tmp_path / "x")]) == 2


def test_png_draws_the_confirmed_marker_over_the_unconfirmed_ones_and_keys_times(tmp_path: Path):
    doc = _event()
    doc["reports"] = doc["reports"][:3]
    for order in (doc["reports"], list(reversed(doc["reports"]))):  # whatever the order of the file
        src = tmp_path / "stack.yaml"
        src.write_text(yaml.safe_dump({**doc, "reports": order}, allow_unicode=True), encoding="utf-8")
        png = tmp_path / "stack.png"
        render(str(src), "-o", str(tmp_path / "stack.html"), "--png", str(png))
        pixels = np.asarray(Image.open(png).convert("RGB")).astype(int)
        # the three markers sit at the centre of the map area (axes 0.02-0.98 x 0.16-0.92 of 1600 x 1200)
        centre = pixels[552 - 3 : 552 + 4, 800 - 3 : 800 + 4]
        red = np.all(np.abs(centre - (0xB2, 0x18, 0x2B)) < 45, axis=-1)
        assert red.mean() > 0.8, red


@pytest.mark.parametrize("payload", ["<img src=x onerror=alert(2)>", "{{ 7*7 }}", '"><script>alert(12)</script>',
                                     "${alert(19)}", "\u202eevil\u202c " + ARABIC])
def test_quoted_post_shows_hostile_text_literally(tmp_path: Path, open_map, payload: str):
    from tests.hostile import hostile_event
    from tests.support import popup_texts

    doc = hostile_event(payload)
    doc["reports"][0]["span"] = {"start": 0, "end": 10, "text": f"Post {payload}"}
    src = tmp_path / "quote.yaml"
    src.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "quote.html"
    render(str(src), "-o", str(out), "--self-contained")
    opened = open_map(out)
    popups = [p for p in popup_texts(opened.page) if p]
    quoted = [p for p in popups if "Post " in p["text"]]
    assert quoted, popups
    for p in popups:
        assert set(p["tags"]) <= {"DIV", "SVG", "CIRCLE", "H4", "H5", "DL", "DT", "DD", "SPAN", "OL", "LI", "B", "BR",
                                  "A"}, p["tags"]
        assert p["handlers"] == [] and all(h.startswith(("https://", "http://")) for h in p["hrefs"])
    visible = payload.replace("\u202e", "\ufffd").replace("\u202c", "\ufffd")
    assert f"Post {visible}" in quoted[0]["text"]
    assert opened.dialogs == [] and opened.errors == [] and opened.external == []
