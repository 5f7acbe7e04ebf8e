"""Explicit bad inputs: each is one clear line naming the file (and record and field), exit 2, and nothing written.

Limits (incidents/loader.py): a file may be at most MAX_INPUT_BYTES (200 MiB); YAML aliases may not expand a
document past max(10 x its size, 1 MiB); dates must fall in DATE_YEARS (1000-2999).
"""

from __future__ import annotations

import copy
import gzip
import json
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from incidents.loader import MAX_INPUT_BYTES
from maps.cli import main

GOOD: dict = {
    "title": "Bad input cases",
    "timezone": "America/Caracas",
    "reference_date": "2026-01-06",
    "context": {"country": "VE", "city": "Caracas"},
    "sources": [{"id": "s1", "name": "Someone", "kind": "social"}, {"id": "s2", "name": "Outlet", "kind": "media"}],
    "reports": [
        {
            "id": "r1",
            "event_type": "gunfire",
            "where": "near Miraflores Palace",
            "lat": 10.5,
            "lon": -66.91,
            "radius_m": 500,
            "when": "2026-01-06",
            "source": "s1",
            "summary": "Shots.",
        },
        {
            "id": "r2",
            "event_type": "explosion",
            "where": "Caracas",
            "when": "2026-01-06",
            "source": "s2",
            "summary": "A blast.",
        },
    ],
    "notes": [{"id": "n1", "text": "A rumour.", "source": "s1"}],
}
R1 = "report 'r1' (reports[0])"


def _doc(path: list, value: object) -> bytes:
    """GOOD with the value at `path` replaced, as YAML."""
    doc = copy.deepcopy(GOOD)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode("utf-8")


def _report(**changes: object) -> bytes:
    doc = copy.deepcopy(GOOD)
    doc["reports"][0].update(changes)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode("utf-8")


def _laughs(levels: int = 9) -> bytes:
    """The billion laughs: nine levels of nine aliases each, reached from a real field."""
    lines = ['title: &a0 "lol"']
    for n in range(1, levels + 1):
        lines.append(f"x{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]")
    lines.append(f"description: *a{levels}")
    return ("\n".join(lines) + "\n").encode()


def _hedge_bomb() -> bytes:
    """A valid-looking report whose one hedge of 10,000 characters is repeated 5,000 times by aliases."""
    text = _report().decode()
    big = "x" * 10_000
    return text.replace("summary: Shots.", f"summary: Shots.\n  hedges: [&h '{big}'{', *h' * 5_000}]", 1).encode()


