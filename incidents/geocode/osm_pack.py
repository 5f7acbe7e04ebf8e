"""OpenStreetMap packs: named places of a region (from a .osm.pbf extract or the Overpass API) as a GeoPackage
gazetteer that `--gazetteer PACK.gpkg` loads.

Each kept object (see `osm_tags`) becomes one place: an area or a line stands for the smallest circle that holds it
(`areas.area_circle`), a node gets the default radius of its class; the pieces of a road or bridge drawn as several
ways with one name, close together, are one place (their common circle), and a node lying inside a same-named area of
its class (a neighbourhood's label and its outline) is that area. Ids are OpenStreetMap's (`osm:way/123`; a merged
place takes its first piece's). The country of each place comes from the extract's national boundaries (admin_level 2
with an ISO 3166-1 code), else its `addr:country` tag, else the `country` the caller gives, else that of the nearest
GeoNames town within about 55 km (a place with no country would answer for events anywhere).

The pack is one `places` layer of points (the circle's centre) with `id, osm_id, name, aliases` (a JSON list),
`feature, radius_m, precision, country, city`, and dataset metadata naming the source, its date and the ODbL
attribution that OpenStreetMap data requires.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pyproj import Geod

from ..errors import InputError
from .areas import area_circle, precision_from_size
from .names import normalise
from .osm_tags import LINE_FEATURES, feature_of, names_of
from .user_records import DISTRICT_FEATURES, FEATURE_RADIUS_M

__all__ = ["OsmPiece", "PackPlace", "pack_places", "write_pack", "LICENCE", "ATTRIBUTION", "PACK_FIELDS"]

LICENCE = "Open Database License (ODbL) 1.0, https://opendatacommons.org/licenses/odbl/1-0/"
ATTRIBUTION = "© OpenStreetMap contributors, https://www.openstreetmap.org/copyright"
MIN_RADIUS_M = 30.0  # a footprint drawn as a few metres still means "at this building"
LINE_GAP_M = 500.0  # pieces of one named road or bridge this close are one place
NEAREST_TOWN_DEG = 0.5  # a place this close (about 55 km) to a GeoNames town takes that town's country
LOCAL_SPAN_DEG = 0.5  # footprints narrower than this (about 55 km) are sized in a local plane
_GEOD = Geod(ellps="WGS84")
PACK_FIELDS = ("id", "osm_id", "name", "aliases", "feature", "radius_m", "precision", "country", "city")


@dataclass
class OsmPiece:
    """One OpenStreetMap object: its type and id, its tags and its GeoJSON geometry (a Point for a node)."""

    kind: str  # node, way or relation
    osm_id: int
    tags: Mapping[str, str]
    geometry: dict[str, Any]


@dataclass
class PackPlace:
    """One place of a pack, before it is written."""

    id: str
    name: str
    aliases: list[str]
    feature: str
    lat: float
    lon: float
    radius_m: float
    country: str | None = None
    city: str | None = None
    pieces: list[OsmPiece] = field(default_factory=list, repr=False)

    def row(self) -> dict[str, Any]:
        precision = "district" if self.feature in DISTRICT_FEATURES and self.radius_m < 5_000 else (
            precision_from_size(self.radius_m).value
        )
        return {
            "id": f"osm:{self.id}", "osm_id": self.id, "name": self.name,
            "aliases": json.dumps(self.aliases, ensure_ascii=False), "feature": self.feature,
            "radius_m": self.radius_m, "precision": precision, "country": self.country or "", "city": self.city or "",
        }


def _circle(pieces: list[OsmPiece], feature: str) -> tuple[float, float, float]:
    if len(pieces) == 1 and pieces[0].geometry.get("type") == "Point":
        lon, lat = pieces[0].geometry["coordinates"][:2]
        return round(lat, 7), round(lon, 7), FEATURE_RADIUS_M.get(feature, 250.0)
    drawn = [p for p in pieces if p.geometry.get("type") != "Point"] or pieces
    geometry = drawn[0].geometry if len(drawn) == 1 else {
        "type": "GeometryCollection", "geometries": [p.geometry for p in drawn]
    }
    lat, lon, radius = _local_circle(geometry) or area_circle(geometry)
    return lat, lon, max(MIN_RADIUS_M, radius)


def _local_circle(geometry: dict[str, Any]) -> tuple[float, float, float] | None:
    """`area_circle` for a footprint under LOCAL_SPAN_DEG across, in a local equirectangular plane (no projection
    object to build: thousands of footprints per extract); None for a wider one (then `area_circle` does it).

    The centre is the smallest circle's in that plane; the radius is geodesic to the farthest position from it, so
    the circle holds the whole footprint even where the plane is not exact.
    """
    import numpy as np
    import shapely
    from shapely.geometry import shape

    coords = np.unique(shapely.get_coordinates(shape(geometry)), axis=0)
    if not len(coords):
        return None
    lon, lat = coords[:, 0], coords[:, 1]
    if np.ptp(lon) > LOCAL_SPAN_DEG or np.ptp(lat) > LOCAL_SPAN_DEG or np.abs(lat).max() > 80:
        return None
    lat0, lon0 = float(lat.mean()), float(lon.mean())
    k = math.cos(math.radians(lat0))
    plane = shapely.multipoints(np.column_stack([(lon - lon0) * k, lat - lat0]))
    centre = shapely.minimum_bounding_circle(plane).centroid
    clat, clon = round(lat0 + centre.y, 7), round(lon0 + centre.x / k, 7)
    _, _, dist = _GEOD.inv(np.full(len(lon), clon), np.full(len(lat), clat), lon, lat)
    return clat, clon, math.ceil(float(np.max(dist)) * 10) / 10


def _distance_m(a: PackPlace | _Town, b: PackPlace | _Town) -> float:
    from .world import distance_km

    return distance_km(a.lat, a.lon, b.lat, b.lon) * 1000.0


def _merge_group(places: list[PackPlace]) -> list[PackPlace]:
    """Same-named places of one class that touch (lines within LINE_GAP_M; a node inside an area) become one."""
    gap = LINE_GAP_M if places[0].feature in LINE_FEATURES else 0.0
    merged: list[PackPlace] = []
    for place in places:  # greedy single linkage, in id order: deterministic
        touching = [m for m in merged if _distance_m(m, place) <= m.radius_m + place.radius_m + gap
                    and (gap or _inside(place, m) or _inside(m, place))]
        if not touching:
            merged.append(place)
            continue
        target = touching[0]
        for other in [place, *touching[1:]]:
            target.pieces += other.pieces
            target.aliases = sorted({*target.aliases, *other.aliases} - {target.name})
            if other is not place:
                merged.remove(other)
        target.lat, target.lon, target.radius_m = _circle(target.pieces, target.feature)
    return merged


def _inside(small: PackPlace, big: PackPlace) -> bool:
    """`small` is a node whose point lies inside `big`'s circle (a label of the area)."""
    is_node = all(p.geometry.get("type") == "Point" for p in small.pieces)
    return is_node and _distance_m(small, big) <= big.radius_m


