"""Drafting incidents from article text: posts and their variants, places, roles, times, hedges, notes and offsets."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from incidents.extract import draft_event, draft_yaml
from incidents.extract.segments import split_article
from incidents.extract.when import find_when
from incidents.geocode import default_resolver
from incidents.loader import load_event
from incidents.merge import distance_m
from incidents.models import GeoContext, PlaceRole, TimePrecision
from incidents.timewindow import resolve_when
from maps.cli import cli, main

ARTICLES = Path(__file__).parent / "articles"
REFERENCE = Path(__file__).parents[2] / "shared" / "reference" / "000_08e073e419b132d4.txt"
SEED = Path(__file__).parents[1] / "seeds" / "caracas.yaml"


def _article(name: str) -> str:
    return (ARTICLES / name).read_text(encoding="utf-8")


def _draft(name: str, **kw):
    return draft_event(_article(name), source_path=name, **kw)


@pytest.mark.parametrize("name", sorted(p.name for p in ARTICLES.glob("*.txt")))
def test_every_segment_and_span_points_at_its_exact_text(name):
    text = _article(name)
    headline, statements, posts = split_article(text)
    for segment in [headline, *statements, *posts]:
        assert text[segment.start : segment.end] == segment.text
    event = draft_event(text, source_path=name)
    for item in [*event.reports, *event.notes]:
        assert item.span is not None and text[item.span.start : item.span.end] == item.span.text


def test_post_variants_are_recognised():
    _, _, posts = split_article(_article("valencia_night.txt"))
    by_handle = {p.handle: p for p in posts}
    # "-- Name (@handle)" on its own line, after a "BREAKING:" post
    assert by_handle["localwatch_ve"].name == "Local Watch" and by_handle["localwatch_ve"].posted == date(2025, 3, 3)
    assert by_handle["localwatch_ve"].text.startswith("BREAKING:")
    # "— @handle" with no display name, a t.co link, a "NOW –" prefix
    assert by_handle["convoytracker"].name is None
    assert by_handle["convoytracker"].media == ("https://t.co/ZzYy12345",)
    # a two-line post opening with an emoji
    assert by_handle["anna_example"].text.startswith("🚨") and "arrested" in by_handle["anna_example"].text
    # a media link with no author line is an unattributed post
    assert [p.media for p in posts if p.handle is None] == [("https://pic.twitter.com/Unatt12345",)]


def test_inline_author_lines_without_spaces():
    _, _, posts = split_article(_article("caracas_inline.txt"))
    assert [(p.handle, p.name) for p in posts] == [("someone_local", "Someone Local"), ("airwatcher", None)]
    assert posts[0].media == ("https://pic.twitter.com/XyZ987abc",)  # link glued to the sentence: "Caracas.pic…"
    _, _, posts = split_article(_article("caracus_overnight.txt"))
    assert [(p.handle, p.name) for p in posts] == [("sky_watch", "Sky Watcher"), ("convoy_eye", None)]
    assert posts[0].text.endswith("Aa11Bb22Cc")  # "…Cc— Sky Watcher": no space before the dash


def test_types_places_roles_and_hedges_per_report():
    event = _draft("valencia_night.txt")
    got = {(r.source, r.event_type): r for r in event.reports}
    assert set(got) == {
        ("article", "armed_movement"),
        ("localwatch-ve", "explosion"),
        ("convoytracker", "armoured_vehicles"),
        ("anna-example", "protest"),
        ("anna-example", "arrests"),
        ("unattributed", "gunfire"),
    }
    assert got[("localwatch-ve", "explosion")].place_role is PlaceRole.observed_from  # "heard in Maracay"
    assert got[("convoytracker", "armoured_vehicles")].place_role is PlaceRole.destination  # "moving toward"
    assert got[("article", "armed_movement")].hedges == ["reportedly"]
    assert got[("anna-example", "arrests")].hedges == ["i believe"]
    assert got[("unattributed", "gunfire")].hedges == ["unconfirmed"]
    assert got[("localwatch-ve", "explosion")].media == ["https://pic.twitter.com/AbC123xyz"]
    assert event.context == GeoContext(country="VE", city="Valencia") and event.timezone == "America/Caracas"


def test_heard_from_and_heading_to_widen_the_radius():
    resolver, ctx = default_resolver(), GeoContext(country="VE")
    at = resolver.resolve("in Maracay, Venezuela", ctx)
    heard = resolver.resolve("heard in Maracay, Venezuela", ctx)
    toward = resolver.resolve("moving toward Maracay, Venezuela", ctx)
    assert heard.role is PlaceRole.observed_from and toward.role is PlaceRole.destination
    assert heard.radius_m > at.radius_m + 4_000 and toward.radius_m > at.radius_m
    assert distance_m(at, heard) < 1


def test_claims_without_a_place_become_notes():
    event = _draft("valencia_night.txt")
    notes = {n.text: n for n in event.notes}
    rumour = next(n for t, n in notes.items() if t.startswith("Rumors suggest"))
    assert rumour.hedges == ["rumors"] and rumour.source == "article"
    event = _draft("caracus_overnight.txt")
    assert [n.hedges for n in event.notes] == [["claimed"]]


def test_misspelling_hedges_and_relative_time():
    event = _draft("caracus_overnight.txt")
    got = {(r.source, r.event_type): r for r in event.reports}
    caracus = got[("article", "armed_movement")]
    assert caracus.where == "in Caracus"
    resolved = default_resolver().resolve(caracus.where, event.context)
    assert abs(resolved.lat - 10.49) < 0.1 and abs(resolved.lon - -66.88) < 0.1
    gunfire = got[("article", "gunfire")]  # "exchanges of fire", dated Monday night before the Jan 6 posts
    assert gunfire.hedges == ["allegedly"] and gunfire.where == "near Plaza Bolivar"
    assert gunfire.when.start == date(2026, 1, 5) and gunfire.when.precision is TimePrecision.part_of_day
    convoy = got[("convoy-eye", "armed_movement")]
    assert convoy.hedges == ["according to circulating reports"] and convoy.place_role is PlaceRole.destination
    assert got[("sky-watch", "air_defence_fire")].where == "La Carlota air base"


def test_late_monday_night_crosses_midnight_in_the_event_zone():
    when = find_when("Late Monday night, shots rang out", date(2026, 1, 6))  # the dateline is a Tuesday
    window = resolve_when(when, "America/Caracas")
    assert window.start < datetime(2026, 1, 6, 4, 0, tzinfo=UTC) < window.end  # midnight in Caracas is 04:00 UTC
    assert window.precision is TimePrecision.part_of_day and window.tz == "America/Caracas"
    assert find_when("early Tuesday", date(2026, 1, 6)).start == date(2026, 1, 6)
    assert find_when("yesterday afternoon", date(2026, 1, 6)).start == date(2026, 1, 5)
    assert find_when("no time words here", date(2026, 1, 6)) is None


def test_explicit_zone_and_dateline_win():
    event = _draft("caracas_inline.txt", article_date=date(2026, 1, 7), tz="UTC")
    assert event.timezone == "UTC" and event.reference_date == date(2026, 1, 7)


def test_draft_yaml_is_a_valid_incident_file_that_renders(tmp_path):
    draft = tmp_path / "draft.yaml"
    result = CliRunner().invoke(cli, ["extract", str(ARTICLES / "valencia_night.txt"), "-o", str(draft)])
    assert result.exit_code == 0, result.output
    event = load_event(draft)
    assert len(event.reports) == 6 and all(r.span for r in event.reports)
    assert draft_yaml(event) == draft.read_text(encoding="utf-8").split("\n", 1)[1]  # stable after a round trip
    out = tmp_path / "map.html"
    result = CliRunner().invoke(cli, ["render", str(draft), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "reportedly" in out.read_text(encoding="utf-8")


def test_render_takes_an_article_directly(tmp_path):
    out = tmp_path / "map.geojson"
    result = CliRunner().invoke(cli, ["export", str(ARTICLES / "caracas_inline.txt"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and "Miraflores" in out.read_text(encoding="utf-8")


def test_an_article_without_any_date_asks_for_one(tmp_path, capsys):
    article = tmp_path / "undated.txt"
    article.write_text("Headline\nGunfire heard near Miraflores Palace in Caracas.\n", encoding="utf-8")
    assert main(["extract", str(article), "-o", str(tmp_path / "d.yaml")]) == 2
    line = capsys.readouterr().err.strip()
    assert "\n" not in line and "undated.txt" in line and "--date" in line
    assert not (tmp_path / "d.yaml").exists()
    result = CliRunner().invoke(cli, ["extract", str(article), "--date", "2026-01-06", "-o", str(tmp_path / "d.yaml")])
    assert result.exit_code == 0 and load_event(tmp_path / "d.yaml").reports


# The reference article's facts in our own words and shapes (tests/articles/reference_facts.txt), so this test
# always runs; the real article, when it sits beside the checkout, is checked too.
@pytest.mark.parametrize(
    "article", [ARTICLES / "reference_facts.txt", *([REFERENCE] if REFERENCE.exists() else [])], ids=lambda p: p.stem
)
def test_reference_article_reproduces_the_seed_structure(article):
    """Places, types, hedges and sources of the bundled seed follow from the article's structure."""
    text = article.read_text(encoding="utf-8")
    draft, seed = draft_event(text, source_path=article.name), load_event(SEED)
    handle = {s.id: (s.handle or "article").lower() for s in [*draft.sources, *seed.sources]}
    assert Counter((handle[r.source], r.event_type) for r in draft.reports) == Counter(
        (handle[r.source], r.event_type) for r in seed.reports
    )
    resolver = default_resolver()
    for ours in draft.reports:
        twins = [r for r in seed.reports if (handle[r.source], r.event_type) == (handle[ours.source], ours.event_type)]
        got = resolver.resolve(ours.where, draft.context, role=ours.place_role)
        best = min(distance_m(got, resolver.resolve(t.where, seed.context, role=t.place_role)) for t in twins)
        assert best < 1_000, ours.where
        assert bool(ours.hedges) == any(t.hedges for t in twins), ours.id
    assert draft.context.country == "VE" and draft.timezone == "America/Caracas"
    assert all(n.text for n in draft.notes) and len(draft.notes) >= 3


