"""Loading incident files and combining inputs: every mistake is one line naming file, record and field."""

from __future__ import annotations

import hashlib
import json
import sys
import types
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from incidents import loader
from incidents.errors import InputError
from incidents.inputs import combine_events, read_inputs
from incidents.loader import load_event
from incidents.models import EventFile
from incidents.timewindow import resolve_when

ROOT = Path(__file__).resolve().parent.parent
FILES = Path(__file__).resolve().parent / "data" / "incident_files"
SEED = ROOT / "seeds" / "caracas.yaml"


def _error(path: Path) -> InputError:
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(InputError) as info:
        load_event(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before, "inputs are never modified"
    line = info.value.one_line()
    assert "\n" not in line and line.startswith(str(path))
    return info.value


def test_the_bundled_seed_loads() -> None:
    event = load_event(SEED)
    assert event.timezone == "America/Caracas"
    assert len(event.reports) == 7 and len(event.sources) == 6 and len(event.notes) == 3
    assert {r.source for r in event.reports} <= {s.id for s in event.sources}


def test_minimal_yaml_and_json_load() -> None:
    event = load_event(FILES / "minimal.yaml")
    assert [r.id for r in event.reports] == ["r1", "r2"]
    assert event.reports[0].when.start == date(2026, 1, 6)
    assert event.sources[1].cites == ["alice"]
    data = load_event(FILES / "minimal.json")
    assert data.timezone == "Asia/Kolkata"
    assert data.reports[0].when.start == date(2026, 3, 1)  # a JSON date string stays a date (the whole day)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bad_date.yaml", "report 'r3' (reports[2]): field 'when.start': invalid date '2026-13-01'"),
        ("unknown_type.yaml",
         "report 'shots-1' (reports[0]): field 'event_type': unknown event type 'gunshots'; known: gunfire, "),
        ("unknown_source.yaml", "report 'r2' (reports[1]): field 'source': unknown source 'nobody' (sources: s)"),
        ("duplicate_id.yaml", "report 'r1' (reports[1]): field 'id': duplicate id 'r1' (first used by reports[0])"),
        ("unknown_field.yaml", "report 'r1' (reports[0]): field 'sumary': unknown field (check its spelling)"),
        ("syntax_error.yaml", "invalid YAML at line 4 column"),
        ("not_mapping.yaml", "the top level must be a mapping with title, sources and reports, not list"),
        ("latin1.yaml", "not UTF-8 (bad byte at offset 11); save the file as UTF-8"),
        ("empty.yaml", "file is empty"),
    ],
)
def test_bad_files_give_one_line_naming_file_record_and_field(name: str, expected: str) -> None:
    error = _error(FILES / name)
    assert f"{FILES / name}: {expected}" in error.one_line()


def test_the_error_carries_its_parts() -> None:
    error = _error(FILES / "bad_date.yaml")
    assert (error.record, error.field) == ("report 'r3' (reports[2])", "when.start")


@pytest.mark.parametrize(
    ("suffix", "content", "expected"),
    [
        (".yaml", b"title: t\x00\n", "NUL bytes"),
        (".yaml", "title: t\n".encode("utf-16"), "UTF-16; save it as UTF-8"),
        (".yaml", b"title: a\nreports: []\nreports: []\n", "invalid YAML at line 3 column 1: duplicate key 'reports'"),
        (".json", b'{"title": "a", "title": "b"}', "invalid JSON: duplicate key 'title'"),
        (".json", b'{"title": "a",\n "reports": [}', "invalid JSON at line 2 column"),
        (".json", b"[1, 2]", "not list"),
        (".yaml", b"null\n", "not nothing"),
        (".yaml", b"title: t\nsources: [{id: a, name: A, cites: [ghost]}]\n",
         "source 'a' (sources[0]): field 'cites': cites unknown source 'ghost'"),
        (".yaml", b"title: t\ntimezone: Mars/Base\n", "field 'timezone': unknown time zone 'Mars/Base'"),
        (".yaml", b"title: t\ncontext: {country: Venezuela}\n", "field 'context.country': must be an ISO 3166-1"),
        (".yaml", b"title: t\nsources: !!python/object:os.system {}\n", "invalid YAML at line 2"),
        (".yaml", b"title: [" * 2000, "invalid YAML"),
        (".yaml", b"title: t\nsources: [{id: s, name: S}]\nreports:\n  - {id: r1, event_type: gunfire, where: x, "
                  b"when: {start: 2026-01-07, end: 2026-01-06T25:00}, source: s, summary: s}\n",
         "report 'r1' (reports[0]): field 'when.end': invalid date '2026-01-06T25:00'"),
        (".yaml", b"title: t\nsources: [{id: s, name: S}]\nreports:\n  - {id: r1, event_type: gunfire, where: x, "
                  b"when: 2026-01-06, source: s, summary: s, lat: 95, lon: 0}\n",
         "report 'r1' (reports[0]): field 'lat': Input should be less than or equal to 90 (got '95')"),
        (".yaml", b"title: t\nsources: [{id: s, name: S}]\nreports:\n  - {event_type: gunfire}\n",
         "report reports[0]: field 'id': required field is missing"),
        (".xml", b"<a/>", "unknown input type '.xml'"),
    ],
)
def test_malformed_inputs_are_one_clear_line(tmp_path: Path, suffix: str, content: bytes, expected: str) -> None:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(content)
    error = _error(path)
    assert expected in error.one_line()


