"""Our incident layers on a folium.Map the user made: status layers, circles, popups, legend and time control.

`IncidentLayers(mapped).add_to(folium_map)` adds the escaped payload and the code that draws it to the user's map
(its own tiles become the basemaps our layer control offers). Text is escaped in Python and added as finished
markup: folium never compiles it as a Jinja template, so a report saying `{{ 7*7 }}` shows those characters.
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import MacroElement

from incidents.models import MappedEvent

from .assets import asset_tags
from .compose import IncidentMap, MapOptions, _IncidentLayers, _json_for_script, _Text, map_bundles

__all__ = ["IncidentLayers"]


class _Assets(MacroElement):
    """Our scripts, added to the page's header when the map renders: after folium's own Leaflet, which they extend."""

    def __init__(self, tags: str) -> None:
        super().__init__()
        self._name = "IncidentAssets"
        self.tags = tags

    def render(self, **kwargs: Any) -> None:
        self.get_root().header.add_child(_Text(self.tags), name=self.get_name())


class IncidentLayers:
    """The incident map's layers, to add to any folium.Map (`add_to`), as folium's own layers are."""

    def __init__(self, mapped: MappedEvent, *, title: str | None = None, options: MapOptions | None = None,
                 asset_base: str | None = None) -> None:
        # the minimap and fullscreen controls are the page's business, not a layer's
        self.options = options or MapOptions(minimap=False, fullscreen=False)
        self._map = IncidentMap(mapped, title=title, options=self.options)
        self.asset_base = asset_base

    def add_to(self, folium_map: folium.Map) -> folium.Map:
        """Add the layers, legend and time control to `folium_map` (returned, for chaining)."""
        bundles = [b for b in map_bundles(self.options, False) if b != "leaflet"]  # folium brings Leaflet
        mode = "local" if self.asset_base else "cdn"
        folium_map.add_child(_Assets(asset_tags(bundles, mode, self.asset_base, None)))
        tiles = [
            (_json_for_script(str(getattr(layer, "layer_name", name))), layer)  # the user's names: script-safe
            for name, layer in folium_map._children.items() if isinstance(layer, folium.TileLayer)
        ]
        folium_map.add_child(_IncidentLayers(self._map.payload_json(), tiles, self.options, False))
        return folium_map

    def _repr_html_(self) -> str:
        return self._map._repr_html_()
