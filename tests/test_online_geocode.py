"""Online geocoding (Nominatim, Photon) against a loopback HTTP server: results, cache, rate limit, retries, errors.

Nothing here leaves the machine: the server listens on 127.0.0.1, every backend's base URL is asserted to be
loopback, and an autouse fixture refuses any socket connection to a non-loopback address.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import math
import socket
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest

from incidents.errors import (
    GeocoderBadResponse,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    InputError,
)
from incidents.geocode import PlaceResolver
from incidents.geocode import resolver as geocode_module
from incidents.geocode.backends import GeocoderBackend
from incidents.geocode.gazetteer import bundled_gazetteer
from incidents.geocode.geonames import GeoNamesBackend, geonames_index
from incidents.geocode.online import NominatimBackend, OnlineBackend, PhotonBackend, online_backend, user_agent
from incidents.geocode.online_http import is_loopback, retry_after_seconds
from incidents.geocode.online_limit import RateLimiter
from incidents.geocode.online_results import bbox_radius_m, precision_for
from incidents.models import GeoContext, Precision

CARACAS = GeoContext(city="Caracas", country="VE")
PLACE = "Some Street 5"

NOMINATIM_HOUSE = {
    "place_id": 9001,
    "osm_type": "way",
    "osm_id": 123,
    "lat": "10.5000",
    "lon": "-66.9100",
    "class": "place",
    "type": "house",
    "addresstype": "place",
    "display_name": "5, Some Street, Caracas, Venezuela",
    "boundingbox": ["10.4995", "10.5005", "-66.9105", "-66.9095"],
    "address": {"house_number": "5", "road": "Some Street", "city": "Caracas", "country_code": "ve"},
}
NOMINATIM_DISTRICT = {
    **NOMINATIM_HOUSE,
    "osm_type": "relation",
    "osm_id": 77,
    "class": "boundary",
    "type": "administrative",
    "addresstype": "suburb",
    "display_name": "Some District, Caracas, Venezuela",
    "boundingbox": ["10.49", "10.51", "-66.92", "-66.90"],
}


def photon_feature(name: str, lon: float, lat: float, code: str, **props: object) -> dict:
    """A Photon GeoJSON feature."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"name": name, "countrycode": code, "osm_type": "R", "osm_id": 42, **props},
    }


PHOTON_ANSWER = {
    "type": "FeatureCollection",
    "features": [
        photon_feature("Some District", -74.1, 4.6, "CO", type="district", osm_key="place", osm_value="suburb"),
        photon_feature(
            "Some District",
            -66.91,
            10.5,
            "VE",
            type="district",
            osm_key="place",
            osm_value="suburb",
            city="Caracas",
            country="Venezuela",
            extent=[-66.92, 10.51, -66.90, 10.49],
        ),
    ],
}


# ---------------------------------------------------------------- the loopback server


@dataclass(frozen=True)
class Answer:
    """One scripted HTTP answer; `hang` keeps the client waiting (until the test ends) instead of answering."""

    status: int = 200
    body: bytes | str | object = b"[]"
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False
    trickle: bool = False  # headers, then one byte of body every 0.05 s: each read is quick, the whole is not


