"""Offline geocoding: the seed's places, homonyms decided by context, misspellings, qualifiers and roles."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from incidents.errors import PlaceNotFound
from incidents.geocode import default_resolver, locate
from incidents.geocode.gazetteer import bundled_gazetteer
from incidents.merge import distance_m
from incidents.models import Geocode, GeoContext, PlaceRole, Precision
from maps.cli import cli

CARACAS = GeoContext(country="VE", city="Caracas")
PALACE = Geocode(lat=10.5081, lon=-66.9194, radius_m=1, precision=Precision.landmark, method="explicit")


@pytest.fixture(scope="module")
def resolve():
    resolver = default_resolver()
    return lambda text, context=CARACAS, **kw: resolver.resolve(text, context, **kw)


@pytest.mark.parametrize("entry", bundled_gazetteer().entries, ids=lambda e: e.id)
def test_every_gazetteer_entry_resolves_by_name_and_alias(resolve, entry):
    for name in (entry.name, *entry.aliases, *entry.aliases_in_context):
        got = resolve(name, GeoContext(country=entry.country, city=entry.city))
        assert got.entry is not None and got.method == "gazetteer"
        assert distance_m(got, Geocode(lat=entry.lat, lon=entry.lon, radius_m=1, precision=entry.precision,
                                       method="explicit")) < 1_000, name


@pytest.mark.parametrize("text", ["in the vicinity of the presidential palace", "near the presidential palace",
                                  "around Miraflores", "Miraflores palace"])
def test_palace_reports_within_1km_of_the_palace(resolve, text):
    got = resolve(text)
    assert distance_m(got, PALACE) < 1_000
    assert got.radius_m <= 1_600


def test_caracas_is_a_city_sized_radius(resolve):
    got = resolve("Caracas, Venezuela")
    assert got.precision is Precision.city and 5_000 <= got.radius_m <= 30_000
    assert got.method == "geonames" and got.score == 1.0


def test_misspelt_caracus_resolves_to_caracas_with_lower_score(resolve):
    right, wrong = resolve("Caracas, Venezuela"), resolve("Caracus, Venezuela")
    assert wrong.entry == right.entry and 0.5 < wrong.score < 1.0


def test_miraflores_follows_the_event_context(resolve):
    caracas = resolve("Miraflores")
    lima = resolve("Miraflores", GeoContext(country="PE", city="Lima"))
    assert distance_m(caracas, PALACE) < 1_000
    assert abs(lima.lat - -12.12) < 0.1 and abs(lima.lon - -77.03) < 0.1


def test_generic_palace_alias_needs_venezuelan_context(resolve):
    # Caracas's palace never answers for a Peruvian event: without a Lima palace in any gazetteer, the report is
    # somewhere in Lima (the capital), and the result says which landmark no gazetteer had
    got = resolve("presidential palace", GeoContext(country="PE"))
    assert got.entry.source == "geonames" and got.precision is Precision.city
    assert abs(got.lat - -12.05) < 0.1 and got.unmatched == "presidential palace"


def test_qualifiers_and_roles_widen(resolve):
    bare, near = resolve("Miraflores Palace"), resolve("near Miraflores Palace")
    heading = resolve("heading to the presidential palace")
    heard = resolve("Miraflores Palace", role=PlaceRole.observed_from)
    assert bare.radius_m < near.radius_m < heading.radius_m < heard.radius_m
    assert heading.role is PlaceRole.destination and near.qualifier == "near"
    outskirts = resolve("on the outskirts of Caracas")
    assert outskirts.radius_m > resolve("Caracas").radius_m


@pytest.mark.parametrize("text", ["Xqzzyw", "Blorptown", "zz"])
def test_nonsense_is_not_found(resolve, text):
    with pytest.raises(PlaceNotFound, match="no match"):
        resolve(text)


def test_explicit_coordinates_win(seed_event):
    report = seed_event.reports[0].model_copy(update={"lat": 1.0, "lon": 2.0, "radius_m": 123.0})
    got = locate(report, default_resolver(), CARACAS)
    assert (got.lat, got.lon, got.radius_m, got.method) == (1.0, 2.0, 123.0, "explicit")


def test_coordinates_without_a_radius_take_the_named_places(seed_event):
    """A point given without radius or precision is as precise as the place its text names, not a 250 m landmark."""
    base = seed_event.reports[0]

    def at(where: str, lat: float, lon: float, **extra):
        report = base.model_copy(update={"where": where, "lat": lat, "lon": lon, **extra})
        return locate(report, default_resolver(), CARACAS)

    country = at("somewhere in Venezuela", 8.0, -66.0)
    assert (country.lat, country.lon, country.method) == (8.0, -66.0, "explicit")
    assert country.precision is Precision.country and country.radius_m > 300_000 and country.qualifier == "in"
    palace = at("near the presidential palace", 10.5055, -66.9160)
    assert palace.precision is Precision.landmark and 500 < palace.radius_m < 3_000 and palace.qualifier == "near"
    assert (palace.lat, palace.lon) == (10.5055, -66.9160)
    # the text names somewhere else, or nothing known: the point is taken as a landmark, as before
    elsewhere = at("Maracaibo", 10.5, -66.9)
    unknown = at("Xqzzyw", 10.5, -66.9)
    assert {(g.precision, g.radius_m, g.method) for g in (elsewhere, unknown)} == {
        (Precision.landmark, 250.0, "explicit")}
    # a precision or a radius given with the point is kept as given
    given = at("somewhere in Venezuela", 8.0, -66.0, precision=Precision.city)
    assert (given.precision, given.radius_m) == (Precision.city, 10_000.0)


def test_coordinates_never_send_their_place_text_online(seed_event):
    from incidents.geocode import PlaceResolver
    from incidents.geocode.geonames import GeoNamesBackend
    from incidents.geocode.world import world_backend

    asked: list[str] = []

    class Online:
        name = "nominatim"

        def lookup(self, name, context):  # noqa: ANN001, ANN202
            asked.append(name)
            return []

    resolver = PlaceResolver([bundled_gazetteer(), world_backend(), GeoNamesBackend(), Online()])
    report = seed_event.reports[0].model_copy(update={"where": "Safe house of informant 7", "lat": 10.5, "lon": -66.9})
    got = locate(report, resolver, CARACAS)
    assert (got.method, got.radius_m) == ("explicit", 250.0) and asked == []
    assert resolver.offline().backends == resolver.backends[:3] and resolver.offline().offline() is resolver.offline()


def test_geocode_command_prints_and_exits():
    runner = CliRunner()
    ok = runner.invoke(cli, ["geocode", "in the vicinity of the presidential palace", "--context", "Caracas, VE"])
    assert ok.exit_code == 0 and "Miraflores Palace" in ok.output and "radius" in ok.output
    geonames = runner.invoke(cli, ["geocode", "Maracay", "--context", "VE"])
    assert "(geonames:" in geonames.output and "geonames:geonames:" not in geonames.output
    js = runner.invoke(cli, ["geocode", "Caracas", "--context", "VE", "--json"])
    assert js.exit_code == 0 and '"precision": "city"' in js.output


def test_geocode_command_unknown_place_exit_2():
    from maps.cli import main

    assert main(["geocode", "Xqzzyw", "--context", "Caracas, VE"]) == 2


def test_a_place_of_that_name_beats_a_bigger_one_with_it_as_an_alternate_name(resolve):
    got = resolve("Santa Ana", GeoContext())
    assert got.entry.name == "Santa Ana" and abs(got.lat - 33.75) < 0.1  # California, not Taguig (once Santa Ana)
    assert resolve("Bombay", GeoContext()).entry.name == "Mumbai"  # no own place of that name: the alternate wins


def test_an_unknown_name_falls_back_to_the_known_place_after_its_comma(resolve):
    got = resolve("in Qwertyville, Caracas, Venezuela", GeoContext())
    city = resolve("Caracas, Venezuela", GeoContext())
    assert got.matched_text == "Caracas" and got.score < city.score and got.radius_m >= city.radius_m
    assert distance_m(got, city) < 1
