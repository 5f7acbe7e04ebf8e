"""Maps: the HTML incident map (`compose_map`), folium layers for a map of your own (`IncidentLayers`), exports.

Imported lazily, so `import maps` (and the CLI) stays light: folium loads when one of these is first used.
"""

from __future__ import annotations

from typing import Any

__all__ = ["IncidentLayers", "compose_map", "MapOptions", "export"]

_WHERE = {"IncidentLayers": "maps.folium_layers", "compose_map": "maps.compose", "MapOptions": "maps.compose",
          "export": "maps.export"}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'maps' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_WHERE[name]), name)
