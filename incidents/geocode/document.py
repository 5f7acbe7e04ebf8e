"""Joint resolution: all the place mentions of one document resolved together, so that they agree with each other.

    from incidents.geocode.document import resolve_document
    results = resolve_document(["Gainesville", "Hall County", "Atlanta"], GeoContext(country="US"))
    # -> [Geocode | PlaceNotFound, ...], one per mention, in order

Each mention is first ranked on its own (incidents.geocode.ranker: name, kind, the event's context, population).
Then every mention's candidates are scored again against the places the *other* mentions of the document chose
(a few rounds, until nothing changes):

- document: closeness to the nearest other place, `W_NEAR / (1 + d / NEAR_SCALE_KM)` where d is the gap between
  the two circles (0 when one holds the other), so a Paris next to Dallas is Paris, Texas;
- containment: inside a state, county or region another mention named, `W_CONTAINED` more ("Gainesville … Hall
  County" is Gainesville, Georgia);

Mentions that stand out on their own (their first candidate ahead by `CONFIDENT_MARGIN`, or `CONFIDENT_RATIO` times
as populous as the next) pull the others harder than ambiguous ones. The chosen Geocode's `reason` says when the document decided ("closest to Hall County named
in the text, 12 km"). The gold answers of a benchmark are never read: only the mentions' texts and the context.

`resolve_document(mentions, context, resolver=None, roles=None)` is the entry point for article extraction and for
`geocode --batch` rows that share a `doc`; a mention that cannot be resolved comes back as its PlaceNotFound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import GeocoderServiceError, PlaceNotFound
from ..models import Geocode, GeoContext, PlaceRole, Precision
from .geonames import great_circle_km
from .ranker import Ranked, inside
from .resolver import Choice, PlaceResolver, default_resolver

__all__ = ["resolve_document", "W_NEAR", "W_CONTAINED", "NEAR_SCALE_KM"]

W_NEAR = 3.0
NEAR_SCALE_KM = 100.0
NEAR_TELLING = W_NEAR / 4  # support from a town at most 300 km away: the reason names it
W_CONTAINED = 1.5
W_COUNTRY = 1.5
ALTERNATE_SHARE = 0.5
CONFIDENT_MARGIN = 1.0
CONFIDENT_RATIO = 10.0
AMBIGUOUS_PULL = 0.5  # how hard a mention that does not stand out on its own pulls the others
ROUNDS = 3
MAX_CANDIDATES = 40  # per mention, the best of the standalone ranking
_AREAS = (Precision.region,)  # what "containment" means: a state, county or province named elsewhere


@dataclass
class _Mention:
    text: str
    choice: Choice
    ranked: list[Ranked]
    pull: float
    pick: int = 0
    why: str | None = None


def resolve_document(
    mentions: Sequence[str],
    context: GeoContext,
    resolver: PlaceResolver | None = None,
    *,
    roles: Sequence[PlaceRole] | None = None,
) -> list[Geocode | PlaceNotFound]:
    """Each mention's Geocode (or PlaceNotFound), chosen so that the document's places agree; in input order."""
    resolver = resolver or default_resolver()
    roles = roles or [PlaceRole.location] * len(mentions)
    known: dict[tuple[str, PlaceRole], _Mention | PlaceNotFound] = {}
    for text, role in zip(mentions, roles, strict=True):
        if (text, role) not in known:
            known[(text, role)] = _first_look(resolver, text, context, role)
    live = [m for m in known.values() if isinstance(m, _Mention)]
    if len({m.text for m in live}) > 1:
        _agree(live)
    out: list[Geocode | PlaceNotFound] = []
    for text, role in zip(mentions, roles, strict=True):
        item = known[(text, role)]
        out.append(item if isinstance(item, PlaceNotFound) else _geocode(resolver, item))
    return out


def _first_look(resolver: PlaceResolver, text: str, context: GeoContext, role: PlaceRole) -> _Mention | PlaceNotFound:
    try:
        choice = resolver.choices(text, context, role=role)
    except PlaceNotFound as exc:
        return PlaceNotFound(*exc.args)
    except GeocoderServiceError as exc:
        return PlaceNotFound(str(exc))
    ranked = choice.ranked[:MAX_CANDIDATES]
    return _Mention(text, choice, ranked, 1.0 if _stands_out(ranked) else AMBIGUOUS_PULL)


def _stands_out(ranked: list[Ranked]) -> bool:
    """Whether the first reading is clearly the one meant: alone, ahead by CONFIDENT_MARGIN, or CONFIDENT_RATIO times
    as populous as the next place of its kind ("Atlanta" is the city of 500,000 people, not a hamlet)."""
    if len(ranked) < 2 or ranked[0].utility - ranked[1].utility >= CONFIDENT_MARGIN:
        return True
    top, second = ranked[0].candidate, ranked[1].candidate
    return top.precision is second.precision and top.population >= CONFIDENT_RATIO * max(second.population, 1)


def _gap_km(a, b) -> float:  # noqa: ANN001 - two PlaceCandidates
    """The distance between two circles' edges (0 when they touch or one holds the other)."""
    d = great_circle_km(a.lat, a.lon, b.lat, b.lon)
    return max(0.0, d - a.radius_m / 1000 - b.radius_m / 1000)