def _sort_key(piece: OsmPiece) -> tuple[int, int]:
    return ({"relation": 0, "way": 1, "node": 2}.get(piece.kind, 3), piece.osm_id)


def pack_places(
    pieces: Iterable[OsmPiece],
    *,
    country: str | None = None,
    city: str | None = None,
    boundaries: Iterable[tuple[str, dict[str, Any]]] = (),
    counts: Counter[str] | None = None,
) -> list[PackPlace]:
    """The pack's places from OpenStreetMap objects, sorted by name and id; `counts` gets skipped objects by reason.

    `city` (the one a fetch was made around) is recorded on every place.
    """
    counts = counts if counts is not None else Counter()
    groups: dict[tuple[str, str], list[PackPlace]] = {}
    for piece in sorted(pieces, key=_sort_key):
        feature = feature_of(piece.tags)
        if feature is None:
            continue
        named = names_of(piece.tags)
        if named is None:
            counts["skipped: no name"] += 1
            continue
        try:
            lat, lon, radius = _circle([piece], feature)
        except InputError:
            counts["skipped: bad geometry"] += 1
            continue
        place = PackPlace(id=f"{piece.kind}/{piece.osm_id}", name=named[0], aliases=named[1], feature=feature,
                          lat=lat, lon=lon, radius_m=radius, pieces=[piece])
        place.country = _tag_country(piece.tags)
        groups.setdefault((feature, normalise(named[0])), []).append(place)
    places = [p for group in groups.values() for p in _merge_group(group)]
    places = _without_town_names(places, counts)
    _assign_countries(places, list(boundaries), country)
    for place in places:
        place.radius_m = math.ceil(place.radius_m * 10) / 10
        place.city = city
    return sorted(places, key=lambda p: (p.name, p.id))


