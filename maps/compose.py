"""Compose the incident map: a folium page skeleton, basemaps, and our canvas layers fed by one escaped payload."""

from __future__ import annotations

import html
import itertools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import folium
import orjson
from branca.element import Element, MacroElement
from jinja2 import Template

from incidents.atomic import write_atomic
from incidents.gc_pause import gc_paused
from incidents.models import MappedEvent
from layers.escape import escape_text
from layers.groups import map_payload

from .assets import DEFAULT_FALLBACK, asset_tags, missing_assets_notice, write_vendored

__all__ = ["MapOptions", "IncidentMap", "compose_map", "map_bundles", "write_assets", "BASEMAPS"]

OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
# (name, url template, attribution, max zoom); attributions as each provider asks for them.
BASEMAPS: tuple[tuple[str, str, str, int], ...] = (
    ("OpenStreetMap", OSM, '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors', 19),
    (
        "Light (CARTO Positron)",
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors '
        '&copy; <a href="https://carto.com/attributions">CARTO</a>',
        20,
    ),
    (
        "Satellite (Esri World Imagery)",
        "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
        "Tiles &copy; Esri &mdash; Source: Esri, Maxar, Earthstar Geographics, and the GIS User Community",
        19,
    ),
)


@dataclass(frozen=True)
class MapOptions:
    """What goes on the map besides the incidents."""

    cluster: bool = False
    heat: bool = False
    minimap: bool = True
    fullscreen: bool = True
    height: str = "100%"


class _Text(Element):
    """Finished markup added to the page as it is: never compiled or rendered as a Jinja template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        # Jinja drops one trailing newline of a template; keep the page byte-identical to a compiled Element.
        self.text = text[:-1] if text.endswith("\n") else text

    def render(self, **kwargs) -> str:
        return self.text


class _IncidentLayers(MacroElement):
    """Our payload as inert JSON plus the call that draws it (data is a template *variable*, never template code)."""

    _template = Template(
        """
{% macro html(this, kwargs) %}
<script type="application/json" id="{{ this.data_id }}">{{ this.data_json }}</script>
{% endmacro %}
{% macro script(this, kwargs) %}
IncidentMapper.init({{ this._parent.get_name() }},
    JSON.parse(document.getElementById("{{ this.data_id }}").textContent),
    {tiles: { {% for name, layer in this.tiles %}{{ name }}: {{ layer.get_name() }}{{ "," if not loop.last }}{% endfor %} },
     selfContained: {{ "true" if this.self_contained else "false" }},
     cluster: {{ "true" if this.options.cluster else "false" }},
     heat: {{ "true" if this.options.heat else "false" }},
     minimapTiles: {{ this.minimap_json }}});
{% endmacro %}
"""
    )

    def __init__(self, payload_json: str, tiles: list[tuple[str, folium.TileLayer]], options: MapOptions,
                 self_contained: bool) -> None:
        super().__init__()
        self._name = "IncidentLayers"
        self.data_json = payload_json
        self.tiles = tiles
        self.options = options
        self.self_contained = self_contained
        self.minimap_json = orjson.dumps(OSM if options.minimap and not self_contained else None).decode()
        self.data_id = "incident-data"

    def render(self, **kwargs) -> None:
        """As MacroElement.render, but the macros' output (which holds the payload) is added as text.

        branca wraps each macro's output in `Element(...)`, which compiles it as a template: a 28 MB payload cost
        seconds of lexing, and untrusted (if escaped) text would be read as template code.
        """
        figure = self.get_root()
        module = self._template.module.__dict__
        figure.html.add_child(_Text(module["html"](self, kwargs)), name=self.get_name())
        figure.script.add_child(_Text(module["script"](self, kwargs)), name=self.get_name())


_SCRIPT_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def _json_for_script(payload: Any) -> str:
    """JSON that cannot close or confuse the <script> element it sits in."""
    raw = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS).decode()
    for char, escaped in _SCRIPT_ESCAPES:
        if char in raw:  # a scan is cheaper than a copy of a 30 MB payload that changes nothing
            raw = raw.replace(char, escaped)
    return raw


def _stabilise_ids(root: Element) -> None:
    """Replace folium's random element ids with a counter, so the same input gives the same bytes."""
    counter = itertools.count()

    def walk(element: Element) -> None:
        element._id = f"{next(counter):08x}"
        for child in element._children.values():
            walk(child)

    walk(root)


def map_bundles(options: MapOptions, self_contained: bool = False) -> list[str]:
    """The asset bundles (maps.assets.BUNDLES) a map with these options uses."""
    bundles = ["leaflet"]
    if options.fullscreen:
        bundles.append("fullscreen")
    if options.minimap and not self_contained:
        bundles.append("minimap")
    if options.cluster:
        bundles.append("markercluster")
    if options.heat:
        bundles.append("heat")
    return bundles


