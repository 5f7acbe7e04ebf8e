"""One record of a user gazetteer (a YAML entry, a CSV row, a GeoJSON feature, a GeoPackage row) -> a checked place.

Fields (every format; CSV columns, GeoJSON/GeoPackage properties, YAML keys):

- `name` (required) and `aliases` (a list, or one text with `|` or `;` between names, or a JSON list);
  `aliases_in_context` are generic names ("the palace") that mean this place only in an event of its country;
- where: `lat`/`lon` (also `latitude`/`longitude`, `lng`), or the feature's geometry (GeoJSON, GeoPackage). A polygon
  or line stands for the smallest circle that holds it (its centre, its geodesic radius);
- size: `radius_m` (also `size_m`, the bundled gazetteer's name) in metres, or `precision` (landmark, district, city,
  region, country) for that class's default radius; with neither, the default of the `feature`, else 250 m;
- `country` (ISO alpha-2 or alpha-3 code or English name: the place then answers only for events in that country),
  `city`, `feature` (landmark, seat_of_power, district, square, government, embassy, military, station, port,
  bridge, stadium, hospital, university, road, airport, city, ...), `id` (else made from the name);
- `source`, `url`, `notes`, `approximate`, `description` are kept in the file for people and ignored here.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from ..errors import InputError
from ..models import Precision
from .areas import area_circle, precision_from_size
from .user_gazetteer import UserPlace

__all__ = ["place_from_record", "places_from_records", "FEATURE_RADIUS_M", "DISTRICT_FEATURES", "KNOWN_FIELDS", "slug"]

# The radius of a place given as a point only, by what it is (metres, before any "near"/"around" widening).
FEATURE_RADIUS_M: dict[str, float] = {
    "neighbourhood": 700.0, "quarter": 1_000.0, "suburb": 1_500.0, "district": 1_500.0, "square": 100.0,
    "government": 120.0, "seat_of_power": 150.0, "palace": 150.0, "embassy": 80.0, "military": 500.0,
    "station": 200.0, "port": 800.0, "bridge": 250.0, "stadium": 200.0, "hospital": 200.0, "university": 500.0,
    "road": 1_500.0, "airport": 1_500.0, "landmark": 250.0, "city": 10_000.0,
}
DISTRICT_FEATURES = frozenset({"neighbourhood", "quarter", "suburb", "district"})
_DEFAULT_RADIUS_M = 250.0
_IGNORED = ("source", "url", "notes", "approximate", "description")
_ALIASES = {"latitude": "lat", "lng": "lon", "long": "lon", "longitude": "lon", "size_m": "radius_m"}
KNOWN_FIELDS = frozenset(
    {"id", "name", "aliases", "aliases_in_context", "lat", "lon", "radius_m", "precision", "country", "city",
     "feature", *_IGNORED, *_ALIASES}
)


def slug(text: str) -> str:
    """A stable id part from a name: ASCII lower case and hyphens ("Place du Marché" -> "place-du-marche")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "place"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value)
    )


def _number(value: Any, field: str) -> float:
    if isinstance(value, bool):
        raise InputError(f"not a number: {value!r}", field=field)
    try:
        number = float(value.strip().replace(",", ".") if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise InputError(f"not a number: {str(value)[:60]!r}", field=field) from None
    if not math.isfinite(number):
        raise InputError(f"not a finite number: {str(value)[:60]!r}", field=field)
    return number


def _names(value: Any, field: str) -> tuple[str, ...]:
    if _blank(value):
        return ()
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                raise InputError(f"not a JSON list of names: {text[:60]!r}", field=field) from None
        else:
            value = re.split(r"[|;]", text)
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise InputError("must be a list of names", field=field)
    return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))


def _text(value: Any, field: str) -> str | None:
    if _blank(value):
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise InputError("must be text", field=field)
    return str(value).strip()


def _country(value: Any) -> str | None:
    text = _text(value, "country")
    return None if text is None else _country_code(text)


@lru_cache(maxsize=4096)
def _country_code(text: str) -> str:
    from .countries import country_code

    code = country_code(text)
    if code is None:
        raise InputError(f"unknown country {text[:60]!r}; use an ISO code such as GN or an English name",
                         field="country")
    return code


def _precision(value: Any) -> Precision | None:
    text = _text(value, "precision")
    if text is None:
        return None
    try:
        return Precision(text.lower())
    except ValueError:
        raise InputError(f"unknown precision {text[:40]!r} (use {', '.join(p.value for p in Precision)})",
                         field="precision") from None