def _agree(mentions: list[_Mention]) -> None:
    """Rounds of re-scoring every mention against the others' current choices, until no choice changes."""
    for _ in range(ROUNDS):
        changed = False
        for m in mentions:
            others = [o for o in mentions if o.text != m.text]
            best, best_utility, best_why = 0, float("-inf"), None
            for i, r in enumerate(m.ranked):
                bonus, why = _support(r, others)
                if r.utility + bonus > best_utility + 1e-9:
                    best, best_utility, best_why = i, r.utility + bonus, why
            if best != m.pick:
                m.pick, changed = best, True
            m.why = best_why if best != 0 else None
        if not changed:
            break


def _support(r: Ranked, others: list[_Mention]) -> tuple[float, str | None]:
    """What the other mentions' choices add to candidate `r`, and the sentence naming the one that helped most.

    Towns pull by distance; a state or province named holds its places (and a state holding the document's towns is
    the state meant: "Georgia" next to Atlanta); a country named favours its places. A candidate that has the name
    only as an alternate name (GeoNames lists many odd ones) gets half the support.
    """
    c = r.candidate
    near = contained = same_country = 0.0
    near_why = contained_why = country_why = None
    for o in others:
        other = o.ranked[o.pick].candidate
        if other.entry.id == c.entry.id:
            continue
        if other.precision is Precision.country:
            if c.country and c.country == other.country and o.pull * W_COUNTRY > same_country:
                same_country, country_why = o.pull * W_COUNTRY, f"in {o.choice.matched}, named in the text"
            continue
        if c.country and c.country == other.country and o.pull * W_COUNTRY > same_country:
            same_country, country_why = o.pull * W_COUNTRY, f"in the same country as {o.choice.matched}, named in the text"
        if other.precision in _AREAS or c.precision in _AREAS:
            holds = inside(c, other) if other.precision in _AREAS else inside(other, c)
            if holds and c.precision is not Precision.country and o.pull * W_CONTAINED > contained:
                verb = "inside" if other.precision in _AREAS else "holds"
                contained, contained_why = o.pull * W_CONTAINED, f"{verb} {o.choice.matched} named in the text"
            continue
        gap = _gap_km(c, other)
        pull = o.pull * W_NEAR / (1 + gap / NEAR_SCALE_KM)
        if pull > near:
            near, near_why = pull, f"closest to {o.choice.matched} named in the text ({gap:.0f} km)"
    total = (near + contained + same_country) * (1.0 if r.own_name else ALTERNATE_SHARE)
    # the most telling sentence: a container named, else a town nearby (within ~300 km), else the country shared
    why = contained_why if contained else near_why if near >= NEAR_TELLING else country_why or near_why
    return total, why


def _geocode(resolver: PlaceResolver, m: _Mention) -> Geocode | PlaceNotFound:
    try:
        if m.pick == 0 and m.why is None:
            return resolver.decide(m.choice)
        return resolver.decide(m.choice, m.ranked[m.pick], m.why)
    except PlaceNotFound as exc:
        return PlaceNotFound(*exc.args)
