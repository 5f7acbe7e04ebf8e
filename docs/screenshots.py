"""Regenerate the README screenshots: `python docs/screenshots.py` (needs Chromium at /usr/bin/chromium).

The browser shot is of the self-contained map (no basemap: this machine has no tile access); the static one is the
`--png` output.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from maps.cli import main

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img"


def shoot() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "caracas.html"
        seed = str(ROOT / "seeds" / "caracas.yaml")
        if main(["render", seed, "-o", str(page_path), "--self-contained", "--png", str(OUT / "caracas-static.png")]):
            sys.exit("render failed")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(page_path.as_uri())
            page.wait_for_function("document.documentElement.dataset.incidentMap === 'ready'")
            page.evaluate("""() => {  // open the palace incident's popup for the picture
                window.incidentMap.layers.groups.forEach((group) => group.eachLayer((layer) => {
                    if (layer.options.glyph && !window._shot) {
                        window._shot = true; layer.fire('click', {latlng: layer.getLatLng()}, true); } }));
            }""")
            page.wait_for_timeout(400)
            page.screenshot(path=str(OUT / "caracas-map.png"))
            browser.close()


if __name__ == "__main__":
    shoot()