def test_huge_files_are_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_INPUT_BYTES", 2 * 2**20)
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"#" * (3 * 2**20))
    assert "file is 3 MiB; the limit is 2 MiB" in _error(path).one_line()


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_event(tmp_path / "nope.yaml")


def test_csv_without_the_tabular_module_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "incidents.formats.table", None)
    path = tmp_path / "reports.csv"
    path.write_text("id,event_type\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"reports\.csv: CSV input not available"):
        load_event(path)


def test_csv_and_geojson_go_through_the_tabular_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("incidents.formats.table")
    doc = {"title": "From a table", "sources": [{"id": "s", "name": "S"}], "reports": [
        {"id": "t1", "event_type": "protest", "where": "x", "when": "2026-01-06", "source": "s", "summary": "s"},
        {"id": "t2", "event_type": "protest", "where": "x", "when": "2026-01-06", "source": "ghost", "summary": "s"},
    ]}
    fake.read_tabular_event = lambda path: json.loads(json.dumps(doc))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "incidents.formats.table", fake)
    path = tmp_path / "rows.geojson"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match=r"rows\.geojson: report 't2' \(reports\[1\]\): field 'source'"):
        load_event(path)
    doc["reports"].pop()
    assert [r.id for r in load_event(path).reports] == ["t1"]


# ------------------------------------------------------------------ several inputs


def _write(tmp_path: Path, name: str, doc: dict) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _doc(title: str, ids: list[str], tz: str = "America/Caracas", **extra: object) -> dict:
    return {"title": title, "timezone": tz, "sources": [{"id": "s", "name": "S"}], **extra, "reports": [
        {"id": i, "event_type": "gunfire", "where": "x", "when": "2026-03-01", "source": "s", "summary": "s"}
        for i in ids]}


def test_several_files_combine_and_the_first_wins(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.json", _doc("Night one", ["a1", "a2"], context={"country": "VE"}))
    b = _write(tmp_path, "b.json", _doc("Night two", ["b1"], context={"city": "Caracas"}))
    event = read_inputs([a, b])
    assert event.title == "Night one + Night two"
    assert [r.id for r in event.reports] == ["a1", "a2", "b1"]
    assert len(event.sources) == 1  # the same source in both files is one source
    assert (event.context.country, event.context.city) == ("VE", "Caracas")


def test_a_report_id_in_two_files_names_both(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.json", _doc("A", ["r1"]))
    b = _write(tmp_path, "b.json", _doc("B", ["r2", "r1"]))
    with pytest.raises(InputError) as info:
        read_inputs([a, b])
    expected = f"{b}: report 'r1': field 'id': report id 'r1' also appears in {a}; ids must be unique"
    assert info.value.one_line() == expected


def test_a_source_defined_differently_in_two_files_is_an_error(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.json", _doc("A", ["r1"]))
    other = _doc("B", ["r2"])
    other["sources"][0]["name"] = "Someone else"
    b = _write(tmp_path, "b.json", other)
    with pytest.raises(InputError, match="source id 's' is defined differently"):
        read_inputs([a, b])


def test_contradicting_contexts_are_an_error(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.json", _doc("A", ["r1"], context={"country": "VE"}))
    b = _write(tmp_path, "b.json", _doc("B", ["r2"], context={"country": "CO"}))
    with pytest.raises(InputError, match="field 'context.country': context country 'CO' contradicts 'VE'"):
        read_inputs([a, b])


def test_a_later_file_keeps_its_own_time_zone(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.json", _doc("A", ["r1"], tz="America/Caracas"))
    b = _write(tmp_path, "b.json", _doc("B", ["r2"], tz="Asia/Kolkata"))
    event = read_inputs([a, b])
    windows = {r.id: resolve_when(r.when, event.timezone, event.reference_date) for r in event.reports}
    assert windows["r1"].start == datetime(2026, 3, 1, 4, tzinfo=UTC)  # Caracas midnight
    assert windows["r2"].start == datetime(2026, 2, 28, 18, 30, tzinfo=UTC)  # Kolkata midnight
    assert windows["r2"].end == datetime(2026, 3, 1, 18, 30, tzinfo=UTC)


def test_articles_go_through_the_extractor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict] = []

    def draft_event(text: str, *, source_path: str, article_date: date | None, tz: str | None) -> EventFile:
        calls.append({"text": text, "source_path": source_path, "article_date": article_date, "tz": tz})
        return EventFile.model_validate(_doc("Drafted", ["d1"], tz=tz or "UTC"))

    fake = types.ModuleType("incidents.extract")
    fake.draft_event = draft_event  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "incidents.extract", fake)
    article = tmp_path / "story.txt"
    article.write_text("Gunfire was heard.\n", encoding="utf-8")
    event = read_inputs([article], article_date=date(2026, 1, 6), tz="America/Caracas")
    assert [r.id for r in event.reports] == ["d1"]
    assert calls == [{"text": "Gunfire was heard.\n", "source_path": str(article),
                      "article_date": date(2026, 1, 6), "tz": "America/Caracas"}]


def test_articles_without_the_extractor_are_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "incidents.extract", None)
    article = tmp_path / "story.md"
    article.write_text("text", encoding="utf-8")
    with pytest.raises(InputError, match=r"story\.md: article input is not available"):
        read_inputs([article])


def test_no_inputs_is_an_error() -> None:
    with pytest.raises(InputError, match="no input files"):
        read_inputs([])


def test_one_event_combines_to_itself() -> None:
    event = load_event(SEED)
    assert combine_events([(SEED, event)]) is event