@dataclass
class Seen:
    """A request the server received."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


class FakeGeocoder:
    """A scripted Nominatim/Photon stand-in on 127.0.0.1 (random port) that counts every request."""

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.script: deque[Answer] = deque()
        self.default = Answer()
        self.release = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                parts = urlsplit(self.path)
                owner.requests.append(
                    Seen(parts.path, parse_qs(parts.query), {k.lower(): v for k, v in self.headers.items()})
                )
                answer = owner.script.popleft() if owner.script else owner.default
                if answer.hang:
                    owner.release.wait(10)
                    return
                if answer.trickle:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "100000")
                    self.end_headers()
                    for _ in range(200):
                        if owner.release.wait(0.05):
                            return
                        try:
                            self.wfile.write(b" ")
                            self.wfile.flush()
                        except OSError:
                            return
                    return
                body = answer.body
                if not isinstance(body, bytes | str):
                    body = json.dumps(body)
                payload = body.encode() if isinstance(body, str) else body
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    def answer(self, *answers: Answer) -> None:
        """Queue answers for the next requests (then the default answer)."""
        self.script.extend(answers)

    def __enter__(self) -> FakeGeocoder:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


class FakeTime:
    """A monotonic clock that only moves when something sleeps; every sleep is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def clock(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse any connection that would leave the machine."""
    real_connect = socket.socket.connect

    def connect(sock: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else None
        if host is not None and host != "localhost" and not ipaddress.ip_address(host).is_loopback:
            raise AssertionError(f"test tried to reach {address!r}")
        real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    for name in ("INCIDENT_MAP_NOMINATIM_URL", "INCIDENT_MAP_PHOTON_URL", "INCIDENT_MAP_USER_AGENT"):
        monkeypatch.delenv(name, raising=False)


def test_the_guard_refuses_connections_off_the_machine():
    with pytest.raises(AssertionError, match="tried to reach"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)  # TEST-NET-1: never routed anyway


@pytest.fixture
def server() -> Iterator[FakeGeocoder]:
    with FakeGeocoder() as fake:
        assert is_loopback(fake.url)
        yield fake


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def make(server: FakeGeocoder, fake_time: FakeTime, tmp_path: Path):
    """make(kind, **options): a backend pointed at the loopback server, on the fake clock, with a private cache."""

    def _make(kind: type[OnlineBackend] = NominatimBackend, **options: object) -> OnlineBackend:
        settings: dict[str, object] = {
            "timeout": 0.5,
            "cache_path": tmp_path / "online" / f"{kind.name}.json",
            "limiter": RateLimiter(1.0, clock=fake_time.clock, sleep=fake_time.sleep),
            "sleep": fake_time.sleep,
            **options,
        }
        backend = kind(server.url, **settings)  # type: ignore[arg-type]
        assert is_loopback(backend.base_url), backend.base_url
        return backend

    return _make


def _haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


# ---------------------------------------------------------------- results


def test_nominatim_result_becomes_a_candidate_with_radius_from_its_bounding_box(server, make):
    server.answer(Answer(body=[NOMINATIM_DISTRICT]))
    found = make().lookup(PLACE, CARACAS)

    assert len(found) == 1
    c = found[0]
    assert (c.lat, c.lon) == (10.5, -66.91)
    assert c.precision is Precision.district
    assert c.radius_m == pytest.approx(_haversine_m(10.49, -66.92, 10.51, -66.90) / 2, rel=0.01)
    assert 1_400 < c.radius_m < 1_700
    assert c.entry.source == "nominatim" and c.entry.id == "relation/77"
    assert c.entry.name == "Some District, Caracas, Venezuela"
    assert c.country == "VE"
    assert c.score == pytest.approx(0.7)

    (seen,) = server.requests
    assert seen.path == "/search"
    assert seen.query["q"] == ["Some Street 5, Caracas"]
    assert seen.query["countrycodes"] == ["ve"]
    assert seen.query["format"] == ["json"]
    assert seen.headers["user-agent"] == user_agent()
    assert seen.headers["user-agent"].startswith("incident-mapper/")


def test_a_house_gets_the_minimum_radius_and_landmark_precision(server, make):
    server.answer(Answer(body=[NOMINATIM_HOUSE]))
    (c,) = make().lookup(PLACE, CARACAS)
    assert c.precision is Precision.landmark
    assert c.radius_m == 100.0  # the 110 m box is clamped up to 100 m half-diagonal
    assert c.entry.id == "way/123"


def test_user_agent_comes_from_the_environment(server, make, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_USER_AGENT", "newsroom-maps/2 (desk@example.org)")
    server.answer(Answer(body=[NOMINATIM_HOUSE]))
    make().lookup(PLACE, CARACAS)
    assert server.requests[0].headers["user-agent"] == "newsroom-maps/2 (desk@example.org)"


def test_photon_is_biased_to_the_context_and_filtered_to_its_country(server, make):
    server.answer(Answer(body=PHOTON_ANSWER))
    found = make(PhotonBackend).lookup("Some District", CARACAS)

    assert [c.country for c in found] == ["VE"]
    (c,) = found
    assert (c.lat, c.lon) == (10.5, -66.91)
    assert c.precision is Precision.district
    assert c.radius_m == pytest.approx(_haversine_m(10.49, -66.92, 10.51, -66.90) / 2, rel=0.01)
    assert c.entry.source == "photon" and c.entry.id == "relation/42"
    assert c.entry.name == "Some District, Caracas, Venezuela"

    (seen,) = server.requests
    assert seen.path == "/api"
    assert seen.query["q"] == ["Some District, Caracas"]
    lat, lon = float(seen.query["lat"][0]), float(seen.query["lon"][0])
    assert abs(lat - 10.5) < 0.3 and abs(lon + 66.9) < 0.3  # biased towards Caracas


def test_without_a_match_in_the_city_the_bare_name_is_asked_and_scored_lower(server, make):
    server.answer(Answer(body=[]), Answer(body=[NOMINATIM_HOUSE]))
    (c,) = make().lookup(PLACE, CARACAS)
    assert [r.query["q"] for r in server.requests] == [["Some Street 5, Caracas"], ["Some Street 5"]]
    assert c.score < 0.7


def test_no_match_is_an_empty_list_never_none(server, make):
    server.default = Answer(body=[])
    assert make().lookup("Nowhere Street 99", CARACAS) == []
    server.default = Answer(body={"type": "FeatureCollection", "features": []})
    assert make(PhotonBackend).lookup("Nowhere Street 99", CARACAS) == []


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (("place", "house", "place"), Precision.landmark),
        ((None, "hospital", "amenity"), Precision.landmark),
        (("building", "yes", "building"), Precision.landmark),
        (("suburb", "administrative", "boundary"), Precision.district),
        (("neighbourhood",), Precision.district),
        (("city", "administrative", "boundary"), Precision.city),
        (("town",), Precision.city),
        (("village",), Precision.city),
        (("state", "administrative", "boundary"), Precision.region),
        (("region",), Precision.region),
        (("country", "administrative", "boundary"), Precision.country),
        (("other", "weird", "thing"), None),
    ],
)
def test_precision_from_osm_tags(tags, expected):
    assert precision_for(tags) is expected


def test_bbox_radius_is_half_the_geodesic_diagonal_with_a_floor():
    assert bbox_radius_m(0.0, 1.0, 0.0, 1.0) == pytest.approx(_haversine_m(0, 0, 1, 1) / 2, rel=0.01)
    assert bbox_radius_m(10.5, 10.5, -66.9, -66.9) == 100.0


# ---------------------------------------------------------------- cache


def test_a_cache_hit_makes_no_request_and_survives_a_restart(server, make, tmp_path):
    server.answer(Answer(body=[NOMINATIM_DISTRICT]))
    first = make().lookup(PLACE, CARACAS)
    again = make().lookup(PLACE, CARACAS)  # a new backend: read back from the file
    assert again == first
    assert len(server.requests) == 1

    data = orjson.loads((tmp_path / "online" / "nominatim.json").read_bytes())
    assert data["service"] == "nominatim"
    assert list(data["entries"]) == ["VE|some street 5, caracas"]


def test_no_match_is_cached_too(server, make):
    backend = make()
    assert backend.lookup("Nowhere Street 99", GeoContext(country="VE")) == []
    assert backend.lookup("nowhere  street 99", GeoContext(country="VE")) == []
    assert len(server.requests) == 1


def test_the_cache_is_keyed_by_country(server, make):
    server.default = Answer(body=[])
    backend = make()
    backend.lookup("Some Street 5", GeoContext(country="VE"))
    backend.lookup("Some Street 5", GeoContext(country="CO"))
    backend.lookup("Some Street 5", GeoContext(country="VE"))
    assert [r.query["countrycodes"] for r in server.requests] == [["ve"], ["co"]]


def test_failures_are_not_cached(server, make):
    server.answer(Answer(status=403), Answer(body=[NOMINATIM_HOUSE]))
    backend = make()
    with pytest.raises(GeocoderServiceError):
        backend.lookup(PLACE, GeoContext(country="VE"))
    assert len(backend.lookup(PLACE, GeoContext(country="VE"))) == 1


# ---------------------------------------------------------------- rate limit


def test_requests_to_a_service_are_at_least_one_second_apart(server, make, fake_time):
    server.default = Answer(body=[])
    backend = make()
    sent: list[float] = []
    wait = backend.limiter.wait

    def recording_wait() -> float:
        waited = wait()
        sent.append(fake_time.clock())
        return waited

    backend.limiter.wait = recording_wait  # type: ignore[method-assign]
    for n in range(4):
        backend.lookup(f"Street {n}", GeoContext(country="VE"))

    assert len(server.requests) == 4
    assert all(b - a >= 1.0 for a, b in zip(sent, sent[1:], strict=False))
    assert fake_time.sleeps == [1.0, 1.0, 1.0]


def test_the_rate_limiter_is_thread_safe():
    fake = FakeTime()
    limiter = RateLimiter(1.0, clock=fake.clock, sleep=lambda s: fake.sleeps.append(s))  # the clock stands still
    threads = [threading.Thread(target=limiter.wait) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted([0.0, *fake.sleeps]) == [float(n) for n in range(8)]  # each caller got its own slot


# ---------------------------------------------------------------- retries and Retry-After


def test_retry_after_seconds_is_honoured(server, make, fake_time):
    server.answer(Answer(status=429, headers={"Retry-After": "7"}), Answer(body=[NOMINATIM_HOUSE]))
    found = make().lookup(PLACE, CARACAS)
    assert len(found) == 1
    assert len(server.requests) == 2
    assert fake_time.sleeps == [7.0]  # the server's wait, not our 1 s backoff; the limiter needs no more


def test_a_429_defers_the_shared_slot_for_the_other_runs(server, make, fake_time, tmp_path):
    slot_file = tmp_path / "nominatim.slot"
    limiter = RateLimiter(1.0, clock=fake_time.clock, sleep=fake_time.sleep, slot_file=slot_file,
                          wall_clock=lambda: 1_000.0)  # fmt: skip
    server.answer(Answer(status=429, headers={"Retry-After": "7"}), Answer(body=[NOMINATIM_HOUSE]))
    make(limiter=limiter).lookup("Calle Real", GeoContext(country="VE"))
    other = RateLimiter(1.0, clock=lambda: 0.0, sleep=lambda s: None, slot_file=slot_file, wall_clock=lambda: 1_000.0)
    assert other.wait() >= 7.0  # another run on this machine waits out the server's Retry-After as well


def test_retry_after_as_an_http_date_is_honoured_on_503(server, make, fake_time):
    wall = 1_700_000_000.0
    date = email.utils.formatdate(wall + 30, usegmt=True)
    server.answer(Answer(status=503, headers={"Retry-After": date}), Answer(body=[NOMINATIM_HOUSE]))
    assert len(make(wall_clock=lambda: wall).lookup(PLACE, CARACAS)) == 1
    assert fake_time.sleeps == [30.0]


def test_backoff_is_exponential_and_gives_up_after_three_attempts(server, make, fake_time):
    server.default = Answer(status=500, body="oops")
    with pytest.raises(GeocoderServiceError) as caught:
        make().lookup(PLACE, CARACAS)
    assert type(caught.value) is GeocoderServiceError
    assert len(server.requests) == 3
    assert fake_time.sleeps == [1.0, 2.0]
    message = str(caught.value)
    assert "nominatim" in message and repr(PLACE) in message and "HTTP 500" in message and "3 attempts" in message


def test_persistent_429_raises_rate_limited_with_retry_after(server, make, fake_time):
    server.default = Answer(status=429, headers={"Retry-After": "2"})
    with pytest.raises(GeocoderRateLimited) as caught:
        make().lookup(PLACE, CARACAS)
    assert caught.value.retry_after == 2.0
    assert len(server.requests) == 3
    assert fake_time.sleeps == [2.0, 2.0]
    assert "nominatim" in str(caught.value) and repr(PLACE) in str(caught.value)


def test_a_retry_after_beyond_the_cap_ends_the_retries_at_once(server, make, fake_time):
    server.default = Answer(status=429, headers={"Retry-After": "3600"})
    with pytest.raises(GeocoderRateLimited, match="wait 3600 s") as caught:
        make().lookup(PLACE, CARACAS)
    assert caught.value.retry_after == 3600.0
    assert len(server.requests) == 1
    assert fake_time.sleeps == []


def test_retry_after_parsing():
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(" 1.5 ") == 1.5
    assert retry_after_seconds("-3") == 0.0
    assert retry_after_seconds(email.utils.formatdate(1_000_090, usegmt=True), now=lambda: 1_000_000) == 90.0
    assert retry_after_seconds(email.utils.formatdate(999_000, usegmt=True), now=lambda: 1_000_000) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("") is None
    assert retry_after_seconds(None) is None


# ---------------------------------------------------------------- failures map to our errors


def test_a_timeout_raises_timed_out_naming_the_place(server, make):
    server.default = Answer(hang=True)
    with pytest.raises(GeocoderTimedOut) as caught:
        make(timeout=0.3).lookup(PLACE, CARACAS)
    assert "nominatim" in str(caught.value) and repr(PLACE) in str(caught.value)
    assert len(server.requests) == 3  # timeouts are retried


def test_a_server_trickling_its_answer_times_out_as_a_whole(server, make):
    # each byte comes well within the socket timeout; only a deadline on the whole answer stops the wait (without one
    # the 200 bytes would arrive over 10 s and end in a short-body error, not a timeout)
    server.default = Answer(trickle=True)
    with pytest.raises(GeocoderTimedOut):
        make(timeout=0.3).lookup(PLACE, CARACAS)


def test_a_503_after_retries_is_a_service_error(server, make):
    server.default = Answer(status=503)
    with pytest.raises(GeocoderServiceError, match="HTTP 503") as caught:
        make(PhotonBackend).lookup(PLACE, CARACAS)
    assert not isinstance(caught.value, GeocoderTimedOut)  # geopy would call a 503 a timeout
    assert "photon" in str(caught.value) and repr(PLACE) in str(caught.value)


@pytest.mark.parametrize("kind", [NominatimBackend, PhotonBackend])
@pytest.mark.parametrize("body", ["<html>Bad gateway</html>", "{not json", '{"features": 5}', '"a string"'])
def test_garbage_raises_bad_response_without_retrying(server, make, kind, body):
    server.default = Answer(body=body)
    with pytest.raises(GeocoderBadResponse) as caught:
        make(kind).lookup(PLACE, CARACAS)
    assert kind.name in str(caught.value) and repr(PLACE) in str(caught.value)
    assert len(server.requests) == 1


def test_a_403_is_not_retried_and_points_at_the_user_agent(server, make):
    server.default = Answer(status=403, body="blocked")
    with pytest.raises(GeocoderServiceError, match="INCIDENT_MAP_USER_AGENT"):
        make().lookup(PLACE, CARACAS)
    assert len(server.requests) == 1


def test_a_refused_connection_is_a_service_error(fake_time):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    backend = NominatimBackend(
        f"http://127.0.0.1:{port}",
        timeout=0.5,
        cache_path=Path("/nonexistent/never-written.json"),
        limiter=RateLimiter(1.0, clock=fake_time.clock, sleep=fake_time.sleep),
        sleep=fake_time.sleep,
    )
    assert is_loopback(backend.base_url)
    with pytest.raises(GeocoderServiceError, match=f"127.0.0.1:{port}") as caught:
        backend.lookup(PLACE, CARACAS)
    assert repr(PLACE) in str(caught.value)
    assert fake_time.sleeps == [1.0, 2.0]


# ---------------------------------------------------------------- configuration


def test_base_urls_come_from_the_environment(server, monkeypatch, tmp_path):
    monkeypatch.setenv("INCIDENT_MAP_NOMINATIM_URL", server.url + "/")
    monkeypatch.setenv("INCIDENT_MAP_PHOTON_URL", server.url)
    nominatim = online_backend("nominatim", cache_path=tmp_path / "n.json")
    photon = online_backend("photon", cache_path=tmp_path / "p.json")
    assert nominatim.base_url == server.url and photon.base_url == server.url
    assert is_loopback(nominatim.base_url) and is_loopback(photon.base_url)
    assert isinstance(nominatim, GeocoderBackend) and isinstance(photon, GeocoderBackend)


def test_defaults_are_the_public_services():
    assert NominatimBackend(cache_path=Path("/unused.json")).base_url == "https://nominatim.openstreetmap.org"
    assert PhotonBackend(cache_path=Path("/unused.json")).base_url == "https://photon.komoot.io"


def test_a_bad_base_url_or_service_is_an_input_error(monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_NOMINATIM_URL", "ftp://example.org")
    with pytest.raises(InputError, match="INCIDENT_MAP_NOMINATIM_URL"):
        online_backend("nominatim")
    with pytest.raises(InputError, match="known: nominatim, photon"):
        online_backend("bing")


# ---------------------------------------------------------------- with the offline backends


def _resolver(backend: OnlineBackend) -> PlaceResolver:
    return PlaceResolver([bundled_gazetteer(), GeoNamesBackend(), backend])


def test_offline_backends_win_and_online_is_asked_only_when_they_find_nothing(server, make):
    server.default = Answer(body=[NOMINATIM_HOUSE])
    resolver = _resolver(make())

    known = resolver.resolve("Miraflores", CARACAS)
    assert known.method == "gazetteer"
    assert server.requests == []

    street = resolver.resolve(PLACE, CARACAS)
    assert street.method == "online" and street.entry.source == "nominatim"
    assert (street.lat, street.lon) == (10.5, -66.91)
    assert len(server.requests) == 1


def test_the_resolver_reports_an_online_failure_instead_of_none(server, make):
    server.default = Answer(status=503)
    with pytest.raises(GeocoderServiceError) as caught:
        _resolver(make()).resolve(PLACE, CARACAS)
    assert PLACE in str(caught.value) and "nominatim" in str(caught.value)


# ---------------------------------------------------------------- the command line


@pytest.fixture
def cli_env(server, monkeypatch, tmp_path) -> FakeGeocoder:
    """The CLI pointed at the loopback server, with a fresh resolver and an empty online cache."""
    geonames_index()  # load the offline index from the shared test cache before the cache folder moves
    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path))
    monkeypatch.setenv("INCIDENT_MAP_NOMINATIM_URL", server.url)
    monkeypatch.setattr(geocode_module, "_DEFAULT", {})
    return server


def test_cli_geocode_online(cli_env, capsys, tmp_path):
    from maps.cli import main

    cli_env.default = Answer(body=[NOMINATIM_DISTRICT])
    rc = main(["geocode", PLACE, "--context", "Caracas, VE", "--online", "nominatim"])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "Some District, Caracas, Venezuela (nominatim:relation/77)" in out
    assert "10.500000, -66.910000" in out
    assert "method     online" in out
    assert len(cli_env.requests) == 1
    assert (tmp_path / "online" / "nominatim.json").is_file()


def test_cli_geocode_online_failure_is_one_line(cli_env, capsys):
    from maps.cli import main

    cli_env.default = Answer(status=403, body="blocked")
    rc = main(["geocode", PLACE, "--context", "Caracas, VE", "--online", "nominatim"])
    err = capsys.readouterr().err
    assert rc == 1
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "nominatim" in err and PLACE in err
