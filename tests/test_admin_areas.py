"""Administrative areas of every country (incidents.geocode.admin), feature-type words as hints
(data/feature_words.yaml) and an admin1 after a comma narrowing the search."""

from __future__ import annotations

from importlib.resources import files

import pytest
import yaml

from incidents.geocode import PlaceResolver
from incidents.geocode.admin import admin_backend
from incidents.geocode.feature_words import HINTS, split_feature_word
from incidents.geocode.qualifiers import parse_place_phrase
from incidents.geocode.world import distance_km
from incidents.models import GeoContext, Precision


@pytest.fixture(scope="module")
def resolve():
    resolver = PlaceResolver()
    return lambda text, country=None: resolver.resolve(text, GeoContext(country=country))


def _km(geocode, lat: float, lon: float) -> float:
    return distance_km(geocode.lat, geocode.lon, lat, lon)


# ------------------------------------------------------------------------------------------ the data file


def test_the_feature_word_file_loads_and_every_entry_is_sound():
    raw = yaml.safe_load(files("incidents").joinpath("data/feature_words.yaml").read_text(encoding="utf-8"))
    assert set(raw["hints"]) <= set(HINTS)
    seen: dict[str, str] = {}
    for hint, words in raw["hints"].items():
        assert words, hint
        for word in words:
            assert isinstance(word, str) and word == word.strip() and word.lower() == word, word
            assert word not in seen, f"{word!r} is under both {seen.get(word)} and {hint}"
            seen[word] = hint
    for key in ("suffix_only", "bare_prefix"):
        assert set(raw[key]) <= set(seen), set(raw[key]) - set(seen)
    assert raw["part_words"] and all(isinstance(w, str) for w in raw["part_words"])


@pytest.mark.parametrize(
    ("text", "core", "hint"),
    [
        ("Peshawar town", "Peshawar", "city"),
        ("Daraa governorate", "Daraa", "admin1"),
        ("Bati Kot district", "Bati Kot", "admin2"),
        ("Tizi Ouzou province", "Tizi Ouzou", "admin1"),
        ("Rio de Janeiro - North Zone", "Rio de Janeiro", "district"),
        ("Provincia de Buenos Aires", "Buenos Aires", "admin1"),
        ("Wilayat Tizi Ouzou", "Tizi Ouzou", "admin1"),
        ("Muhafazat Dar'a", "Dar'a", "admin1"),
        ("Maiduguri LGA", "Maiduguri", "admin2"),
        ("Laurel County", "Laurel", "admin"),
        ("Zaatari refugee camp", "Zaatari", "camp"),
        ("Kharkiv oblast'", "Kharkiv", "admin1"),
        ("Hamra neighbourhood", "Hamra", "district"),
        ("near the Kunar province", "Kunar", "admin1"),
    ],
)
def test_feature_words_are_split_off_and_kept_as_a_hint(text, core, hint):
    phrase = parse_place_phrase(text)
    assert (phrase.core, phrase.feature_hint) == (core, hint)
    assert phrase.feature_word and phrase.feature_word.lower() in phrase.named.lower()


@pytest.mark.parametrize("text", ["State House", "Camp Lejeune", "Town Hall", "Province", "Caracas", "Zone"])
def test_names_that_begin_with_a_word_or_are_one_keep_it(text):
    assert split_feature_word(text) is None
    assert parse_place_phrase(text).core == text and parse_place_phrase(text).feature_hint is None


# ------------------------------------------------------------------------------------------ admin areas


def test_us_counties_resolve_with_an_honest_radius(resolve):
    laurel = resolve("Laurel County")
    assert laurel.precision is Precision.region and laurel.entry.id == "geonames:4297480"
    assert _km(laurel, 37.129, -84.083) < laurel.radius_m / 1000 < 60  # London, KY, its seat, is inside
    hall = resolve("Hall County, GA")  # Georgia's, not Nebraska's or Texas'
    assert hall.entry.id == "geonames:4198821" and _km(hall, 34.298, -83.824) < hall.radius_m / 1000  # Gainesville
    assert resolve("Hall County, Nebraska").entry.id != hall.entry.id


