"""Entry checks for the bundled gazetteers (seeds/gazetteer.yaml and incidents/data/districts.yaml): every entry
cites a public page, is sized, has a unique id, and lies in its country near the city it belongs to."""

from __future__ import annotations

import numpy as np
import pytest

from incidents.errors import InputError
from incidents.geocode import default_resolver
from incidents.geocode.gazetteer import BUNDLED_FILES, bundled_gazetteer, load_gazetteer
from incidents.geocode.geonames import geonames_index, haversine_km
from incidents.geocode.names import normalise
from incidents.models import GeoContext, Precision

ENTRIES = bundled_gazetteer().entries
CITY_KM = 30.0


@pytest.fixture(scope="module")
def places():
    index = geonames_index()
    n = index.n_cities
    return index, np.asarray(index.lat[:n]), np.asarray(index.lon[:n]), np.asarray(index.country[:n])


def test_both_files_load_into_one_gazetteer_with_unique_ids():
    assert len(BUNDLED_FILES) == 2 and len(ENTRIES) >= 11
    assert len({e.id for e in ENTRIES}) == len(ENTRIES)
    assert {e.country for e in ENTRIES} >= {"VE", "AF", "PK", "TR"}


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_every_entry_cites_its_page_and_lies_in_its_country_near_its_city(entry, places):
    index, lat, lon, country = places
    assert entry.source and entry.source.startswith(("https://", "http://")), entry.id
    assert 0 < entry.size_m <= 5_000 and entry.precision in (Precision.landmark, Precision.district)
    dist = haversine_km(entry.lat, entry.lon, lat, lon)
    assert country[int(np.argmin(dist))] == entry.country, entry.id
    rows = [r for r in index.rows(normalise(entry.city)) if r < index.n_cities and index.country[r] == entry.country]
    assert rows and min(dist[r] for r in rows) <= CITY_KM, entry.id


def test_a_bundled_style_entry_without_a_page_url_is_refused(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text("entries:\n  - {id: x, name: X, lat: 1, lon: 1, size_m: 5, precision: landmark, country: VE, "
                    "source: 'my memory'}\n", encoding="utf-8")
    with pytest.raises(InputError, match="entry 'x'.*source"):
        load_gazetteer(path)


@pytest.mark.parametrize("text, context, entry_id", [
    ("Beyoğlu", GeoContext(country="TR", city="Istanbul"), "tr-istanbul-beyoglu"),
    ("in Beyoglu", GeoContext(country="TR"), "tr-istanbul-beyoglu"),
    ("Wazir Akbar Khan", GeoContext(country="AF", city="Kabul"), "af-kabul-wazir-akbar-khan"),
    ("North Nazimabad", GeoContext(country="PK", city="Karachi"), "pk-karachi-north-nazimabad"),
    ("North Nazimabad, Karachi", GeoContext(), "pk-karachi-north-nazimabad"),
])
def test_districts_resolve_at_district_size(text, context, entry_id):
    got = default_resolver().resolve(text, context)
    assert got.entry.id == entry_id and got.precision is Precision.district and 1_000 <= got.radius_m <= 5_000


@pytest.mark.parametrize("text, entry_id", [("parliament", "ve-caracas-palacio-legislativo"),
                                            ("the main square", "ve-caracas-plaza-bolivar")])
def test_caracas_generic_phrases_stay_on_the_seed_entries(text, entry_id):
    got = default_resolver().resolve(text, GeoContext(country="VE", city="Caracas"))
    assert got.entry.id == entry_id and got.unmatched is None
