"""An article's places resolved together (incidents.geocode.document): the namesake that agrees with the other
places of the text wins ("Gainesville" next to "Hall County" and "Atlanta" is Gainesville, Georgia).

The inferred context city is left out of the joint reading (it is only the most-named city, often the very name
in question); the country stays. When the document picks another place than the name alone would get, the draft carries that choice as the
report's coordinates, radius and precision, with the ranker's reason in `place_reason`, so rendering or exporting
the draft (or the article directly) draws the same place the extraction chose.
"""

from __future__ import annotations

from dataclasses import replace

from ..geocode import PlaceResolver
from ..geocode.document import resolve_document
from ..merge import distance_m
from ..models import Geocode, GeoContext
from .places import PlaceMention

__all__ = ["jointly", "MOVED_M"]

MOVED_M = 1_000.0  # a joint choice farther than this from the standalone one is carried as coordinates


def jointly(
    by_segment: dict[int, list[PlaceMention]], context: GeoContext, resolver: PlaceResolver
) -> dict[int, list[PlaceMention]]:
    """The same mentions, each with the geocode chosen for the whole document (pinned when it moved)."""
    free = [m for ms in by_segment.values() for m in ms if not m.pinned]
    if len({m.lookup for m in free}) < 2:
        return by_segment
    # the city of the context was only inferred (the most named one): the document's places decide, not it
    country = GeoContext(country=context.country)
    results = resolve_document([m.lookup for m in free], country, resolver, roles=[m.geocode.role for m in free])
    chosen: dict[int, Geocode] = {
        id(m): g for m, g in zip(free, results, strict=True) if isinstance(g, Geocode)
    }
    out: dict[int, list[PlaceMention]] = {}
    for start, mentions in by_segment.items():
        out[start] = [_moved(m, chosen.get(id(m))) for m in mentions]
    return out


def _moved(mention: PlaceMention, joint: Geocode | None) -> PlaceMention:
    if joint is None or distance_m(mention.geocode, joint) <= MOVED_M:
        return mention
    reason = "; ".join(r for r in (mention.reason, "read with the article's other places") if r)
    return replace(mention, geocode=joint, reason=reason, pinned=True)
