"""The time zone of a place, from its coordinates (tzfpy: the IANA zone whose boundary holds the point), for every
country: an article from Nairobi reads in East Africa Time, one from a ship at sea in its nautical zone ("Etc/GMT+2").

tzfpy loads its boundary data on first use (about half a second), so it is imported only when a zone is asked for.
"""

from __future__ import annotations

from functools import cache

from ..errors import GeocoderServiceError, PlaceNotFound
from ..models import GeoContext

__all__ = ["zone_at", "zone_of_context"]


@cache
def zone_at(lat: float, lon: float) -> str | None:
    """The IANA time zone at a point; at sea, the nautical "Etc/GMT±N" zone; None when tzfpy has no answer."""
    from tzfpy import get_tz

    return get_tz(lon, lat) or None


def zone_of_context(context: GeoContext, resolver) -> str | None:
    """The time zone of the event's city, else of its country's capital; None when neither is known.

    `resolver` is a PlaceResolver (offline lookups only: the event's own city is never sent to a service here).
    """
    if context.city and context.country:
        try:
            found = resolver.offline().resolve(context.city, GeoContext(country=context.country))
        except (PlaceNotFound, GeocoderServiceError):
            found = None
        if found is not None:
            return zone_at(round(found.lat, 4), round(found.lon, 4))
    if context.country:
        point = _capital(context.country)
        if point is not None:
            return zone_at(*point)
    return None


@cache
def _capital(country: str) -> tuple[float, float] | None:
    """Where the country's capital is (countryinfo), else the country's reference point (world table)."""
    from countryinfo import CountryInfo

    from .world import world_backend

    for record in CountryInfo.all().values():
        if (record.get("ISO") or {}).get("alpha2") == country:
            point = record.get("capital_latlng")
            if isinstance(point, list | tuple) and len(point) >= 2:
                return float(point[0]), float(point[1])
    found = world_backend().country(country)
    return (found.lat, found.lon) if found is not None else None
