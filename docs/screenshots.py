"""Regenerate the README screenshots: `python docs/screenshots.py` (needs Chromium at /usr/bin/chromium).

The browser shots are of the self-contained map (no basemap: this machine has no tile access) at a desktop's
1400×900 (the gunfire incident's popup open), an 800×600 embed and a 390×844 phone; the static one is the `--png`
output.
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
            for name, (width, height), popup in SHOTS:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(page_path.as_uri())
                page.wait_for_function("document.documentElement.dataset.incidentMap === 'ready'")
                if popup:
                    page.evaluate(OPEN_GUNFIRE)
                page.wait_for_timeout(400)
                page.screenshot(path=str(OUT / name))
                page.close()
            browser.close()


# (file, viewport, open the gunfire incident's popup)
SHOTS = (
    ("caracas-map.png", (1400, 900), True),
    ("caracas-embed.png", (800, 600), False),
    ("caracas-phone.png", (390, 844), False),
)
OPEN_GUNFIRE = """() => {  // the incident whose reports span more than they agree on
    const L = window.incidentMap.layers;
    L.data.statuses.forEach((s, si) => s.incidents.title.forEach((t, i) => {
        if (t.startsWith('Gunfire')) { L.openIncident(si, i, L.map.getCenter()); }
    }));
}"""


if __name__ == "__main__":
    shoot()