CASES: dict[str, tuple[str, bytes | Callable[[Path], None], tuple[str, ...]]] = {
    # out-of-range coordinates and radii
    "lat-above-90": ("e.yaml", _report(lat=91), (R1, "field 'lat'", "less than or equal to 90")),
    "lat-below-minus-90": ("e.yaml", _report(lat=-90.5), (R1, "field 'lat'")),
    "lon-above-180": ("e.yaml", _report(lon=180.01), (R1, "field 'lon'")),
    "lat-nan": ("e.yaml", _report(lat=float("nan")), (R1, "field 'lat'", "finite")),
    "lon-infinite": ("e.yaml", _report(lon=float("-inf")), (R1, "field 'lon'", "finite")),
    "radius-zero": ("e.yaml", _report(radius_m=0), (R1, "field 'radius_m'", "greater than 0")),
    "radius-negative": ("e.yaml", _report(radius_m=-5), (R1, "field 'radius_m'")),
    "radius-beyond-earth": ("e.yaml", _report(radius_m=3e7), (R1, "field 'radius_m'")),
    "radius-without-point": (
        "e.yaml",
        _doc(["reports", 1, "radius_m"], 100),
        ("report 'r2' (reports[1])", "radius_m needs lat and lon"),
    ),
    # unknown vocabulary
    "unknown-event-type": ("e.yaml", _report(event_type="laser"), (R1, "field 'event_type'", "unknown event type")),
    "unknown-precision": ("e.yaml", _report(precision="galaxy"), (R1, "field 'precision'", "'galaxy'")),
    "unknown-status": (
        "e.yaml",
        _report(override={"status": "maybe", "reason": "x"}),
        (R1, "field 'override.status'", "'maybe'"),
    ),
    "unknown-time-precision": (
        "e.yaml",
        _report(when={"start": "2026-01-06", "precision": "era"}),
        (R1, "field 'when.precision'"),
    ),
    "unknown-place-role": ("e.yaml", _report(place_role="nearby"), (R1, "field 'place_role'")),
    "unknown-source-kind": (
        "e.yaml",
        _doc(["sources", 0, "kind"], "blog"),
        ("source 's1' (sources[0])", "field 'kind'"),
    ),
    # dates that are typos (and would overflow date arithmetic)
    "date-year-9999": ("e.yaml", _report(when="9999-12-31"), (R1, "field 'when.start'", "years 1000-2999")),
    "reference-year-1": ("e.yaml", _doc(["reference_date"], "0001-01-01"), ("field 'reference_date'",)),
    "country-unknown-code": (
        "e.yaml",
        _doc(["context", "country"], "XX"),
        ("field 'context.country'", "unknown country code 'XX'"),
    ),
    "country-name-not-code": ("e.yaml", _doc(["context", "country"], "Venezuela"), ("field 'context.country'",)),
    "timezone-too-long": ("e.yaml", _doc(["timezone"], "A" * 5_000), ("field 'timezone'", "unknown time zone")),
    # encodings and bytes
    "utf16-with-bom": ("e.yaml", yaml.safe_dump(GOOD).encode("utf-16"), ("UTF-16",)),
    "utf16-big-endian": ("e.yaml", b"\xfe\xff" + yaml.safe_dump(GOOD).encode("utf-16-be"), ("UTF-16",)),
    "utf16-without-bom": ("e.yaml", yaml.safe_dump(GOOD).encode("utf-16-le"), ("UTF-16",)),
    "latin1": ("e.yaml", _doc(["title"], "Café à Caracas").decode().encode("latin-1"), ("not UTF-8",)),
    "empty": ("e.yaml", b"", ("file is empty",)),
    "only-whitespace": ("e.json", b" \n\t\r\n", ("file is empty",)),
    "only-a-comment": ("e.yaml", b"# nothing here\n", ("top level must be a mapping",)),
    "binary-garbage": ("e.yaml", random.Random(7).randbytes(4096), ("binary file",)),
    "png-as-yaml": ("e.yaml", b"\x89PNG\r\n\x1a\n" + bytes(range(1, 250)), ("not UTF-8",)),
    "gzip-as-json": ("e.json", gzip.compress(json.dumps(GOOD).encode(), mtime=0), ("binary file",)),
    "control-character": ("e.yaml", b"title: bell \x07 here\n", ("line 1 column 13", "U+0007")),
    # size
    "fifty-mb-string": (
        "e.yaml",
        lambda p: p.write_bytes(_doc(["description"], "AAA").replace(b"AAA", b"A" * 50 * 2**20)),
        ("field 'description'", "at most 20000 characters"),
    ),
    "over-the-size-limit": (
        "e.yaml",
        lambda p: p.open("wb").truncate(MAX_INPUT_BYTES + 2**20),
        ("the limit is 200 MiB",),
    ),
    # YAML structure attacks
    "billion-laughs": ("e.yaml", _laughs(), ("alias bomb",)),
    "alias-bomb-in-a-field": ("e.yaml", _hedge_bomb(), ("alias bomb",)),
    "recursive-alias": ("e.yaml", b"title: x\nnotes: &n [{id: n1, text: *n}]\n", ("recursive",)),
    "deep-nesting": ("e.yaml", b"title: x\ndescription: " + b"[" * 50_000, ("invalid YAML",)),
    "huge-integer": ("e.yaml", _report().replace(b"lat: 10.5", b"lat: 1" + b"0" * 5_000), ("too many digits",)),
    "bad-bool-tag": ("e.yaml", b"title: !!bool maybe\n", ("line 1 column 8", "not a valid bool")),
    "python-tag": ("e.yaml", b"title: !!python/object/apply:os.system [id]\n", ("could not determine a constructor",)),
    "duplicate-key": (
        "e.yaml",
        _report().decode().replace("title:", "reports: []\ntitle:", 1).encode(),
        ("duplicate key 'reports'",),
    ),
    # JSON
    "json-syntax": ("e.json", b'{"title": "x",\n "reports": [}', ("invalid JSON at line 2",)),
    "json-nan": (
        "e.json",
        json.dumps({**GOOD, "reports": [{**GOOD["reports"][0], "lat": float("nan")}]}).encode(),
        (R1, "field 'lat'"),
    ),
    "json-deep": ("e.json", b"[" * 100_000 + b"]" * 100_000, ("nests too deeply",)),
    "json-huge-integer": ("e.json", b'{"title": 1' + b"0" * 5_000 + b"}", ("too many digits",)),
}


def _write(path: Path, content: bytes | Callable[[Path], None]) -> None:
    if callable(content):
        content(path)
    else:
        path.write_bytes(content)


