"""The one small interface every geocoding backend implements (bundled gazetteer, GeoNames, online services)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from ..models import GazetteerRef, GeoContext, Precision

__all__ = ["PlaceCandidate", "GeocoderBackend"]


class PlaceCandidate(BaseModel):
    """A feature a backend found for a place name: its centre, its size and how well it matched."""

    model_config = ConfigDict(frozen=True)

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    radius_m: float = Field(gt=0, description="radius that covers the feature itself")
    precision: Precision
    entry: GazetteerRef
    score: float = Field(ge=0, le=1, description="1 for an exact name in context, lower for fuzzy or off-context")
    country: str | None = None
    feature: str | None = Field(
        default=None,
        description="what kind of place: landmark, seat_of_power, airport, district, city, admin2, admin1, region, "
        "country, ... (a hint for the ranker, not part of the name)",
    )
    population: int = Field(default=0, ge=0)
    admin1: str | None = Field(default=None, description="first-level division (name or GeoNames code) it lies in")
    match: str | None = Field(
        default=None,
        description="how the name matched: exact, alias (a demonym, an abbreviation) or fuzzy (a misspelling); "
        "None lets the ranker infer it from the score (1 exact, lower alias). Mark misspellings fuzzy: a fuzzy "
        "match never beats an exact one",
    )
    unmatched: str | None = Field(
        default=None, description="a landmark the text named that no gazetteer had: this candidate is the place around it"
    )


@runtime_checkable
class GeocoderBackend(Protocol):
    """Looks up a bare place name (qualifiers already stripped) in the event's context."""

    name: str

    def lookup(self, name: str, context: GeoContext) -> list[PlaceCandidate]:
        """Candidates best first; [] when nothing matches; GeocoderServiceError when the service fails."""
        ...
