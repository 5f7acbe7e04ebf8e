# ruff: noqa: F811 - the fixtures imported from tests.test_online_geocode are parameters here
"""Online geocoders against loopback servers: redirects stay on the service's scheme, host and port, and every place
the service failed on is printed on stderr (bounded, counted) as well as listed in the unresolved file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from incidents.errors import GeocoderServiceError
from incidents.geocode.online_http import origin
from incidents.geocode.online_limit import RateLimiter
from maps.cli import main
from maps.commands.outputs import FAILED_PLACES_SHOWN
from tests.test_online_geocode import (  # noqa: F401 - fixtures
    CARACAS,
    NOMINATIM_DISTRICT,
    PLACE,
    Answer,
    FakeGeocoder,
    cli_env,
    fake_time,
    make,
    no_internet,
    server,
)


def test_origin_fills_default_ports_and_ignores_case():
    assert origin("HTTPS://Example.ORG/x") == ("https", "example.org", 443)
    assert origin("http://example.org:80/") == ("http", "example.org", 80)
    assert origin("http://127.0.0.1:8080/a") != origin("http://localhost:8080/a")


def test_a_redirect_on_the_same_server_is_followed(server, make):
    server.answer(Answer(status=302, headers={"Location": "/moved/search?q=x"}), Answer(body=[NOMINATIM_DISTRICT]))
    (candidate,) = make().lookup(PLACE, CARACAS)
    assert candidate.entry.id == "relation/77"
    assert [r.path for r in server.requests] == ["/search", "/moved/search"]


@pytest.mark.parametrize("where", ["other port", "other host", "other scheme"])
def test_a_redirect_to_another_port_host_or_scheme_is_not_followed(server, make, where: str):
    with FakeGeocoder() as elsewhere:
        port = int(elsewhere.url.rsplit(":", 1)[1])
        own_port = int(server.url.rsplit(":", 1)[1])
        target = {
            "other port": f"http://127.0.0.1:{port}/search",
            "other host": f"http://localhost:{own_port}/search",  # the same socket under another name
            "other scheme": f"https://127.0.0.1:{own_port}/search",
        }[where]
        server.default = Answer(status=301, headers={"Location": target})
        elsewhere.default = Answer(body=[NOMINATIM_DISTRICT])
        with pytest.raises(GeocoderServiceError) as caught:
            make().lookup(PLACE, CARACAS)
        assert "not followed" in str(caught.value) and "301" in str(caught.value)
        assert elsewhere.requests == []
        assert all(r.path == "/search" for r in server.requests)  # never asked again at the redirect's target


def _event(path: Path, n: int) -> Path:
    doc = {
        "title": "Online failures",
        "timezone": "America/Caracas",
        "context": {"country": "VE", "city": "Caracas"},
        "sources": [{"id": "s1", "name": "S"}],
        "reports": [
            {"id": f"r{i}", "event_type": "gunfire", "where": f"Calle Inexistente Numero {i} Zzyzx",
             "when": "2026-01-06", "source": "s1", "summary": "Shots."}
            for i in range(n)
        ],
    }
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize("n", [2, FAILED_PLACES_SHOWN + 3])
def test_every_failed_place_is_on_stderr_bounded_and_in_the_unresolved_list(
    cli_env, capsys, tmp_path, monkeypatch, fake_time, n: int
):
    from incidents.geocode import online

    # the service's one-request-a-second limit on the fake clock: the test does not sleep through it
    monkeypatch.setattr(online, "shared_limiter", lambda *a, **k: RateLimiter(1.0, clock=fake_time.clock,
                                                                               sleep=fake_time.sleep))
    cli_env.default = Answer(status=404, body="no such endpoint")  # a refusal: not retried
    out = tmp_path / "map.html"
    assert main(["render", str(_event(tmp_path / "e.yaml", n)), "-o", str(out), "--online", "nominatim"]) == 0
    err = capsys.readouterr().err.splitlines()
    failed = [line for line in err if line.startswith("incident-map: geocoder failed for report")]
    assert len(failed) == min(n, FAILED_PLACES_SHOWN)
    assert all("Zzyzx" in line and "HTTP 404" in line for line in failed)
    more = [line for line in err if "more places the geocoder failed on" in line]
    assert len(more) == (1 if n > FAILED_PLACES_SHOWN else 0)
    if more:
        assert f"and {n - FAILED_PLACES_SHOWN} more" in more[0] and f"({n} in all" in more[0]
    listed = json.loads((tmp_path / "map.unresolved.json").read_text())["unresolved"]
    assert sorted(u["record"] for u in listed) == sorted(f"r{i}" for i in range(n))
    assert all(u["reason"].startswith("geocoder failed: ") for u in listed)


def test_failed_place_lines_are_bounded_counted_and_printable():
    from incidents.models import Unresolved
    from maps.commands.outputs import failed_place_lines

    unresolved = [Unresolved(record=f"r{i}", where=f"Calle \x1b[31m{i}", reason=f"geocoder failed: HTTP 503 #{i}")
                  for i in range(FAILED_PLACES_SHOWN + 7)]
    unresolved.append(Unresolved(record="x", where="Nowhere", reason="place not found: no match"))
    lines = failed_place_lines(unresolved, Path("m.unresolved.json"))
    assert len(lines) == FAILED_PLACES_SHOWN + 1
    assert all("\x1b" not in line and line.isprintable() for line in lines)
    assert "and 7 more places" in lines[-1] and f"({FAILED_PLACES_SHOWN + 7} in all" in lines[-1]
    assert not any("Nowhere" in line for line in lines)  # not found is not a service failure
    assert failed_place_lines(unresolved[:2], Path("m.unresolved.json"))[1].endswith("HTTP 503 #1")
