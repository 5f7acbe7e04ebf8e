"""Place phrases in text: candidates (a qualifier and/or a capitalised name, or a known landmark alias) checked
against the gazetteers, and the article's context (country, city) inferred from what resolves.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from ..errors import GeocodeError, GeocoderServiceError
from ..geocode import PlaceResolver
from ..geocode.gazetteer import bundled_gazetteer
from ..geocode.geonames import OFF_CONTEXT_FACTOR
from ..geocode.qualifiers import qualifier_table
from ..models import Geocode, GeoContext, PlaceRole, Precision

__all__ = ["PlaceMention", "find_places", "infer_context"]

_RANK = {Precision.landmark: 0, Precision.district: 1, Precision.city: 2, Precision.region: 3, Precision.country: 4}
_WORD = r"[A-ZÁÉÍÓÚÑ][\w'’\-]*"
# connectors ("de", "la", "of", Arabic "al"/"bin") only inside a name: each must be followed by a capitalised word, so
# "in Lille late Wednesday" is Lille, not "Lille la"
_CONNECTOR = r"(?:de|del|la|las|los|el|of|the|y|al|ad|ar|as|an|bin|ibn)"
_NAME = rf"{_WORD}(?:[ \t]+(?:{_CONNECTOR}[ \t]+)*{_WORD})*"
MAX_PLACE_CHARS = 200
# A place named without a qualifier must match this well (an exact name in the event's country scores 1.0)
BARE_MIN_SCORE = 0.9
_STOP = {"breaking", "now", "footage", "video", "the", "a", "an", "update", "just", "in", "something", "according",
         "sources", "local", "reports", "unconfirmed", "urgent", "alert", "developing"}


@dataclass(frozen=True)
class PlaceMention:
    """A place phrase found in a text, with its offsets and where it resolved."""

    start: int
    end: int
    text: str
    geocode: Geocode

    @property
    def rank(self) -> int:
        """Lower is more precise."""
        return _RANK[self.geocode.precision]


@cache
def _candidate_pattern() -> re.Pattern[str]:
    phrases = [p for q in qualifier_table().qualifiers.values() for p in q.phrases]
    qualifier = "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))
    aliases = {a.lower() for e in bundled_gazetteer().entries for a in (e.name, *e.aliases, *e.aliases_in_context)}
    alias = "|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True))
    core = rf"(?:the[ \t]+)?(?:(?i:{alias})|{_NAME})(?:,[ \t]*{_NAME})?"
    return re.compile(rf"(?<![\w])(?:(?P<q>(?i:{qualifier}))[ \t]+)?(?P<core>{core})")


def _strip_lead(core: str) -> str:
    words = core.split()
    while words and words[0].lower().strip(":,") in _STOP and len(words) > 1:
        words = words[1:]
    return " ".join(words)


def find_places(text: str, resolver: PlaceResolver, context: GeoContext, *, offset: int = 0) -> list[PlaceMention]:
    """Resolvable place phrases in `text`, in order; offsets are shifted by `offset` (the text's place in the article)."""
    found: list[PlaceMention] = []
    for match in _candidate_pattern().finditer(text):
        core = _strip_lead(match.group("core"))
        if not core or core.lower() in _STOP:
            continue
        qualifier = match.group("q")
        phrase = f"{qualifier} {core}" if qualifier else core
        if len(phrase) > MAX_PLACE_CHARS:  # a run of capitalised words, not a place
            continue
        role = PlaceRole.location
        try:
            geocode = resolver.resolve(phrase, context, role=role)
        except (GeocodeError, GeocoderServiceError):
            continue
        if not qualifier and geocode.score < BARE_MIN_SCORE and geocode.score != OFF_CONTEXT_FACTOR:
            continue  # a capitalised word near some place name ("Tanks" ~ Tence) is not a place without "in"/"near"
        start = match.start() if qualifier else match.start("core") + match.group("core").find(core)
        end = match.end()
        found.append(PlaceMention(offset + start, offset + end, text[start:end], geocode))
    return found


def infer_context(texts: list[str], resolver: PlaceResolver) -> GeoContext:
    """The country most places resolve into, and the most-named city there (for homonyms such as Miraflores)."""
    countries: Counter[str] = Counter()
    cities: Counter[tuple[str, str]] = Counter()
    blank = GeoContext()
    for text in texts:
        for mention in find_places(text, resolver, blank):
            entry = mention.geocode.entry
            country = _country_of(mention.geocode, resolver)
            if country is None:
                continue
            countries[country] += 2 if mention.geocode.precision is Precision.country else 1
            if mention.geocode.precision is Precision.city and entry is not None:
                cities[(country, entry.name)] += 1
    if not countries:
        return blank
    country = countries.most_common(1)[0][0]
    in_country = [(name, n) for (c, name), n in cities.most_common() if c == country]
    return GeoContext(country=country, city=in_country[0][0] if in_country else None)


def _country_of(geocode: Geocode, resolver: PlaceResolver) -> str | None:
    entry = geocode.entry
    if entry is None:
        return None
    if entry.source == "bundled":
        found = next((e for e in bundled_gazetteer().entries if e.id == entry.id), None)
        return found.country if found else None
    if entry.source == "geonames":
        from ..geocode.geonames import geonames_index

        index = geonames_index()
        wanted = int(entry.id.split(":", 1)[1])
        rows = [r for r in index.rows(_key(entry.name)) if int(index.ids[r]) == wanted]
        return index.country[rows[0]] if rows else None
    return None


def _key(name: str) -> str:
    from ..geocode.names import normalise

    return normalise(name)
