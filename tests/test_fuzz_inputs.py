"""Property tests: whatever an incident file holds, loading and rendering it either works or says why in one line.

The only outcomes allowed are success, or an InputError (IncidentMapError) whose message is one line naming the
file; from the CLI, exit status 0 or 2 with that line on stderr, never a traceback and never a partial output.
Examples are derandomised (CI is reproducible) and few (this file stays well under 30 s).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from incidents.errors import IncidentMapError
from incidents.loader import load_event
from incidents.pipeline import build_event
from incidents.taxonomy import event_types
from maps.cli import main
from tests.hostile import HOSTILE, HOSTILE_URLS

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ------------------------------------------------------------------ strategies

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
structures = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25,
)
FIELDS = ["title", "description", "timezone", "reference_date", "context", "sources", "reports", "notes"]
documents = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), structures, max_size=8) | structures
YAML_ALPHABET = "abc xyz:-[]{},&*!|>'\"%@`#?\n\t012.\\\u00e9\u2028"
yaml_texts = st.text(alphabet=YAML_ALPHABET, max_size=200)

SHORT_HOSTILE = [h for h in HOSTILE if len(h) <= 200]
BROKEN: list[Any] = [
    None,
    "",
    "   ",
    0,
    -1,
    2**70,
    1e309,
    -1e309,
    math.nan,
    True,
    [],
    {},
    {"x": 1},
    [1, [2]],
    "2026-13-45",
    "9999-12-31",
    "0001-01-01",
    "x" * 30_000,
    "late Monday night",
    "2026-01-06T25:00",
    "\u202eevil",
    "A" * 200,
]
# written into the file as they stand, where a value would be: what a dumper never produces
RAW_YAML = [
    "1" + "0" * 5_000,
    "!!int 0x",
    "!!bool maybe",
    "!!timestamp garbage",
    "!!float x",
    "!!binary '!!!'",
    "!!map [1]",
    "!!python/object/apply:os.system [id]",
    "*undefined",
    "&a [*a]",
    ".nan",
    "-.inf",
    "9999-12-31T23:00:00-05:00",
    "0001-01-01",
    "2026-01-06T00:00:00+99:00",
    "!!set {a, b}",
    "{a: 1, a: 2}",
    "[" * 60,
    "'unterminated",
    "\x07",
    "|\n  block",
    "? [a]\n  : b",
    "<<: 5",
    "!local x",
]
RAW_JSON = ["NaN", "-Infinity", "1" + "0" * 5_000, "1e999", '"\\ud800"', "[" * 60, "{}", '"\\u0000"', "-0"]
broken = st.sampled_from(BROKEN) | st.sampled_from(SHORT_HOSTILE)
TYPES = list(event_types())
PLACES = [
    "Caracas",
    "near Miraflores Palace",
    "in the vicinity of the presidential palace",
    "La Carlota, Caracas",
    "Valencia, Venezuela",
    "Nowhereville Xyzzy",
    "north of Maracay",
    *SHORT_HOSTILE[:10],
]
WHENS = st.sampled_from(["2026-01-06", "2026-01-05T21:30:00", "2026-01-06T01:00:00-04:00", "late Monday night"]) | (
    st.fixed_dictionaries(
        {"start": st.sampled_from(["2026-01-05", "2026-01-05T20:00:00"])},
        optional={
            "end": st.sampled_from(["2026-01-06", "2026-01-04", "2026-01-06T02:00:00"]),
            "precision": st.sampled_from(["exact", "hour", "part_of_day", "day", "week", "month"]),
            "text": st.sampled_from(["late night", "early morning", "{{ 7*7 }}"]),
        },
    )
)
REPORT_FIELDS = [
    "id",
    "event_type",
    "where",
    "when",
    "source",
    "summary",
    "lat",
    "lon",
    "radius_m",
    "precision",
    "place_role",
    "hedges",
    "media",
    "url",
    "override",
    "span",
    "wher",
]
TOP_FIELDS = ["title", "description", "timezone", "reference_date", "context", "sources", "reports", "notes", "x"]


@st.composite
def valid_report(draw: st.DrawFn, n: int) -> dict:
    """A valid report (its place may still not resolve, its time may still be unresolvable: those are mapped as
    unresolved, not refused)."""
    item = {
        "id": f"r{n}",
        "event_type": draw(st.sampled_from(TYPES)),
        "where": draw(st.sampled_from(PLACES)),
        "when": draw(WHENS),
        "source": draw(st.sampled_from(["s1", "s2"])),
        "summary": draw(st.sampled_from(["Shots heard.", *SHORT_HOSTILE[:40]])),
        "hedges": draw(st.lists(st.sampled_from(["allegedly", "reportedly", *SHORT_HOSTILE[:20]]), max_size=3)),
        "media": draw(st.lists(st.sampled_from([*HOSTILE_URLS, "https://example.org/v.mp4"]), max_size=3)),
    }
    if draw(st.booleans()):
        item["lat"], item["lon"] = draw(st.floats(-90, 90)), draw(st.floats(-180, 180))
        if draw(st.booleans()):
            item["radius_m"] = draw(st.floats(0.001, 20_000_000))
    if draw(st.booleans()):
        item["precision"] = draw(st.sampled_from(["landmark", "district", "city", "region", "country"]))
    if draw(st.booleans()):
        item["override"] = {"status": draw(st.sampled_from(["confirmed", "unconfirmed"])), "reason": "Checked."}
    return item


@st.composite
def mixed_documents(draw: st.DrawFn, as_json: bool) -> tuple[str, bool] | None:
    """A valid incident file with zero to two fields broken (a bad value, or raw YAML/JSON text), as text, and
    whether it is still the valid file (no field broken)."""
    doc: dict[str, Any] = {
        "title": "Fuzzed event",
        "timezone": draw(st.sampled_from(["America/Caracas", "UTC", "Asia/Kolkata", "Pacific/Kiritimati"])),
        "reference_date": "2026-01-06",
        "context": {"country": "VE", "city": "Caracas"},
        "sources": [
            {"id": "s1", "name": "Someone", "handle": "@someone"},
            {"id": "s2", "name": "Outlet", "kind": "media", "url": "https://example.org", "cites": ["s1"]},
        ],
        "reports": [draw(valid_report(n)) for n in range(draw(st.integers(1, 5)))],
        "notes": [{"id": "n1", "text": "A rumour.", "source": "s1"}],
    }
    raw: dict[str, str] = {}
    broken_fields = draw(st.integers(0, 2))
    for k in range(broken_fields):
        value: Any = draw(broken | st.just(None).map(lambda _, k=k: f"__RAW{k}__"))
        if isinstance(value, str) and value.startswith("__RAW"):
            raw[value] = draw(st.sampled_from(RAW_JSON if as_json else RAW_YAML))
        target = draw(st.sampled_from(["top", "report", "report", "source", "note"]))
        if target == "top":
            doc[draw(st.sampled_from(TOP_FIELDS))] = value
        elif target == "report" and isinstance(doc.get("reports"), list) and doc["reports"]:
            doc["reports"][draw(st.integers(0, len(doc["reports"]) - 1))][draw(st.sampled_from(REPORT_FIELDS))] = value
        elif target == "source" and isinstance(doc.get("sources"), list):
            doc["sources"][0][draw(st.sampled_from(["id", "name", "handle", "kind", "url", "cites"]))] = value
        elif isinstance(doc.get("notes"), list):
            doc["notes"][0][draw(st.sampled_from(["id", "text", "source", "hedges", "when"]))] = value
    try:
        text = json.dumps(doc, ensure_ascii=False) if as_json else yaml.safe_dump(doc, allow_unicode=True)
    except (ValueError, TypeError, yaml.YAMLError):
        return None
    for placeholder, snippet in raw.items():
        text = text.replace(f'"{placeholder}"' if as_json else placeholder, snippet)
    return text, broken_fields == 0


# ------------------------------------------------------------------ checks


def load_outcome(path: Path) -> object:
    """load_event(path), or None after checking the InputError is one line naming the file."""
    try:
        loaded = load_event(path)
    except IncidentMapError as exc:
        event("refused")
        line = str(exc)
        assert "\n" not in line and "\r" not in line, line[:300]
        assert line.startswith(str(path)), line[:300]
        assert len(line) < 2_000, line[:300]
        return None
    event("loaded")
    return loaded


def write_yaml(path: Path, doc: object) -> bool:
    """`doc` as YAML at `path`; False if yaml itself cannot represent it."""
    try:
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    except (yaml.YAMLError, ValueError, UnicodeEncodeError, OverflowError):
        return False
    return True


def write_json(path: Path, doc: object) -> bool:
    try:
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8", errors="surrogatepass")
    except (ValueError, TypeError, OverflowError):
        return False
    return True


def cli_outcome(folder: Path, path: Path, command: str) -> int:
    """Run the CLI in-process; exit 0 writes the output, exit 2 writes nothing and says why in one line."""
    out = folder / ("map.html" if command == "render" else "out.geojson")
    before = {p.name for p in folder.iterdir()}
    err, std = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(std):
        rc = main([command, str(path), "-o", str(out)])
    assert rc in (0, 2), (rc, err.getvalue()[-2000:])
    event(f"exit {rc}")
    if rc == 2:
        lines = err.getvalue().strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("incident-map: error: ") and str(path) in lines[0], lines
        assert {p.name for p in folder.iterdir()} == before, "a refused input writes nothing"
    else:
        assert out.is_file() and not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    return rc


# ------------------------------------------------------------------ properties


@FUZZ
@given(doc=documents, as_json=st.booleans())
def test_random_structures_load_or_fail_in_one_line(doc: object, as_json: bool):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("event.json" if as_json else "event.yaml")
        if (write_json if as_json else write_yaml)(path, doc):
            load_outcome(path)


@FUZZ
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".yaml", ".yml", ".json"]))
def test_random_bytes_load_or_fail_in_one_line(data: bytes, suffix: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"event{suffix}"
        path.write_bytes(data)
        load_outcome(path)


@FUZZ
@given(text=yaml_texts)
def test_random_yaml_syntax_loads_or_fails_in_one_line(text: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "event.yaml"
        path.write_text("title: x\n" + text, encoding="utf-8")
        load_outcome(path)


@settings(FUZZ, max_examples=150)
@given(data=st.data(), as_json=st.booleans())
def test_reports_with_broken_fields_load_or_fail_and_loaded_ones_map(data: st.DataObject, as_json: bool):
    drawn = data.draw(mixed_documents(as_json))
    if drawn is None:
        return
    text, valid = drawn
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("event.json" if as_json else "event.yaml")
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        loaded = load_outcome(path)
        assert loaded is not None or not valid, "a valid incident file (no field broken) must load"
        if loaded is not None:
            counts = build_event(loaded).counts
            assert counts.read == counts.mapped + counts.unresolved == len(loaded.reports)


@settings(FUZZ, max_examples=40)
@given(data=st.data(), command=st.sampled_from(["render", "export"]))
def test_cli_exits_0_or_2_with_one_line(data: st.DataObject, command: str):
    drawn = data.draw(mixed_documents(as_json=False))
    if drawn is None:
        return
    text, valid = drawn
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "event.yaml"
        path.write_text(text, encoding="utf-8")
        rc = cli_outcome(Path(folder), path, command)
        assert rc == 0 or not valid, "a valid incident file (no field broken) must map"


@settings(FUZZ, max_examples=20)
@given(data=st.binary(max_size=300) | yaml_texts.map(lambda t: ("title: x\n" + t).encode()))
def test_cli_on_garbage_exits_2_or_0(data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "event.yaml"
        path.write_bytes(data)
        cli_outcome(Path(folder), path, "render")


# ------------------------------------------------------------------ a seeded mutator over every input format
#
# Valid files of each format (the seed as YAML and JSON, our CSV and GeoJSON report tables of it, a real-shaped
# article) are mutated a few ways at a time by a seeded random generator and given to the CLI in-process. Every
# run must exit 0 or 2; on 2, one stderr line and every old output byte-identical, nothing new beside them; on 0, no
# temporary left. A few seconds per format (INCIDENT_MAP_FUZZ_SECONDS and _CASES to run longer); the first runs of each format
# are benign mutations that must still load, so a loader refusing everything fails.

import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import pytest  # noqa: E402

from tests.support import SEED  # noqa: E402

FUZZ_SECONDS = float(os.environ.get("INCIDENT_MAP_FUZZ_SECONDS", "1.5"))
FUZZ_CASES = int(os.environ.get("INCIDENT_MAP_FUZZ_CASES", "200"))  # at most, per format
MIN_CASES = 8  # always run, whatever the machine's speed: the same seeded cases on every machine
ARTICLE = Path(__file__).parent / "articles" / "valencia_night.txt"
ARTICLE_OPTIONS = ["--date", "2026-01-06", "--tz", "America/Caracas"]
NASTY = [
    "\x00", "\x07", "\x1b[31m", "\u202e", "\u2028", "\ufeff", "\ud7ff", "{{ 7*7 }}", "<script>", '"', "'", ",", ";",
    "\t", "\r", "\n", "[", "]", "{", "}", ":", "- ", "&a ", "*a", "!!int ", "true", "null", "NaN", "-Infinity",
    "1e999", "1" + "0" * 400, "9" * 5_000, "-0", "0x1F", "2026-13-45", "9999-12-31", "=HYPERLINK(1)", "\u00e9",
]
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _seed_formats(folder: Path) -> dict[str, Path]:
    """The seed in each input format: YAML, JSON, and our CSV and GeoJSON report tables; plus an article."""
    yaml_path = folder / "seed.yaml"
    yaml_path.write_bytes(SEED.read_bytes())
    json_path = folder / "seed.json"
    json_path.write_text(json.dumps(yaml.safe_load(SEED.read_text(encoding="utf-8")), default=str), encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        for suffix in ("csv", "geojson"):
            assert main(["export", str(SEED), "-o", str(folder / f"seed.{suffix}"), "--reports"]) == 0, err.getvalue()
    article = folder / "article.txt"
    article.write_bytes(ARTICLE.read_bytes())
    return {"yaml": yaml_path, "json": json_path, "csv": folder / "seed.reports.csv",
            "geojson": folder / "seed.reports.geojson", "article": article}


def _benign(text: str, kind: str, rng: random.Random) -> str:
    """A change that leaves the file valid: extra blank lines, a YAML comment, trailing spaces, reordered JSON."""
    if kind == "yaml":
        return rng.choice(["# fuzzed\n" + text, text + "\n\n", text.replace("\n", "  \n", 3)])
    if kind in ("json", "geojson"):
        return rng.choice([json.dumps(json.loads(text), indent=1), " " + text + "\n"])
    if kind == "csv":
        return text.rstrip("\r\n") + "\r\n"
    return text + "\n\nPosted on social media.\n"


def _mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(text) + 1)
        how = rng.randrange(6)
        if how == 0:  # a number replaced by a nasty value
            numbers = list(NUMBER.finditer(text))
            if numbers:
                m = rng.choice(numbers)
                text = text[: m.start()] + rng.choice(NASTY) + text[m.end():]
        elif how == 1:
            text = text[:at] + rng.choice(NASTY) + text[at:]
        elif how == 2:
            text = text[:at] + text[at + rng.randint(1, 40):]
        elif how == 3:
            lines = text.splitlines(keepends=True)
            if lines:
                i = rng.randrange(len(lines))
                lines.insert(i, lines[i] * rng.randint(1, 3))
                text = "".join(lines)
        elif how == 4:
            text = text[:at]
        else:
            text = text[:at] + chr(rng.choice([0, 9, 10, 13, 34, 39, 44, 58, 0x85, 0x2028, 0x202E, 0xFFFF])) + text[at:]
    return text


OLD = {"out.html": b"old map", "out.geojson": b"old geojson", "out.unresolved.json": b"old list"}


def _argv(kind: str, path: Path, out: Path, n: int) -> list[str]:
    extra = ARTICLE_OPTIONS if kind == "article" else []
    if n % 2:
        return ["export", str(path), "-o", str(out / "out.geojson"), *extra]
    return ["render", str(path), "-o", str(out / "out.html"), "--geojson", str(out / "out.geojson"), *extra]


def _check_run(rc: int, err: str, out: Path, where: str) -> None:
    assert rc in (0, 2), (where, rc, err[-3000:])
    assert "Traceback" not in err, (where, err[-3000:])
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    if rc == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("incident-map: error: "), (where, lines)
        assert after == OLD, (where, "a refused input changed or created outputs", sorted(after))
    else:
        assert not [n for n in after if n.startswith(".")], (where, sorted(after))  # no temporary, no journal
        assert set(OLD) <= set(after) and after["out.geojson"] != OLD["out.geojson"], where


@pytest.fixture(scope="module")
def seed_formats(tmp_path_factory) -> dict[str, Path]:
    return _seed_formats(tmp_path_factory.mktemp("formats"))


@pytest.mark.parametrize("kind", ["yaml", "json", "csv", "geojson", "article"])
def test_mutated_inputs_of_every_format_exit_0_or_2_and_leave_old_outputs_alone(
    seed_formats: dict[str, Path], tmp_path: Path, kind: str
):
    base = seed_formats[kind].read_text(encoding="utf-8-sig")
    rng = random.Random(f"incident-map fuzz {kind}")
    out = tmp_path / "out"
    out.mkdir()
    path = tmp_path / seed_formats[kind].name.replace("seed.reports.", "seed.")
    deadline = time.monotonic() + FUZZ_SECONDS
    outcomes: dict[int, int] = {0: 0, 2: 0}
    n = 0
    while n < MIN_CASES or (time.monotonic() < deadline and n < FUZZ_CASES):
        benign = n < 2  # the first runs must still load: a loader refusing everything fails here
        text = _benign(base, kind, rng) if benign else _mutate(base, rng)
        raw = text.encode("utf-8", "surrogatepass")
        if not benign and rng.random() < 0.1:  # now and then a byte no UTF-8 text has
            at = rng.randrange(len(raw) + 1)
            raw = raw[:at] + bytes([rng.choice([0x80, 0xC3, 0xFE, 0xFF])]) + raw[at:]
        path.write_bytes(raw)
        for name, data in OLD.items():
            (out / name).write_bytes(data)
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            rc = main(_argv(kind, path, out, n))
        _check_run(rc, err.getvalue(), out, f"{kind} case {n}: {raw[:200]!r}")
        if benign:
            assert rc == 0, (kind, n, err.getvalue()[-2000:])
        outcomes[rc] += 1
        n += 1
    assert outcomes[2] > 0, outcomes  # the mutations reached the checks (decided within the first MIN_CASES)


def test_mutated_inputs_in_real_processes(seed_formats: dict[str, Path], tmp_path: Path):
    """The same checks through `python -m maps.cli`: what a user's shell sees (exit status, stderr)."""
    rng = random.Random("incident-map fuzz processes")
    out = tmp_path / "out"
    out.mkdir()
    for n, kind in enumerate(["yaml", "geojson"]):
        path = tmp_path / f"case{n}{seed_formats[kind].suffix}"
        path.write_text(_mutate(seed_formats[kind].read_text(encoding="utf-8-sig"), rng), encoding="utf-8",
                        errors="surrogatepass")
        for name, data in OLD.items():
            (out / name).write_bytes(data)
        done = subprocess.run([sys.executable, "-m", "maps.cli", *_argv(kind, path, out, n)], capture_output=True,
                              text=True, timeout=300)
        _check_run(done.returncode, done.stderr, out, f"{kind} process {n}")
