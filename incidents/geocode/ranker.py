"""One ranker for the candidates of every backend: named signals, weighed, and the reason for the choice.

Every backend proposes `PlaceCandidate`s for a name; the resolver pools them (no backend wins by going first) and
`rank` orders them by a utility that is the sum of named signals, each a few "points":

- name: an exact name 0, an alias or demonym -0.5, a misspelling (fuzzy match) -20, so a fuzzy match never beats
  an exact namesake anywhere (and its radius is widened, see `FUZZY_WIDEN`);
- kind: a country 4, a region or first-level division 2 (a second-level one 1.5), a curated landmark, district, seat of power or airport of
  the event's country 1 (what the text most likely means when it names a country, a state, a palace);
- context: inside the event's country 3; within `LOCAL_KM` of the event's city (a city, district or landmark) 3 more;
- container: inside the place named after the comma ("Springfield, Illinois", "Plateau, Niamey") 6;
- asked: the feature type the text asks for ("X airport", "X province") 2;
- population: log10(population) / 8 (at most 0.9; a tenth of it for countries and regions); a place that has the name only as an alternate name counts a
  fifth of its people ("Santa Ana" is the Californian city, not Taguig, once called Santa Ana);
- document: closeness to the other places of the same document (see `incidents.geocode.document`);
- source: an entry of the desk's own gazetteer 5, of an OpenStreetMap pack 2 (`--gazetteer`: what the analyst
  loaded for this event wins over bundled data, yet a misspelling or a place outside the comma's container does not).

The weights order the common cases the way a reader would: a country named beats a village of the same name in the
event's country (Russia, Ohio), a state of the event's country beats a foreign country (Georgia in a US event), a
town of the event's country beats a foreign region (Sucre in Bolivia), a town 40 km from the event's city beats the
country (Lebanon, Tennessee in a Nashville event), and containment beats everything.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..models import GeoContext, Precision
from .backends import PlaceCandidate
from .geonames import great_circle_km
from .names import normalise

__all__ = ["Found", "Ask", "Ranked", "rank", "LOCAL_KM", "FUZZY_WIDEN", "ambiguous_namesakes"]

LOCAL_KM = 50.0  # a place this close to the event's city is "local": it beats the country of its name
CONTAINER_SLACK = 1.1  # a candidate counts as inside a container within this share of its radius
W_NAME = {"exact": 0.0, "alias": -0.5, "fuzzy": -20.0}
W_KIND = {Precision.country: 4.0, Precision.region: 2.0}
W_SECOND_LEVEL = 0.5  # a county or district is a smaller reading than a state of the same name ("Ohio")
W_CURATED = 1.0
W_COUNTRY = 3.0
W_LOCAL = 3.0
W_CONTAINER = 6.0
W_ASKED = 2.0
W_SOURCE = {"user": 5.0, "osm": 2.0}  # by backend name: user gazetteers and OSM packs
W_UNMATCHED = -4.0  # "the place around a landmark no gazetteer has" yields to any real reading of the name
POPULATION_CAP = 0.9
ALTERNATE_NAME_SHARE = 5
AREA_POPULATION_SHARE = 0.1
FUZZY_WIDEN = (3.0, 25_000.0)  # a misspelt name's radius: max(radius * 3, radius + 25 km)
# several namesakes of the event's country that nothing tells apart: no more than this apart, drawn as one circle
NAMESAKE_SPREAD_KM = 150.0
NAMESAKE_RATIO = 3.0  # the largest counts as meant when it has this many times the people of the next
_CURATED = {"landmark", "seat_of_power", "airport", "district"}
_FINE = (Precision.landmark, Precision.district, Precision.city)
_FEATURE_PRECISION = {
    "country": Precision.country, "region": Precision.region, "admin1": Precision.region, "admin2": Precision.region,
    "city": Precision.city, "district": Precision.district, "landmark": Precision.landmark,
}  # fmt: skip


@dataclass(frozen=True)
class Found:
    """A candidate and the backend that proposed it."""

    candidate: PlaceCandidate
    backend: str


@dataclass(frozen=True)
class Ask:
    """What the text and its surroundings say about the place wanted."""

    core: str
    context: GeoContext
    anchor: tuple[float, float] | None = None  # the event's city
    within: PlaceCandidate | None = None  # the place named after the comma
    within_name: str | None = None
    feature: str | None = None  # the feature type the text asks for ("airport", "province")


@dataclass
class Ranked:
    """A candidate with its utility and the signals that made it."""

    found: Found
    utility: float
    signals: dict[str, float] = field(default_factory=dict)
    own_name: bool = True  # False when the name is only one of the place's alternate names

    @property
    def candidate(self) -> PlaceCandidate:
        return self.found.candidate


def match_kind(candidate: PlaceCandidate) -> str:
    """exact, alias or fuzzy: the backend's `match` hint, else inferred from its score."""
    hint = getattr(candidate, "match", None)
    if hint:
        return hint
    return "exact" if candidate.score >= 0.95 or candidate.score == 0.6 else "alias"


def feature_of(candidate: PlaceCandidate) -> str:
    """The candidate's feature class: its hint, else its precision's name."""
    return candidate.feature or candidate.precision.value


def inside(candidate: PlaceCandidate, container: PlaceCandidate) -> bool:
    """Whether the candidate's centre lies within the container's circle (with a little slack)."""
    reach = container.radius_m / 1000 * CONTAINER_SLACK
    return great_circle_km(container.lat, container.lon, candidate.lat, candidate.lon) <= reach


