"""Turn a place as reported into a location with an honest radius: bundled gazetteer, GeoNames, then (opt-in) online."""

from __future__ import annotations

from collections.abc import Sequence

from .backends import GeocoderBackend, PlaceCandidate
from .errors import GeocoderServiceError, PlaceNotFound
from .gazetteer import bundled_gazetteer
from .geonames import GeoNamesBackend, geonames_index
from .models import Geocode, GeoContext, PlaceRole, Precision, Report
from .names import normalise
from .qualifiers import parse_place_phrase, widen_radius

__all__ = ["PlaceResolver", "default_resolver", "locate", "DEFAULT_RADIUS_M"]

# Radius used when a report gives lat/lon with a precision but no radius.
DEFAULT_RADIUS_M: dict[Precision, float] = {
    Precision.landmark: 250.0,
    Precision.district: 1_500.0,
    Precision.city: 10_000.0,
    Precision.region: 75_000.0,
    Precision.country: 400_000.0,
}
_METHOD = {"bundled": "gazetteer", "geonames": "geonames"}


class PlaceResolver:
    """Tries each backend in order and returns the first match, widened by qualifier and role."""

    def __init__(self, backends: Sequence[GeocoderBackend] | None = None) -> None:
        self.backends: tuple[GeocoderBackend, ...] = tuple(
            backends if backends is not None else (bundled_gazetteer(), GeoNamesBackend())
        )
        self._memo: dict[tuple[str, str | None, str | None, PlaceRole], Geocode] = {}

    def resolve(self, text: str, context: GeoContext, *, role: PlaceRole = PlaceRole.location) -> Geocode:
        """The location of `text` in `context`; PlaceNotFound (with the reason) when no backend matches."""
        memo_key = (text, context.country, context.city, role)
        if memo_key in self._memo:
            return self._memo[memo_key]
        phrase = parse_place_phrase(text)
        if not phrase.core:
            raise PlaceNotFound(f"no place name in {text!r}")
        if role is PlaceRole.location and phrase.role_hint is not None:
            role = phrase.role_hint
        scoped = self._scoped_context(phrase.trailing, context)
        candidate, backend = self._first_match(phrase.core, scoped, text)
        if candidate is None and scoped.city and normalise(phrase.core) == normalise(scoped.city):
            candidate, backend = self._first_match(phrase.core, GeoContext(country=scoped.country), text)
        if candidate is None:
            where = f" in {scoped.country}" if scoped.country else ""
            names = ", ".join(b.name for b in self.backends)
            raise PlaceNotFound(f"no match for {phrase.core!r}{where} (searched: {names})")
        result = Geocode(
            lat=candidate.lat,
            lon=candidate.lon,
            radius_m=round(widen_radius(candidate.radius_m, phrase.qualifier, role), 1),
            precision=candidate.precision,
            method=_METHOD.get(backend.name, "online"),
            entry=candidate.entry,
            qualifier=phrase.qualifier,
            role=role,
            matched_text=phrase.core,
            score=candidate.score,
        )
        self._memo[memo_key] = result
        return result

    def _first_match(self, core: str, context: GeoContext, text: str) -> tuple[PlaceCandidate | None, GeocoderBackend]:
        failures: list[str] = []
        for backend in self.backends:
            try:
                found = backend.lookup(core, context)
            except GeocoderServiceError as exc:
                failures.append(f"{backend.name}: {exc}")
                continue
            if found:
                return found[0], backend
        if failures:
            raise GeocoderServiceError(f"could not resolve {text!r}: " + "; ".join(failures))
        return None, self.backends[-1] if self.backends else None  # type: ignore[return-value]

    @staticmethod
    def _scoped_context(trailing: tuple[str, ...], context: GeoContext) -> GeoContext:
        """A trailing ", Venezuela" names the country when the event's context does not."""
        if not trailing:
            return context
        index = geonames_index()
        for part in reversed(trailing):
            key = normalise(part)
            for row in index.rows(key):
                if row >= index.n_cities:
                    country = index.country[row]
                    if context.country in (None, country):
                        return context.model_copy(update={"country": country})
                    return GeoContext(country=country)
        return context


_DEFAULT: dict[str | None, PlaceResolver] = {}


def default_resolver(online: str | None = None) -> PlaceResolver:
    """Bundled gazetteer, then GeoNames, then the named online service if one is asked for."""
    if online not in _DEFAULT:
        backends: list[GeocoderBackend] = [bundled_gazetteer(), GeoNamesBackend()]
        if online:
            from .online import online_backend

            backends.append(online_backend(online))
        _DEFAULT[online] = PlaceResolver(backends)
    return _DEFAULT[online]


def locate(report: Report, resolver: PlaceResolver, context: GeoContext) -> Geocode:
    """Where a report happened: its explicit lat/lon win, else its place text resolved in the event's context."""
    if report.lat is not None and report.lon is not None:
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
