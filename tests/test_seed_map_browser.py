"""The seed map and hostile maps in real headless Chromium, rendered through the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from maps.cli import main
from tests.hostile import FAMILIES, HOSTILE_URLS, family_payloads
from tests.support import SEED, popup_texts

pytestmark = pytest.mark.browser
ALLOWED_POPUP_TAGS = {"DIV", "SVG", "CIRCLE", "H4", "H5", "DL", "DT", "DD", "SPAN", "OL", "LI", "B", "BR", "A"}


def render(*args: str) -> None:
    assert main(["render", *args]) == 0


def serve_cdn_locally(page) -> None:
    """Answer jsDelivr URLs from the vendored copies (the machine has no internet)."""
    from maps.assets import vendor_dir

    def fulfil(route):
        relative = route.request.url.split("/npm/", 1)[1]
        target = vendor_dir() / relative
        route.fulfill(path=str(target)) if target.is_file() else route.abort()

    page.route("https://cdn.jsdelivr.net/npm/**", fulfil)


def test_seed_map_opens_with_both_status_layers_that_toggle(tmp_path: Path, open_map):
    out = tmp_path / "map.html"
    render(str(SEED), "-o", str(out), "--geojson", str(tmp_path / "map.geojson"))
    opened = open_map(out, before=serve_cdn_locally)
    page = opened.page
    assert opened.errors == []
    labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    confirmed = [t for t in labels if re.search(r"^\s*Confirmed \(\d+\)", t)]
    unconfirmed = [t for t in labels if re.search(r"Unconfirmed \(\d+\)", t)]
    assert len(confirmed) == 1 and len(unconfirmed) == 1
    n_conf = int(re.search(r"\((\d+)\)", confirmed[0]).group(1))
    n_unconf = int(re.search(r"\((\d+)\)", unconfirmed[0]).group(1))
    assert n_conf + n_unconf >= 3  # both layers exist; how many are confirmed is the policy's call
    visible = "window.incidentMap.layers.countVisible()"
    assert page.evaluate(visible) == n_conf + n_unconf
    page.locator(".leaflet-control-layers-overlays label", has_text="Unconfirmed").locator("input").uncheck()
    assert page.evaluate(visible) == n_conf
    page.locator(".leaflet-control-layers-overlays label", has_text=re.compile(r"^\s*Confirmed")).locator(
        "input"
    ).uncheck()
    assert page.evaluate(visible) == 0
    page.locator(".leaflet-control-layers-overlays label", has_text="Unconfirmed").locator("input").check()
    assert page.evaluate(visible) == n_unconf
    # the legend explains status styling and radii; the attribution names the sources
    legend = page.locator(".im-legend").inner_text()
    assert "dashed outline" in legend and "Circles" in legend
    assert "@nicksortor" in page.locator(".leaflet-control-attribution").inner_text()


def test_seed_popups_show_summary_time_status_reason_and_safe_source_links(tmp_path: Path, open_map, seed_mapped):
    out = tmp_path / "map.html"
    render(str(SEED), "-o", str(out), "--self-contained")
    opened = open_map(out)
    popups = popup_texts(opened.page)
    assert len(popups) == len(seed_mapped.incidents) and all(popups)
    for incident in seed_mapped.incidents:
        popup = next(p for p in popups if incident.title in p["text"])
        assert incident.assessment.reason in popup["text"]
        assert incident.assessment.status.value in popup["text"].lower()
        for located in incident.reports:
            assert located.report.summary in popup["text"]
            assert (located.source.handle or located.source.name) in popup["text"]
            for hedge in located.report.hedges:
                assert f"hedged: {hedge}" in popup["text"]
        assert "Jan 2026" in popup["text"]
    assert all(h.startswith(("https://", "http://")) for p in popups for h in p["hrefs"])
    assert opened.errors == [] and opened.dialogs == []


def test_self_contained_map_makes_no_request_and_draws(tmp_path: Path, open_map):
    out = tmp_path / "map.html"
    render(str(SEED), "-o", str(out), "--self-contained")
    opened = open_map(out)
    opened.page.wait_for_timeout(300)
    assert opened.external == [] and opened.errors == []
    assert "Offline, self-contained map" in opened.page.locator(".im-notice").inner_text()
    shot = opened.page.screenshot()
    from io import BytesIO

    from matplotlib.image import imread

    pixels = imread(BytesIO(shot), format="png")
    assert pixels.std() > 0.02  # not a blank page


def test_render_is_deterministic(tmp_path: Path):
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    render(str(SEED), "-o", str(a))
    render(str(SEED), "-o", str(b))
    assert a.read_bytes() == b.read_bytes()


# What escaping does to text before it is shown: control characters and bidi overrides become U+FFFD.
_SHOWN_AS_FFFD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _shown(text: str) -> str:
    """`text` as a reader sees it: replaced characters as U+FFFD, runs of white space as one space."""
    return " ".join(_SHOWN_AS_FFFD.sub("\ufffd", text).split())


def family_event(path: Path, payloads: list[str]) -> Path:
    """One incident per payload (explicit coordinates, --no-merge), the payload in every text field of the report."""
    doc = {
        "title": "Hostile family",
        "timezone": "America/Caracas",
        "reference_date": "2026-01-06",
        "context": {"country": "VE", "city": "Caracas"},
        "sources": [{"id": f"s{n}", "name": f"N{n} {p}", "kind": "social", "url": HOSTILE_URLS[n % len(HOSTILE_URLS)]}
                    for n, p in enumerate(payloads)],
        "reports": [
            {"id": f"r{n}", "event_type": "gunfire", "where": f"W{n} {p}", "lat": 10.0 + n * 0.01, "lon": -66.9,
             "radius_m": 300, "when": {"start": "2026-01-06T01:00:00", "precision": "hour", "text": p},
             "source": f"s{n}", "summary": f"P{n}: {p}", "hedges": [p], "media": [HOSTILE_URLS[n % len(HOSTILE_URLS)]],
             **({"override": {"status": "confirmed", "reason": f"R{n} {p}"}} if n % 2 else {})}
            for n, p in enumerate(payloads)
        ],
    }
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("family", list(FAMILIES))
def test_every_hostile_payload_shows_literally_in_chromium(tmp_path: Path, open_map, family: str):
    """Every payload of a family, on one page: nothing executes, no element is injected, the visible text (what a
    reader sees, not the page's source with its inline JSON) shows the payload as written."""
    payloads = [p for p in family_payloads(family) if len(p) <= 400]
    src = family_event(tmp_path / f"{family}.yaml", payloads)
    out = tmp_path / f"{family}.html"
    render(str(src), "-o", str(out), "--self-contained", "--no-merge")
    html = out.read_text(encoding="utf-8")
    assert "<script>alert" not in html.split('<script type="application/json"', 1)[1]
    opened = open_map(out)
    popups = popup_texts(opened.page)
    assert len(popups) == len(payloads) and all(popups)
    for p in popups:
        assert set(p["tags"]) <= ALLOWED_POPUP_TAGS, p["tags"]
        assert p["handlers"] == []
        assert all(h.startswith(("https://", "http://")) for h in p["hrefs"])
    by_marker = {}
    for p in popups:
        found = re.search(r"\bP(\d+): ", p["visible"])
        assert found, p["visible"][:300]
        by_marker[int(found.group(1))] = _shown(p["visible"])
    assert sorted(by_marker) == list(range(len(payloads)))
    for n, payload in enumerate(payloads):
        visible, shown = by_marker[n], _shown(payload)
        for field in (f"P{n}: {shown}", f"N{n} {shown}"):  # the summary and the source's name, literally
            assert field in visible, (n, payload, field, visible[:600])
        if "{{ 7*7 }}" in payload:
            assert " 49 " not in f" {visible} "
    assert opened.dialogs == [] and opened.errors == [] and opened.external == []


def test_policy_file_changes_status_and_time_and_type_filters_work(tmp_path: Path, open_map):
    policy = tmp_path / "policy.yaml"
    policy.write_text("min_independent_sources: 1\nrequire_media: true\n", encoding="utf-8")
    out = tmp_path / "map.html"
    render(str(SEED), "-o", str(out), "--self-contained", "--policy", str(policy))
    page = open_map(out).page
    visible = "window.incidentMap.layers.countVisible()"
    total = page.evaluate(visible)
    confirmed = page.locator(".leaflet-control-layers-overlays label", has_text=re.compile(r"^\s*Confirmed"))
    assert int(re.search(r"\((\d+)\)", confirmed.inner_text()).group(1)) >= 2  # one good source now suffices
    # time control: it starts with the earliest report (5 Jan 21:00); on the evening of 5 Jan only the gunfire the
    # article places late on Monday is shown; "all" restores everything
    slider = page.locator(".im-time .im-slider")
    slider.fill("10")
    slider.dispatch_event("input")
    at_start = page.evaluate(visible)
    assert 0 < at_start < total and "around" in page.locator(".im-time .im-when").inner_text()
    page.locator(".im-time .im-all").check()
    assert page.evaluate(visible) == total
    # status layers still toggle while a time filter is on
    slider.fill("10")
    slider.dispatch_event("input")
    page.locator(".leaflet-control-layers-overlays label", has_text="Unconfirmed").locator("input").uncheck()
    assert page.evaluate(visible) <= at_start
    page.locator(".leaflet-control-layers-overlays label", has_text="Unconfirmed").locator("input").check()
    page.locator(".im-time .im-all").check()
    # the layer control's event-type section hides one event type
    assert "Event type" in page.locator(".leaflet-control-layers").inner_text()
    page.locator(".leaflet-control-layers .im-types input[type=checkbox]").first.uncheck()
    assert page.evaluate(visible) < total