TRICKY = """Unrest across the region
Looting reported in Lille late Wednesday night.
Protesters clash with police outside the town hall in Marseille.
A large explosion hit Lyon on Friday; separately, troops were allegedly seen in Toulouse.
JUST IN: big explosion in Nice - smoke visible from the port pic.twitter.com/Ni55ce - Riviera News (@riviera_news) Sep 27, 2024
Gunfire in Lyon right now. Stay indoors.
pic.twitter.com/Ly11aa
— Lyon Watch (@lyonwatch) Sep 27, 2024
Now the situation is calmer, officials said.
Tanks moving through Toulouse
pic.twitter.com/Tl22bb
- @toulouse_live Sep 27, 2024
Workers went on strike in Lille.
"""


def test_tricky_shapes_found_in_review():
    event = draft_event(TRICKY, source_path="tricky.txt", article_date=date(2024, 9, 27))
    got: dict = {}
    for r in event.reports:
        got.setdefault((r.source, r.event_type), r)  # the first report of each pair
    protests = [r.where for r in event.reports if r.event_type == "protest"]
    assert protests == ["in Lille", "in Marseille"]  # not "in Lille la(te)"; a police clash is a protest
    assert ("article", "gunfire") not in got
    explosion, troops = got[("article", "explosion")], got[("article", "armed_movement")]
    assert explosion.hedges == [] and troops.hedges == ["allegedly"]  # a hedge stays with its own clause
    assert explosion.where == "Lyon" and troops.where == "in Toulouse"
    nice = got[("riviera-news", "explosion")]  # " - " inside the post is not the author dash
    assert nice.media == ["https://pic.twitter.com/Ni55ce"] and nice.where == "in Nice"
    lyon = got[("lyonwatch", "gunfire")]  # the post's text ends in "." and its link sits on its own line
    assert lyon.span.text.startswith("Gunfire in Lyon") and lyon.media == ["https://pic.twitter.com/Ly11aa"]
    tanks = got[("toulouse-live", "armoured_vehicles")]  # "Now the situation..." stays the publisher's
    assert tanks.span.text.startswith("Tanks moving") and tanks.where == "Toulouse"
    notes = [n.text for n in event.notes]
    assert "Now the situation is calmer, officials said." in notes
    assert "Workers went on strike in Lille." in notes  # a labour strike is not an air strike


