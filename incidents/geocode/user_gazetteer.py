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

from pydantic import Field

from ..errors import InputError
from ..models import GeoContext
from .backends import PlaceCandidate
from .gazetteer import Gazetteer, GazetteerEntry

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


class UserPlace(GazetteerEntry):
    """One named place of a user gazetteer or OSM pack, checked: the bundled entry's fields, with the country
    optional (a place without one answers for events anywhere) and the kind of place (`feature`) as a ranker hint."""

    country: str | None = Field(default=None, min_length=2, max_length=2)  # type: ignore[assignment]
    feature: str | None = None

    def candidate(self, score: float, source: str, match: str = "exact") -> PlaceCandidate:
        """This place as a geocoding candidate."""
        found = super().candidate(score, source, match)
        return found.model_copy(update={"feature": self.feature}) if self.feature else found


class UserGazetteer(Gazetteer):
    """Places looked up by normalised name and alias, as the bundled gazetteer looks up its entries.

    A place with a country answers only for events in that country (or with no country); one without answers
    anywhere. Generic aliases (`aliases_in_context`: "the palace") need the event's country to be the place's.
    """

    def __init__(self, places: Iterable[UserPlace], *, name: str = "user", path: str | None = None) -> None:
        super().__init__(places, name=name)
        self.path = path

    @staticmethod
    def _usable(hits: Iterable[tuple[GazetteerEntry, bool]], context: GeoContext) -> list[GazetteerEntry]:
        seen: dict[str, GazetteerEntry] = {}
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
