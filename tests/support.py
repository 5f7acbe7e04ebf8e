"""Fixtures for the end-to-end tests (imported by name into the test modules that use them)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "caracas.yaml"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def seed_event():
    """The bundled Caracas incident file, loaded."""
    from incidents.loader import load_event

    return load_event(SEED)


@pytest.fixture(scope="session")
def seed_mapped(seed_event):
    """The bundled Caracas event through the whole pipeline."""
    from incidents.pipeline import build_event

    return build_event(seed_event)


@dataclass
class OpenedMap:
    """A page opened in Chromium, with what it tried to do."""

    page: object
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def external(self) -> list[str]:
        """Requests that would have left the machine."""
        return [u for u in self.requests if not u.startswith(("file:", "data:", "about:", "http://127.0.0.1"))]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Debian Chromium driven by Playwright (fails, never skips, when Chromium is missing)."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail("browser tests need Debian's Chromium at /usr/bin/chromium: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def open_map(browser) -> Iterator[object]:
    """open_map(path, before=fn) -> OpenedMap: loads a local HTML file, refuses non-local requests, waits for the map."""
    contexts = []

    def _open(path: Path, *, wait: bool = True, viewport=(1200, 800), before=None) -> OpenedMap:
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        contexts.append(context)
        page = context.new_page()
        opened = OpenedMap(page=page)
        page.on("pageerror", lambda exc: opened.errors.append(str(exc)))
        # script errors count; "Failed to load resource" is a refused basemap tile, expected offline
        page.on(
            "console",
            lambda msg: (
                msg.type == "error"
                and not msg.text.startswith("Failed to load resource")
                and opened.errors.append(msg.text)
            ),
        )

        def on_dialog(dialog):
            opened.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)

        def route(r):
            url = r.request.url
            opened.requests.append(url)
            if url.startswith(("file:", "data:", "about:", "http://127.0.0.1")):
                r.continue_()
            else:
                r.abort()

        page.route("**/*", route)
        if before is not None:
            before(page)  # e.g. extra routes, which take precedence over the catch-all above
        page.goto(Path(path).resolve().as_uri())
        if wait:
            page.wait_for_function("document.documentElement.dataset.incidentMap === 'ready'", timeout=15000)
        return opened

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def vendor_server() -> Iterator[str]:
    """The vendored assets served over HTTP on 127.0.0.1 (for the normal, non-inlined page)."""
    import functools
    import http.server
    import threading

    from maps.assets import vendor_dir

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # noqa: D401
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(vendor_dir())))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def popup_texts(page) -> list[dict]:
    """Open every incident's popup in turn and return its text (`visible`: as rendered, innerText), tags and links."""
    return page.evaluate("""() => {
        const out = [], layers = window.incidentMap.layers;
        layers.groups.forEach((group) => group.eachLayer((layer) => {
            if (!layer.options.glyph) { return; }
            layer.fire('click', {latlng: layer.getLatLng()}, true);  // propagate to the group's popup
            const el = document.querySelector('.leaflet-popup-content');
            if (!el) { out.push(null); return; }
            out.push({text: el.textContent, visible: el.innerText, tags: [...el.querySelectorAll('*')].map(e => e.tagName.toUpperCase()),
                      hrefs: [...el.querySelectorAll('a')].map(a => a.getAttribute('href')),
                      handlers: [...el.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name))
                                 .filter(n => n.startsWith('on'))});
        }));
        return out;
    }""")
