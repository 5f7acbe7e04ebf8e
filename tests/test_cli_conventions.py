"""CLI conventions: subcommands imported lazily, -v/-q, the options render and export share."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from maps.cli import COMMANDS, main
from tests.support import SEED

HEAVY = ("folium", "pandas", "geopandas", "matplotlib")
_PROBE = """
import sys
from maps.cli import main
rc = main(sys.argv[1:])
print("LOADED", *[m for m in {heavy!r} if m in sys.modules])
"""


def _fresh(*args: str) -> str:
    """The heavy modules a fresh interpreter has loaded after `incident-map ARGS`."""
    proc = subprocess.run([sys.executable, "-c", _PROBE.format(heavy=HEAVY), *args], capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent, timeout=300)
    line = next(x for x in proc.stdout.splitlines() if x.startswith("LOADED"))
    return line.removeprefix("LOADED").strip()


def test_help_and_geocode_import_no_heavy_module():
    assert _fresh("--help") == ""
    assert _fresh("geocode", "Caracas", "--context", "VE") == ""


def test_help_lists_every_command(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in COMMANDS) and "-v, --verbose" in out and "-q, --quiet" in out


def test_quiet_prints_nothing_but_errors(tmp_path: Path, capsys):
    out = tmp_path / "q.geojson"
    assert main(["-q", "export", str(SEED), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "reports read" not in captured.err
    assert main(["-v", "-q", "export", str(SEED), "-o", str(out)]) == 2


def test_render_shares_polygons_reports_and_context(tmp_path: Path, capsys):
    table = tmp_path / "t.csv"
    table.write_text("id,event_type,where,when_start,source,summary\nr1,protest,Miraflores,2026-01-06,s,March\n")
    html, geo = tmp_path / "m.html", tmp_path / "m.geojson"
    assert main(["render", str(table), "-o", str(html), "--geojson", str(geo), "--polygons", "--reports",
                 "--context", "Caracas, VE"]) == 0
    assert (tmp_path / "m.uncertainty.geojson").exists() and (tmp_path / "m.reports.geojson").exists()
    point = json.loads(geo.read_text())["features"][0]["geometry"]["coordinates"]
    assert -67.5 < point[0] < -66.5 and 10 < point[1] < 11  # Miraflores of Caracas, not of Lima
    assert json.loads(geo.read_text())["event"]["context_country"] == "VE"
    assert main(["render", str(table), "-o", str(html), "--polygons"]) == 2
    assert "--polygons and --reports go with --geojson" in capsys.readouterr().err


def test_a_missing_optional_package_names_its_extra(monkeypatch, tmp_path: Path, capsys):
    import importlib

    import pytest

    from incidents.errors import MissingExtra

    for module, extra in (("maps.static_png", "png"), ("incidents.geocode.online", "online")):
        monkeypatch.delitem(sys.modules, module, raising=False)
        monkeypatch.setitem(sys.modules, "matplotlib", None)
        monkeypatch.setitem(sys.modules, "geopy", None)
        monkeypatch.delitem(sys.modules, "incidents.geocode.online_http", raising=False)
        with pytest.raises(MissingExtra, match=rf"pip install 'incident-mapper\[{extra}\]'"):
            importlib.import_module(module)
    monkeypatch.delitem(sys.modules, "maps.static_png", raising=False)
    out = tmp_path / "m.html"
    assert main(["render", str(SEED), "-o", str(out), "--png", str(tmp_path / "m.png")]) == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err == "incident-map: error: render --png needs an optional package: pip install 'incident-mapper[png]'"


def test_cache_folder_is_the_platforms_unless_set(monkeypatch, tmp_path: Path):
    from platformdirs import user_cache_dir

    from incidents.geocode.geonames import cache_dir

    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path))
    assert cache_dir() == tmp_path
    monkeypatch.delenv("INCIDENT_MAP_CACHE")
    assert cache_dir() == Path(user_cache_dir("incident-mapper", appauthor=False))