@pytest.mark.parametrize(
    ("text", "country", "inside", "max_km"),
    [
        ("Daraa governorate", "SY", (32.625, 36.106), 80),  # Daraa city
        ("Zhytomyr Oblast", "UA", (50.254, 28.658), 200),  # Zhytomyr city
        ("Maiduguri LGA", "NG", (11.846, 13.160), 40),
        ("Commune of Rugombo", "BI", None, 40),  # north-west Burundi; GeoNames has no town of that name
        ("Tizi Ouzou province", "DZ", (36.712, 4.046), 60),
        ("Bati Kot district", "AF", (34.26, 70.73), 40),
        ("Kunar", "AF", (34.87, 71.15), 120),  # no town of that name: the province
        ("Áncash", "PE", (-9.53, -77.53), 250),  # Huaraz
    ],
)
def test_admin_areas_resolve_at_their_level(resolve, text, country, inside, max_km):
    got = resolve(text, country)
    assert got.precision is Precision.region, got
    if inside is None:
        assert -3.2 < got.lat < -2.3 and 29.0 < got.lon < 29.6 and got.radius_m / 1000 <= max_km
    else:
        assert _km(got, *inside) <= got.radius_m / 1000 <= max_km


def test_a_bare_name_of_a_town_stays_the_town_and_the_word_picks_the_area(resolve):
    town = resolve("Daraa", "SY")
    assert town.precision is Precision.city
    assert resolve("Peshawar town", "PK").precision is Precision.city
    assert resolve("Rio de Janeiro - North Zone", "BR").precision is Precision.city  # the zone is in the city
    area = resolve("Daraa governorate", "SY")
    assert area.precision is Precision.region and area.radius_m > 4 * town.radius_m
    assert resolve("Cape Town", "ZA").precision is Precision.city  # known with its word: not "Cape"


def test_an_admin1_after_a_comma_narrows_the_search(resolve):
    ancash = resolve("Buenos Aires, Áncash", "PE")
    piura = resolve("Buenos Aires, Piura", "PE")
    assert ancash.entry.id != piura.entry.id
    assert -10.5 < ancash.lat < -8.0 and -78.7 < ancash.lon < -76.9  # inside Áncash
    assert -6.5 < piura.lat < -4.0  # inside Piura
    assert resolve("Buenos Aires, Áncash").entry.id == ancash.entry.id  # the comma names the country too


def test_areas_abroad_are_not_what_a_report_in_a_country_means():
    assert admin_backend().lookup("Hall County", GeoContext(country="CA")) == []
    found = admin_backend().lookup("Hall County", GeoContext())
    assert {c.admin1 for c in found} >= {"US.GA", "US.NE"} and all(c.feature == "admin2" for c in found)


def test_candidates_carry_the_ranker_hints():
    (daraa,) = admin_backend().lookup("Daraa Governorate", GeoContext(country="SY"))
    assert daraa.feature == "admin1" and daraa.admin1 == "SY.06" and daraa.population > 100_000


# ------------------------------------------------------------------------------------------ countries


@pytest.mark.parametrize(
    ("name", "inside"),
    [
        ("Kuwait", (29.37, 47.98)),  # countryinfo's point lies in Saudi Arabia: the middle of Kuwait's places instead
        ("Chile", (-53.16, -70.91)),  # Punta Arenas: a long country's circle reaches its far end
        ("Norway", (69.65, 18.96)),  # Tromsø
    ],
)
def test_a_country_circle_holds_its_places(resolve, name, inside):
    got = resolve(name)
    assert got.precision is Precision.country and _km(got, *inside) <= got.radius_m / 1000


def test_acled_city_dash_district_is_the_district_inside_the_city():
    phrase = parse_place_phrase("Delhi - New Delhi")
    assert (phrase.core, phrase.trailing) == ("New Delhi", ("Delhi",))
    assert parse_place_phrase("Rio de Janeiro - North Zone").core == "Rio de Janeiro"  # a part word: the city


def test_an_unknown_town_after_a_comma_is_somewhere_in_the_governorate(resolve):
    got = resolve("Guheriz, Duhok", "IQ")  # a village no table has: Duhok the governorate, not the city
    assert got.precision is Precision.region and got.radius_m > 30_000 and got.unmatched == "Guheriz"
    # a first-level area GeoNames has under a region of ISO's (Iraqi Kurdistan) is still first-level
    assert admin_backend().first_level("Duhok", "IQ").admin1 == "IQ.08"


def test_a_namesake_outside_the_state_after_the_comma_is_not_taken(resolve):
    got = resolve("Banandur, Karnataka", "IN")  # no Banandur in Karnataka: not Alandur in Tamil Nadu
    assert got.precision is Precision.region and _km(got, 12.97, 77.59) <= got.radius_m / 1000  # Bengaluru inside
