"""Seats of power: the bundled file's entries checked one by one, names and generic phrases in several capitals and
languages, and an unknown landmark that stays honest (the city, saying which landmark no gazetteer had)."""

from __future__ import annotations

import numpy as np
import pytest

from incidents.errors import InputError
from incidents.geocode import default_resolver
from incidents.geocode.geonames import geonames_index, haversine_km
from incidents.geocode.names import normalise
from incidents.geocode.seats import CITY_REACH_KM, bundled_seats, load_seats
from incidents.models import GeoContext, Precision

ENTRIES = bundled_seats().entries


@pytest.fixture(scope="module")
def resolve():
    resolver = default_resolver()
    return lambda text, context: resolver.resolve(text, context)


@pytest.fixture(scope="module")
def places():
    index = geonames_index()
    n = index.n_cities
    return index, np.asarray(index.lat[:n]), np.asarray(index.lon[:n]), np.asarray(index.country[:n])


def test_the_bundled_file_loads_with_unique_ids_and_every_kind_phrased():
    table = bundled_seats()
    assert len(ENTRIES) >= 8 and len({e.id for e in ENTRIES}) == len(ENTRIES)
    assert set(table.generic) >= {"head_of_state", "parliament", "broadcaster", "central_bank", "main_square"}


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_every_entry_cites_a_page_is_sized_and_lies_in_its_country_and_city(entry, places):
    index, lat, lon, country = places
    assert entry.source.startswith(("https://", "http://")) and " " not in entry.source
    assert 0 < entry.size_m <= 5_000
    assert entry.id.startswith(entry.country.lower() + "-")
    # the nearest GeoNames place is in the entry's country ...
    dist = haversine_km(entry.lat, entry.lon, lat, lon)
    assert country[int(np.argmin(dist))] == entry.country, entry.id
    # ... and the city it serves, in that country, is within reach
    rows = [r for r in index.rows(normalise(entry.city)) if r < index.n_cities and index.country[r] == entry.country]
    assert rows, f"{entry.city} is not a GeoNames place of {entry.country}"
    assert min(dist[r] for r in rows) <= CITY_REACH_KM, entry.id


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_every_entry_resolves_by_its_names(resolve, entry):
    for name in (entry.name, *entry.aliases, *entry.aliases_in_context):
        got = resolve(name, GeoContext(country=entry.country, city=entry.city))
        assert got.entry.id == f"seats:{entry.id}", name
        assert got.precision is Precision.landmark and got.radius_m == entry.size_m


@pytest.mark.parametrize("text, context, entry_id", [
    ("in the vicinity of the presidential palace", GeoContext(country="GN", city="Conakry"), "gn-conakry-sekhoutoureya"),
    ("near the presidential palace", GeoContext(country="GN"), "gn-conakry-sekhoutoureya"),  # the capital
    ("palais présidentiel", GeoContext(country="ML", city="Bamako"), "ml-bamako-koulouba"),
    ("le palais de la présidence", GeoContext(country="HT"), "ht-port-au-prince-palais-national"),
    ("القصر الجمهوري", GeoContext(country="SD", city="Khartoum"), "sd-khartoum-republican-palace"),
    ("the Republican Palace", GeoContext(country="SD", city="Khartoum"), "sd-khartoum-republican-palace"),
    ("the presidential palace", GeoContext(country="LB", city="Beirut"), "lb-beirut-baabda-palace"),
    ("palacio de gobierno", GeoContext(country="BO", city="La Paz"), "bo-la-paz-palacio-quemado"),
    ("State House", GeoContext(country="KE", city="Nairobi"), "ke-nairobi-state-house"),
    ("presidential palace, Conakry", GeoContext(), "gn-conakry-sekhoutoureya"),
    ("near the main square", GeoContext(country="UA", city="Kyiv"), "ua-kyiv-maidan"),
    ("main square", GeoContext(country="PK", city="Islamabad"), "pk-islamabad-d-chowk"),
    ("the presidential palace", GeoContext(country="NG"), "ng-abuja-aso-villa"),
    ("palacio presidencial", GeoContext(country="PH", city="Manila"), "ph-manila-malacanang"),
    ("la présidence", GeoContext(country="NE", city="Niamey"), "ne-niamey-presidential-palace"),
])
def test_generic_phrases_resolve_to_the_event_citys_entry(resolve, text, context, entry_id):
    got = resolve(text, context)
    assert got.entry.id == f"seats:{entry_id}" and got.unmatched is None


