"""Read the places of a regional OpenStreetMap extract (.osm.pbf, also .osm/.osm.bz2 XML) with pyosmium.

Only objects with a tag some gazetteer rule looks at reach Python (osmium's key filter runs in C++); node locations
are kept in memory so ways get their geometry, and closed ways and multipolygon/boundary relations are assembled into
areas. Ways and relations whose nodes lie outside the extract are skipped and counted.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import InputError
from .osm_pack import OsmPiece
from .osm_tags import RULES

__all__ = ["read_extract", "ExtractContents"]

_KEYS = tuple(dict.fromkeys([key for key, _, _ in RULES] + ["bridge", "boundary"]))


class ExtractContents:
    """What an extract gave: the pieces, the national boundaries, its date and what was skipped."""

    def __init__(self) -> None:
        self.pieces: list[OsmPiece] = []
        self.boundaries: list[tuple[str, dict[str, Any]]] = []
        self.date: str | None = None
        self.counts: Counter[str] = Counter()
        self.objects = 0


def _country_code(tags: Any) -> str | None:
    if tags.get("boundary") != "administrative" or tags.get("admin_level") != "2":
        return None
    code = (tags.get("ISO3166-1:alpha2") or tags.get("ISO3166-1") or "").strip().upper()
    return code if len(code) == 2 and code.isalpha() else None


def read_extract(path: Path, *, progress: Callable[[int], None] | None = None) -> ExtractContents:
    """The gazetteer-relevant objects of an OSM file; InputError when it cannot be read."""
    try:
        import osmium
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise InputError("reading .osm.pbf needs pyosmium: pip install osmium", path=str(path)) from exc
    out = ExtractContents()
    factory = osmium.geom.GeoJSONFactory()
    keys = osmium.filter.KeyFilter(*_KEYS)
    try:
        processor = osmium.FileProcessor(str(path)).with_locations().with_areas(keys).with_filter(keys)
        header = processor.header
        stamp = header.get("osmosis_replication_timestamp") or header.get("timestamp")
        out.date = stamp[:10] if stamp else None
        for obj in processor:
            out.objects += 1
            if progress is not None and out.objects % 10_000 == 0:
                progress(out.objects)
            _take(obj, factory, out)
    except (RuntimeError, ValueError, OSError) as exc:
        why = " ".join(str(exc).split())[:200]
        if "out of order" in why:
            why += f"; sort it first: osmium sort {path.name} -o sorted.osm.pbf"
        raise InputError(f"cannot read OpenStreetMap file: {why}", path=str(path)) from exc
    return out


def _take(obj: Any, factory: Any, out: ExtractContents) -> None:
    import osmium

    tags = dict(obj.tags)
    try:
        if obj.is_area():
            code = _country_code(tags)
            if code:
                out.boundaries.append((code, json.loads(factory.create_multipolygon(obj))))
            kind = "way" if obj.from_way() else "relation"
            out.pieces.append(OsmPiece(kind, obj.orig_id(), tags, json.loads(factory.create_multipolygon(obj))))
        elif obj.is_way():
            if obj.is_closed() and len(obj.nodes) >= 4:
                return  # its area comes on its own (or it is a ring that is no area: then not a place either)
            out.pieces.append(OsmPiece("way", obj.id, tags, json.loads(factory.create_linestring(obj))))
        elif obj.is_node():
            loc = obj.location
            if loc.valid():
                out.pieces.append(OsmPiece("node", obj.id, tags, {"type": "Point", "coordinates": [loc.lon, loc.lat]}))
    except (osmium.InvalidLocationError, RuntimeError):
        out.counts["skipped: geometry outside the extract"] += 1