MULTI = """Night in Caracas
Gunfire near Miraflores and a protest in Chacao on Tuesday.
Loud blasts were heard in Petare early Tuesday, and armoured vehicles were reportedly moving toward La Carlota.
Tanks were moving toward La Carlota while protesters gathered in Chacao.
Smoke was seen in Petare as troops were allegedly heading to Miraflores Palace.
Explosions and gunfire were heard in Petare.
Protests in Chacao and Petare, and gunfire near Miraflores.
Calm returned at dawn; reportedly tanks were seen near Miraflores and a protest in Chacao.
Soldiers such as conscripts were deployed near Miraflores.
"""


def _multi() -> dict[tuple[str, str], object]:
    event = draft_event(MULTI, source_path="multi.txt", article_date=date(2026, 1, 6))
    return {(r.span.text.split()[0], r.event_type): r for r in event.reports}


def test_each_event_in_a_sentence_keeps_the_place_of_its_own_clause():
    got = _multi()
    assert got[("Gunfire", "gunfire")].where == "near Miraflores"
    assert got[("Gunfire", "protest")].where == "in Chacao"  # " and " right before a new event cue
    blasts, vehicles = got[("Loud", "explosion")], got[("Loud", "armoured_vehicles")]
    assert (blasts.where, blasts.place_role, blasts.hedges) == ("heard in Petare", PlaceRole.observed_from, [])
    assert (vehicles.where, vehicles.place_role) == ("moving toward La Carlota", PlaceRole.destination)
    assert vehicles.hedges == ["reportedly"] and "reportedly" not in blasts.summary
    assert got[("Tanks", "armoured_vehicles")].place_role is PlaceRole.destination  # "while" ends the clause
    assert got[("Tanks", "protest")].where == "in Chacao"
    smoke, troops = got[("Smoke", "smoke_fire")], got[("Smoke", "armed_movement")]  # a conjunction "as"
    assert (smoke.where, smoke.hedges) == ("in Petare", [])
    assert (troops.where, troops.place_role, troops.hedges) == (
        "heading to Miraflores Palace",
        PlaceRole.destination,
        ["allegedly"],
    )
    # "and" between two places is no event boundary; ", and" before the next event is
    assert got[("Protests", "protest")].where == "in Chacao" and got[("Protests", "gunfire")].where == "near Miraflores"


