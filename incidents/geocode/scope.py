"""What the words after a place's comma say: the country it is in, the state or city that contains it, and the
known place to fall back on when the name itself is unknown ("Dahieh, Beirut")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import PlaceNotFound
from ..models import GeoContext, Precision
from .backends import PlaceCandidate
from .names import normalise

if TYPE_CHECKING:
    from .ranker import Ranked
    from .resolver import Choice, PlaceResolver

__all__ = ["Scope", "scope_of", "event_anchor", "OUTER_MEMO"]

OUTER_MEMO = 16_384  # trailing texts whose ranking a resolver remembers


@dataclass(frozen=True)
class Scope:
    """The context to search in, the container the answer should lie in (`strict`: must), and the fallback."""

    context: GeoContext
    within: PlaceCandidate | None = None
    within_name: str | None = None
    strict: bool = False
    enclosing: Ranked | None = None
    enclosing_name: str | None = None


def scope_of(resolver: PlaceResolver, trailing: tuple[str, ...], context: GeoContext, core: str) -> Scope:
    """The scope a trailing ", Venezuela", ", Texas" or ", Niamey" gives `core`.

    The trailing text is resolved like any place (offline). A country sets the search country (replacing the event's
    when they differ); a state or province also favours the places inside it ("Springfield, Illinois"); a city,
    district or landmark must contain the answer ("Plateau, Niamey" stays in Niamey). When the trailing name is
    ambiguous ("Georgia": a country and a US state), the reading in whose country `core` is a known place wins
    ("Atlanta, Georgia" is in the US).
    """
    if not trailing:
        return Scope(context)
    outer = _outer(resolver, ", ".join(trailing), context)
    if outer is None:
        return Scope(context)
    exact = [r for r in outer.ranked if r.signals.get("name", -99.0) >= -0.5]
    if not exact:
        return Scope(context)
    homes = _homes(resolver, core)
    pick = next((r for r in exact if r.candidate.country in homes), exact[0]) if not outer.enclosing else exact[0]
    found = pick.candidate
    country = found.country
    if country and context.country not in (None, country):
        scoped = GeoContext(country=country)
    elif country:
        scoped = context.model_copy(update={"country": country})
    else:
        scoped = context
    name = outer.matched
    if found.precision is Precision.country:
        return Scope(scoped, enclosing=pick, enclosing_name=name)
    strict = found.precision is not Precision.region
    if strict and found.precision is Precision.city and scoped.country == country:
        # "the presidential palace, Conakry": a landmark named generically is the one of the city after the comma
        scoped = scoped.model_copy(update={"city": name})
    return Scope(scoped, within=found, within_name=name, strict=strict, enclosing=pick, enclosing_name=name)


def _outer(resolver: PlaceResolver, text: str, context: GeoContext) -> Choice | None:
    """The trailing text's own ranking (offline), remembered: "…, Venezuela" follows thousands of names."""
    memo = resolver._outer_memo
    key = (text, context.country, context.city)
    if key not in memo:
        if len(memo) >= OUTER_MEMO:
            memo.clear()
        try:
            memo[key] = resolver.offline().choices(text, context)
        except PlaceNotFound:
            memo[key] = None
    return memo[key]


def _homes(resolver: PlaceResolver, core: str) -> set[str]:
    """The countries where GeoNames knows a place named `core`."""
    backend = getattr(resolver, "_geonames", None)
    if backend is None or not core:
        return set()
    index = backend.index
    return {index.country[row] for row in index.rows(normalise(core)) if row < index.n_cities}


def event_anchor(resolver: PlaceResolver, city: str, country: str) -> tuple[float, float] | None:
    """Where the event's city is, from GeoNames (None when it does not know the city in that country)."""
    key = (city, country)
    anchors = resolver._anchors
    if key not in anchors:
        point = None
        backend = getattr(resolver, "_geonames", None)
        if backend is not None:
            hit = next(iter(backend.exact(city, GeoContext(country=country))), None)
            if hit is not None and hit.country == country:
                point = (hit.lat, hit.lon)
        anchors[key] = point
    return anchors[key]
