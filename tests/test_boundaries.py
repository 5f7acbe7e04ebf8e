"""Edges that small deliberate bugs hide behind: `>` against `>=` at the vagueness limits, a qualifier with no
place after it, formula prefixes of spreadsheets (an independent list, "\\r" included) with exact round trips, and
bidi controls and line separators in the escaping function."""

from __future__ import annotations

import pytest

from incidents.errors import PlaceNotFound
from incidents.formats.table import neutralise, unneutralise
from incidents.geocode.qualifiers import parse_place_phrase
from incidents.models import GeoContext
from incidents.verify import StatusPolicy
from layers.escape import escape_text, safe_link, safe_url
from tests.incident_factories import located, source

VIDEO = ("https://example.org/video.mp4",)

# ------------------------------------------------------------------ vagueness: exactly at the limits


def _counted(policy: StatusPolicy, finest_m: float, other_m: float) -> int:
    precise = located("p", source("precise"), radius_m=finest_m, media=VIDEO)
    other = located("o", source("other"), radius_m=other_m, media=VIDEO)
    return policy.assess([precise, other]).independent_sources


def test_a_source_exactly_at_vague_min_radius_m_still_counts():
    policy = StatusPolicy()
    limit = policy.vague_min_radius_m
    assert limit == 2_000.0
    assert _counted(policy, 100.0, limit) == 2  # 20 x the finest, but within the 2 km floor: never too vague
    assert _counted(policy, 100.0, limit + 0.5) == 1


def test_a_source_exactly_vague_ratio_times_the_finest_still_counts():
    policy = StatusPolicy()
    finest = 1_000.0  # so that ratio x finest (5 km) is above the 2 km floor
    assert _counted(policy, finest, policy.vague_ratio * finest) == 2
    assert _counted(policy, finest, policy.vague_ratio * finest + 0.5) == 1


def test_the_limits_follow_the_policy_values():
    policy = StatusPolicy(vague_ratio=2.0, vague_min_radius_m=500.0)
    assert _counted(policy, 300.0, 600.0) == 2 and _counted(policy, 300.0, 601.0) == 1
    assert _counted(policy, 100.0, 500.0) == 2 and _counted(policy, 100.0, 501.0) == 1


# ------------------------------------------------------------------ a qualifier alone


@pytest.mark.parametrize("text", ["near", "Near", "  near  ", "in the vicinity of", "north of"])
def test_a_qualifier_with_no_place_after_it_is_the_whole_name(text: str):
    phrase = parse_place_phrase(text)
    assert phrase.qualifier is None and phrase.core == " ".join(text.split())


def test_near_alone_is_not_found_rather_than_a_place():
    from incidents.geocode import default_resolver

    with pytest.raises(PlaceNotFound):
        default_resolver().resolve("near", GeoContext(country="VE", city="Caracas"))


def test_a_qualifier_before_a_place_is_split_off():
    phrase = parse_place_phrase("near Miraflores Palace")
    assert phrase.qualifier == "near" and phrase.core == "Miraflores Palace"


# ------------------------------------------------------------------ spreadsheet formulas

# Written from the spreadsheet programs' documentation (OWASP "CSV injection"), not from our FORMULA_START.
SPREADSHEET_FORMULA_PREFIXES = ["=", "+", "-", "@", "\t", "\r"]
BODIES = ["", "1+1", "HYPERLINK(\"http://x\")", "cmd|' /C calc'!A0", "'", "''", "=x", " plain"]


@pytest.mark.parametrize("prefix", SPREADSHEET_FORMULA_PREFIXES, ids=repr)
def test_every_formula_prefix_is_neutralised_and_round_trips_exactly(prefix: str):
    for body in BODIES:
        text = prefix + body
        protected = neutralise(text)
        assert protected == "'" + text, (text, protected)
        assert unneutralise(protected) == text


@pytest.mark.parametrize("text", ["plain", "'quoted", "a=b", " =not first", "''", "'", "", "1-2", "\u00e9=x"])
def test_text_that_no_spreadsheet_runs_is_left_alone_and_round_trips(text: str):
    assert unneutralise(neutralise(text)) == text
    if not text.startswith("'") or text[1:2] not in ("'", *SPREADSHEET_FORMULA_PREFIXES):
        assert neutralise(text) == text


@pytest.mark.parametrize("prefix", SPREADSHEET_FORMULA_PREFIXES, ids=repr)
def test_our_own_apostrophe_before_a_formula_prefix_round_trips(prefix: str):
    text = "'" + prefix + "SUM(A1)"  # what an analyst typed: an apostrophe, then a formula character
    assert unneutralise(neutralise(text)) == text and neutralise(text) == "'" + text


# ------------------------------------------------------------------ escaping: bidi controls and separators

BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


@pytest.mark.parametrize("char", BIDI, ids=lambda c: f"U+{ord(c):04X}")
def test_bidi_controls_never_reach_the_page(char: str):
    assert escape_text(f"gunfire{char}evil") == "gunfire\ufffdevil"
    assert safe_url(f"https://example.org/{char}x") is None
    assert char not in safe_link(f"https://example.org/{char}x", f"a{char}b")


@pytest.mark.parametrize("char", ["\u2028", "\u2029"], ids=lambda c: f"U+{ord(c):04X}")
def test_line_and_paragraph_separators_are_encoded(char: str):
    # a raw U+2028 ends a line inside a <script> string in older engines; encoded, it shows as a line break
    escaped = escape_text(f"one{char}two")
    assert escaped == f"one&#x{ord(char):04x};two" and char not in escaped
    assert safe_url(f"https://example.org/a{char}b") is None
