"""Joint resolution: all the place mentions of one document resolved together, so that they agree with each other.

    from incidents.geocode.document import resolve_document
    results = resolve_document(["Gainesville", "Hall County", "Atlanta"], GeoContext(country="US"))
    # -> [Geocode | PlaceNotFound, ...], one per mention, in order

Each mention is first ranked on its own (incidents.geocode.ranker: name, kind, the event's context, population).
Then every mention's candidates are scored again against the places the *other* mentions of the document chose
(a few rounds, until nothing changes):

- document: closeness to the other mentions' towns, the mean of `W_NEAR / (1 + (d / NEAR_SCALE_KM)^2)` where d is
  the gap between the two circles (0 when one holds the other), so a Paris next to Dallas is Paris, Texas;
- containment: inside the states, counties or regions other mentions named, up to `W_CONTAINED` ("Gainesville …
  Hall County" is Gainesville, Georgia);
- country: the share of the other mentions in the candidate's country, up to `W_COUNTRY`;

Mentions that stand out on their own (their first candidate ahead by `CONFIDENT_MARGIN`, or `CONFIDENT_RATIO` times
as populous as the next) pull the others harder than ambiguous ones. The document never picks a place by one of its
alternate names (GeoNames lists odd ones: "Atlanta" for Lyons, Kansas), and a name that on its own is a state or a
country ("Kansas", "Georgia") takes a town reading only on twice the evidence, or when the town lies within 50 km of
a town of the text that stands out ("Lebanon" next to Nashville is Lebanon, Tennessee, as in a Nashville event).
The chosen Geocode's `reason` says when the document decided ("inside Hall County named in the text", "closest to
Atlanta named in the text (70 km)"). The gold answers of a benchmark are never read: only the mentions' texts and the context.

`resolve_document(mentions, context, resolver=None, roles=None)` is the entry point for article extraction and for
`geocode --batch` rows that share a `doc`; a mention that cannot be resolved comes back as its PlaceNotFound.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import GeocoderServiceError, PlaceNotFound
from ..models import Geocode, GeoContext, PlaceRole, Precision
from .backends import PlaceCandidate
from .geonames import great_circle_km
from .names import normalise
from .ranker import LOCAL_KM, Ranked, inside
from .resolver import Choice, PlaceResolver, default_resolver

__all__ = ["resolve_document", "W_NEAR", "W_CONTAINED", "NEAR_SCALE_KM"]

W_NEAR = 3.0
NEAR_SCALE_KM = 100.0
W_CONTAINED = 1.5
W_COUNTRY = 1.5
AREA_NAME_SHARE = 0.5  # support for a town reading of a name that alone is a state or country ("Kansas")
LOCAL_CLOSENESS = 1 / (1 + (LOCAL_KM / NEAR_SCALE_KM) ** 2)  # ... unless it lies within LOCAL_KM of a town that stands out
CONFIDENT_MARGIN = 1.0
CONFIDENT_RATIO = 10.0
AMBIGUOUS_PULL = 0.5  # how hard a mention that does not stand out on its own pulls the others
FUZZY_PULL = 0.25
ROUNDS = 3
READINGS = 8  # another mention's readings considered besides its current one
PLAUSIBLE = 0.8  # a reading other than the current one counts at most this much ...
MIN_PLAUSIBLE = 0.15  # ... and not at all below this (exp(-1.7): more than 1.7 points behind)
MAX_CANDIDATES = 40  # per mention, the best of the standalone ranking
_AREAS = (Precision.region,)  # what "containment" means: a state, county or province named elsewhere
_BIG = (Precision.region, Precision.country)


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
    pull = 1.0 if _stands_out(ranked) else AMBIGUOUS_PULL
    if choice.enclosing or ranked[0].signals.get("name", 0.0) < -1:
        pull = FUZZY_PULL  # a misspelling's reading, or the place around an unknown name, is a weak hint
    return _Mention(text, choice, ranked, pull)


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
    """Rounds of re-scoring every mention against the others' current choices, until no choice changes.

    The first round weighs the others' own first readings, so that two ambiguous names cannot drag each other to a
    pair of obscure namesakes; a mention whose name is the same as this one's ("ARLINGTON", "Arlington") is no
    evidence for it.
    """
    for _ in range(ROUNDS):
        changed = False
        picks = [m.pick for m in mentions]
        for m in mentions:
            key = normalise(m.choice.phrase.core)
            others = [(o, _readings(o, p)) for o, p in zip(mentions, picks, strict=True)
                      if normalise(o.choice.phrase.core) != key]  # fmt: skip
            best, best_utility, best_why = 0, float("-inf"), None
            area_name = m.ranked[0].candidate.precision in _BIG
            for i, r in enumerate(m.ranked):
                if i and not r.own_name:
                    continue  # GeoNames lists odd alternate names: the document never picks a place by one
                bonus, why, nearest = _support(r, others)
                if area_name and r.candidate.precision not in _BIG and nearest < LOCAL_CLOSENESS:
                    bonus *= AREA_NAME_SHARE  # "Kansas" stays the state unless the town lies next to the text's towns
                if r.utility + bonus > best_utility + 1e-9:
                    best, best_utility, best_why = i, r.utility + bonus, why
            if best != m.pick:
                m.pick, changed = best, True
            m.why = best_why if best != 0 else None
        if not changed:
            break


def _pull(o: _Mention) -> float:
    """How hard `o` pulls: its own standing, at most AMBIGUOUS_PULL once the document moved it off its first reading."""
    return o.pull if o.pick == 0 else min(o.pull, AMBIGUOUS_PULL)


def _readings(o: _Mention, pick: int) -> list[tuple[PlaceCandidate, float]]:
    """Mention `o`'s current reading (weight 1) and, when it does not stand out on its own, its other plausible ones,
    weighed by how far behind they are (exp(-gap in points)): "Hall County" may be Georgia's when the text's
    Gainesville is."""
    top = o.ranked[pick]
    out = [(top.candidate, 1.0)]
    if o.pull >= 1.0:
        return out  # a name that stands out on its own has one reading
    for r in o.ranked[:READINGS]:
        if r is top or not r.own_name:
            continue
        weight = math.exp(-max(0.0, top.utility - r.utility)) * PLAUSIBLE
        if weight >= MIN_PLAUSIBLE:
            out.append((r.candidate, weight))
    return out


def _part(c: PlaceCandidate, other: PlaceCandidate) -> tuple[float | None, bool | None, bool, float]:
    """What one reading of another mention says of `c`: closeness (towns only), whether one holds the other
    (areas of a country only; None when neither is such an area), same country, and the gap in km."""
    same = bool(c.country) and c.country == other.country
    if other.precision is Precision.country:
        return None, None, same, 0.0
    if other.precision in _AREAS or c.precision in _AREAS:
        area = other if other.precision in _AREAS else c
        holds = inside(c, other) if other.precision in _AREAS else inside(other, c)
        # only the divisions of a country hold (a continent or "the Middle East" says little)
        held = holds and area.country is not None and c.precision is not Precision.country
        return None, held if other.precision in _AREAS and other.country is not None else (held or None), same, 0.0
    gap = _gap_km(c, other)
    return 1 / (1 + (gap / NEAR_SCALE_KM) ** 2), None, same, gap


def _support(
    r: Ranked, others: list[tuple[_Mention, list[tuple[PlaceCandidate, float]]]]
) -> tuple[float, str | None, float]:
    """What the other mentions' readings add to candidate `r`, and the sentence naming the one that helped most.

    Means over the other mentions, each weighed by how much it stands out on its own and by the plausibility of the
    reading that agrees best: closeness to their towns (W_NEAR / (1 + (gap / NEAR_SCALE_KM)^2)), the share of them
    in the candidate's country (W_COUNTRY), the share of the states or provinces named that hold it (W_CONTAINED;
    or, for a state, holding the document's towns: "Georgia" next to Atlanta). Also returned: the closeness to the
    nearest town, weighed by its pull (1 for a town of the same place).
    """
    c = r.candidate
    near_sum = near_weight = country_sum = country_weight = contained = area_weight = area_held = 0.0
    best_near, near_why, contained_why, country_why = 0.0, None, None, None
    for o, readings in others:
        best = None
        for other, weight in readings:
            if other.entry.id == c.entry.id:
                continue
            closeness, held, same, gap = _part(c, other)
            value = weight * (W_NEAR * (closeness or 0.0) + W_CONTAINED * bool(held) + W_COUNTRY * same)
            if best is None or value > best[0]:
                best = (value, other, weight, closeness, held, same, gap)
        if best is None:
            continue
        _, other, weight, closeness, held, same, gap = best
        pull = _pull(o) * weight
        country_weight += o.pull
        if same:
            country_sum += pull
            if country_why is None and other.precision is Precision.country:
                country_why = f"in {o.choice.matched}, named in the text"
        if held is not None:
            if other.precision in _AREAS:
                area_weight += o.pull
                area_held += pull if held else 0.0
            if held and pull * W_CONTAINED > contained:
                verb = "inside" if other.precision in _AREAS else "holds"
                contained, contained_why = pull * W_CONTAINED, f"{verb} {o.choice.matched} named in the text"
        if closeness is not None:
            near_sum += pull * closeness
            near_weight += o.pull
            if closeness * pull > best_near:
                best_near, near_why = closeness * pull, f"closest to {o.choice.matched} named in the text ({gap:.0f} km)"
    if area_weight and c.precision is not Precision.region:
        # held by one of several states named ("Columbus" with Ohio and Texas named) is the share of them
        contained = min(contained, W_CONTAINED * area_held / area_weight)
    near = W_NEAR * near_sum / near_weight if near_weight else 0.0
    same_country = W_COUNTRY * country_sum / country_weight if country_weight else 0.0
    total = near + contained + same_country
    # the most telling sentence: a container named, else a town nearby (within ~300 km), else the country shared
    why = contained_why if contained else near_why if best_near >= 0.25 else country_why or near_why
    if why is None and same_country:
        why = "in the country of most places named in the text"
    return total, why, best_near


def _geocode(resolver: PlaceResolver, m: _Mention) -> Geocode | PlaceNotFound:
    try:
        if m.pick == 0 and m.why is None:
            return resolver.decide(m.choice)
        return resolver.decide(m.choice, m.ranked[m.pick], m.why)
    except PlaceNotFound as exc:
        return PlaceNotFound(*exc.args)