def _where(raw: dict[str, Any], geometry: dict[str, Any] | None) -> tuple[float, float, float | None]:
    """(lat, lon, radius of the drawn area or None for a point)."""
    if geometry is not None and geometry.get("type") not in ("Point", None):
        return area_circle(geometry)
    if geometry is not None:
        lon, lat = _point(geometry.get("coordinates"))
        return lat, lon, None
    missing = [f for f in ("lat", "lon") if _blank(raw.get(f))]
    if missing:
        raise InputError("a place needs lat and lon (or a geometry)", field=missing[0])
    lat, lon = _number(raw["lat"], "lat"), _number(raw["lon"], "lon")
    for value, limit, field in ((lat, 90, "lat"), (lon, 180, "lon")):
        if abs(value) > limit:
            raise InputError(f"{value} is outside -{limit}..{limit}", field=field)
    return lat, lon, None


def _point(coordinates: Any) -> tuple[float, float]:
    if not (isinstance(coordinates, (list, tuple)) and len(coordinates) >= 2):
        raise InputError("a Point needs [longitude, latitude]", field="geometry")
    lon, lat = _number(coordinates[0], "geometry"), _number(coordinates[1], "geometry")
    if abs(lon) > 180 or abs(lat) > 90:
        raise InputError(f"position [{lon}, {lat}] is outside longitude -180..180 / latitude -90..90",
                         field="geometry")
    return lon, lat


def place_from_record(
    raw: dict[str, Any], *, default_id: str, geometry: dict[str, Any] | None = None
) -> UserPlace:
    """The checked place of one record; an InputError names the field (the caller adds file and record)."""
    raw = {_ALIASES.get(str(k).strip().lower(), str(k).strip().lower()): v for k, v in raw.items()}
    name = _text(raw.get("name"), "name")
    if not name:
        raise InputError("a place needs a name", field="name")
    lat, lon, drawn = _where(raw, geometry)
    feature = (_text(raw.get("feature"), "feature") or "").lower() or None
    precision = _precision(raw.get("precision"))
    radius = None if _blank(raw.get("radius_m")) else _number(raw["radius_m"], "radius_m")
    if radius is not None and radius <= 0:
        raise InputError(f"must be more than 0 metres, not {radius:g}", field="radius_m")
    if radius is None:
        if drawn is not None:
            radius = drawn
        elif precision is not None:
            from .resolver import DEFAULT_RADIUS_M

            radius = DEFAULT_RADIUS_M[precision]
        else:
            radius = FEATURE_RADIUS_M.get(feature or "", _DEFAULT_RADIUS_M)
    if precision is None:
        precision = Precision.district if feature in DISTRICT_FEATURES and radius < 5_000 else (
            precision_from_size(radius)
        )
    try:
        return UserPlace(
            id=_text(raw.get("id"), "id") or default_id,
            name=name,
            aliases=_names(raw.get("aliases"), "aliases"),
            aliases_in_context=_names(raw.get("aliases_in_context"), "aliases_in_context"),
            lat=round(lat, 7),
            lon=round(lon, 7),
            size_m=round(radius, 1),
            precision=precision,
            country=_country(raw.get("country")),
            city=_text(raw.get("city"), "city"),
            feature=feature,
        )
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        raise InputError(err["msg"], field=".".join(str(p) for p in err["loc"]) or None) from None


def places_from_records(
    path: str, records: Iterable[tuple[str, dict[str, Any], dict[str, Any] | None]], *, prefix: str
) -> list[UserPlace]:
    """Checked places of (record label, fields, geometry) triples; errors name the file and the record.

    A record without an `id` gets `PREFIX:name-slug` (`-2`, `-3`... for a second place of the same name); an `id`
    given twice is an error.
    """
    places: list[UserPlace] = []
    given: set[str] = set()
    made: set[str] = set()
    for label, raw, geometry in records:
        base = f"{prefix}:{slug(str(raw.get('name') or ''))}"
        default_id, n = base, 1
        while default_id in made or default_id in given:
            n += 1
            default_id = f"{base}-{n}"
        try:
            place = place_from_record(raw, default_id=default_id, geometry=geometry)
        except InputError as exc:
            raise exc.located(path=path, record=label) from None
        if place.id == default_id:
            made.add(place.id)
        elif place.id in given or place.id in made:
            raise InputError(f"duplicate id {place.id!r}", path=path, record=label, field="id")
        else:
            given.add(place.id)
        places.append(place)
    return places
