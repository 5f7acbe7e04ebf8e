"""What an OpenStreetMap object is, for a gazetteer: its feature class from its tags, its name and aliases.

Shared by `gazetteer build` (a .osm.pbf extract) and `gazetteer fetch` (the Overpass API), so both make the same pack.
The classes are those a breaking-news report names: neighbourhoods, squares, government buildings and seats of power,
palaces, embassies, military sites, stations, ports, bridges, stadiums, hospitals, universities, airports and major
roads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["feature_of", "names_of", "RULES", "MAJOR_ROADS", "LINE_FEATURES", "overpass_selectors"]

MAJOR_ROADS = ("motorway", "trunk", "primary", "secondary")
_SEATS = ("presidency", "prime_minister", "parliament", "legislative")
# (tag key, accepted values or None for any value, feature class); the first rule that matches wins.
RULES: tuple[tuple[str, tuple[str, ...] | None, str], ...] = (
    ("government", _SEATS, "seat_of_power"),
    ("place", ("suburb",), "suburb"),
    ("place", ("quarter",), "quarter"),
    ("place", ("neighbourhood",), "neighbourhood"),
    ("place", ("square",), "square"),
    ("historic", ("palace",), "palace"),
    ("building", ("palace",), "palace"),
    ("amenity", ("embassy",), "embassy"),
    ("diplomatic", ("embassy", "consulate"), "embassy"),
    ("office", ("government",), "government"),
    ("amenity", ("townhall", "courthouse"), "government"),
    ("building", ("government",), "government"),
    ("landuse", ("military",), "military"),
    ("military", ("barracks", "base", "airfield", "naval_base", "office", "checkpoint"), "military"),
    ("aeroway", ("aerodrome",), "airport"),
    ("railway", ("station", "halt"), "station"),
    ("public_transport", ("station",), "station"),
    ("amenity", ("bus_station",), "station"),
    ("landuse", ("port",), "port"),
    ("industrial", ("port",), "port"),
    ("harbour", ("yes",), "port"),
    ("amenity", ("ferry_terminal",), "port"),
    ("man_made", ("bridge",), "bridge"),
    ("leisure", ("stadium",), "stadium"),
    ("building", ("stadium",), "stadium"),
    ("amenity", ("hospital",), "hospital"),
    ("healthcare", ("hospital",), "hospital"),
    ("amenity", ("university",), "university"),
    ("bridge:name", None, "bridge"),
    ("highway", MAJOR_ROADS, "road"),
)
LINE_FEATURES = frozenset({"road", "bridge"})  # drawn as many ways with one name: pieces close together are one place
_BRIDGE_STEMS = ("bridge", "pont", "puente", "ponte", "brücke", "brucke", "köprü", "kopru", "most", "جسر")
BRIDGE_WORDS = re.compile(r"(?i)(?:^|\W)(?:" + "|".join(_BRIDGE_STEMS) + r")")
_ALIAS_KEYS = ("official_name", "alt_name", "short_name", "loc_name", "int_name", "old_name", "bridge:name")
_LANGUAGE_KEY = re.compile(r"^(?:name|official_name|alt_name|short_name):[a-z]{2,3}(?:-[A-Za-z]{2,8})?$")


def feature_of(tags: Mapping[str, str]) -> str | None:
    """The feature class of an object with these tags, or None when a gazetteer has no use for it.

    A bridge way carries the road's tags; it is a bridge when it has a `bridge:name` or its name says bridge.
    """
    bridge_named = tags.get("bridge:name") or BRIDGE_WORDS.search(tags.get("name", ""))
    if tags.get("bridge") not in (None, "no") and bridge_named:
        return "bridge"
    for key, values, feature in RULES:
        value = tags.get(key)
        if value is not None and (values is None or value in values):
            return feature
    return None


def names_of(tags: Mapping[str, str]) -> tuple[str, list[str]] | None:
    """(name, sorted aliases) from `name`, `name:*`, `alt_name`, `official_name`, ...; None for a nameless object.

    A named bridge carries its own name in `bridge:name` (its way's `name` is the road's): then that is the name.
    """
    name = (tags.get("bridge:name") or tags.get("name") or tags.get("name:en") or "").strip()
    if not name:
        return None
    aliases: set[str] = set()
    for key, value in tags.items():
        if key in _ALIAS_KEYS or _LANGUAGE_KEY.match(key) or (key == "name" and value.strip() != name):
            aliases.update(v.strip() for v in value.split(";") if v.strip())
    aliases.discard(name)
    return name, sorted(aliases)


def overpass_selectors() -> list[str]:
    """The Overpass QL filters that select every object `feature_of` keeps (nodes, ways and relations)."""
    out: list[str] = []
    for key, values, _ in RULES:
        if values is None:
            out.append(f'["{key}"]')
        else:
            out.append(f'["{key}"~"^({"|".join(re.escape(v) for v in values)})$"]')
    out.append(f'["bridge"]["name"~"{"|".join(_BRIDGE_STEMS)}",i]')
    return list(dict.fromkeys(out))