def test_an_event_clause_without_a_place_takes_the_sentence_place_and_an_opening_hedge_covers_all():
    got = _multi()
    assert got[("Explosions", "explosion")].where == got[("Explosions", "gunfire")].where == "heard in Petare"
    assert got[("Explosions", "explosion")].place_role is PlaceRole.observed_from
    tanks, protest = got[("Calm", "armoured_vehicles")], got[("Calm", "protest")]
    assert (tanks.where, protest.where) == ("near Miraflores", "in Chacao")
    assert tanks.hedges == protest.hedges == ["reportedly"]  # "reportedly" opens the clause holding both claims
    assert got[("Soldiers", "armed_movement")].where == "near Miraflores"  # "such as" is no clause boundary


def test_event_clauses_split_only_between_event_cues():
    from incidents.extract.clauses import event_clauses
    from incidents.extract.cues import find_event_types
    from incidents.extract.segments import Segment

    def pieces(text: str) -> list[str]:
        seg = Segment(10, 10 + len(text), text)
        cues = [(10 + a, 10 + b) for _, a, b in find_event_types(text)]
        return [text[a - 10 : b - 10].strip(" ,") for a, b in event_clauses(seg, cues)]

    assert pieces("Gunfire near Miraflores and a protest in Chacao") == [
        "Gunfire near Miraflores",
        "and a protest in Chacao",
    ]
    assert pieces("Protests in Chacao and Petare as well as arrests in Catia") == [
        "Protests in Chacao and Petare",
        "as well as arrests in Catia",
    ]
    assert pieces("Gunfire and explosions were heard in Petare") == ["Gunfire", "and explosions were heard in Petare"]
    assert (
        pieces("Gunfire near Miraflores and Chacao, with a protest later")
        == ["Gunfire near Miraflores and Chacao, with a protest later"] * 2
    )  # no boundary: one shared clause
    assert pieces("Smoke in Petare; arrests in Catia") == ["Smoke in Petare", "arrests in Catia"]
    assert pieces("Explosions were heard in Petare") == ["Explosions were heard in Petare"]


