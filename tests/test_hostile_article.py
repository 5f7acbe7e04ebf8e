"""A hostile ARTICLE: embedded posts whose texts, display names, handles and links carry tests/hostile.py strings.

Every chunk of payloads becomes one article in the embedded-post shape (`TEXT pic.twitter.com/ID — Name (@handle)
Jan 6, 2026`). `incident-map render` turns it into a map that Chromium opens without a dialog, a script error or an
external request, with no template evaluated and every display name shown literally in the popups; `incident-map
extract` writes a draft that loads.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from incidents.loader import load_event
from maps.cli import main
from tests.hostile import HOSTILE, HOSTILE_URLS
from tests.support import popup_texts

pytestmark = pytest.mark.browser

CHUNKS = 4
HEADLINE = "Hostile night in Caracas {{ 7*7 }} <script>alert('headline')</script> ${alert(0)}"
ALLOWED_POPUP_TAGS = {"DIV", "SVG", "CIRCLE", "H4", "H5", "DL", "DT", "DD", "SPAN", "OL", "LI", "B", "BR", "A"}
# what the author-line grammar cannot hold in a display name (brackets, @, slashes, long dashes, line breaks, links,
# a spaced hyphen: the author dash is the last one before the handle)
_NOT_IN_NAME = re.compile(r"[()@—–/\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]|https?:|\s-{1,2}(?=\s)")
# what escape_text shows as U+FFFD
_SHOWN_AS_REPLACEMENT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_FORTY_NINE = re.compile(r"(?<![\w@.#/-])49(?![\w.])")


def display_name(payload: str) -> str:
    """The payload as a display name the author line can carry (up to 60 characters)."""
    return " ".join(_NOT_IN_NAME.sub(" ", payload).split())[:60].strip(" -") or "X"


def hostile_article(payloads: list[str]) -> str:
    """An article with one embedded post per payload: the payload in the text, the name and (as links) the URLs."""
    lines = [HEADLINE]
    for n, payload in enumerate(payloads):
        url = HOSTILE_URLS[n % len(HOSTILE_URLS)]
        payload = payload.replace("\x00", "")  # a NUL byte makes the file binary: refused, see the last test
        lines.append(f"{payload} Shots fired near Miraflores Palace in Caracas {url} pic.twitter.com/Hx{n}")
        lines.append(f"— {display_name(payload)} (@hostile_{n}) Jan 6, 2026")
    # a handle the grammar refuses: that line stays the publisher's text, never a source
    lines.append("Smoke seen over La Carlota pic.twitter.com/Bad1 — <b>x</b> (@<script>alert(1)</script>) Jan 6, 2026")
    return "\n".join(lines) + "\n"


def run(*args: str) -> int:
    return main(list(args))


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_hostile_article_renders_literally_and_runs_nothing(tmp_path: Path, open_map, chunk: int):
    payloads = HOSTILE[chunk::CHUNKS]
    article = tmp_path / "hostile.txt"
    article.write_text(hostile_article(payloads), encoding="utf-8")
    out = tmp_path / "map.html"
    options = ["--date", "2026-01-06", "--tz", "America/Caracas"]
    assert run("render", str(article), *options, "-o", str(out), "--self-contained", "--no-merge") == 0

    draft = tmp_path / "draft.yaml"
    assert run("extract", str(article), *options, "-o", str(draft)) == 0
    event = load_event(draft)  # the draft loads unchanged
    sources = {s.id: s for s in event.sources}
    expected = {f"hostile-{n}" for n in range(len(payloads))} | {"unattributed"}  # the refused handle's post
    assert {r.source for r in event.reports} == expected, "every post extracts"

    opened = open_map(out)
    popups = popup_texts(opened.page)
    assert len(popups) == len(event.reports) and all(popups)
    for popup in popups:
        assert set(popup["tags"]) <= ALLOWED_POPUP_TAGS, popup["tags"]
        assert popup["handlers"] == []
        assert all(h.startswith(("https://", "http://")) for h in popup["hrefs"])
    visible = "\n".join(p["text"] for p in popups)
    for report in event.reports:
        name = _SHOWN_AS_REPLACEMENT.sub("\ufffd", sources[report.source].name)
        assert name in visible, name
    if any("{{ 7*7 }}" in p for p in payloads):
        assert "{{ 7*7 }}" in visible
    assert not _FORTY_NINE.search(visible), "a template was evaluated"
    page_text = opened.page.evaluate("document.body.innerText")
    assert HEADLINE in page_text and not _FORTY_NINE.search(page_text)
    handlers = opened.page.evaluate("""() => [...document.querySelectorAll('*')]
        .flatMap(e => [...e.attributes].map(a => a.name)).filter(n => n.startsWith('on'))""")
    assert handlers == []
    assert opened.dialogs == [] and opened.errors == [] and opened.external == []


def test_article_with_a_nul_byte_is_refused_in_one_line(tmp_path: Path, capsys):
    article = tmp_path / "nul.txt"
    article.write_text(hostile_article(["x"]).replace("Hostile", "Hostile nul\x00byte"), encoding="utf-8")
    for command in ("render", "extract"):
        out = tmp_path / f"out-{command}"
        assert run(command, str(article), "--date", "2026-01-06", "-o", str(out)) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and str(article) in err[0] and "NUL" in err[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nul.txt"]