def test_vicinity_widens_a_palace_sized_circle(resolve):
    conakry = GeoContext(country="GN", city="Conakry")
    at, near = resolve("the presidential palace", conakry), resolve("in the vicinity of the presidential palace", conakry)
    assert at.radius_m == 200 and 600 <= near.radius_m <= 1_500 and near.qualifier == "vicinity"


def test_a_palace_by_name_abroad_is_a_weaker_match_and_a_short_name_only_counts_at_home(resolve):
    assert resolve("Villa Somalia", GeoContext(country="KE")).score < resolve("Villa Somalia", GeoContext()).score
    from incidents.geocode.seats import SeatsBackend

    seats = SeatsBackend()
    assert seats.lookup("Maidan", GeoContext(country="AF")) == [] and seats.lookup("Arg", GeoContext(country="IR")) == []
    assert seats.lookup("Maidan", GeoContext(country="UA"))[0].entry.id == "seats:ua-kyiv-maidan"


@pytest.mark.parametrize("text, context, city_lat, landmark", [
    ("near the presidential palace", GeoContext(country="PK", city="Karachi"), 24.86, "presidential palace"),
    ("state TV", GeoContext(country="VE", city="Caracas"), 10.49, "state TV"),
    ("outside the central bank", GeoContext(country="NE", city="Niamey"), 13.51, "central bank"),
    ("banque centrale", GeoContext(country="NE"), 13.51, "banque centrale"),
])
def test_an_unknown_landmark_is_the_whole_city_and_says_so(resolve, text, context, city_lat, landmark):
    got = resolve(text, context)
    assert got.precision is Precision.city and abs(got.lat - city_lat) < 0.1
    assert got.unmatched == landmark and got.score < 0.9
    assert got.radius_m >= 5_000  # a radius that holds the city, never a palace-sized circle at its centroid


def test_a_generic_phrase_with_no_place_at_all_is_not_found(resolve):
    from incidents.errors import PlaceNotFound

    with pytest.raises(PlaceNotFound):
        resolve("the presidential palace", GeoContext())


@pytest.mark.parametrize("entry, field", [
    ("{id: gn-x, kind: palace, name: X, city: Conakry, country: GN, lat: 9.5, lon: -13.7, size_m: 1, source: 'https://a'}",
     "kind"),
    ("{id: gn-x, kind: parliament, name: X, city: Conakry, country: GN, lat: 9.5, lon: -13.7, size_m: 0, source: 'https://a'}",
     "size_m"),
    ("{id: gn-x, kind: parliament, name: X, city: Conakry, country: GN, lat: 9.5, lon: -13.7, size_m: 5}", "source"),
    ("{id: gn-x, kind: parliament, name: X, city: Conakry, country: GN, lat: 9.5, lon: -13.7, size_m: 5, source: 'from memory'}",
     "source"),
])
def test_a_bad_entry_names_file_record_and_field(tmp_path, entry, field):
    path = tmp_path / "seats.yaml"
    path.write_text(f"generic: {{parliament: [parliament]}}\nentries:\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_seats(path)
    message = str(info.value)
    assert str(path) in message and "entry 'gn-x'" in message and field in message


def test_a_duplicate_id_is_refused(tmp_path):
    item = "{id: gn-x, kind: parliament, name: X, city: Conakry, country: GN, lat: 9.5, lon: -13.7, size_m: 5, source: 'https://a'}"
    path = tmp_path / "seats.yaml"
    path.write_text(f"generic: {{}}\nentries:\n  - {item}\n  - {item}\n", encoding="utf-8")
    with pytest.raises(InputError, match="duplicate id"):
        load_seats(path)
