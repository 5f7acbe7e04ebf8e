"""The map's JS/CSS: pinned npm releases vendored in maps/assets/vendor, plus our own code in maps/templates.

Three ways to reference them: `cdn` (jsDelivr URLs with Subresource Integrity hashes computed from the vendored
bytes, which are the files jsDelivr serves), `inline` (every byte inside the HTML, images as data: URIs: works with
no network), and a local `base` URL or folder (for intranets and for tests served from 127.0.0.1).

A linked page (cdn or local) never goes blank: when Leaflet did not load, it loads the vendored copies from a folder
beside it (`fallback`, written by `write_vendored`: `render --assets-dir`, `demo`), and when those are missing too a
plain-HTML message (`missing_assets_notice`, shown by CSS alone) says what is missing and how to get a map that works
offline.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Literal

import orjson

from incidents.atomic import write_atomic
from layers.escape import escape_text

__all__ = ["Asset", "BUNDLES", "asset_tags", "own_code", "vendor_dir", "write_vendored", "missing_assets_notice",
           "DEFAULT_FALLBACK"]

DEFAULT_FALLBACK = "assets"  # the folder beside a linked page where it looks for vendored copies

Mode = Literal["cdn", "inline", "local"]


def vendor_dir() -> Path:
    """The folder holding the vendored npm files (`<package>@<version>/<path>`)."""
    return Path(str(files("maps").joinpath("assets/vendor")))


@dataclass(frozen=True)
class Asset:
    """One pinned file of an npm package."""

    package: str
    version: str
    path: str

    @property
    def kind(self) -> str:
        """'js' or 'css'."""
        return "css" if self.path.endswith(".css") else "js"

    @property
    def relative(self) -> str:
        """The file's path below the vendor folder and below a local base URL."""
        return f"{self.package}@{self.version}/{self.path}"

    @property
    def file(self) -> Path:
        """The vendored copy."""
        return vendor_dir() / self.relative

    @property
    def cdn_url(self) -> str:
        """The jsDelivr URL that serves these exact bytes."""
        return f"https://cdn.jsdelivr.net/npm/{self.relative}"

    def integrity(self) -> str:
        """The Subresource Integrity value (sha384) of the vendored bytes."""
        return _sri(self.file)


@cache
def _sri(path: Path) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()


BUNDLES: dict[str, tuple[Asset, ...]] = {
    "leaflet": (Asset("leaflet", "1.9.4", "dist/leaflet.css"), Asset("leaflet", "1.9.4", "dist/leaflet.js")),
    "fullscreen": (
        Asset("leaflet.fullscreen", "3.0.2", "Control.FullScreen.css"),
        Asset("leaflet.fullscreen", "3.0.2", "Control.FullScreen.js"),
    ),
    "minimap": (
        Asset("leaflet-minimap", "3.6.1", "dist/Control.MiniMap.min.css"),
        Asset("leaflet-minimap", "3.6.1", "dist/Control.MiniMap.min.js"),
    ),
    "markercluster": (
        Asset("leaflet.markercluster", "1.5.3", "dist/MarkerCluster.css"),
        Asset("leaflet.markercluster", "1.5.3", "dist/MarkerCluster.Default.css"),
        Asset("leaflet.markercluster", "1.5.3", "dist/leaflet.markercluster.js"),
    ),
    "heat": (Asset("leaflet.heat", "0.2.0", "dist/leaflet-heat.js"),),
}

_CSS_URL = re.compile(r"url\(\s*(['\"]?)(?!data:|#|https?:)([^'\")]+)\1\s*\)")


def _inline_css(asset: Asset) -> str:
    css = asset.file.read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        target = (asset.file.parent / match.group(2)).resolve()
        if not target.is_file() or vendor_dir().resolve() not in target.parents:
            return match.group(0)
        mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return f'url("data:{mime};base64,{base64.b64encode(target.read_bytes()).decode()}")'

    return _CSS_URL.sub(data_uri, css)


def _script_safe(code: str) -> str:
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE)


@cache
def own_code() -> tuple[str, str]:
    """Our own (JS, CSS), always inlined: they are small and change with the package."""
    folder = files("maps").joinpath("templates")
    return (
        folder.joinpath("incident_layout.js").read_text(encoding="utf-8")
        + folder.joinpath("incident_map.js").read_text(encoding="utf-8"),
        folder.joinpath("incident_map.css").read_text(encoding="utf-8"),
    )


