"""Joint resolution: the place mentions of one document chosen so that they agree, each with its reason."""

from __future__ import annotations

import pytest

from incidents.errors import PlaceNotFound
from incidents.geocode import default_resolver
from incidents.geocode.document import resolve_document
from incidents.geocode.geonames import great_circle_km
from incidents.models import Geocode, GeoContext, Precision

NONE = GeoContext()


def _near(geo: Geocode, lat: float, lon: float, km: float = 30.0) -> bool:
    return great_circle_km(geo.lat, geo.lon, lat, lon) <= km


def test_the_small_namesake_the_document_agrees_with_is_chosen():
    paris, dallas, texas = resolve_document(["Paris", "Dallas", "Texas"], NONE)
    assert _near(paris, 33.66, -95.56) and "Texas named in the text" in paris.reason  # not Paris, France
    assert _near(default_resolver().resolve("Paris", NONE), 48.85, 2.35)  # alone, it is still the capital
    assert dallas.precision is Precision.city and texas.precision is Precision.region


def test_closeness_to_the_other_places_and_the_reason_naming_them():
    gainesville, _ = resolve_document(["Gainesville", "Atlanta"], NONE)
    assert _near(gainesville, 34.30, -83.82)  # Georgia's, not the larger one in Florida
    assert gainesville.reason.startswith("closest to Atlanta named in the text")


def test_a_state_named_next_to_its_towns_is_the_state_and_a_province_holds_its_towns():
    georgia, _ = resolve_document(["Georgia", "Atlanta"], NONE)
    assert georgia.precision is Precision.region and "holds Atlanta" in georgia.reason
    london, _ = resolve_document(["London", "Ontario"], NONE)
    assert _near(london, 42.98, -81.23) and london.reason == "inside Ontario named in the text"
    lebanon, _ = resolve_document(["Lebanon", "Nashville"], NONE)
    assert _near(lebanon, 36.21, -86.29)


def test_unknown_mentions_repeats_and_order_are_kept():
    out = resolve_document(["Xqzzyw", "Paris", "Berlin", "Paris"], NONE)
    assert isinstance(out[0], PlaceNotFound) and "Xqzzyw" in str(out[0])
    assert out[1] == out[3] and _near(out[1], 48.85, 2.35) and _near(out[2], 52.52, 13.40)
    assert resolve_document([], NONE) == []


def test_one_mention_is_resolved_as_on_its_own_and_the_context_still_counts():
    caracas = GeoContext(country="VE", city="Caracas")
    assert resolve_document(["Miraflores"], caracas) == [default_resolver().resolve("Miraflores", caracas)]
    valencia, maracay = resolve_document(["Valencia", "Maracay"], GeoContext(country="VE"))
    assert valencia.precision is Precision.city and _near(valencia, 10.16, -68.0)


@pytest.mark.parametrize("texts", [["Springfield", "Illinois"], ["Illinois", "Springfield", "Peoria"]])
def test_a_state_named_anywhere_in_the_document_holds_its_towns(texts):
    springfield = resolve_document(texts, NONE)[texts.index("Springfield")]
    assert _near(springfield, 39.80, -89.64)


def test_a_county_named_in_the_text_holds_the_town_and_both_readings_agree():
    # neither name stands out alone (Gainesville, Florida is the larger; Hall County, Nebraska comes first), but
    # together only Georgia's pair agrees
    gainesville, hall = resolve_document(["Gainesville", "Hall County"], NONE)
    assert _near(gainesville, 34.30, -83.82) and gainesville.reason == "inside Hall County named in the text"
    assert _near(hall, 34.33, -83.80, km=40) and "holds Gainesville" in hall.reason


def test_a_mention_moved_by_the_document_does_not_drag_a_name_that_stands_out():
    # "Texas" may read as a Mexican town near Mexico City; "Canada" (a country on its own) never follows it there
    out = resolve_document(["Mexico", "United States", "Canada", "Texas", "Mexico City"], NONE)
    assert [g.precision for g in out[:3]] == [Precision.country] * 3 and out[2].entry.name == "Canada"
