"""The one ranker: named signals decide between the candidates of every backend, and the choice says why."""

from __future__ import annotations

import pytest

from incidents.errors import PlaceNotFound
from incidents.geocode import PlaceResolver, default_resolver
from incidents.geocode.backends import PlaceCandidate
from incidents.geocode.gazetteer import bundled_gazetteer
from incidents.geocode.geonames import GeoNamesBackend, great_circle_km
from incidents.geocode.world import world_backend
from incidents.models import GazetteerRef, GeoContext, Precision

PH = GeoContext(country="PH")
NIAMEY = (13.51, 2.11)


def _town(name: str, lat: float, lon: float, *, country: str = "PH", population: int = 5_000,
          match: str = "exact", score: float = 1.0, ident: str | None = None) -> PlaceCandidate:  # fmt: skip
    return PlaceCandidate(
        lat=lat, lon=lon, radius_m=1_500.0, precision=Precision.city, score=score, country=country,
        entry=GazetteerRef(id=ident or f"t:{name}:{lat}", name=name, source="fake"), population=population,
        feature="city", match=match,
    )  # fmt: skip


class _Fake:
    def __init__(self, name: str, answers: dict[str, list[PlaceCandidate]]) -> None:
        self.name = name
        self.answers = answers

    def lookup(self, name: str, context: GeoContext) -> list[PlaceCandidate]:
        return list(self.answers.get(name, []))


def _km(geo, point) -> float:
    return great_circle_km(geo.lat, geo.lon, *point)


def test_a_fuzzy_match_never_beats_an_exact_namesake_and_widens_its_radius():
    fuzzy = _town("Miagao", 10.64, 122.23, population=60_000, match="fuzzy", score=0.72)
    exact = _town("Ligao", 13.22, 123.52, population=5_000)
    first = PlaceResolver([_Fake("a", {"Ligao": [fuzzy]}), _Fake("b", {"Ligao": [exact]})])
    assert first.resolve("Ligao", PH).entry.name == "Ligao"
    alone = PlaceResolver([_Fake("a", {"Ligao": [fuzzy]})]).resolve("Ligao", PH)
    assert alone.entry.name == "Miagao" and alone.radius_m >= 1_500 + 25_000 and "spelling" in alone.reason
    real = default_resolver()
    assert real.resolve("Ligao", PH).entry.name == "Ligao"
    assert real.resolve("Ligao City", PH).entry.name == "Ligao"  # not Iligan, a misspelling of the whole


def test_no_backend_wins_by_going_first():
    backends = [bundled_gazetteer(), world_backend(), GeoNamesBackend()]
    forward, backward = PlaceResolver(backends), PlaceResolver(backends[::-1])
    cases = [("Miraflores", GeoContext(country="VE", city="Caracas")), ("Georgia", GeoContext(country="US")),
             ("Georgia", GeoContext()), ("Sucre", GeoContext(country="BO")), ("Paris, Texas", GeoContext()),
             ("Lebanon", GeoContext(country="US", city="Nashville")), ("Valencia", GeoContext(country="VE"))]
    for text, context in cases:
        assert forward.resolve(text, context).entry == backward.resolve(text, context).entry, text


def test_close_namesakes_nothing_tells_apart_are_one_circle_holding_them():
    towns = [_town("Bago", 14.0, 121.0), _town("Bago", 14.2, 121.1), _town("Bago", 14.1, 121.3)]
    got = PlaceResolver([_Fake("a", {"Bago": towns})]).resolve("Bago", PH)
    assert all(_km(got, (t.lat, t.lon)) * 1000 + t.radius_m <= got.radius_m + 1 for t in towns)
    assert "3 places named 'Bago'" in got.reason


def test_far_namesakes_nothing_tells_apart_are_unresolved_with_the_candidates_listed():
    towns = [_town("Bago", 14.0, 121.0), _town("Bago", 10.0, 124.0, population=6_000)]
    with pytest.raises(PlaceNotFound, match=r"ambiguous in PH: 2 places.*10\.000, 124\.000"):
        PlaceResolver([_Fake("a", {"Bago": towns})]).resolve("Bago", PH)


def test_the_largest_namesake_is_taken_when_it_stands_out_and_the_reason_says_so():
    towns = [_town("Bago", 14.0, 121.0, population=90_000), _town("Bago", 10.0, 124.0, population=6_000)]
    got = PlaceResolver([_Fake("a", {"Bago": towns})]).resolve("Bago", PH)
    assert got.lat == 14.0 and got.reason == "largest of 2 namesakes in PH"


def test_a_trailing_city_contains_the_answer():
    resolver = default_resolver()
    for context in (GeoContext(), GeoContext(country="NE"), GeoContext(country="NE", city="Niamey")):
        got = resolver.resolve("Plateau, Niamey", context)
        assert _km(got, NIAMEY) <= 15, (got.lat, got.lon)  # never Plateau, Alabama
        assert got.unmatched == "Plateau" and "Niamey" in got.reason
    inside = PlaceResolver([_Fake("a", {
        "Plateau": [_town("Plateau", 30.7, -88.1, country="US", population=90_000),
                    _town("Plateau", 13.52, 2.12, country="NE", population=1_000)],
        "Niamey": [_town("Niamey", 13.51, 2.11, country="NE", population=1_000_000)],
    })]).resolve("Plateau, Niamey", GeoContext())  # fmt: skip
    assert (inside.lat, inside.lon) == (13.52, 2.12) and "inside Niamey" in inside.reason


@pytest.mark.parametrize(("demonym", "country"), [("Czechs", "CZ"), ("Philippine", "PH"), ("Filipinos", "PH"),
                                                   ("Thais", "TH")])
def test_demonyms_resolve_to_the_country(demonym, country):
    got = default_resolver().resolve(demonym, GeoContext())
    assert got.precision is Precision.country and got.entry == world_backend().country(country).entry
    assert "another name for" in got.reason


def test_every_choice_has_a_reason():
    resolver = default_resolver()
    assert "inside Texas" in resolver.resolve("Paris, Texas", GeoContext()).reason
    assert "near Nashville" in resolver.resolve("Lebanon", GeoContext(country="US", city="Nashville")).reason
    assert "namesakes" in resolver.resolve("Paris", GeoContext()).reason
    assert resolver.resolve("Caracas", GeoContext(country="VE")).reason


def test_an_unknown_quarter_of_the_event_city_stays_in_that_city_not_its_region():
    from incidents.geocode import default_resolver
    from incidents.models import GeoContext

    found = default_resolver().resolve("Plateau, Niamey", GeoContext(country="NE", city="Niamey"))
    assert found.precision.value == "city" and found.radius_m < 20_000