def _linked_tags(bundles: list[str], base: str | None, *, integrity: bool) -> list[str]:
    tags = []
    for name in bundles:
        for asset in BUNDLES[name]:
            if integrity:
                url, extra = asset.cdn_url, f' integrity="{asset.integrity()}" crossorigin="anonymous"'
            else:
                url = escape_text((base or "").rstrip("/") + "/" + asset.relative)  # an operator's value, still text
                extra = ""
            if asset.kind == "css":
                tags.append(f'<link rel="stylesheet" href="{url}"{extra}/>')
            else:
                tags.append(f'<script src="{url}"{extra}></script>')
    return tags


def _inline_tags(bundles: list[str]) -> list[str]:
    tags = []
    for name in bundles:
        for asset in BUNDLES[name]:
            if asset.kind == "css":
                tags.append(f"<style>{_script_safe(_inline_css(asset))}</style>")
            else:
                tags.append(f"<script>{_script_safe(asset.file.read_text(encoding='utf-8'))}</script>")
    return tags


def _fallback_loader(bundles: list[str], fallback: str) -> str:
    """A script that, when Leaflet did not load, writes tags for the vendored copies in `fallback` (no SRI: a file://
    page cannot check it, and these are the bytes the hashes were computed from)."""
    tags = "".join(_linked_tags(bundles, fallback, integrity=False))
    literal = orjson.dumps(tags).decode().replace("</", "<\\/")
    return f"<script>window.L||document.write({literal});</script>"


# Marks the page once Leaflet is there: the missing-assets notice is hidden by CSS alone (no library needed to show it).
_LOADED_MARK = '<script>if(window.L){document.documentElement.className+=" im-leaflet";}</script>'


def asset_tags(bundles: list[str], mode: Mode = "cdn", base: str | None = None,
               fallback: str | None = DEFAULT_FALLBACK) -> str:
    """<link>/<script> tags (or inline <style>/<script>) for the named bundles, in order, then our own code.

    A linked page (cdn, local) that could not load Leaflet loads the copies in `fallback` (a URL relative to the page)
    instead; None turns that off.
    """
    if mode == "inline":
        tags = _inline_tags(bundles)
    else:
        tags = _linked_tags(bundles, base, integrity=mode == "cdn")
        if fallback:
            tags.append(_fallback_loader(bundles, fallback))
    tags.append(_LOADED_MARK)
    js, css = own_code()
    tags.append(f"<style>{_script_safe(css)}</style>")
    tags.append(f"<script>{_script_safe(js)}</script>")
    return "\n".join(tags)


def _library_names(bundles: list[str]) -> str:
    names = []
    for name in bundles:
        first = BUNDLES[name][0]
        label = "Leaflet" if first.package == "leaflet" else first.package
        names.append(f"{label} {first.version}")
    return ", ".join(names)


def missing_assets_notice(bundles: list[str], mode: Mode = "cdn", base: str | None = None,
                          fallback: str | None = DEFAULT_FALLBACK) -> str:
    """Plain HTML shown (by CSS alone) when the map's JavaScript did not load: what is missing and what to do."""
    if mode == "inline":
        cause = "They are inside this file, so JavaScript must be turned off or blocked in this browser."
    else:
        if mode == "local":
            where = f"from <code>{escape_text(base or '')}</code>"
        else:
            where = "from <code>cdn.jsdelivr.net</code> (no network here, or a proxy or firewall blocks that site)"
        if fallback:
            where += (f", nor from the copies it looks for in the folder <code>{escape_text(fallback)}/</code> beside "
                      "this file")
        cause = f"They could not be loaded {where}, or JavaScript is turned off in this browser."
    return (
        '<div id="im-no-map" class="im-no-map" role="alert"><h1>The map could not load</h1>'
        f"<p>This page draws its map with JavaScript libraries ({escape_text(_library_names(bundles))}). {cause}</p>"
        "<p>To get a map that opens with no network, render it again with one of:</p><ul>"
        "<li><code>incident-map render INPUT -o map.html --self-contained</code>: every script inside the one file "
        "(no basemap: tiles need a network);</li>"
        "<li><code>incident-map render INPUT -o map.html --assets-dir assets</code>: the libraries written to "
        "<code>assets/</code> beside the map (copy the folder along with the file); with a network the page still "
        "uses the CDN and the basemap.</li></ul>"
        "<p><code>incident-map demo</code> writes its map that way.</p></div>"
    )


def write_vendored(bundles: list[str], folder: Path) -> list[Path]:
    """Copy the vendored files of the named bundles' packages (licences and images included) into `folder`."""
    packages = sorted({f"{a.package}@{a.version}" for name in bundles for a in BUNDLES[name]})
    written = []
    for package in packages:
        source = vendor_dir() / package
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            target = folder / package / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            if not (target.is_file() and target.read_bytes() == path.read_bytes()):
                write_atomic(target, path.read_bytes())
            written.append(target)
    return written