def _one_line(err: str, path: Path, fragments: tuple[str, ...]) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err[:2000]
    line = lines[0]
    assert line.startswith("incident-map: error: ") and str(path) in line, line
    assert len(line) < 1_000, line[:300]
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    return line


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path: Path, capsys, name: str):
    filename, content, fragments = CASES[name]
    path = tmp_path / filename
    _write(path, content)
    commands = [
        ["render", str(path), "-o", str(tmp_path / "map.html"), "--geojson", str(tmp_path / "map.geojson")],
        ["export", str(path), "-o", str(tmp_path / "out.geojson"), "--polygons", "--reports"],
    ]
    for argv in commands:
        assert main(argv) == 2
        captured = capsys.readouterr()
        _one_line(captured.err, path, fragments)
        assert captured.out == ""
    assert [p.name for p in tmp_path.iterdir()] == [filename], "no output and no *.tmp file is left behind"


@pytest.mark.parametrize("name", ["billion-laughs", "utf16-without-bom", "over-the-size-limit"])
def test_bad_input_in_a_real_process_has_no_traceback(tmp_path: Path, name: str):
    filename, content, fragments = CASES[name]
    path = tmp_path / filename
    _write(path, content)
    out = tmp_path / "map.html"
    proc = subprocess.run(
        [sys.executable, "-m", "maps.cli", "render", str(path), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    _one_line(proc.stderr, path, fragments)
    assert [p.name for p in tmp_path.iterdir()] == [filename]


@pytest.mark.parametrize("country", ["AQ", "BV", "UM", "XK"])
def test_countries_without_towns_in_geonames_are_still_countries(tmp_path: Path, country: str):
    from incidents.loader import load_event

    path = tmp_path / "e.yaml"
    path.write_bytes(_doc(["context", "country"], country))
    assert load_event(path).context.country == country


def test_the_good_document_renders(tmp_path: Path, capsys):
    """The cases above differ from a good file only in what they break."""
    path = tmp_path / "good.yaml"
    path.write_bytes(_doc(["title"], GOOD["title"]))
    assert main(["render", str(path), "-o", str(tmp_path / "map.html")]) == 0
    assert "2 reports read, 2 mapped" in capsys.readouterr().err


ARTICLE = (
    "Shooting in Caracas\n"
    "Shots fired near Miraflores Palace in Caracas pic.twitter.com/Ab1 — Someone (@someone) Jan 6, 2026\n"
)
ARTICLE_CASES = {
    "unknown-tz": (ARTICLE, ["--tz", "Mars/Olympus"], ("field '--tz'", "unknown time zone 'Mars/Olympus'")),
    "tz-too-long": (ARTICLE, ["--tz", "A" * 5_000], ("field '--tz'",)),
    "empty-tz": (ARTICLE, ["--tz", ""], ("field '--tz'",)),
    "date-year-1": (ARTICLE, ["--date", "0001-01-01"], ("field '--date'", "years 1000-2999")),
    "post-dated-year-1": (ARTICLE.replace("Jan 6, 2026", "Jan 1, 0001"), [], ("field '--date'", "no date")),
    "no-date": ("Just a headline\nAnd a sentence.\n", [], ("field '--date'",)),
    "nul-byte": (ARTICLE + "\x00", [], ("NUL",)),
}


@pytest.mark.parametrize("name", list(ARTICLE_CASES))
@pytest.mark.parametrize("command", ["render", "extract"])
def test_bad_article_or_option_is_one_line_exit_2(tmp_path: Path, capsys, name: str, command: str):
    text, options, fragments = ARTICLE_CASES[name]
    path = tmp_path / "article.txt"
    path.write_text(text, encoding="utf-8")
    assert main([command, str(path), "-o", str(tmp_path / "out"), *options]) == 2
    _one_line(capsys.readouterr().err, path, fragments)
    assert [p.name for p in tmp_path.iterdir()] == ["article.txt"]


AWKWARD_ARTICLES = {
    "siren-only-line": ARTICLE + "🚨\n",  # a note with nothing left after its prefix
    "paragraph-over-note-limit": ARTICLE + "word " * 6_000 + "\n",
    "link-over-media-limit": ARTICLE.replace("pic.twitter.com/Ab1", "https://x.example/" + "a" * 5_000),
    "run-of-capitalised-words": ARTICLE + "Shots fired in " + " ".join(["Caracas"] * 400) + ".\n",
}


@pytest.mark.parametrize("name", list(AWKWARD_ARTICLES))
def test_awkward_articles_still_render_and_draft(tmp_path: Path, capsys, name: str):
    from incidents.loader import load_event

    path = tmp_path / "article.txt"
    path.write_text(AWKWARD_ARTICLES[name], encoding="utf-8")
    assert main(["render", str(path), "--date", "2026-01-06", "-o", str(tmp_path / "map.html")]) == 0
    assert main(["extract", str(path), "--date", "2026-01-06", "-o", str(tmp_path / "draft.yaml")]) == 0
    draft = load_event(tmp_path / "draft.yaml")
    assert any(r.source == "someone" for r in draft.reports)
    assert "error" not in capsys.readouterr().err