def write_assets(folder: str | Path, options: MapOptions | None = None) -> list[Path]:
    """The vendored copies of every script and style a linked map with these options uses, written into `folder`.

    Call it outside an output set (maps.commands.outputs.committed): they are the same files on every run.
    """
    return write_vendored(map_bundles(options or MapOptions()), Path(folder))


class IncidentMap:
    """A rendered-on-demand incident map: HTML page, self-contained page, iframe embed, notebook display."""

    def __init__(self, mapped: MappedEvent, *, title: str | None = None, options: MapOptions | None = None) -> None:
        self.mapped = mapped
        self.title = title or mapped.title
        self.options = options or MapOptions()
        self._payload_json: str | None = None

    def payload_json(self) -> str:
        """The escaped data payload as script-safe JSON (built once)."""
        if self._payload_json is None:
            # The payload's million containers are freed before the collector resumes, so it never walks them.
            with gc_paused():
                payload = map_payload(self.mapped)
                payload["title"] = escape_text(self.title, max_length=300)
                self._payload_json = _json_for_script(payload)
                del payload
        return self._payload_json

    def _bundles(self, self_contained: bool) -> list[str]:
        return map_bundles(self.options, self_contained)

    def to_html(self, *, self_contained: bool = False, asset_base: str | None = None,
                fallback: str | None = DEFAULT_FALLBACK, basemap: bool | None = None) -> str:
        """The whole page. self_contained: every asset inlined and no basemap (no request leaves the machine);
        `basemap=True` adds the basemaps to a self-contained page (scripts inlined, tiles fetched: a notebook).

        A linked page whose scripts cannot load uses the vendored copies at `fallback` (relative to the page), else
        shows a plain-HTML message saying what is missing and how to get a map that works offline.
        """
        fmap = folium.Map(location=None, tiles=None, prefer_canvas=True, control_scale=False, zoom_control=True,
                          width="100%", height=self.options.height)
        fmap.default_js, fmap.default_css = [], []
        figure = fmap.get_root()
        mode: Literal["cdn", "inline", "local"] = "inline" if self_contained else ("local" if asset_base else "cdn")
        figure.header.add_child(_Text(f"<title>{escape_text(self.title, max_length=300)}</title>"), name="title")
        tiled = not self_contained if basemap is None else basemap
        bundles = self._bundles(self_contained and not tiled)
        figure.header.add_child(_Text(asset_tags(bundles, mode, asset_base, fallback)), name="assets")
        figure.html.add_child(_Text(missing_assets_notice(bundles, mode, asset_base, fallback)), name="no-map")
        tiles: list[tuple[str, folium.TileLayer]] = []
        if tiled:
            for n, (name, url, attribution, max_zoom) in enumerate(BASEMAPS):
                layer = folium.TileLayer(tiles=url, attr=attribution, name=name, max_zoom=max_zoom, show=(n == 0),
                                         control=False)
                layer.add_to(fmap)
                tiles.append((orjson.dumps(name).decode(), layer))
        fmap.add_child(_IncidentLayers(self.payload_json(), tiles, self.options, not tiled))
        _stabilise_ids(figure)
        return figure.render()

    def embed_html(self, *, self_contained: bool = True, height: str = "600px", asset_base: str | None = None,
                   fallback: str | None = DEFAULT_FALLBACK, basemap: bool | None = None) -> str:
        """An <iframe srcdoc> snippet that drops into a report page without touching its styles or scripts."""
        page = self.to_html(self_contained=self_contained, asset_base=asset_base, fallback=fallback, basemap=basemap)
        label = escape_text(self.title, max_length=300)
        return (
            f'<iframe title="{label}" srcdoc="{html.escape(page, quote=True)}" '
            f'style="width:100%;height:{escape_text(height)};border:0" loading="lazy" '
            'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"></iframe>\n'
        )

    def save(self, path: str | Path, *, self_contained: bool = False, embed: bool = False,
             asset_base: str | None = None, assets_dir: str | Path | None = None) -> Path:
        """Write the page (or the embed snippet) atomically; `assets_dir` is the folder of vendored scripts it falls
        back to when the CDN cannot be reached (`write_assets`), named by its path relative to the page."""
        fallback = DEFAULT_FALLBACK
        if assets_dir is not None and not self_contained:
            fallback = Path(os.path.relpath(Path(assets_dir).resolve(), Path(path).resolve().parent)).as_posix()
        if embed:
            text = self.embed_html(self_contained=self_contained, asset_base=asset_base, fallback=fallback)
        else:
            text = self.to_html(self_contained=self_contained, asset_base=asset_base, fallback=fallback)
        return write_atomic(path, text)

    def _repr_html_(self) -> str:
        """In a notebook: scripts inlined (no CDN needed) and the basemaps under the layers (tiles, when online)."""
        return self.embed_html(self_contained=True, height="520px", basemap=True)


def compose_map(mapped: MappedEvent, *, title: str | None = None, options: MapOptions | None = None) -> IncidentMap:
    """The incident map for a mapped event."""
    return IncidentMap(mapped, title=title, options=options)
