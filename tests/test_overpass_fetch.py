"""`incident-map gazetteer fetch` against a loopback fake Overpass server: one request, our user agent, cached,
429/5xx retried on a fake clock, and never the real network (the guard of test_online_geocode refuses it)."""

from __future__ import annotations

import re

import pyogrio
import pytest

from incidents.errors import GeocoderBadResponse, GeocoderServiceError
from incidents.geocode import default_resolver
from incidents.geocode.online_limit import RateLimiter
from incidents.geocode.overpass import OverpassClient, overpass_query
from incidents.models import GeoContext
from maps.cli import main
from tests.test_online_geocode import Answer, FakeGeocoder, FakeTime, no_internet  # noqa: F401 - the guard fixture

ANSWER = {
    "version": 0.6,
    "osm3s": {"timestamp_osm_base": "2026-12-01T08:00:00Z", "copyright": "The data included in this document is "
              "from www.openstreetmap.org. The data is made available under ODbL."},
    "elements": [
        {"type": "node", "id": 51, "lat": 9.505, "lon": -13.712,
         "tags": {"amenity": "embassy", "name": "Ambassade de France", "name:en": "French Embassy"}},
        {"type": "way", "id": 101, "bounds": {"minlat": 9.51, "minlon": -13.709, "maxlat": 9.512, "maxlon": -13.707},
         "tags": {"historic": "palace", "name": "Palais Mohammed V", "name:en": "Mohammed V Palace"}},
        {"type": "way", "id": 103, "bounds": {"minlat": 9.54, "minlon": -13.70, "maxlat": 9.545, "maxlon": -13.69},
         "tags": {"highway": "primary", "name": "Route du Niger"}},
        {"type": "way", "id": 104, "bounds": {"minlat": 9.545, "minlon": -13.69, "maxlat": 9.55, "maxlon": -13.68},
         "tags": {"highway": "primary", "name": "Route du Niger"}},
        {"type": "relation", "id": 300, "bounds": {"minlat": 9.50, "minlon": -13.72, "maxlat": 9.52, "maxlon": -13.70},
         "tags": {"type": "multipolygon", "place": "suburb", "name": "Kaloum"}},
        {"type": "node", "id": 60, "lat": 9.53, "lon": -13.69, "tags": {"amenity": "hospital"}},
    ],
}


@pytest.fixture
def overpass(monkeypatch, tmp_path):
    with FakeGeocoder() as fake:
        fake.default = Answer(body=ANSWER)
        monkeypatch.setenv("INCIDENT_MAP_OVERPASS_URL", fake.url + "/api/interpreter")
        monkeypatch.setattr("incidents.geocode.overpass.cache_dir", lambda: tmp_path / "cache")  # GeoNames' stays
        yield fake


def test_fetch_builds_a_pack_with_one_cached_request(overpass, tmp_path, capsys):
    pack = tmp_path / "conakry.gpkg"
    assert main(["gazetteer", "fetch", "Conakry, GN", "-o", str(pack)]) == 0
    (seen,) = overpass.requests
    assert seen.path == "/api/interpreter"
    assert seen.headers["user-agent"].startswith("incident-mapper/")
    query = seen.query["data"][0]
    assert query.startswith("[out:json]") and query.endswith("out tags bb qt;") and '["place"~"^(suburb)$"]' in query
    box = re.search(r"\((-?[\d.]+),(-?[\d.]+),(-?[\d.]+),(-?[\d.]+)\)", query)
    south, west, north, east = (float(v) for v in box.groups())
    assert south < 9.51 < north and west < -13.7 < east  # around Conakry
    err = capsys.readouterr().err
    assert "4 places in the pack (1 embassy, 1 palace, 1 road, 1 suburb)" in err and "1 object skipped: no name" in err
    rows = {r["id"]: r for r in pyogrio.read_dataframe(pack, layer="places").to_dict("records")}
    assert sorted(rows) == ["osm:node/51", "osm:relation/300", "osm:way/101", "osm:way/103"]
    assert {r["country"] for r in rows.values()} == {"GN"} and {r["city"] for r in rows.values()} == {"Conakry"}
    assert rows["osm:relation/300"]["precision"] == "district"
    meta = pyogrio.read_info(pack)["dataset_metadata"]
    assert meta["date"] == "2026-12-01" and "ODbL" in meta["licence"] and "Overpass" in meta["source"]

    again = tmp_path / "again.gpkg"
    assert main(["gazetteer", "fetch", "Conakry, GN", "-o", str(again)]) == 0
    assert len(overpass.requests) == 1  # the second pack came from the cache
    assert "from the cache" in capsys.readouterr().err
    hit = default_resolver(gazetteers=[again]).resolve("near the Mohammed V Palace", GeoContext(country="GN"))
    assert hit.entry.id == "osm:way/101" and hit.radius_m < 1_500


def test_retries_429_and_5xx_then_gives_up_with_the_reason(overpass, tmp_path):
    clock = FakeTime()
    client = OverpassClient(cache=tmp_path / "c", limiter=RateLimiter(1.0, clock=clock.clock, sleep=clock.sleep),
                            sleep=clock.sleep, timeout=2.0)
    overpass.answer(Answer(429, b"slow down", {"Retry-After": "5"}), Answer(503, b"busy"))
    answer, cached = client.run(overpass_query(9.4, -13.8, 9.6, -13.6))
    assert not cached and len(answer["elements"]) == 6 and len(overpass.requests) == 3
    assert 5.0 in clock.sleeps and 2.0 in clock.sleeps  # the server's Retry-After, then the backoff
    overpass.answer(*[Answer(500, b"oops")] * 3)
    with pytest.raises(GeocoderServiceError, match=r"HTTP 500.*after 3 attempts"):
        client.run(overpass_query(0, 0, 1, 1))
    overpass.answer(Answer(200, b"<html>not json</html>"))
    with pytest.raises(GeocoderBadResponse):
        client.run(overpass_query(0, 0, 2, 2))
    assert not list((tmp_path / "c").glob("*.json"))[1:]  # only the good answer was cached


def test_bad_server_url_and_unknown_place_are_one_line_exit_2(overpass, tmp_path, monkeypatch, capsys):
    assert main(["gazetteer", "fetch", "Xyzzyville, GN", "-o", str(tmp_path / "p.gpkg")]) == 2
    assert "no match for 'Xyzzyville'" in capsys.readouterr().err
    monkeypatch.setenv("INCIDENT_MAP_OVERPASS_URL", "ftp://example.org/api")
    assert main(["gazetteer", "fetch", "Conakry, GN", "-o", str(tmp_path / "p.gpkg")]) == 2
    line = capsys.readouterr().err.strip()
    assert line.startswith("incident-map: error: field 'INCIDENT_MAP_OVERPASS_URL'") and "\n" not in line
    assert overpass.requests == [] and not (tmp_path / "p.gpkg").exists()
