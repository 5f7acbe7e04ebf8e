"""Maps people publish: embedded in a report page, loaded from a local asset server, as a static PNG."""

from __future__ import annotations

import http.server
import io
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread
from PIL import Image

from maps.cli import main
from maps.compose import compose_map
from tests.support import SEED

READY = "document.documentElement.dataset.incidentMap === 'ready'"


def render(*args: str) -> None:
    assert main(["render", *args]) == 0


def _host_page(tmp_path: Path, snippet: str) -> Path:
    host = tmp_path / "report.html"
    host.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>Report</title>"
        "<style>body{font-family:serif}</style></head><body><h1 id='headline'>Our report</h1>"
        f"<p>Text before the map.</p>{snippet}<p id='after'>Text after the map.</p></body></html>",
        encoding="utf-8",
    )
    return host


@pytest.mark.browser
@pytest.mark.parametrize("self_contained", [False, True])
def test_embedded_map_works_inside_a_report_page(tmp_path: Path, open_map, vendor_server: str, self_contained: bool):
    # Requests from an iframe srcdoc escape Playwright's routing, so the linked variant loads its assets from a
    # local server (as on an intranet) instead of the CDN; the markup is otherwise the same.
    snippet = tmp_path / "embed.html"
    assets = ["--self-contained"] if self_contained else ["--asset-base", vendor_server]
    render(str(SEED), "-o", str(snippet), "--embed", *assets)
    text = snippet.read_text(encoding="utf-8")
    assert text.startswith("<iframe") and text.count("<iframe") == 1 and "<script" not in text
    opened = open_map(_host_page(tmp_path, text), wait=False)
    page = opened.page
    frame = page.frame_locator("iframe")
    page.locator("iframe").wait_for()
    child = next(f for f in page.frames if f is not page.main_frame)
    child.wait_for_function(READY, timeout=15000)
    assert child.evaluate("window.incidentMap.layers.countVisible()") >= 3
    assert frame.locator(".leaflet-control-layers-overlays label").count() >= 2
    assert "Confirmed" in frame.locator(".im-legend").inner_text()
    # the host page is untouched: its own text and styles, no script leaking out of the frame
    assert page.locator("#headline").inner_text() == "Our report" and page.locator("#after").is_visible()
    assert page.evaluate("typeof window.L") == "undefined" and page.evaluate("typeof window.incidentMap") == "undefined"
    box = page.locator("iframe").bounding_box()
    assert box["height"] >= 500 and box["width"] > 600
    assert opened.errors == [] and opened.dialogs == []
    if self_contained:
        assert opened.external == []


@pytest.mark.browser
def test_normal_map_with_assets_from_a_local_server(tmp_path: Path, open_map, vendor_server: str):
    out = tmp_path / "map.html"
    render(str(SEED), "-o", str(out), "--asset-base", vendor_server, "--cluster", "--heat")
    opened = open_map(out)
    page = opened.page
    loaded = [u for u in opened.requests if u.startswith(vendor_server)]
    assert any(u.endswith("leaflet.js") for u in loaded) and opened.errors == []
    labels = page.locator(".leaflet-control-layers").inner_text()
    for name in ("OpenStreetMap", "Light", "Satellite", "Confirmed", "Unconfirmed"):
        assert name in labels, name
    for control in (".leaflet-control-scale", ".leaflet-control-minimap", ".leaflet-control-zoom-fullscreen",
                    ".im-measure", ".im-time", ".im-legend"):
        assert page.locator(control).count() == 1, control
    shot = imread(io.BytesIO(page.screenshot()), format="png")
    assert shot.std() > 0.02


def test_notebook_repr_is_a_self_contained_iframe(seed_mapped):
    html = compose_map(seed_mapped)._repr_html_()
    assert html.startswith("<iframe") and "srcdoc=" in html and "cdn.jsdelivr.net" not in html