def _one_sentence(sentence: str) -> dict[str, object]:
    event = draft_event(f"Night in Caracas\n{sentence}\n", source_path="one.txt", article_date=date(2026, 1, 6))
    return {r.event_type: r for r in event.reports}


@pytest.mark.parametrize(
    ("sentence", "hedge"),
    [
        ("Explosions and gunfire were reportedly heard near Fuerte Tiuna.", "reportedly"),  # the first has no place
        ("Gunfire was allegedly reported near La Carlota as well as explosions.", "allegedly"),  # the last has none
        ("Smoke and explosions were apparently seen near 23 de Enero.", "apparently"),
        ("Gunfire, allegedly, and explosions near Petare.", "allegedly"),  # a borrowed place brings its hedge along
        ("Explosions near La Carlota and a protest in Chacao, residents claimed.", "claimed"),  # trailing attribution
        ("Supposedly, gunfire near Miraflores and a protest in Chacao.", "supposedly"),  # opening hedge
    ],
)
def test_every_event_of_a_sentence_keeps_a_hedge_that_is_not_another_events_own(sentence, hedge):
    got = _one_sentence(sentence)
    assert len(got) == 2 and all(r.hedges == [hedge] for r in got.values()), sentence


def test_a_hedge_inside_another_events_own_placed_clause_still_does_not_spread():
    got = _one_sentence("Gunfire near Miraflores, and protesters in Chacao were reportedly arrested.")
    assert (got["gunfire"].where, got["gunfire"].hedges) == ("near Miraflores", [])
    assert (got["protest"].where, got["protest"].hedges) == ("in Chacao", ["reportedly"])
    got = _one_sentence("Tanks were seen near Fuerte Tiuna, and explosions were allegedly heard in 23 de Enero.")
    assert got["armoured_vehicles"].hedges == [] and got["explosion"].hedges == ["allegedly"]


def test_a_split_clause_gives_each_event_its_own_place():
    got = _one_sentence("Tanks were seen near Fuerte Tiuna, while in Petare, as dawn broke, protesters blocked a road.")
    assert (got["armoured_vehicles"].where, got["protest"].where) == ("near Fuerte Tiuna", "in Petare")
    got = _one_sentence("Smoke near 23 de Enero, explosions in Petare and a protest in Chacao.")
    assert [got[t].where for t in ("smoke_fire", "explosion", "protest")] == [
        "near 23 de Enero",
        "in Petare",
        "in Chacao",
    ]


def test_list_commas_and_asides_as_event_clause_boundaries():
    from incidents.extract.clauses import event_clauses
    from incidents.extract.cues import find_event_types
    from incidents.extract.segments import Segment

    def pieces(text: str) -> list[str]:
        seg = Segment(0, len(text), text)
        return [text[a:b].strip(" ,") for a, b in event_clauses(seg, [(a, b) for _, a, b in find_event_types(text)])]

    assert pieces("Smoke near 23 de Enero, heavy gunfire in Petare") == [
        "Smoke near 23 de Enero",
        "heavy gunfire in Petare",
    ]
    assert pieces("Smoke near 23 de Enero, with gunfire later") == ["Smoke near 23 de Enero, with gunfire later"] * 2
    # "while" wins over the "as" that opens an aside of the next claim; alone, that "as" still splits
    assert pieces("Smoke near 23 de Enero while in Petare, as dawn broke, gunfire") == [
        "Smoke near 23 de Enero",
        "while in Petare, as dawn broke, gunfire",
    ]
    assert pieces("Smoke near Petare as dawn broke over Chacao, with gunfire") == [
        "Smoke near Petare",
        "as dawn broke over Chacao, with gunfire",
    ]
