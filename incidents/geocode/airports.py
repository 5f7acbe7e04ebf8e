"""Airports worldwide (the `airportsdata` package: ~28k airports and strips, MIT licence) by name, city, IATA or ICAO.

"Khartoum International Airport", "Aeropuerto Internacional de Maiquetía", "Beirut airport", "CCS", "SVMI". A name
is looked up only when it says it is an airport (an airport word in one of the languages below) or is written as a
code: three (IATA) or four (ICAO) capital letters, never a lower-case word ("lot", "bar"). A code is a weaker match
(CODE_SCORE) than a name, so an acronym in an article ("IDF") is not taken for an airport without "at"/"near".

The package's CSV takes about half a second to read, so the index is built on first use (never at start-up) and
pickled under the cache directory; later processes load the small pickle. The radius is runway-sized, from what the
package tells of an airport's size: an international airport 3 km, one with an IATA code 2 km, a strip 1.5 km.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from ..models import GazetteerRef, GeoContext, Precision
from .backends import PlaceCandidate
from .geonames import cache_dir
from .index_cache import cached_index
from .names import normalise

__all__ = ["AirportsBackend", "AirportIndex", "airport_index", "airport_radius_m", "CODE_SCORE"]

FORMAT = 2
CODE_SCORE = 0.85  # below the bare-name threshold of article extraction: a code alone is a weak hint
CITY_SCORE = 0.95  # "Conakry airport" names the city's airport, not the airport's own name
OFF_CONTEXT_FACTOR = 0.6
# Words that say "airport" (normalised), and the filler words stripped with them from a name before matching.
AIRPORT_WORDS = frozenset(
    "airport airports aeropuerto aeroporto aeroport aerodrome aerodromo flughafen havalimani havaalani luchthaven "
    "lotnisko letiste aeroportul airfield airstrip aerodrom".split()
) | {"مطار"}
FILLER = frozenset(
    "international intl internacional internationale internazionale internacionale regional national nacional "
    "municipal domestic de del da do di du des d l la le el al of the and y et city".split()
) | {"الدولي"}
_CODE = re.compile(r"^(?:[A-Z]{3}|[A-Z]{4})$")
_STRIP_PARENS = re.compile(r"\([^)]*\)")


def airport_radius_m(name: str, iata: str) -> float:
    """A runway-sized radius: 3 km for an international airport, 2 km with an IATA code, else 1.5 km."""
    key = normalise(name)
    if "international" in key or "internacional" in key or " intl" in f" {key}":
        return 3_000.0
    return 2_000.0 if iata else 1_500.0


def _core(text: str) -> str:
    """A name without airport and filler words: "Aeropuerto Internacional de Maiquetía" -> "maiquetia"."""
    return " ".join(w for w in normalise(text).split() if w not in AIRPORT_WORDS and w not in FILLER)


def _says_airport(text: str) -> bool:
    return any(w in AIRPORT_WORDS for w in normalise(text).split())


@dataclass(frozen=True)
class AirportIndex:
    """Airports as parallel tuples plus name and code tables mapping to row numbers."""

    icao: tuple[str, ...]
    iata: tuple[str, ...]
    names: tuple[str, ...]
    country: tuple[str, ...]
    lat: tuple[float, ...]
    lon: tuple[float, ...]
    radius_m: tuple[float, ...]
    by_name: dict[str, tuple[int, ...]]  # core of the airport's own name (and of its parts in brackets)
    by_city: dict[str, tuple[int, ...]]  # core of the city it serves
    by_code: dict[str, int]  # IATA and ICAO


def _build() -> AirportIndex:
    import airportsdata

    rows = sorted(airportsdata.load("ICAO").values(), key=lambda a: a["icao"])
    by_name: dict[str, list[int]] = {}
    by_city: dict[str, list[int]] = {}
    by_code: dict[str, int] = {}
    for i, a in enumerate(rows):
        name = a["name"]
        keys = {_core(name), _core(_STRIP_PARENS.sub(" ", name))}
        keys.update(_core(part) for part in re.findall(r"\(([^)]*)\)", name))
        city = _core(a["city"] or "")
        if city:  # "London Heathrow Airport" is also "Heathrow Airport"
            keys.update(k[len(city) + 1 :] for k in list(keys) if k.startswith(city + " "))
        for key in keys - {""}:
            by_name.setdefault(key, []).append(i)
        if city:
            by_city.setdefault(city, []).append(i)
        by_code[a["icao"]] = i
        if a["iata"]:
            by_code.setdefault(a["iata"], i)
    return AirportIndex(
        icao=tuple(a["icao"] for a in rows),
        iata=tuple(a["iata"] for a in rows),
        names=tuple(a["name"] for a in rows),
        country=tuple(a["country"] for a in rows),
        lat=tuple(float(a["lat"]) for a in rows),
        lon=tuple(float(a["lon"]) for a in rows),
        radius_m=tuple(airport_radius_m(a["name"], a["iata"]) for a in rows),
        by_name={k: tuple(v) for k, v in by_name.items()},
        by_city={k: tuple(v) for k, v in by_city.items()},
        by_code=by_code,
    )


@cache
def airport_index() -> AirportIndex:
    """The airport index, from the cache when it was built before, else built once and cached."""
    try:
        stamp = version("airportsdata")
    except PackageNotFoundError:  # pragma: no cover - a dependency of the package
        stamp = "unknown"
    return cached_index(cache_dir() / f"airports-{stamp}-f{FORMAT}.pickle", _build)


class AirportsBackend:
    """Airports by name ("X airport", "X International Airport"), by the city they serve, or by IATA/ICAO code."""

    name = "airports"

    def __init__(self, index: AirportIndex | None = None) -> None:
        self._index = index

    @property
    def index(self) -> AirportIndex:
        """The index, loaded on first use."""
        if self._index is None:
            self._index = airport_index()
        return self._index

    def lookup(self, name: str, context: GeoContext) -> list[PlaceCandidate]:
        """Airports `name` means, best first (in the event's country, then international ones first)."""
        text = name.strip()
        if _CODE.match(text):
            row = self.index.by_code.get(text)
            return [] if row is None else [self._candidate(row, CODE_SCORE, context)]
        if not _says_airport(text):
            return []
        key = _core(text)
        if not key:
            return self._city_airport(context)
        idx = self.index
        found = [(1.0, r) for r in idx.by_name.get(key, ())] + [(CITY_SCORE, r) for r in idx.by_city.get(key, ())]
        seen: dict[int, float] = {}
        for score, row in found:
            if context.country and idx.country[row] != context.country and (score < 1.0 or not idx.iata[row]):
                continue  # abroad, only an airport with an IATA code, by its own name ("Heathrow" in a Caracas event)
            seen[row] = max(score, seen.get(row, 0.0))
        ranked = sorted(
            seen.items(),
            key=lambda item: (
                bool(context.country) and idx.country[item[0]] != context.country,
                -item[1],
                -idx.radius_m[item[0]],
                idx.icao[item[0]],
            ),
        )
        return [self._candidate(row, score, context) for row, score in ranked]

    def _city_airport(self, context: GeoContext) -> list[PlaceCandidate]:
        """"the airport" alone: the largest airport serving the event's city, if the context names one."""
        if not context.city:
            return []
        idx = self.index
        rows = [r for r in idx.by_city.get(_core(context.city), ()) if idx.country[r] == context.country]
        rows.sort(key=lambda r: (-idx.radius_m[r], not idx.iata[r], idx.icao[r]))
        return [self._candidate(r, CITY_SCORE, context) for r in rows[:1]]

    def _candidate(self, row: int, score: float, context: GeoContext) -> PlaceCandidate:
        idx = self.index
        off = bool(context.country) and idx.country[row] != context.country
        code = idx.iata[row] or idx.icao[row]
        return PlaceCandidate(
            lat=idx.lat[row],
            lon=idx.lon[row],
            radius_m=idx.radius_m[row],
            precision=Precision.landmark,
            entry=GazetteerRef(id=f"airport:{idx.icao[row]}", name=f"{idx.names[row]} ({code})", source="airports"),
            score=round(score * (OFF_CONTEXT_FACTOR if off else 1.0), 3),
            country=idx.country[row],
            feature="airport",
        )