@pytest.fixture
def tile_server() -> Iterator[tuple[str, list[str]]]:
    """An XYZ tile server on 127.0.0.1 answering every tile with a flat, recognisable colour."""
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (40, 200, 90)).save(buffer, format="PNG")
    tile, seen = buffer.getvalue(), []

    class Tiles(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png", seen
    server.shutdown()


def _pixels(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"))


def test_png_for_reports_is_drawn_deterministic_and_labelled(tmp_path: Path):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    render(str(SEED), "-o", str(tmp_path / "m.html"), "--png", str(a))
    render(str(SEED), "-o", str(tmp_path / "m.html"), "--png", str(b))
    assert a.read_bytes() == b.read_bytes()
    pixels = _pixels(a)
    assert pixels.shape == (1200, 1600, 3) and pixels.std() > 10
    blue = np.all(np.abs(pixels.astype(int) - (0x2C, 0x5D, 0x8F)) < 40, axis=-1)  # unconfirmed outline colour
    assert blue.sum() > 500


def test_png_basemap_from_a_tile_server_and_without_one(tmp_path: Path, tile_server, capsys):
    url, seen = tile_server
    out = tmp_path / "tiles.png"
    render(str(SEED), "-o", str(tmp_path / "m.html"), "--png", str(out), "--png-tiles", url)
    assert seen and all(p.endswith(".png") for p in seen)
    green = np.all(np.abs(_pixels(out).astype(int) - (40, 200, 90)) < 30, axis=-1)
    assert green.mean() > 0.3  # the basemap fills the map area
    dead = tmp_path / "dead.png"
    render(str(SEED), "-o", str(tmp_path / "m.html"), "--png", str(dead), "--png-tiles",
           "http://127.0.0.1:9/{z}/{x}/{y}.png")
    assert dead.exists() and not np.all(np.abs(_pixels(dead).astype(int) - (40, 200, 90)) < 30, axis=-1).any()


def test_png_tiles_option_refuses_what_is_not_a_tile_url(tmp_path: Path, capsys):
    code = main(["render", str(SEED), "-o", str(tmp_path / "m.html"), "--png", str(tmp_path / "x.png"),
                 "--png-tiles", "file:///etc/passwd"])
    assert code == 2 and "--png-tiles" in capsys.readouterr().err


def test_png_never_reads_untrusted_text_as_math(tmp_path: Path):
    src = tmp_path / "math.yaml"
    src.write_text(SEED.read_text(encoding="utf-8").replace(
        "title:", 'title: "Fuel $\\\\undefinedmacro{ $ costs $3 to $4" #', 1), encoding="utf-8")
    render(str(src), "-o", str(tmp_path / "m.html"), "--png", str(tmp_path / "m.png"))
    assert _pixels(tmp_path / "m.png").std() > 10


@pytest.mark.parametrize("url", ["https://{s}.tile.example.org/{z}/{x}/{y}{r}.png"])
def test_png_tiles_accept_leaflet_templates(tmp_path: Path, url: str):
    from maps.tiles import tile_source, tile_url

    assert tile_url(tile_source(url).url, 3, 4, 5) == "https://a.tile.example.org/3/4/5.png"


@pytest.mark.parametrize("url", ["https://t/{z}/{x}/{y}.png?k={0}", "http://h:abc/{z}/{x}/{y}", "ftp://t/{z}/{x}/{y}"])
def test_png_tiles_refuse_bad_templates_before_any_work(tmp_path: Path, url: str, capsys):
    code = main(["render", str(SEED), "-o", str(tmp_path / "m.html"), "--png", str(tmp_path / "x.png"),
                 "--png-tiles", url])
    assert code == 2 and "--png-tiles" in capsys.readouterr().err and not (tmp_path / "m.html").exists()
    assert main(["render", str(SEED), "-o", str(tmp_path / "m.html"), "--png-tiles", "osm"]) == 2  # without --png


def test_asset_base_is_text_not_markup_or_template(tmp_path: Path):
    out = tmp_path / "m.html"
    render(str(SEED), "-o", str(out), "--asset-base", 'http://x/{{7*7}}"><script>alert(1)</script>')
    page = out.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "http://x/49" not in page and "&#123;&#123;7*7" in page
