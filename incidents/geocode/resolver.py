"""Turn a place as reported into a location with an honest radius: every offline backend proposes candidates, one
ranker (incidents.geocode.ranker) chooses among them and says why; online services are asked only when no offline
backend knows the name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import GeocoderServiceError, PlaceNotFound
from ..models import Geocode, GeoContext, PlaceRole, Precision, Report
from .admin import AdminBackend, admin_backend
from .airports import AirportsBackend
from .backends import GeocoderBackend, PlaceCandidate
from .gazetteer import bundled_gazetteer
from .geonames import GeoNamesBackend
from .names import normalise
from .qualifiers import PlacePhrase, parse_place_phrase, widen_radius
from .ranker import (
    FUZZY_WIDEN,
    NAMESAKE_SPREAD_KM,
    Ask,
    Found,
    Ranked,
    ambiguous_namesakes,
    inside,
    match_kind,
    rank,
    reason,
)
from .scope import Scope, event_anchor, scope_of
from .seats import SeatsBackend
from .user_gazetteer import user_backends
from .world import WorldBackend, distance_km, is_uncapitalised_code, world_backend

__all__ = ["PlaceResolver", "Choice", "default_resolver", "locate", "DEFAULT_RADIUS_M", "MEMO_LIMIT"]

# Radius used when a report gives lat/lon with a precision but no radius.
DEFAULT_RADIUS_M: dict[Precision, float] = {
    Precision.landmark: 250.0,
    Precision.district: 1_500.0,
    Precision.city: 10_000.0,
    Precision.region: 75_000.0,
    Precision.country: 400_000.0,
}
ONLINE = ("nominatim", "photon")  # backend names that are web services (or a backend says `online = True`)
_METHOD = {"geonames": "geonames"}  # Geocode.method of a backend's answer; every other offline one: "gazetteer"
# An unknown name placed in the known place after its comma ("Dahieh, Beirut") keeps this share of that match's score
ENCLOSING_FACTOR = 0.8
MEMO_LIMIT = 200_000  # place texts a resolver remembers before it starts again
NAMESAKES_LISTED = 5
# a feature word's hint as the ranker's `asked` feature: "county", "department" may be either level
_ASKED = {"admin": "region"}


@dataclass
class Choice:
    """The ranked candidates for one place text, and how to turn one of them into a Geocode."""

    phrase: PlacePhrase
    role: PlaceRole
    ask: Ask
    ranked: list[Ranked]
    methods: dict[str, str]  # backend name -> Geocode.method
    matched: str
    enclosing: bool = False  # the candidates are the place after the comma (the name itself is unknown)


class PlaceResolver:
    """Pools the candidates of every offline backend, ranks them with named signals, widens by qualifier and role.

    Online services (nominatim, photon, or a backend with `online = True`) are asked only when no offline backend
    has a candidate.
    """

    def __init__(self, backends: Sequence[GeocoderBackend] | None = None) -> None:
        self.backends: tuple[GeocoderBackend, ...] = tuple(
            backends if backends is not None else _offline_backends()
        )
        self._world = next((b for b in self.backends if isinstance(b, WorldBackend)), None)
        self._geonames = next((b for b in self.backends if isinstance(b, GeoNamesBackend)), None)
        self._memo: dict[tuple[str, str | None, str | None, PlaceRole], Geocode | PlaceNotFound] = {}
        self._anchors: dict[tuple[str, str], tuple[float, float] | None] = {}
        self._outer_memo: dict[tuple[str, str | None, str | None], Choice | None] = {}
        self._offline: PlaceResolver | None = None

    def _is_offline(self, backend: GeocoderBackend) -> bool:
        return not (backend.name in ONLINE or bool(getattr(backend, "online", False)))

    def offline(self) -> PlaceResolver:
        """This resolver without its online services (itself when it has none): for lookups no service may see."""
        if self._offline is None:
            local = [b for b in self.backends if self._is_offline(b)]
            self._offline = self if len(local) == len(self.backends) else PlaceResolver(local)
        return self._offline

    def resolve(self, text: str, context: GeoContext, *, role: PlaceRole = PlaceRole.location) -> Geocode:
        """The location of `text` in `context`; PlaceNotFound (with the reason) when no backend matches.

        Answers are remembered (up to MEMO_LIMIT texts, then forgotten together), "not found" included: a place
        named again and again that no table knows costs one search. A failing service is not remembered.
        """
        memo_key = (text, context.country, context.city, role)
        found = self._memo.get(memo_key)
        if found is None:
            try:
                found = self.decide(self.choices(text, context, role=role))
            except PlaceNotFound as exc:
                found = PlaceNotFound(*exc.args)  # a fresh one: the caught one's traceback holds frames (and us)
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()
            self._memo[memo_key] = found
        if isinstance(found, PlaceNotFound):
            raise PlaceNotFound(*found.args)
        return found

    # ------------------------------------------------------------------------------------ candidates

    def choices(self, text: str, context: GeoContext, *, role: PlaceRole = PlaceRole.location) -> Choice:
        """Every candidate for `text`, ranked; PlaceNotFound when no backend has one."""
        phrase = parse_place_phrase(text)
        if not phrase.core:
            raise PlaceNotFound(f"no place name in {text!r}")
        if role is PlaceRole.location and phrase.role_hint is not None:
            role = phrase.role_hint
        scope = scope_of(self, phrase.trailing, context, phrase.core)
        feature = _ASKED.get(phrase.feature_hint or "", phrase.feature_hint)
        core, found, methods = self._pool_named(phrase, scope.context, text)
        ask = self._ask(core, scope, feature)
        if not found and scope.context.city and normalise(phrase.core) == normalise(scope.context.city):
            ask = self._ask(phrase.core, Scope(GeoContext(country=scope.context.country), scope.within,
                                               scope.within_name, scope.strict), feature)  # fmt: skip
            found, methods = self._pool(phrase.core, ask.context, text)
        if found and all(f.candidate.match == "fuzzy" for f in found) and (bare := _without_generic(phrase.core)):
            # "Ligao City": an exact "Ligao" beats any misspelling of the whole ("Iligan")
            plain, plain_methods = self._pool(bare, ask.context, text)
            if any(f.candidate.match != "fuzzy" for f in plain):
                found, methods = plain, plain_methods
        if scope.strict and scope.within is not None:
            kept = [f for f in found if _inside(f.candidate, scope.within)]
            area = None if kept or not found else self._admin1_named(scope.within_name, scope.within.country)
            if area is not None:  # "Buenos Aires, Piura": not in Piura the city, so in Piura the region
                kept = [f for f in found if _in_area(f.candidate, area)]
                ask = replace(ask, within=area)
            found = kept
        elif scope.within is not None and scope.within.feature == "admin1":
            # "Banandur, Karnataka": a namesake (or a misspelling) outside the state named after the comma is not
            # what was meant; with none inside, the answer is somewhere in the state
            found = [f for f in found if _in_area(f.candidate, scope.within)]
        if found:
            return Choice(phrase, role, ask, rank(found, ask), methods, core)
        if scope.enclosing is not None:
            # "Dahieh, Beirut" with Dahieh unknown: somewhere in Beirut, at Beirut's size and a lower score
            enclosing = scope.enclosing
            area = None
            event_city = context.city is not None and normalise(context.city) == normalise(scope.enclosing_name or "")
            if enclosing.candidate.precision is Precision.city and len(phrase.trailing) == 1 and not event_city:
                # "Guheriz, Duhok": a town unknown to every table is somewhere in Duhok the governorate, not the city;
                # but "Plateau, Niamey" in a Niamey event is a part of the event's city, not the Niamey region
                area = self._admin1_named(scope.enclosing_name, enclosing.candidate.country)
            if area is not None:
                enclosing = replace(enclosing, found=Found(area, "admin"))
            return Choice(phrase, role, ask, [enclosing], {}, scope.enclosing_name or "", enclosing=True)
        where = f" in {scope.context.country}" if scope.context.country else ""
        names = ", ".join(b.name for b in self.backends)
        raise PlaceNotFound(f"no match for {phrase.named or phrase.core!r}{where} (searched: {names})")

    def _admin1_named(self, name: str | None, country: str | None) -> PlaceCandidate | None:
        """The first-level area of `country` called `name`, bare name or not (after a comma, "Piura" may be the
        region), when an admin backend is among the backends."""
        admin = next((b for b in self.backends if isinstance(b, AdminBackend)), None)
        if admin is None or not name or not country:
            return None
        return admin.first_level(name, country)

    def _pool_named(
        self, phrase: PlacePhrase, context: GeoContext, text: str
    ) -> tuple[str, list[Found], dict[str, str]]:
        """With a feature word ("Daraa governorate", "Peshawar town"): the name as written when a table knows it so
        ("Cape Town", "Mexico City", "Western Province"), else the bare name known exactly (the word is then the
        ranker's `asked` hint), else the name as written. Without a word: the name."""
        if not (phrase.feature_word and phrase.named):
            found, methods = self._pool(phrase.core, context, text)
            return phrase.core, found, methods
        found, methods = self._pool(phrase.named, context, text)
        if any(match_kind(f.candidate) != "fuzzy" for f in found):
            return phrase.named, found, methods
        bare, bare_methods = self._pool(phrase.core, context, text)
        if any(match_kind(f.candidate) != "fuzzy" for f in bare):
            return phrase.core, bare, bare_methods
        return phrase.named, found, methods  # a misspelling of the whole, or nothing ("Capital District" is no "Capitan")

    def _ask(self, core: str, scope: Scope, feature: str | None) -> Ask:
        ctx = scope.context
        anchor = event_anchor(self, ctx.city, ctx.country) if ctx.city and ctx.country else None
        return Ask(core=core, context=ctx, anchor=anchor, within=scope.within, within_name=scope.within_name,
                   feature=feature)  # fmt: skip

    def _pool(self, core: str, context: GeoContext, text: str) -> tuple[list[Found], dict[str, str]]:
        """The candidates of every offline backend; those of the online ones only when that finds nothing."""
        failures: list[str] = []
        found: list[Found] = []
        methods: dict[str, str] = {}
        for offline in (True, False):
            for backend in self.backends:
                if self._is_offline(backend) is not offline:
                    continue
                try:
                    hits = backend.lookup(core, context)
                except GeocoderServiceError as exc:
                    failures.append(f"{backend.name}: {exc}")
                    continue
                if backend is self._geonames and self._world is not None:
                    hits = self._world_countries(core, hits)
                methods[backend.name] = _METHOD.get(backend.name, "gazetteer" if offline else "online")
                found.extend(Found(c, backend.name) for c in hits)
            if found:
                return found, methods
        if failures:
            raise GeocoderServiceError(f"could not resolve {text!r}: " + "; ".join(failures))
        return found, methods

    def _world_countries(self, core: str, found: list[PlaceCandidate]) -> list[PlaceCandidate]:
        """GeoNames' countries at the world table's reference point; none for a lower-case code ("us", "usa")."""
        out = []
        for candidate in found:
            if candidate.precision is Precision.country:
                if is_uncapitalised_code(core):
                    continue
                if candidate.country and self._world is not None:
                    candidate = self._world.country(candidate.country, candidate.score) or candidate
            out.append(candidate)
        return out

    # ------------------------------------------------------------------------------------ the choice

    def decide(self, choice: Choice, chosen: Ranked | None = None, why: str | None = None) -> Geocode:
        """The Geocode of `chosen` (the ranker's first by default), with its reason."""
        if chosen is None:
            namesakes = ambiguous_namesakes(choice.ranked, choice.ask) if not choice.enclosing else []
            if namesakes:
                return self._namesakes(choice, namesakes)
            chosen = choice.ranked[0]
        c = chosen.candidate
        radius = c.radius_m
        if chosen.signals.get("name", 0.0) < -1:
            radius = max(radius * FUZZY_WIDEN[0], radius + FUZZY_WIDEN[1])
        score, unmatched = c.score, c.unmatched
        if choice.enclosing:
            score, unmatched = round(score * ENCLOSING_FACTOR, 3), choice.phrase.core
            why = why or f"{choice.phrase.core!r} is not in any gazetteer: somewhere in {choice.matched}"
        elif unmatched:
            why = why or f"no gazetteer has {unmatched!r} here: somewhere in {c.entry.name}"
        # an unknown landmark is somewhere in the place drawn, which already holds "near" it: only the role widens
        qualifier = None if unmatched else choice.phrase.qualifier
        return Geocode(
            lat=c.lat,
            lon=c.lon,
            radius_m=round(widen_radius(radius, qualifier, choice.role), 1),
            precision=c.precision,
            method=choice.methods.get(chosen.found.backend, _METHOD.get(chosen.found.backend, "gazetteer")),  # type: ignore[arg-type]
            entry=c.entry,
            qualifier=choice.phrase.qualifier,
            role=choice.role,
            matched_text=choice.matched,
            score=score,
            reason=why or reason(chosen, choice.ranked, choice.ask),
            unmatched=unmatched,
        )

    def _namesakes(self, choice: Choice, namesakes: list[Ranked]) -> Geocode:
        """Several towns of the event's country with the name and nothing to choose: one circle holding them all when
        they are close together, else PlaceNotFound listing them."""
        points = [r.candidate for r in namesakes]
        lat = sum(p.lat for p in points) / len(points)
        lon = sum(p.lon for p in points) / len(points)  # close together (checked below): no antimeridian issue
        reach_km = max(distance_km(lat, lon, p.lat, p.lon) + p.radius_m / 1000 for p in points)
        country = choice.ask.context.country
        if reach_km > NAMESAKE_SPREAD_KM:
            listed = "; ".join(f"{p.entry.name} ({p.entry.id}, {p.lat:.3f}, {p.lon:.3f})"
                               for p in points[:NAMESAKES_LISTED])  # fmt: skip
            more = f" and {len(points) - NAMESAKES_LISTED} more" if len(points) > NAMESAKES_LISTED else ""
            raise PlaceNotFound(
                f"{choice.phrase.core!r} is ambiguous in {country}: {len(points)} places of that name and nothing "
                f"to choose between them: {listed}{more} (name the province after a comma)"
            )
        top = namesakes[0]
        circle = top.candidate.model_copy(update={"lat": lat, "lon": lon, "radius_m": reach_km * 1000,
                                                  "precision": Precision.region if reach_km > 30 else Precision.city})
        why = f"{len(points)} places named {choice.phrase.core!r} in {country} within {reach_km:.0f} km: one circle"
        return self.decide(choice, Ranked(Found(circle, top.found.backend), top.utility,
                                          top.signals), why)  # fmt: skip


_GENERIC = ("city", "town", "village", "municipality")


def _without_generic(core: str) -> str | None:
    """`core` without a trailing generic word ("Ligao City" -> "Ligao"), or None when it has none."""
    words = core.split()
    if len(words) > 1 and words[-1].lower() in _GENERIC:
        return " ".join(words[:-1])
    return None


def _in_area(candidate: PlaceCandidate, area: PlaceCandidate) -> bool:
    """Inside a first-level area: by GeoNames' first-level code where the admin index knows the place, else within
    its circle."""
    known = admin_backend().holds(area, candidate)
    return _inside(candidate, area) if known is None else known


def _inside(candidate: PlaceCandidate, container: PlaceCandidate) -> bool:
    return inside(candidate, container) and candidate.entry.id != container.entry.id


_DEFAULT: dict[tuple[str | None, tuple[int, ...]], PlaceResolver] = {}


def _offline_backends(users: Sequence[GeocoderBackend] | None = None) -> list[GeocoderBackend]:
    """The offline backends (one line each; their order does not decide, the ranker does): user gazetteers and OSM
    packs (`users`, else those of $INCIDENT_MAP_GAZETTEER), then the bundled data."""
    return [
        *(user_backends() if users is None else users),
        bundled_gazetteer(),
        SeatsBackend(),
        world_backend(),
        AirportsBackend(),
        admin_backend(),
        GeoNamesBackend(),
    ]


def default_resolver(online: str | None = None, *, gazetteers: Sequence[str | Path] = ()) -> PlaceResolver:
    """User gazetteers and OSM packs (`gazetteers`, then $INCIDENT_MAP_GAZETTEER), bundled gazetteer, world
    (countries, US states, regions), GeoNames, then the named online service if asked for."""
    users = user_backends(gazetteers)
    key = (online, tuple(id(u) for u in users))  # the loaded files are cached per version: same files, same resolver
    if key not in _DEFAULT:
        backends = _offline_backends(users)
        if online:
            from .online import online_backend

            backends.append(online_backend(online))
        _DEFAULT[key] = PlaceResolver(backends)
    return _DEFAULT[key]


def locate(report: Report, resolver: PlaceResolver, context: GeoContext) -> Geocode:
    """Where a report happened: its explicit lat/lon win, else its place text resolved in the event's context.

    Explicit coordinates keep the radius they come with, or the default radius of the precision they are given with.
    With neither, the coordinates say nothing of how precise they are, so the place text decides: when it resolves
    offline (it is never sent to an online service) to a place whose circle holds the point ("somewhere in
    Venezuela", "near Plaza Bolívar"), the point gets that place's radius, precision and qualifier; otherwise it is
    taken as a landmark.
    """
    if report.lat is not None and report.lon is not None:
        if report.radius_m is None and report.precision is None:
            described = _described_by_text(report, resolver, context)
            if described is not None:
                return described
        precision = report.precision or Precision.landmark
        return Geocode(
            lat=report.lat,
            lon=report.lon,
            radius_m=report.radius_m or DEFAULT_RADIUS_M[precision],
            precision=precision,
            method="explicit",
            role=report.place_role,
            matched_text=report.where,
        )
    return resolver.resolve(report.where, context, role=report.place_role)


def _described_by_text(report: Report, resolver: PlaceResolver, context: GeoContext) -> Geocode | None:
    """The explicit point with the radius of the place its text names, if that place's circle holds the point."""
    assert report.lat is not None and report.lon is not None
    # offline tables only: a report that comes with its coordinates never sends its place text to an online service
    try:
        named = resolver.offline().resolve(report.where, context, role=report.place_role)
    except (PlaceNotFound, GeocoderServiceError):
        return None
    if distance_km(report.lat, report.lon, named.lat, named.lon) * 1000.0 > named.radius_m:
        return None  # the text names somewhere else: it cannot tell how precise these coordinates are
    return named.model_copy(update={"lat": report.lat, "lon": report.lon, "method": "explicit"})
