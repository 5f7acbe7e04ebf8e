"""Turn a place as reported into a location with an honest radius: bundled gazetteer, countries / US states / regions
(incidents.world), GeoNames, then (opt-in) online."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..errors import GeocoderServiceError, PlaceNotFound
from ..models import Geocode, GeoContext, PlaceRole, Precision, Report
from .admin import AdminBackend, admin_backend
from .airports import AirportsBackend
from .backends import GeocoderBackend, PlaceCandidate
from .feature_words import feature_of, hint_matches
from .gazetteer import bundled_gazetteer
from .geonames import GeoNamesBackend, geonames_index
from .names import normalise
from .qualifiers import PlacePhrase, parse_place_phrase, widen_radius
from .world import WorldBackend, distance_km, is_uncapitalised_code, world_backend

__all__ = ["PlaceResolver", "default_resolver", "locate", "DEFAULT_RADIUS_M", "MEMO_LIMIT"]

# Radius used when a report gives lat/lon with a precision but no radius.
DEFAULT_RADIUS_M: dict[Precision, float] = {
    Precision.landmark: 250.0,
    Precision.district: 1_500.0,
    Precision.city: 10_000.0,
    Precision.region: 75_000.0,
    Precision.country: 400_000.0,
}
_METHOD = {"bundled": "gazetteer", "seats": "gazetteer", "airports": "gazetteer", "world": "gazetteer", "admin": "geonames",
           "geonames": "geonames"}
# A city or district of a country's or region's name, in the event's country and this close to the event's city, is
# meant rather than the country ("Colombia", a Caracas district); farther away the country is ("Lebanon" in New York).
LOCAL_HOMONYM_KM = 50.0
# An unknown name placed in the known place after its comma ("Dahieh, Beirut") keeps this share of that match's score
ENCLOSING_FACTOR = 0.8
_LOCAL = (Precision.landmark, Precision.district, Precision.city)
MEMO_LIMIT = 200_000  # place texts a resolver remembers before it starts again


class PlaceResolver:
    """Tries each backend in order and returns the first match, widened by qualifier and role.

    With a world backend among them: a country another backend found takes the world's reference point, a lower-case
    two or three letter word ("us") is never a country, and a world match yields to a same-named local place near the
    event's city (see `LOCAL_HOMONYM_KM`).
    """

    def __init__(self, backends: Sequence[GeocoderBackend] | None = None) -> None:
        self.backends: tuple[GeocoderBackend, ...] = tuple(
            backends if backends is not None else _offline_backends()
        )
        self._world = next((b for b in self.backends if isinstance(b, WorldBackend)), None)
        self._admin = next((b for b in self.backends if isinstance(b, AdminBackend)), None)
        self._memo: dict[tuple[str, str | None, str | None, PlaceRole], Geocode | PlaceNotFound] = {}
        self._anchors: dict[tuple[str, str], tuple[float, float] | None] = {}
        self._offline: PlaceResolver | None = None

    def offline(self) -> PlaceResolver:
        """This resolver without its online services (itself when it has none): for lookups no service may see."""
        if self._offline is None:
            local = [b for b in self.backends if b.name in _METHOD]
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
                found = self._resolve(text, context, role)
            except PlaceNotFound as exc:
                found = PlaceNotFound(*exc.args)  # a fresh one: the caught one's traceback holds frames (and us)
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()
            self._memo[memo_key] = found
        if isinstance(found, PlaceNotFound):
            raise PlaceNotFound(*found.args)
        return found

    def _resolve(self, text: str, context: GeoContext, role: PlaceRole) -> Geocode:
        phrase = parse_place_phrase(text)
        if not phrase.core:
            raise PlaceNotFound(f"no place name in {text!r}")
        if role is PlaceRole.location and phrase.role_hint is not None:
            role = phrase.role_hint
        scoped, region = self._scoped_context(phrase.trailing, context, phrase.core)
        candidate, backend = self._hinted_match(phrase, scoped, text, region)
        if candidate is None and scoped.city and normalise(phrase.core) == normalise(scoped.city):
            candidate, backend = self._first_match(phrase.core, GeoContext(country=scoped.country), text, within=region)
        matched = phrase.core
        if candidate is None and phrase.trailing:
            # "Dahieh, Beirut" with Dahieh unknown: the report is somewhere in Beirut, at Beirut's size and a lower score
            outer = phrase.trailing[0]
            rest, _ = self._scoped_context(phrase.trailing[1:], context, outer)
            candidate, backend = self._first_match(outer, rest, text)
            if candidate is not None:
                candidate = candidate.model_copy(update={"score": round(candidate.score * ENCLOSING_FACTOR, 3)})
                matched = outer
        if candidate is None:
            where = f" in {scoped.country}" if scoped.country else ""
            names = ", ".join(b.name for b in self.backends)
            raise PlaceNotFound(f"no match for {phrase.named or phrase.core!r}{where} (searched: {names})")
        return Geocode(
            lat=candidate.lat,
            lon=candidate.lon,
            radius_m=round(widen_radius(candidate.radius_m, phrase.qualifier, role), 1),
            precision=candidate.precision,
            method=_METHOD.get(backend.name, "online"),
            entry=candidate.entry,
            qualifier=phrase.qualifier,
            role=role,
            matched_text=matched,
            score=candidate.score,
        )

    def _hinted_match(
        self, phrase: PlacePhrase, context: GeoContext, text: str, within: PlaceCandidate | None
    ) -> tuple[PlaceCandidate | None, GeocoderBackend]:
        """With a feature word ("Daraa governorate"): the name as written when a table knows it exactly ("Cape Town",
        "Western Province"), else the bare name known exactly, preferring the kind of place the word asks for, else
        the name as written, misspelt or not, as without a word."""
        if phrase.feature_hint:
            candidate, backend = self._first_match(phrase.named, context, text, within=within, exact=True)
            if candidate is None:
                candidate, backend = self._first_match(
                    phrase.core, context, text, within=within, exact=True, hint=phrase.feature_hint
                )
            if candidate is not None:
                return candidate, backend
        return self._first_match(phrase.named or phrase.core, context, text, within=within)

    def _first_match(
        self,
        core: str,
        context: GeoContext,
        text: str,
        within: PlaceCandidate | None = None,
        *,
        exact: bool = False,
        hint: str | None = None,
    ) -> tuple[PlaceCandidate | None, GeocoderBackend]:
        """The first backend's best candidate; with `within` (a state named after a comma), one inside it if any.

        `exact` keeps exact names only; with a feature word `hint`, the first candidate of the kind it asks for wins,
        else the first candidate of any kind.
        """
        failures: list[str] = []
        fallback: tuple[PlaceCandidate, GeocoderBackend] | None = None
        for backend in self.backends:
            try:
                found = backend.lookup(core, context)
            except GeocoderServiceError as exc:
                failures.append(f"{backend.name}: {exc}")
                continue
            if exact:
                found = [c for c in found if c.score == 1.0]
            if found and hint is not None:
                preferred = [c for c in found if hint_matches(hint, feature_of(c.feature, c.precision))]
                if not preferred:
                    fallback = fallback or (found[0], backend)
                    continue
                found = preferred
            if found and backend.name == "geonames" and self._world is not None:
                found = self._world_countries(core, found)
            if found and within is not None:
                inside = [c for c in found if self._inside(c, within)]
                if not inside:  # a later backend may know the one inside the region
                    fallback = fallback or (found[0], backend)
                    continue
                found = inside
            if found:
                if backend is self._world:
                    local = self._local_homonym(core, context, found[0]) or self._home_namesake(core, context, found[0])
                    if local is not None:
                        return local
                return found[0], backend
        if fallback is not None:
            return fallback
        if failures:
            raise GeocoderServiceError(f"could not resolve {text!r}: " + "; ".join(failures))
        return None, self.backends[-1] if self.backends else None  # type: ignore[return-value]

    def _inside(self, candidate: PlaceCandidate, region: PlaceCandidate) -> bool:
        """Whether `candidate` lies in `region` (a state or province named after a comma): by GeoNames' first-level
        code when both are known, else within the region's radius."""
        admin = self._admin
        if admin is not None and region.admin1 and candidate.entry.id.startswith("geonames:"):
            if candidate.admin1:
                return candidate.admin1 == region.admin1
            i = admin.index.admin1_of(int(candidate.entry.id.removeprefix("geonames:")))
            if i >= 0:
                return admin.index.codes[i] == region.admin1
        reach_km = region.radius_m / 1000 * 1.1
        return distance_km(region.lat, region.lon, candidate.lat, candidate.lon) <= reach_km

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

    def _local_homonym(
        self, core: str, context: GeoContext, found: PlaceCandidate
    ) -> tuple[PlaceCandidate, GeocoderBackend] | None:
        """A city or district named exactly `core` near the event's city, when the world match lies elsewhere."""
        if not (context.city and context.country) or found.country == context.country:
            return None
        anchor = self._anchor(context.city, context.country)
        if anchor is None:
            return None
        return next(
            (
                (local, backend)
                for local, backend in self._exact_at_home(core, context)
                if local.precision in _LOCAL
                and distance_km(anchor[0], anchor[1], local.lat, local.lon) <= LOCAL_HOMONYM_KM
            ),
            None,
        )

    def _home_namesake(
        self, core: str, context: GeoContext, found: PlaceCandidate
    ) -> tuple[PlaceCandidate, GeocoderBackend] | None:
        """A place of the event's country named exactly `core`, when the world match is a region of another country
        ("Sucre" in a Bolivian event is the city, not Venezuela's state; "Tigray" stays Tigray)."""
        if not context.country or found.precision is not Precision.region or found.country in (None, context.country):
            return None
        return next(self._exact_at_home(core, context), None)

    def _exact_at_home(self, core: str, context: GeoContext) -> Iterator[tuple[PlaceCandidate, GeocoderBackend]]:
        """Exact offline matches of `core` in the event's country (never an online service: the offline tables
        already know the name)."""
        for backend in self.backends:
            if backend.name in ("bundled", "geonames"):
                for local in backend.lookup(core, context):
                    if local.score == 1.0 and local.country == context.country:
                        yield local, backend

    def _anchor(self, city: str, country: str) -> tuple[float, float] | None:
        """Where the event's city is, from GeoNames (None when it does not know the city in that country)."""
        if (city, country) not in self._anchors:
            point = None
            for backend in self.backends:
                if backend.name == "geonames":
                    hit = next(iter(backend.lookup(city, GeoContext(country=country))), None)
                    if hit is not None and hit.score == 1.0 and hit.country == country:
                        point = (hit.lat, hit.lon)
                    break
            self._anchors[(city, country)] = point
        return self._anchors[(city, country)]

    def _scoped_context(
        self, trailing: tuple[str, ...], context: GeoContext, core: str = ""
    ) -> tuple[GeoContext, PlaceCandidate | None]:
        """A trailing ", Venezuela" (or ", Texas", ", U.S.") names the country when the event's context does not.

        When the trailing name is ambiguous ("Georgia": a country and a US state), the one where `core` is a known
        place wins ("Atlanta, Georgia" is in the US). A trailing state is also returned, so that the place is looked
        for inside it ("Springfield, Illinois" is not Springfield, Missouri).
        """
        if not trailing:
            return context, None
        index = geonames_index()
        homes = {index.country[row] for row in index.rows(normalise(core)) if row < index.n_cities} if core else set()
        for part in reversed(trailing):
            # without an event country, a US postal code ("Hall County, GA") counts when the place is known in the US
            asked = GeoContext(country="US") if context.country is None and "US" in homes else context
            named = self._world.lookup(part, asked) if self._world is not None else []
            named = [c for c in named if c.score == 1.0 and c.country]
            if named:
                chosen = next((c for c in named if c.country in homes), named[0])
                country = chosen.country
                region = chosen if chosen.precision is Precision.region else None
                if context.country in (None, country):
                    return context.model_copy(update={"country": country}), region
                return GeoContext(country=country), region
            if self._admin is not None:  # a first-level area after the comma ("Buenos Aires, Áncash")
                areas = [c for c in self._admin.lookup(part, context) if c.score == 1.0 and c.feature == "admin1"]
                area = next((c for c in areas if c.country in homes), areas[0] if areas else None)
                if area is not None and context.country in (None, area.country):
                    return context.model_copy(update={"country": area.country}), area
            key = normalise(part)
            for row in index.rows(key):
                if row >= index.n_cities:
                    country = index.country[row]
                    if context.country in (None, country):
                        return context.model_copy(update={"country": country}), None
                    return GeoContext(country=country), None
        return context, None


_DEFAULT: dict[str | None, PlaceResolver] = {}


def _offline_backends() -> list[GeocoderBackend]:
    """The bundled offline backends, precise ones first (one line each)."""
    return [
        bundled_gazetteer(),
        world_backend(),
        AirportsBackend(),
        admin_backend(),
        GeoNamesBackend(),
    ]


def default_resolver(online: str | None = None) -> PlaceResolver:
    """Bundled gazetteer, world (countries, US states, regions), GeoNames, then the named online service if asked for."""
    if online not in _DEFAULT:
        backends: list[GeocoderBackend] = _offline_backends()
        if online:
            from .online import online_backend

            backends.append(online_backend(online))
        _DEFAULT[online] = PlaceResolver(backends)
    return _DEFAULT[online]


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
