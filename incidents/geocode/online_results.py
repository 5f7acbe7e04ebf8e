"""Turn raw Nominatim results and Photon GeoJSON features into PlaceCandidates with an honest radius and precision."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pyproj import Geod

from ..models import GazetteerRef, Precision
from .areas import precision_from_size
from .backends import PlaceCandidate

__all__ = [
    "ONLINE_SCORE",
    "MIN_RADIUS_M",
    "precision_for",
    "bbox_radius_m",
    "nominatim_candidate",
    "photon_candidate",
]

ONLINE_SCORE = 0.7  # below an offline exact match (1.0): online answers are a guess about free text
MIN_RADIUS_M = 100.0
MAX_RADIUS_M = 20_000_000.0
_GEOD = Geod(ellps="WGS84")

# OSM tags (Nominatim addresstype/type/class, Photon type/osm_value/osm_key) -> how precisely the place is known.
_PRECISION: dict[str, Precision] = {
    tag: precision
    for precision, tags in (
        (
            Precision.landmark,
            "house building amenity shop tourism historic leisure office craft emergency man_made military aeroway"
            " railway public_transport highway street road house_number housenumber poi bridge square",
        ),
        (
            Precision.district,
            "suburb neighbourhood neighborhood quarter city_district district borough locality city_block",
        ),
        (Precision.city, "city town village hamlet municipality isolated_dwelling"),
        (Precision.region, "state region province county state_district department archipelago"),
        (Precision.country, "country continent"),
    )
    for tag in tags.split()
}
_FALLBACK_RADIUS_M = {
    Precision.landmark: 250.0,
    Precision.district: 1_500.0,
    Precision.city: 10_000.0,
    Precision.region: 75_000.0,
    Precision.country: 400_000.0,
}
_OSM_TYPES = {"N": "node", "W": "way", "R": "relation", "node": "node", "way": "way", "relation": "relation"}


def precision_for(tags: Iterable[object]) -> Precision | None:
    """The precision of the first tag we know, most specific tag first; None when none is known."""
    for tag in tags:
        if isinstance(tag, str) and tag.strip().lower() in _PRECISION:
            return _PRECISION[tag.strip().lower()]
    return None


def bbox_radius_m(south: float, north: float, west: float, east: float) -> float:
    """Half the geodesic diagonal of a bounding box, clamped to 100 m .. 20,000 km."""
    values = (float(south), float(north), float(west), float(east))
    if any(v != v for v in values):
        raise ValueError("bounding box has NaN")
    _, _, diagonal = _GEOD.inv(values[2], values[0], values[3], values[1])
    return min(MAX_RADIUS_M, max(MIN_RADIUS_M, abs(diagonal) / 2))


def _candidate(
    *,
    lat: Any,
    lon: Any,
    bbox: tuple[Any, Any, Any, Any] | None,
    tags: Iterable[object],
    ref: GazetteerRef,
    country: Any,
    score: float,
) -> PlaceCandidate:
    radius = bbox_radius_m(*bbox) if bbox is not None else None
    precision = precision_for(tags)
    if precision is None:
        precision = precision_from_size(radius) if radius is not None else Precision.landmark
    if radius is None:
        radius = _FALLBACK_RADIUS_M[precision]
    code = country.strip().upper() if isinstance(country, str) and len(country.strip()) == 2 else None
    return PlaceCandidate(
        lat=float(lat),
        lon=float(lon),
        radius_m=round(radius, 1),
        precision=precision,
        entry=ref,
        score=score,
        country=code,
    )


def nominatim_candidate(
    raw: Mapping[str, Any], *, source: str = "nominatim", score: float = ONLINE_SCORE
) -> PlaceCandidate:
    """A Nominatim `format=json` result (with `addressdetails=1`) as a candidate; ValueError/KeyError if malformed."""
    box = raw.get("boundingbox")
    bbox = (box[0], box[1], box[2], box[3]) if isinstance(box, list | tuple) and len(box) == 4 else None
    osm_type = _OSM_TYPES.get(str(raw.get("osm_type", "")), str(raw.get("osm_type") or "place"))
    osm_id = raw.get("osm_id") if raw.get("osm_id") is not None else raw.get("place_id", "?")
    name = raw.get("display_name") or raw.get("name") or f"{osm_type} {osm_id}"
    address = raw.get("address") if isinstance(raw.get("address"), Mapping) else {}
    return _candidate(
        lat=raw["lat"],
        lon=raw["lon"],
        bbox=bbox,
        tags=(raw.get("addresstype"), raw.get("type"), raw.get("class"), raw.get("category")),
        ref=GazetteerRef(id=f"{osm_type}/{osm_id}", name=str(name), source=source),
        country=address.get("country_code"),
        score=score,
    )


def photon_name(props: Mapping[str, Any]) -> str:
    """A readable label: the feature's name (or street and number), then its city and country."""
    street = " ".join(str(props[k]) for k in ("street", "housenumber") if props.get(k))
    head = props.get("name") or street or str(props.get("osm_value") or "place")
    tail = [str(props[k]) for k in ("city", "state", "country") if props.get(k) and props.get(k) != head]
    return ", ".join([str(head), *tail])


def photon_candidate(
    feature: Mapping[str, Any], *, source: str = "photon", score: float = ONLINE_SCORE
) -> PlaceCandidate:
    """A Photon GeoJSON feature as a candidate; ValueError/KeyError/TypeError if malformed."""
    props = feature["properties"]
    lon, lat = feature["geometry"]["coordinates"][:2]
    extent = props.get("extent")  # [west, north, east, south]
    bbox = (extent[3], extent[1], extent[0], extent[2]) if isinstance(extent, list) and len(extent) == 4 else None
    osm_type = _OSM_TYPES.get(str(props.get("osm_type", "")), "place")
    return _candidate(
        lat=lat,
        lon=lon,
        bbox=bbox,
        tags=(props.get("type"), props.get("osm_value"), props.get("osm_key")),
        ref=GazetteerRef(id=f"{osm_type}/{props.get('osm_id', '?')}", name=photon_name(props), source=source),
        country=props.get("countrycode"),
        score=score,
    )
