"""The event's context as a user writes it: "Caracas, VE", "Lima, Peru", "VE", "PER" or "Peru"."""

from __future__ import annotations

from pydantic import ValidationError

from ..errors import InputError
from ..models import GeoContext
from .countries import COUNTRY_HINT, country_code

__all__ = ["parse_context"]


def parse_context(text: str | None) -> GeoContext:
    """'Caracas, VE' or 'Lima, Peru' -> city and country; 'VE', 'PER' or 'Peru' alone -> the country only.

    The last of several comma-separated parts must be a country (ISO alpha-2 or alpha-3 code or English name); one
    part is a country when it names one, else a city (two letters alone must be a country code). The result is
    validated by GeoContext, as the YAML loader validates `context`; an unknown country is an InputError (exit 2).
    """
    if not text:
        return GeoContext()
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        return GeoContext()
    last = parts[-1]
    country = country_code(last)
    # alone, two letters can only be a country code; three may be a city ("Ica", "Ufa")
    looks_like_code = len(last.replace(".", "")) == 2 and last.replace(".", "").isalpha()
    if country is None and (len(parts) > 1 or looks_like_code):
        raise InputError(f"unknown country {last[:60]!r}; {COUNTRY_HINT}", field="--context")
    city = ", ".join(parts[:-1] if country else parts) or None
    try:
        return GeoContext(country=country, city=city)
    except ValidationError as exc:
        raise InputError(
            exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, "), field="--context"
        ) from exc
