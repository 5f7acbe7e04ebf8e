"""The geoparsing benchmark: its corpus readers (one tiny corpus per format), its scores and its command line."""

from __future__ import annotations

import json
import math
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from benchmarks.geoparsing import main, run
from benchmarks.geoparsing_corpora import GoldToponym, load_corpora, load_corpus
from benchmarks.geoparsing_scores import MAX_ERROR_KM, Outcome, haversine_km, score
from incidents.errors import InputError
from incidents.models import GeoContext

# (surface text, gold lat, gold lon); None = the gold entry has no coordinates and must be skipped.
CARACAS = ("Caracas", 10.5, -66.9166)  # a few km from GeoNames' Caracas: a hit
PARIS_TEXAS = ("Paris", 33.6609, -95.5555)  # no context: the resolver picks Paris, France, so a miss
MISSPELT = ("Miraflores Palase", 10.5081, -66.9194)  # bundled gazetteer's fuzzy match: a hit, inside the radius
UNKNOWN = ("Xyzzyville", 1.0, 1.0)  # resolves nowhere: a miss
NO_COORDS = ("Somewhere", None, None)
GOLD = [CARACAS, PARIS_TEXAS, MISSPELT, UNKNOWN, NO_COORDS]
ARTICLE = "Caracas, Paris, Miraflores Palase, Xyzzyville and Somewhere."


def _geovirus(rows: list[tuple]) -> str:
    locations = "".join(
        f"<location><name>{escape(name)}</name><start>0</start><end>1</end>"
        + (f"<lat>{lat}</lat><lon>{lon}</lon>" if lat is not None else "")
        + "<page>https://en.wikipedia.org/wiki/X</page></location>"
        for name, lat, lon in rows
    )
    return f"<articles><article><source>s</source><text>{ARTICLE}</text><locations>{locations}</locations></article></articles>"


def _lgl(rows: list[tuple]) -> str:
    toponyms = "".join(
        f"<toponym><start>0</start><end>1</end><phrase>{escape(name)}</phrase>"
        + (
            f'<gaztag geonameid="1"><name>{escape(name)}</name><fclass>P</fclass><fcode>PPL</fcode>'
            f"<lat>{lat}</lat><lon>{lon}</lon></gaztag>"
            if lat is not None
            else ""
        )
        + "</toponym>"
        for name, lat, lon in rows
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><articles><article docid="42"><title>t</title>'
        f"<text><![CDATA[{ARTICLE}]]></text><toponyms count='{len(rows)}'>{toponyms}</toponyms></article></articles>"
    )


def _gwn(rows: list[tuple]) -> str:
    toponyms = "".join(
        f"<toponym><extractedName>{escape(name)}</extractedName><normalisedName/><type>Literal</type>"
        "<modifierType/><nonLocational>No</nonLocational><start>0</start><end>1</end>"
        + (
            f"<geonamesID>1</geonamesID><latitude>{lat}</latitude><longitude>{lon}</longitude>"
            if lat is not None
            else ""
        )
        + "</toponym>"
        for name, lat, lon in rows
    )
    return (
        '<?xml version="1.0" ?><articles><article file="7"><title>t</title><link>l</link>'
        f"<text>{ARTICLE}</text><toponyms>{toponyms}</toponyms></article></articles>"
    )


WRITERS = {"geovirus": _geovirus, "lgl": _lgl, "gwn": _gwn}
DOC_IDS = {"geovirus": "0", "lgl": "42", "gwn": "7"}


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """One corpus file per format, each holding GOLD."""
    folder = tmp_path / "corpora"
    folder.mkdir()
    for fmt, write in WRITERS.items():
        (folder / f"{fmt}.xml").write_text(write(GOLD), encoding="utf-8")
    return folder


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_each_format_is_detected_and_read(corpus_dir: Path, fmt: str) -> None:
    corpus = load_corpus(corpus_dir / f"{fmt}.xml")
    assert corpus.fmt == fmt
    assert corpus.name == fmt
    assert corpus.skipped == 1
    doc = DOC_IDS[fmt]
    assert corpus.toponyms == [GoldToponym(doc, name, lat, lon) for name, lat, lon in GOLD if lat is not None]


def test_a_folder_reads_every_corpus_in_name_order(corpus_dir: Path) -> None:
    corpora = load_corpora([corpus_dir])
    assert [c.name for c in corpora] == ["geovirus", "gwn", "lgl"]
    assert all(len(c.toponyms) == 4 and c.skipped == 1 for c in corpora)


