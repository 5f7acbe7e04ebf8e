"""A desk's own places (user gazetteers and OpenStreetMap packs) as a geocoding backend that goes before bundled data.

A user gazetteer is a YAML, CSV, GeoJSON or GeoPackage file of named places (see `user_records` for the fields); an
OpenStreetMap pack is a GeoPackage written by `incident-map gazetteer build/fetch`. Files come from `--gazetteer FILE`
(repeatable) and from `INCIDENT_MAP_GAZETTEER` (a path, or several separated by `os.pathsep`): a run's own files
first, in the order given, then the standing list; in each group user files before OSM packs. Each file is one
backend, so the first file that knows a name answers for it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ..errors import InputError
from ..models import GazetteerRef, GeoContext, Precision
from .backends import PlaceCandidate
from .names import closest_name, normalise

__all__ = [
    "UserPlace",
    "UserGazetteer",
    "GAZETTEER_ENV",
    "gazetteer_paths",
    "load_user_gazetteer",
    "user_backends",
]

GAZETTEER_ENV = "INCIDENT_MAP_GAZETTEER"
SUFFIXES = (".yaml", ".yml", ".csv", ".geojson", ".json", ".gpkg")


class UserPlace(BaseModel):
    """One named place of a user gazetteer or OSM pack, checked: a centre, a radius and the names it goes by."""

    model_config = ConfigDict(frozen=True)
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    aliases_in_context: tuple[str, ...] = ()
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    radius_m: float = Field(gt=0)
    precision: Precision
    country: str | None = Field(default=None, min_length=2, max_length=2)
    city: str | None = None
    feature: str | None = None

    def candidate(self, score: float, source: str) -> PlaceCandidate:
        """This place as a geocoding candidate."""
        return PlaceCandidate(
            lat=self.lat,
            lon=self.lon,
            radius_m=self.radius_m,
            precision=self.precision,
            entry=GazetteerRef(id=self.id, name=self.name, source=source),
            score=score,
            country=self.country,
            feature=self.feature,
        )


class UserGazetteer:
    """Places looked up by normalised name and alias.

    A place with a country answers only for events in that country (or with no country); one without answers
    anywhere. Generic aliases (`aliases_in_context`: "the palace") need the event's country to be the place's.
    Misspellings within one or two letters match at a lower score, only among places of the event's country: a
    desk's list never turns a slightly different name abroad into a confident answer.
    """

    def __init__(self, places: Iterable[UserPlace], *, name: str = "user", path: str | None = None) -> None:
        self.name = name
        self.path = path
        self.places = tuple(places)
        self._names: dict[str, list[tuple[UserPlace, bool]]] = {}
        for place in self.places:
            for alias in (place.name, *place.aliases):
                self._names.setdefault(normalise(alias), []).append((place, False))
            for alias in place.aliases_in_context:
                self._names.setdefault(normalise(alias), []).append((place, True))
        self._keys = tuple(k for k in self._names if k)

    def lookup(self, name: str, context: GeoContext) -> list[PlaceCandidate]:
        """Places named `name` (exactly, or misspelt at a lower score), those of the event's country first."""
        key = normalise(name)
        hits = self._usable(self._names.get(key, ()), context)
        score = 1.0
        if not hits and context.country:
            best = closest_name(key, self._keys)
            if best is not None:
                hits = [p for p in self._usable(self._names[best[0]], context) if p.country == context.country]
                score = best[1]
        ranked = sorted(hits, key=lambda p: (p.country != (context.country or p.country), p.radius_m, p.id))
        return [p.candidate(score, self.name) for p in ranked]

    @staticmethod
    def _usable(hits: Iterable[tuple[UserPlace, bool]], context: GeoContext) -> list[UserPlace]:
        seen: dict[str, UserPlace] = {}
        for place, needs_context in hits:
            if needs_context and (place.country is None or place.country != context.country):
                continue
            if place.country and context.country and place.country != context.country:
                continue  # a Conakry square never answers for a Lima event
            seen.setdefault(place.id, place)
        return list(seen.values())


def load_user_gazetteer(path: str | Path) -> UserGazetteer:
    """Read one user gazetteer or OSM pack by its suffix; a bad file is an InputError naming file, record and field."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError("no such gazetteer file", path=str(path))
    if suffix in (".yaml", ".yml"):
        from .user_yaml import read_yaml_places

        return UserGazetteer(read_yaml_places(path), path=str(path))
    if suffix == ".csv":
        from .user_csv import read_csv_places

        return UserGazetteer(read_csv_places(path), path=str(path))
    if suffix in (".geojson", ".json"):
        from .user_geojson import read_geojson_places

        return UserGazetteer(read_geojson_places(path), path=str(path))
    if suffix == ".gpkg":
        from .user_gpkg import read_gpkg_places

        places, is_pack = read_gpkg_places(path)
        return UserGazetteer(places, name="osm" if is_pack else "user", path=str(path))
    raise InputError(f"unknown gazetteer format {suffix or '(no suffix)'!r}; use {', '.join(SUFFIXES)}",
                     path=str(path))


def gazetteer_paths(explicit: Sequence[str | Path] = ()) -> list[Path]:
    """The run's own gazetteer files, then those of INCIDENT_MAP_GAZETTEER, each once."""
    standing = [p for p in os.environ.get(GAZETTEER_ENV, "").split(os.pathsep) if p.strip()]
    out: list[Path] = []
    for item in (*explicit, *standing):
        path = Path(item).expanduser()
        if path not in out:
            out.append(path)
    return out


def user_backends(explicit: Sequence[str | Path] = ()) -> list[UserGazetteer]:
    """One backend per gazetteer file (`explicit`, then INCIDENT_MAP_GAZETTEER): user files first, then OSM packs."""
    loaded = [_cached_load(str(path), *_stamp(path)) for path in gazetteer_paths(explicit)]
    return [g for g in loaded if g.name == "user"] + [g for g in loaded if g.name != "user"]


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError as exc:
        where = " (from $" + GAZETTEER_ENV + ")" if str(path) in os.environ.get(GAZETTEER_ENV, "") else ""
        raise InputError(f"cannot read gazetteer{where}: {exc.strerror or exc}", path=str(path)) from exc
    return stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=64)
def _cached_load(path: str, mtime_ns: int, size: int) -> UserGazetteer:
    """A file read once per version (a notebook that edits it sees the new version)."""
    return load_user_gazetteer(path)
