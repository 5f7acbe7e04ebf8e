"""The bundled landmark gazetteer (seeds/gazetteer.yaml): a data file behind a loader that checks every entry."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError
from ..models import GazetteerRef, GeoContext, Precision
from .backends import PlaceCandidate
from .names import closest_name, normalise

__all__ = ["GazetteerEntry", "Gazetteer", "load_gazetteer", "bundled_gazetteer"]


class GazetteerEntry(BaseModel):
    """One landmark or district with its size and the names it goes by."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    aliases_in_context: tuple[str, ...] = ()
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    size_m: float = Field(gt=0)
    precision: Precision
    country: str = Field(min_length=2, max_length=2)
    city: str | None = None
    approximate: bool = False
    source: str | None = Field(
        default=None, pattern=r"^https?://\S+$", description="the public page the coordinates come from"
    )

    def candidate(self, score: float, source: str, match: str = "exact") -> PlaceCandidate:
        """This entry as a geocoding candidate."""
        return PlaceCandidate(
            lat=self.lat,
            lon=self.lon,
            radius_m=self.size_m,
            precision=self.precision,
            entry=GazetteerRef(id=self.id, name=self.name, source=source),
            score=score,
            country=self.country,
            feature=self.precision.value if self.precision in (Precision.landmark, Precision.district) else None,
            match=match,
        )


class Gazetteer:
    """Landmarks looked up by normalised name, only inside their country; generic aliases need that country as context."""

    def __init__(self, entries: Iterable[GazetteerEntry], *, name: str = "bundled") -> None:
        self.name = name
        self.entries = tuple(entries)
        self._names: dict[str, list[tuple[GazetteerEntry, bool]]] = {}
        for entry in self.entries:
            for alias in (entry.name, *entry.aliases):
                self._names.setdefault(normalise(alias), []).append((entry, False))
            for alias in entry.aliases_in_context:
                self._names.setdefault(normalise(alias), []).append((entry, True))
        self._keys = tuple(self._names)

    def lookup(self, name: str, context: GeoContext) -> list[PlaceCandidate]:
        """Entries named `name` (exactly, or fuzzily at a lower score), in-context entries first."""
        key = normalise(name)
        hits = self._usable(self._names.get(key, ()), context)
        score, match = 1.0, "exact"
        if not hits:
            best = closest_name(key, self._keys)
            if best is not None:
                hits = self._usable(self._names[best[0]], context)
                score, match = best[1], "fuzzy"
        ranked = sorted(hits, key=lambda e: (e.country != (context.country or e.country), e.size_m, e.id))
        return [e.candidate(score, self.name, match) for e in ranked]

    @staticmethod
    def _usable(hits: Iterable[tuple[GazetteerEntry, bool]], context: GeoContext) -> list[GazetteerEntry]:
        seen: dict[str, GazetteerEntry] = {}
        for entry, needs_context in hits:
            if entry.country != (context.country or ("" if needs_context else entry.country)):
                continue  # a Caracas landmark never answers for a Lima event
            seen.setdefault(entry.id, entry)
        return list(seen.values())


def read_entries_file(path: Path, what: str) -> dict:
    """A bundled or user YAML data file whose top level holds an 'entries' list (`what` names it in errors)."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read {what}: {exc}", path=str(path)) from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("entries"), list):
        article = "an" if what[0] in "aeiou" else "a"
        raise InputError(f"{article} {what} needs a top-level 'entries' list", path=str(path))
    return raw


def load_gazetteer(path: str | Path, *, name: str | None = None) -> Gazetteer:
    """Read a gazetteer YAML file; a bad entry is an InputError naming the file, entry and field."""
    path = Path(path)
    raw = read_entries_file(path, "gazetteer")
    entries = []
    for i, item in enumerate(raw["entries"]):
        record = f"entry '{item.get('id')}'" if isinstance(item, dict) and item.get("id") else f"entries[{i}]"
        try:
            entries.append(GazetteerEntry.model_validate(item))
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or None
            raise InputError(err["msg"], path=str(path), record=record, field=field) from exc
    ids = [e.id for e in entries]
    if len(ids) != len(set(ids)):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise InputError(f"duplicate id {dup!r}", path=str(path), record=f"entry '{dup}'", field="id")
    return Gazetteer(entries, name=name or "bundled")


BUNDLED_FILES = (("seeds", "gazetteer.yaml"), ("incidents", "data/districts.yaml"))


@cache
def bundled_gazetteer() -> Gazetteer:
    """The landmarks of seeds/gazetteer.yaml and the city districts of incidents/data/districts.yaml, as one."""
    entries: list[GazetteerEntry] = []
    for package, name in BUNDLED_FILES:
        entries.extend(load_gazetteer(Path(str(files(package).joinpath(name))), name="bundled").entries)
    ids = [e.id for e in entries]
    if len(ids) != len(set(ids)):  # pragma: no cover - the bundled files are checked by the tests
        raise InputError(f"duplicate id {next(i for i in ids if ids.count(i) > 1)!r} across the bundled gazetteers")
    return Gazetteer(entries, name="bundled")
