"""What was made faster for issue 6 gives exactly what the plain code gives (escaping, properties, GeoJSON, index)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import synthetic_event
from incidents.loader import load_event
from incidents.pipeline import PROGRESS_THRESHOLD, PROGRESS_TTY_THRESHOLD, build_event, show_progress
from layers.escape import escape_text, safe_url
from layers.fast_properties import FastProperties, property_builders
from layers.properties import incident_properties, report_properties
from maps.export.geojson import feature_collection, round_coords, write_geojson
from tests.hostile import HOSTILE, HOSTILE_URLS, write_hostile_event

# ------------------------------------------------------------------ escaping: the code before the fast paths

_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#x27;",
    "{": "&#123;",
    "}": "&#125;",
    "$": "&#36;",
    "`": "&#96;",
    "\\": "&#92;",
    "\u2028": "&#x2028;",
    "\u2029": "&#x2029;",
}
_SPECIAL = re.compile("[" + re.escape("".join(_ENTITIES)) + "]")
_STRIP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_URL_UNSAFE = re.compile(
    r"[\s\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]"
)


def plain_escape(value: object, *, max_length: int | None = None) -> str:
    text = "" if value is None else str(value)
    text = _STRIP.sub("\ufffd", text)
    if max_length is not None and len(text) > max_length:
        text = text[: max_length - 1] + "\u2026"
    return _SPECIAL.sub(lambda m: _ENTITIES[m.group(0)], text)


def plain_safe_url(url: object) -> str | None:
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    if not candidate or len(candidate) > 4000 or _URL_UNSAFE.search(candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return plain_escape(candidate)


TRICKY_URLS = [
    "https://example.org/a?b=1#c",
    "HTTPS://EXAMPLE.ORG",
    "http://a",
    "http://-",
    "http://.",
    "http://:80/",
    "http://a:b/",
    "http://a:/x",
    "http://u@x.org/",
    "http://[::1]/",
    "http://[bad/",
    "https://x.org#<b>",
    "httpſ://x.org",
    "htTps://\u212aelvin.org",
    "http://ex\u0430mple.org",
    "https://x.org/{{7*7}}",
    "https:x.org",
    "https:///x",
    "http://x.org\\@evil.org",
    "ftp://x.org",
    " http://x.org ",
    "http://x.org:99999999999/",
]


@pytest.mark.parametrize("url", [*HOSTILE_URLS, *TRICKY_URLS])
def test_safe_url_is_unchanged_on_known_cases(url: str):
    assert safe_url(url) == plain_safe_url(url)


_URL_PARTS = st.sampled_from(["http", "https", "HTTP", "hTtPs", "ftp", "javascript", "httpſ", "", "http:", "h"])
_HOSTS = st.text(alphabet="abcXYZ019.-_:@[]\u212aſé", max_size=12)
_TAILS = st.text(
    alphabet="/?#abc<>\"'{}$`\\ %&=\u2028\u202e\t\x00\x85\u00a0\u00ad\u200b\u2066\u3000\ufeffé:", max_size=12
)


@settings(max_examples=400, deadline=None)
@given(_URL_PARTS, st.sampled_from(["://", ":/", ":", "//", ":///"]), _HOSTS, _TAILS)
def test_safe_url_matches_urlsplit(scheme: str, sep: str, host: str, tail: str):
    url = scheme + sep + host + tail
    assert safe_url(url) == plain_safe_url(url)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(["http://", "https://", "HTTPS://", "http://\u212a"]),
    st.sampled_from(["x.org", "a-b.c0m:80"]),
    st.sampled_from(["/", "?", "#", ""]),
    st.text(max_size=20),
)
def test_clean_url_shortcut_matches_urlsplit(scheme: str, host: str, sep: str, tail: str):
    url = scheme + host + sep + tail
    assert safe_url(url) == plain_safe_url(url)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60), st.one_of(st.none(), st.integers(min_value=1, max_value=40)))
def test_escape_text_is_unchanged(text: str, limit: int | None):
    assert escape_text(text, max_length=limit) == plain_escape(text, max_length=limit)


@pytest.mark.parametrize("text", HOSTILE[:60] + ["plain text", "A" * 500])
def test_escape_text_is_unchanged_on_hostile_text(text: str):
    assert escape_text(text, max_length=300) == plain_escape(text, max_length=300)


# ------------------------------------------------------------------ properties and GeoJSON


@pytest.fixture(scope="module")
def events(tmp_path_factory) -> dict[str, object]:
    from tests.support import SEED

    folder = tmp_path_factory.mktemp("hostile")
    hostile = [
        build_event(load_event(write_hostile_event(folder / f"h{i}.yaml", p))) for i, p in enumerate(HOSTILE[:8])
    ]
    return {
        "seed": build_event(load_event(SEED)),
        "synthetic": synthetic_event(300),
        **{f"hostile{i}": e for i, e in enumerate(hostile)},
    }


def _sorted(value: dict) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def test_fast_properties_equal_the_contract(events):
    for name, event in events.items():
        fast = FastProperties()
        for incident in event.incidents:
            assert orjson.dumps(fast.incident(incident)) == _sorted(incident_properties(incident)), name
            for located in incident.reports:
                assert orjson.dumps(fast.report(located, incident.id)) == _sorted(
                    report_properties(located, incident.id)
                )
        incident_builder, report_builder = property_builders(event.incidents)
        assert isinstance(getattr(incident_builder, "__self__", None), FastProperties), f"fast path not taken: {name}"


def test_property_builders_fall_back_when_the_contract_changes(events, monkeypatch: pytest.MonkeyPatch):
    import layers.fast_properties as fast_module

    def grown(incident):
        return {**incident_properties(incident), "new_property": 1}

    monkeypatch.setattr(fast_module, "incident_properties", grown)
    incident_builder, _ = property_builders(events["seed"].incidents)
    assert incident_builder is grown


def _plain_geojson(mapped, path: Path, polygons: bool, reports: bool) -> dict[str, bytes]:
    """The unstreamed writer (one list of features, one orjson call), for comparison."""
    from shapely.geometry import mapping

    from incidents.records import event_record
    from layers.geometry import uncertainty_circles
    from maps.export.geojson import note_records, sibling

    def point(lon, lat):
        return {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}

    incidents = mapped.incidents
    event = event_record(mapped.title, mapped.timezone, mapped.context)
    features = [
        {
            "type": "Feature",
            "id": i.id,
            "geometry": point(i.geocode.lon, i.geocode.lat),
            "properties": incident_properties(i),
        }
        for i in incidents
    ]
    notes = note_records(mapped)
    out = {path.name: _sorted(feature_collection(features, mapped.title, event, notes)) + b"\n"}
    if polygons:
        circles = uncertainty_circles(
            [i.geocode.lon for i in incidents],
            [i.geocode.lat for i in incidents],
            [i.geocode.radius_m for i in incidents],
        )
        shapes = []
        for inc, circle in zip(incidents, circles, strict=True):
            geometry = mapping(circle)
            props = {k: v for k, v in incident_properties(inc).items() if k != "reports"}
            shapes.append(
                {
                    "type": "Feature",
                    "id": inc.id,
                    "properties": props,
                    "geometry": {"type": geometry["type"], "coordinates": round_coords(geometry["coordinates"])},
                }
            )
        out[sibling(path, "uncertainty").name] = (
            _sorted(feature_collection(shapes, f"{mapped.title} (uncertainty)")) + b"\n"
        )
    if reports:
        rows = [
            {
                "type": "Feature",
                "id": r.report.id,
                "geometry": point(r.geocode.lon, r.geocode.lat),
                "properties": report_properties(r, inc.id),
            }
            for inc in incidents
            for r in inc.reports
        ]
        out[sibling(path, "reports").name] = (
            _sorted(feature_collection(rows, f"{mapped.title} (reports)", event, notes)) + b"\n"
        )
    return out


@pytest.mark.parametrize("name", ["seed", "synthetic", "hostile0", "hostile3"])
def test_streamed_geojson_is_byte_identical_to_the_plain_writer(
    events, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import maps.export.geojson as geojson

    monkeypatch.setattr(geojson, "CHUNK", 7)  # many chunks even for small events
    monkeypatch.setattr(geojson, "WRITEBACK", 4096)  # and early writeback of what was written so far
    advised: list[tuple[int, int]] = []
    real_fadvise = os.posix_fadvise

    def fadvise(fd: int, offset: int, length: int, advice: int) -> None:
        advised.append((offset, length))
        real_fadvise(fd, offset, length, advice)

    monkeypatch.setattr(geojson.os, "posix_fadvise", fadvise)
    mapped = events[name]
    written = write_geojson(mapped, tmp_path / "out.geojson", polygons=True, reports=True)
    expected = _plain_geojson(mapped, tmp_path / "out.geojson", polygons=True, reports=True)
    assert {p.name: p.read_bytes() for p in written} == expected
    assert not list(tmp_path.glob(".*.tmp"))
    if sum(len(b) for b in expected.values()) > 3 * 4096:
        assert advised and all(length >= 4096 for _, length in advised)


def test_writeback_advice_refused_changes_nothing(events, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import maps.export.geojson as geojson

    def refuse(*_: object) -> None:
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(geojson, "WRITEBACK", 1024)
    monkeypatch.setattr(geojson.os, "posix_fadvise", refuse)
    [path] = write_geojson(events["synthetic"], tmp_path / "out.geojson")
    assert path.read_bytes() == _plain_geojson(events["synthetic"], path, False, False)["out.geojson"]


def test_empty_event_exports_an_empty_collection(tmp_path: Path):
    empty = synthetic_event(0)
    [path] = write_geojson(empty, tmp_path / "empty.geojson")
    doc = orjson.loads(path.read_bytes())
    assert doc["features"] == [] and doc["type"] == "FeatureCollection"
    assert path.read_bytes() == _plain_geojson(empty, path, False, False)["empty.geojson"]


# ------------------------------------------------------------------ GeoNames index


def test_geonames_index_lookups():
    from incidents.geocode.geonames import geonames_index

    index = geonames_index()
    rows = index.rows("caracas")
    assert rows and any(index.names[r] == "Caracas" and index.country[r] == "VE" for r in rows)
    assert index.rows("no such place anywhere") == () and index.rows("") == ()
    keys = list(index.keys[:50])
    assert keys == sorted(keys, key=lambda k: k.encode())
    for key in keys:
        assert index.rows(key) and index.keys[index._find(key)] == key
    ve = index.keys_in_country("VE")
    assert "caracas" in ve and "maracay" in ve and index.keys_in_country("XX") == []
    assert all(any(index.country[r] == "VE" for r in index.rows(k)) for k in ve[:200])
    assert (
        len(index.country) == len(index.ids)
        and index.country[index.n_cities] == index.country_codes[int(index.country_ids[index.n_cities])]
    )


def test_geonames_index_pickles_without_the_derived_country_list():
    import pickle

    from incidents.geocode.geonames import geonames_index

    index = geonames_index()
    assert index.country  # built
    again = pickle.loads(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
    assert "country" not in again.__dict__ and again.country == index.country
    assert again.rows("maracay") == index.rows("maracay")


def test_cold_geocode_does_not_import_numpy():
    """A warm cache is loaded without numpy (its import is a fifth of a cold start): world places and GeoNames."""
    import subprocess
    import sys

    from incidents.geocode import default_resolver
    from incidents.models import GeoContext

    for place in ("near Maracay", "Zulia"):  # every cached index the resolver uses exists, as after the first run ever
        default_resolver().resolve(place, GeoContext(country="VE", city="Caracas"))
    code = (
        "import sys\n"
        "from incidents.geocode import default_resolver\n"
        "from incidents.models import GeoContext\n"
        "r = default_resolver()\n"
        "found = [r.resolve(p, GeoContext(country='VE', city='Caracas')).method for p in ('near Maracay', 'Zulia')]\n"
        "print(found, 'numpy' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=root, check=True)
    # Maracay from GeoNames, Zulia (a state) from the world table
    assert done.stdout.split() == ["['geonames',", "'gazetteer']", "False"], done.stdout + done.stderr


# ------------------------------------------------------------------ progress bars


def test_progress_bar_thresholds(monkeypatch: pytest.MonkeyPatch):
    import io
    import sys

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert not show_progress(PROGRESS_TTY_THRESHOLD) and show_progress(PROGRESS_THRESHOLD)
    assert show_progress(3, True) and not show_progress(10**6, False)
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert show_progress(PROGRESS_TTY_THRESHOLD) and not show_progress(PROGRESS_TTY_THRESHOLD - 1)