def _without_town_names(places: list[PackPlace], counts: Counter[str]) -> list[PackPlace]:
    """Drop a station, port, road... that only bears the name of the town it is in ("Helsinki" station): the name
    means the town, which GeoNames already has; districts stay (their outline is better than a town's radius)."""
    from .geonames import geonames_index

    index = geonames_index()
    kept = []
    for place in places:
        if place.feature not in DISTRICT_FEATURES:
            towns = [r for r in index.rows(normalise(place.name)) if r < index.n_cities]
            if any(_distance_m(place, _Town(index.lat[r], index.lon[r])) <= index.radius_m[r] for r in towns):
                counts["skipped: named as the town it is in"] += 1
                continue
        kept.append(place)
    return kept


@dataclass
class _Town:
    lat: float
    lon: float


def _tag_country(tags: Mapping[str, str]) -> str | None:
    code = (tags.get("addr:country") or tags.get("is_in:country_code") or "").strip().upper()
    return code if len(code) == 2 and code.isalpha() else None


def _assign_countries(places: list[PackPlace], boundaries: list[tuple[str, dict[str, Any]]], default: str | None) -> None:
    """Each place's country: inside a national boundary of the extract, else its tag, else `default`."""
    shapes = []
    if boundaries:
        from shapely import STRtree, points
        from shapely.geometry import shape

        shapes = [(code, shape(geometry)) for code, geometry in boundaries]
        tree = STRtree([s for _, s in shapes])
        centres = points([(p.lon, p.lat) for p in places]) if places else []
        for place, centre in zip(places, centres, strict=True):
            hits = sorted(shapes[i][0] for i in tree.query(centre, predicate="within"))
            if hits:
                place.country = hits[0]
    for place in places:
        if place.country is None:
            place.country = default
    _nearest_town_countries([p for p in places if p.country is None])


def _nearest_town_countries(places: list[PackPlace]) -> None:
    """The country of the nearest GeoNames town (within NEAREST_TOWN_DEG), for places nothing else placed."""
    if not places:
        return
    import numpy as np
    from shapely import STRtree, points

    from .geonames import geonames_index

    index = geonames_index()
    n = index.n_cities
    towns = points(np.column_stack([np.frombuffer(index.lon, dtype=float)[:n], np.frombuffer(index.lat, dtype=float)[:n]]))
    tree = STRtree(towns)
    where = points([(p.lon, p.lat) for p in places])
    hits, _ = tree.query_nearest(where, max_distance=NEAREST_TOWN_DEG, return_distance=True, all_matches=False)
    codes = index.country
    for place_at, town in zip(hits[0], hits[1], strict=True):
        places[int(place_at)].country = codes[int(town)]


def write_pack(places: list[PackPlace], path: str | Path, *, source: str, date: str | None = None) -> dict[str, str]:
    """Write the pack to `path` atomically; returns the metadata written."""
    import numpy as np
    import pyogrio
    import shapely

    from ..atomic import atomic_path

    rows = [p.row() for p in places]
    metadata = {
        "incident_map_pack": "osm",
        "source": source,
        "date": date or datetime.now(UTC).strftime("%Y-%m-%d"),
        "licence": LICENCE,
        "attribution": ATTRIBUTION,
        "places": str(len(rows)),
    }
    geometry = shapely.to_wkb(shapely.points([(p.lon, p.lat) for p in places])) if places else np.array([], object)
    columns = [np.array([r[f] for r in rows], dtype=float if f == "radius_m" else object) for f in PACK_FIELDS]
    with atomic_path(path, suffix=".gpkg") as tmp:
        pyogrio.raw.write(tmp, geometry, columns, list(PACK_FIELDS), layer="places", driver="GPKG",
                          geometry_type="Point", crs="EPSG:4326", dataset_metadata=metadata)
    return metadata
