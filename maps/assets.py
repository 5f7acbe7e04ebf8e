"""The map's JS/CSS: pinned npm releases vendored in maps/assets/vendor, plus our own code in maps/templates.

Three ways to reference them: `cdn` (jsDelivr URLs with Subresource Integrity hashes computed from the vendored
bytes, which are the files jsDelivr serves), `inline` (every byte inside the HTML, images as data: URIs: works with
no network), and a local `base` URL or folder (for intranets and for tests served from 127.0.0.1).
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

from layers.escape import escape_text

__all__ = ["Asset", "BUNDLES", "asset_tags", "own_code", "vendor_dir"]

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
        folder.joinpath("incident_map.js").read_text(encoding="utf-8"),
        folder.joinpath("incident_map.css").read_text(encoding="utf-8"),
    )


def asset_tags(bundles: list[str], mode: Mode = "cdn", base: str | None = None) -> str:
    """<link>/<script> tags (or inline <style>/<script>) for the named bundles, in order, then our own code."""
    tags = []
    for name in bundles:
        for asset in BUNDLES[name]:
            if mode == "inline":
                if asset.kind == "css":
                    tags.append(f"<style>{_script_safe(_inline_css(asset))}</style>")
                else:
                    tags.append(f"<script>{_script_safe(asset.file.read_text(encoding='utf-8'))}</script>")
                continue
            if mode == "local":
                url = escape_text((base or "").rstrip("/") + "/" + asset.relative)  # an operator's value, still text
                extra = ""
            else:
                url, extra = asset.cdn_url, f' integrity="{asset.integrity()}" crossorigin="anonymous"'
            if asset.kind == "css":
                tags.append(f'<link rel="stylesheet" href="{url}"{extra}/>')
            else:
                tags.append(f'<script src="{url}"{extra}></script>')
    js, css = own_code()
    tags.append(f"<style>{_script_safe(css)}</style>")
    tags.append(f"<script>{_script_safe(js)}</script>")
    return "\n".join(tags)