def _population_points(candidate: PlaceCandidate, core_key: str) -> float:
    people = candidate.population
    if people and normalise(candidate.entry.name) != core_key and match_kind(candidate) == "exact":
        people //= ALTERNATE_NAME_SHARE
    return min(POPULATION_CAP, math.log10(people + 1) / 8) if people > 0 else 0.0


def _is_code(core: str) -> bool:
    """A name written as a capital code of 2-4 letters ("KRT", "CCS", "NYC")."""
    letters = core.replace(".", "")
    return 2 <= len(letters) <= 4 and letters.isalpha() and letters.isupper()


def _score(found: Found, ask: Ask, core_key: str) -> Ranked:
    c = found.candidate
    kind = match_kind(c)
    code_alias = kind == "exact" and _is_code(ask.core) and normalise(c.entry.name) != core_key
    # a town that has a code only among its alternate names ("CCS" for Caracas) is a weak reading of that code
    s: dict[str, float] = {"name": W_NAME["alias" if code_alias else kind]}
    s["kind"] = W_KIND.get(c.precision, 0.0) - (W_SECOND_LEVEL if c.feature == "admin2" else 0.0)
    country = ask.context.country
    if country and c.country == country:
        s["country"] = W_COUNTRY
        if feature_of(c) in _CURATED or (c.feature is None and c.entry.source == "bundled"):
            s["kind"] += W_CURATED
    if ask.anchor is not None and c.precision in _FINE:
        if great_circle_km(ask.anchor[0], ask.anchor[1], c.lat, c.lon) <= LOCAL_KM:
            s["local"] = W_LOCAL
    if ask.within is not None and inside(c, ask.within) and c.entry.id != ask.within.entry.id:
        s["container"] = W_CONTAINER
    if ask.feature and (ask.feature == feature_of(c) or _FEATURE_PRECISION.get(ask.feature) is c.precision):
        s["asked"] = W_ASKED
    if found.backend in W_SOURCE:
        s["source"] = W_SOURCE[found.backend]
    if c.unmatched:
        s["unmatched"] = W_UNMATCHED
    people = _population_points(c, core_key)
    # towns: the population prior; countries and regions already have their kind's weight (people only break ties)
    s["population"] = (0.0 if code_alias else people) if c.precision in _FINE else people * AREA_POPULATION_SHARE
    own = kind != "exact" or normalise(c.entry.name) == core_key or c.precision not in _FINE
    return Ranked(found, sum(s.values()), s, own)


def rank(found: Sequence[Found], ask: Ask) -> list[Ranked]:
    """The candidates best first (duplicates of one entry kept once, at their best)."""
    core_key = normalise(ask.core)
    best: dict[str, Ranked] = {}
    for item in found:
        scored = _score(item, ask, core_key)
        key = item.candidate.entry.id
        if key not in best or scored.utility > best[key].utility:
            best[key] = scored
    # ties: the finer place, then the backend's own order (stable sort keeps it)
    return sorted(best.values(), key=lambda r: -r.utility)


def ambiguous_namesakes(ranked: Sequence[Ranked], ask: Ask) -> list[Ranked]:
    """Namesakes of the event's country that no signal tells apart from the first; [] when the first stands out.

    Only exact-named towns of the event's country count, and only when neither the event's city, a container nor
    the document favours one and the largest has fewer than `NAMESAKE_RATIO` times the people of the next.
    """
    if not ask.context.country or len(ranked) < 2:
        return []
    top = ranked[0]
    if top.candidate.precision is not Precision.city or set(top.signals) - {"name", "kind", "country", "population"}:
        return []
    if "country" not in top.signals or top.signals["name"] != 0.0:
        return []
    peers = [
        r for r in ranked[1:]
        if r.candidate.precision is Precision.city and r.signals.get("name") == 0.0 and "country" in r.signals
        and abs(r.utility - top.utility) < 1.0
    ]  # fmt: skip
    if not peers:
        return []
    if top.candidate.population >= NAMESAKE_RATIO * max(peers[0].candidate.population, 1):
        return []
    return [top, *peers]


def reason(chosen: Ranked, ranked: Sequence[Ranked], ask: Ask) -> str:
    """A short sentence saying why this candidate was chosen."""
    c, s = chosen.candidate, chosen.signals
    where = f" in {ask.context.country}" if ask.context.country and "country" in s else ""
    if s.get("name", 0) <= W_NAME["fuzzy"]:
        return f"no exact name; closest spelling {c.entry.name!r}, radius widened"
    if "container" in s:
        return f"inside {ask.within_name or ask.within.entry.name} named after the comma"  # type: ignore[union-attr]
    if "source" in s:
        return ("an entry of a user gazetteer" if chosen.found.backend == "user" else "an OpenStreetMap pack entry") + where
    if "local" in s:
        return f"near {ask.context.city}, the event's city"
    if "asked" in s:
        return f"the {ask.feature} the text names"
    namesakes = [r for r in ranked if r.candidate.precision is c.precision and r.signals.get("name", -1) >= -0.5]
    if s.get("name") == W_NAME["alias"] and normalise(c.entry.name) != normalise(ask.core):
        return f"{ask.core!r} is another name for {c.entry.name}"
    if len(ranked) == 1:
        return f"only place of that name{where}" if where else "only place of that name"
    if c.precision is Precision.country:
        return "a country of that name"
    if c.precision is Precision.region:
        return f"a region of that name{where}"
    if len(namesakes) > 1 and c.population:
        return f"largest of {len(namesakes)} namesakes{where}"
    return f"best of {len(ranked)} candidates{where}"
