"""Geocoding: every gazetteer and service behind one small interface, and the resolver that chooses among them.

One module per backend (`gazetteer` for the bundled landmarks, `geonames`, `world` for countries and provinces,
`online` for opt-in web services), the shared interface in `backends`, the name rules in `names` and `qualifiers`,
the resolver in `resolver` (it pools every backend's candidates; `ranker` chooses with named signals; `scope` reads
the words after a comma), and `document.resolve_document` for all the places of one document resolved together. Nothing here imports from `layers` or `maps`.
"""

from __future__ import annotations

from .resolver import DEFAULT_RADIUS_M, MEMO_LIMIT, PlaceResolver, default_resolver, locate

__all__ = ["PlaceResolver", "default_resolver", "locate", "DEFAULT_RADIUS_M", "MEMO_LIMIT"]