def test_unusable_coordinates_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "odd.xml"
    path.write_text(_lgl([("Caracas", "north", "-66.9"), ("Caracas", 95.0, -66.9), ("", 10.5, -66.9)]))
    corpus = load_corpus(path)
    assert corpus.toponyms == [] and corpus.skipped == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [("<articles><article/></articles>", "no GeoVirus"), ("<articles><article>", "not well-formed XML")],
)
def test_a_bad_corpus_is_an_input_error_naming_the_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(content)
    with pytest.raises(InputError) as caught:
        load_corpus(path)
    assert message in str(caught.value) and str(path) in str(caught.value)


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_corpora([tmp_path / "nope.xml"])


def test_scores_by_hand() -> None:
    outcomes = [Outcome(0.0, 10.0), Outcome(100.0, 50.0), Outcome(200.0, 300.0), Outcome(None, None)]
    s = score(outcomes, seconds=2.0)
    assert (s.toponyms, s.resolved) == (4, 3)
    assert s.coverage == 0.75
    assert s.accuracy_161 == 0.5  # 0 and 100 km are hits; 200 km and the unresolved one are misses
    assert s.median_km == 100.0 and s.mean_km == 100.0  # over resolved toponyms only
    assert s.in_radius == pytest.approx(2 / 3)  # 0 <= 10 and 200 <= 300; 100 > 50
    assert s.per_second == 2.0


def test_auc_runs_from_zero_for_perfect_to_one_for_all_misses() -> None:
    assert score([Outcome(0.0, 1.0)] * 3).auc == 0.0
    assert score([Outcome(None, None)] * 3).auc == pytest.approx(1.0)
    assert score([Outcome(0.0, 1.0), Outcome(None, None)]).auc == pytest.approx(0.5)
    assert score([Outcome(MAX_ERROR_KM * 2, 1.0)]).auc == pytest.approx(1.0)  # clipped at the worst error


def test_empty_scores_are_none_not_errors() -> None:
    s = score([])
    assert s.toponyms == 0 and s.accuracy_161 is None and s.auc is None and s.per_second is None


def test_haversine_known_distance() -> None:
    assert haversine_km(0.0, 0.0, 0.0, 1.0) == pytest.approx(111.195, abs=0.01)
    assert haversine_km(48.8566, 2.3522, 51.5074, -0.1278) == pytest.approx(343.5, abs=1.0)  # Paris–London


def test_resolving_the_tiny_corpora_with_the_real_resolver(corpus_dir: Path) -> None:
    corpora = load_corpora([corpus_dir])
    results = run(corpora)
    assert list(results) == ["geovirus", "gwn", "lgl", "total"]
    for name in ("geovirus", "gwn", "lgl"):
        s = results[name]
        assert (s.toponyms, s.resolved) == (4, 3)  # Xyzzyville is not found...
        assert s.coverage == 0.75
        assert s.accuracy_161 == 0.5  # ...and counts as a miss, like Paris, France for Paris, Texas
        assert s.median_km is not None and s.median_km < 161  # Caracas and the misspelt palace are close
        assert s.mean_km is not None and s.mean_km > 2_000  # Paris is an ocean away
        assert s.in_radius == pytest.approx(2 / 3)
        assert s.auc is not None and 0.25 < s.auc < 1
    assert results["total"].toponyms == 12 and results["total"].accuracy_161 == 0.5


def test_country_context_lets_a_misspelling_resolve(tmp_path: Path) -> None:
    path = tmp_path / "ve.xml"
    path.write_text(_gwn([("Caracass", 10.48801, -66.87919)]))
    corpora = load_corpora([path])
    assert run(corpora)["ve"].accuracy_161 == 0.0  # no context: no fuzzy GeoNames match
    assert run(corpora, context=GeoContext(country="VE"))["ve"].accuracy_161 == 1.0


def test_limit_takes_the_first_toponyms(corpus_dir: Path) -> None:
    results = run(load_corpora([corpus_dir / "lgl.xml"]), limit=1)
    assert results["lgl"].toponyms == 1 and results["lgl"].accuracy_161 == 1.0


def test_command_line_prints_a_table_and_writes_sorted_json(
    corpus_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scores.json"
    assert main([str(corpus_dir), "--json", str(out)]) == 0
    table = capsys.readouterr().out
    assert "acc@161" in table and "total" in table and "context: none" in table
    text = out.read_text(encoding="utf-8")
    payload = json.loads(text)
    assert list(payload) == sorted(payload)
    assert payload["corpora"]["gwn"] == {"format": "gwn", "gold_toponyms": 4, "skipped": 1}
    assert payload["scores"]["total"]["accuracy_161"] == 0.5
    assert math.isclose(payload["scores"]["lgl"]["coverage"], 0.75)


@pytest.mark.parametrize(
    "argv",
    [["/nonexistent/corpus.xml"], ["--limit", "0", "."], ["--country", "Venezuela", "."]],
)
def test_command_line_user_errors_are_one_line_and_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("geoparsing: error:") and err.count("\n") == 1
