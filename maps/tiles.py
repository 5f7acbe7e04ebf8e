"""Basemap tiles for the static PNG: opt-in, fetched from an XYZ URL template, stitched in Web Mercator.

Nothing here runs unless a tile URL is given. Fetch failures never fail the render: the PNG is drawn without a
basemap and says why.
"""

from __future__ import annotations

import http.client
import io
import math
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from importlib.metadata import version

import numpy as np
from PIL import Image

from incidents.errors import InputError

__all__ = ["TileSource", "fetch_basemap", "PRESETS", "tile_source"]

HALF = 20037508.342789244  # Web Mercator half-width in metres
MAX_TILES = 64


@dataclass(frozen=True)
class TileSource:
    """An XYZ tile service: URL template with {z}/{x}/{y} and the attribution it requires."""

    url: str
    attribution: str
    max_zoom: int = 19
    timeout_s: float = 10.0


PRESETS = {
    "osm": TileSource("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap contributors"),
    "light": TileSource("https://a.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png",
                        "© OpenStreetMap contributors © CARTO"),
}


_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def tile_source(spec: str) -> TileSource:
    """A preset name ("osm", "light") or an http(s) URL template with {z}, {x} and {y} ({s} and {r} allowed)."""
    if spec in PRESETS:
        return PRESETS[spec]
    placeholders = set(_PLACEHOLDER.findall(spec))
    parts = urllib.parse.urlsplit(spec) if spec.startswith(("http://", "https://")) else None
    try:
        port_ok = parts is not None and (parts.port is None or parts.port > 0)
    except ValueError:
        port_ok = False
    if (
        parts is None
        or not parts.hostname
        or not port_ok
        or not {"{z}", "{x}", "{y}"} <= placeholders
        or not placeholders <= {"{z}", "{x}", "{y}", "{s}", "{r}"}
    ):
        raise InputError(f"not a tile preset ({', '.join(PRESETS)}) or an http(s) URL with {{z}}/{{x}}/{{y}}",
                         field="--png-tiles")
    return TileSource(spec, f"tiles from {parts.hostname}")


def tile_url(template: str, z: int, x: int, y: int) -> str:
    """The URL of one tile: {s} is the first subdomain (a), {r} the standard resolution (empty)."""
    return (template.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y))
            .replace("{s}", "a").replace("{r}", ""))


def _zoom(extent: tuple[float, float, float, float], width_px: int, max_zoom: int) -> int:
    width_m = extent[1] - extent[0]
    zoom = math.floor(math.log2(2 * HALF * width_px / (256 * max(width_m, 1.0))))
    return int(min(max(zoom, 0), max_zoom))


def _fetch(source: TileSource, z: int, x: int, y: int) -> np.ndarray:
    url = tile_url(source.url, z, x, y)
    request = urllib.request.Request(url, headers={"User-Agent": f"incident-mapper/{version('incident-mapper')}"})
    with urllib.request.urlopen(request, timeout=source.timeout_s) as response:  # noqa: S310 - http(s) checked
        data = response.read(5_000_000)
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB").resize((256, 256)))


def fetch_basemap(source: TileSource, extent: tuple[float, float, float, float],
                  width_px: int) -> tuple[np.ndarray | None, str]:
    """(image cropped to `extent`, attribution) or (None, why there is no basemap)."""
    zoom = _zoom(extent, width_px, source.max_zoom)
    n = 2**zoom
    size = 2 * HALF / n

    def index(x: float, y: float) -> tuple[int, int]:
        return (min(max(int((x + HALF) // size), 0), n - 1), min(max(int((HALF - y) // size), 0), n - 1))

    (x0, y0), (x1, y1) = index(extent[0], extent[3]), index(extent[1], extent[2])
    if (x1 - x0 + 1) * (y1 - y0 + 1) > MAX_TILES:
        return None, f"the area needs more than {MAX_TILES} tiles"
    rows = []
    try:
        for ty in range(y0, y1 + 1):
            rows.append(np.concatenate([_fetch(source, zoom, tx, ty) for tx in range(x0, x1 + 1)], axis=1))
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError, Image.DecompressionBombError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return None, f"tiles unavailable ({str(reason)[:80]})"
    mosaic = np.concatenate(rows, axis=0)
    # crop the mosaic (which starts at tile x0, y0) to the extent
    left, top = -HALF + x0 * size, HALF - y0 * size
    px = mosaic.shape[1] / ((x1 - x0 + 1) * size)
    c0, c1 = int((extent[0] - left) * px), int(math.ceil((extent[1] - left) * px))
    r0, r1 = int((top - extent[3]) * px), int(math.ceil((top - extent[2]) * px))
    return mosaic[max(r0, 0) : r1, max(c0, 0) : c1], source.attribution
