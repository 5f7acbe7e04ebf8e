"""Airports from airportsdata: by name in several languages, by the city they serve, by IATA and ICAO code."""

from __future__ import annotations

import pytest

from incidents.errors import PlaceNotFound
from incidents.geocode import default_resolver
from incidents.geocode.airports import CODE_SCORE, AirportsBackend, airport_index
from incidents.merge import distance_m
from incidents.models import Geocode, GeoContext, Precision

NOWHERE = GeoContext()
KRT = Geocode(lat=15.5895, lon=32.5532, radius_m=1, precision=Precision.landmark, method="explicit")
CCS = Geocode(lat=10.6031, lon=-66.9906, radius_m=1, precision=Precision.landmark, method="explicit")


@pytest.fixture(scope="module")
def resolve():
    resolver = default_resolver()
    return lambda text, context=NOWHERE: resolver.resolve(text, context)


def test_the_index_loads_and_every_airport_is_sized():
    index = airport_index()
    assert len(index.icao) > 20_000 and len(set(index.icao)) == len(index.icao)
    assert all(1_500 <= r <= 3_000 for r in index.radius_m)
    assert all(-90 <= lat <= 90 for lat in index.lat) and all(-180 <= lon <= 180 for lon in index.lon)


@pytest.mark.parametrize("text, context", [
    ("Khartoum International Airport", GeoContext()),
    ("Khartoum International Airport", GeoContext(country="SD", city="Khartoum")),
    ("Khartoum airport", GeoContext(country="SD")),
    ("the airport", GeoContext(country="SD", city="Khartoum")),
    ("KRT", GeoContext(country="SD")),
    ("HSSK", GeoContext()),
])
def test_khartoum_airport_by_name_city_and_code(resolve, text, context):
    got = resolve(text, context)
    assert got.entry.source == "airports" and got.entry.id == "airport:HSSK"
    assert distance_m(got, KRT) < 1_000 and 1_500 <= got.radius_m <= 3_000 and got.method == "gazetteer"


@pytest.mark.parametrize("text", ["Aeropuerto Internacional de Maiquetía", "Simón Bolívar International Airport",
                                  "Maiquetía airport", "CCS", "SVMI"])
def test_maiquetia_in_spanish_english_and_codes(resolve, text):
    got = resolve(text, GeoContext(country="VE", city="Caracas"))
    assert got.entry.id == "airport:SVMI" and distance_m(got, CCS) < 1_000


def test_codes_are_weaker_than_names_and_only_in_capitals():
    backend = AirportsBackend()
    assert backend.lookup("CCS", GeoContext())[0].score == CODE_SCORE
    assert backend.lookup("ccs", GeoContext()) == [] and backend.lookup("lot", GeoContext(country="US")) == []
    assert backend.lookup("Khartoum", GeoContext()) == []  # a city is not its airport unless the text says so
    assert backend.lookup("Khartoum airport", GeoContext())[0].feature == "airport"


def test_near_the_airport_widens_and_an_airport_abroad_needs_its_own_name(resolve):
    at, near = resolve("Beirut airport", GeoContext(country="LB")), resolve("near Beirut airport", GeoContext(country="LB"))
    assert near.radius_m > at.radius_m
    heathrow = resolve("Heathrow Airport", GeoContext(country="VE"))
    assert heathrow.entry.id == "airport:EGLL" and heathrow.score < 1.0
    with pytest.raises(PlaceNotFound):  # Argentina's small La Paz strip is not what a Bolivian report means
        resolve("La Paz airport", GeoContext(country="BO"))
