"""Status policy: reasons as sentences and the transitions from single source to corroborated to override."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from incidents.errors import InputError
from incidents.models import Status
from incidents.verify import StatusPolicy
from tests.incident_factories import T0, located, source

VIDEO = ("https://example.org/video.mp4",)
POLICY = StatusPolicy()


def test_single_source_with_footage_is_unconfirmed() -> None:
    verdict = POLICY.assess([located("r1", source("nicksortor"), media=VIDEO)])
    assert verdict.status is Status.unconfirmed
    assert verdict.reason == "Unconfirmed: single source (@nicksortor), with footage."
    assert (verdict.independent_sources, verdict.source_ids, verdict.has_media) == (1, ("nicksortor",), True)


def test_transitions_single_then_two_then_media_then_override() -> None:
    alice, bob, carol = source("alice"), source("bob"), source("carol")
    one = [located("a1", alice)]
    assert POLICY.assess(one).reason == "Unconfirmed: single source (@alice), no footage."
    two = [*one, located("b1", bob)]
    verdict = POLICY.assess(two)
    assert verdict.status is Status.unconfirmed
    assert verdict.reason == "Unconfirmed: 2 independent sources (@alice, @bob) but no footage."
    with_media = [*two, located("c1", carol, media=VIDEO)]
    verdict = POLICY.assess(with_media)
    assert verdict.status is Status.confirmed
    assert verdict.reason == "Corroborated by 3 independent sources (@alice, @bob, @carol), with footage."
    veto = {"status": "unconfirmed", "reason": "Footage is from 2019."}
    overridden = [*with_media, located("c2", carol, override=veto)]
    verdict = POLICY.assess(overridden)
    assert (verdict.status, verdict.overridden) == (Status.unconfirmed, True)
    assert verdict.reason == "Analyst override: unconfirmed — Footage is from 2019."


def test_override_confirms_a_single_source_and_names_the_analyst() -> None:
    verdict = POLICY.assess([located("r1", override={"status": "confirmed", "reason": "geolocated", "by": "desk"})])
    assert verdict.status is Status.confirmed
    assert verdict.reason == "Analyst override by desk: confirmed — geolocated."


def test_of_disagreeing_overrides_the_latest_wins_and_says_so() -> None:
    early = located("a", override={"status": "confirmed", "reason": "matches satellite image"})
    late = located("b", source("bob"), start=T0 + timedelta(hours=2),
                   override={"status": "unconfirmed", "reason": "video predates the event"})
    for order in ([early, late], [late, early]):
        verdict = POLICY.assess(order)
        assert verdict.status is Status.unconfirmed
        assert verdict.reason == ("Analyst override: unconfirmed — video predates the event. "
                                  "Latest of 2 overrides (b), which disagree.")


def test_a_source_citing_another_is_not_independent() -> None:
    alice = source("alice")
    desk = source("desk", kind="media", handle="", cites=("alice",))  # no handle: labelled by name
    verdict = POLICY.assess([located("a", alice, media=VIDEO), located("d", desk, media=VIDEO)])
    assert verdict.status is Status.unconfirmed
    assert verdict.reason == "Unconfirmed: single source (@alice), with footage. Not counted: Desk relays @alice."
    # citing a source that is not part of this incident does not make it dependent
    other = source("other", cites=("someone-else",))
    assert POLICY.assess([located("a", alice, media=VIDEO), located("o", other)]).status is Status.confirmed


def test_sources_citing_each_other_count_once() -> None:
    a, b = source("a", cites=("b",)), source("b", cites=("a",))
    verdict = POLICY.assess([located("r1", a, media=VIDEO), located("r2", b, media=VIDEO)])
    assert verdict.independent_sources == 1
    assert verdict.reason == "Unconfirmed: single source (@a), with footage. Not counted: @b relays @a."


def test_one_source_with_many_reports_counts_once() -> None:
    alice = source("alice")
    verdict = POLICY.assess([located(f"r{i}", alice, media=VIDEO) for i in range(5)])
    assert verdict.independent_sources == 1 and verdict.status is Status.unconfirmed


def test_a_hedged_report_alone() -> None:
    verdict = POLICY.assess([located("r1", source("SafetyNotorious"), media=VIDEO, hedges=("allegedly",))])
    assert verdict.status is Status.unconfirmed
    assert verdict.reason == "Unconfirmed: hedged ('allegedly') by @SafetyNotorious, with footage."
    assert verdict.hedges == ("allegedly",) and verdict.independent_sources == 0


def test_hedged_reports_do_not_corroborate_unless_the_policy_says_so() -> None:
    reports = [located("a", source("alice"), media=VIDEO, hedges=("allegedly",)), located("b", source("bob"))]
    verdict = POLICY.assess(reports)
    assert verdict.status is Status.unconfirmed
    assert verdict.reason == ("Unconfirmed: single source (@bob), with footage; hedged ('allegedly'). "
                              "Not counted: @alice is hedged.")
    lenient = StatusPolicy(count_hedged=True).assess(reports)
    assert lenient.status is Status.confirmed
    assert lenient.reason == ("Corroborated by 2 independent sources (@alice, @bob), with footage. "
                              "Some reports are hedged ('allegedly').")


def test_a_source_with_one_plain_report_is_not_hedged_only() -> None:
    alice = source("alice")
    reports = [located("a1", alice, hedges=("reportedly",)), located("a2", alice), located("b", source("bob"),
                                                                                           media=VIDEO)]
    assert POLICY.assess(reports).status is Status.confirmed


def test_aggregators_count_once_and_only_alone() -> None:
    d, w = source("disclosetv", kind="aggregator"), source("worldsource", kind="aggregator")
    alone = POLICY.assess([located("d", d, media=VIDEO), located("w", w, media=VIDEO)])
    assert alone.independent_sources == 1 and alone.status is Status.unconfirmed
    assert alone.reason == ("Unconfirmed: single source (@disclosetv/@worldsource (aggregators, counted once)), "
                            "with footage.")
    with_original = POLICY.assess([located("d", d, media=VIDEO), located("n", source("nick"), media=VIDEO)])
    assert with_original.independent_sources == 1
    assert with_original.reason == ("Unconfirmed: single source (@nick), with footage. "
                                    "Not counted: @disclosetv is an aggregator.")
    never = StatusPolicy(aggregators_count_once_alone=False).assess([located("d", d)])
    assert never.reason == "Unconfirmed: no independent source (@disclosetv), no footage."


def test_the_aggregators_list_names_ids_or_handles() -> None:
    policy = StatusPolicy(aggregators=("@reposter", "bot"))
    assert policy.is_aggregator(source("x", handle="@reposter"))
    assert policy.is_aggregator(source("bot"))
    assert not policy.is_aggregator(source("alice"))


def test_official_sources_count_once_by_default_or_double_if_asked() -> None:
    ministry = source("ministry", kind="official", handle="")
    reports = [located("m", ministry, media=VIDEO)]
    assert POLICY.assess(reports).status is Status.unconfirmed
    verdict = StatusPolicy(official_counts_double=True).assess(reports)
    assert verdict.status is Status.confirmed and verdict.independent_sources == 2
    assert verdict.reason == "Corroborated by 2 independent sources (Ministry (official, counted twice)), with footage."


def test_stricter_policies() -> None:
    reports = [located("a", source("alice"), media=VIDEO), located("b", source("bob"))]
    assert POLICY.assess(reports).status is Status.confirmed
    strict = StatusPolicy(min_independent_sources=3).assess(reports)
    assert strict.reason == "Unconfirmed: 2 independent sources (@alice, @bob), with footage; 3 needed."
    no_media = StatusPolicy(require_media=False).assess([located("a", source("a")), located("b", source("b"))])
    assert no_media.reason == "Corroborated by 2 independent sources (@a, @b), no footage."


def test_policy_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("# our desk\nmin_independent_sources: 3\nrequire_media: false\naggregators: ['@reposter']\n",
                    encoding="utf-8")
    policy = StatusPolicy.from_file(path)
    assert policy == StatusPolicy(min_independent_sources=3, require_media=False, aggregators=("@reposter",))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("min_independant_sources: 3\n", "policy: field 'min_independant_sources': unknown field (check its spelling)"),
        ("min_independent_sources: 0\n", "policy: field 'min_independent_sources': Input should be greater than"),
        ("require_media: perhaps\n", "policy: field 'require_media': Input should be a valid boolean"),
        ("- 2\n", "a policy file must be a mapping"),
        ("a: [\n", "invalid YAML at line 2"),
        ("", "file is empty"),
    ],
)
def test_bad_policy_files_name_the_file_and_field(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        StatusPolicy.from_file(path)
    assert info.value.one_line().startswith(f"{path}: ")
    assert expected in info.value.one_line()


def test_policy_fields_are_documented() -> None:
    for name, field in StatusPolicy.model_fields.items():
        assert field.description, name


def test_a_vague_source_does_not_corroborate_a_precise_place() -> None:
    palace = located("p", source("nicksortor"), radius_m=950.0, media=VIDEO)
    citywide = located("c", source("disclosetv"), radius_m=14_700.0, where="Caracas", media=VIDEO)
    verdict = POLICY.assess([palace, citywide])
    assert verdict.status is Status.unconfirmed and verdict.independent_sources == 1
    assert verdict.reason == (
        "Unconfirmed: single source (@nicksortor), with footage. Not counted: @disclosetv places it only within "
        "14.7 km, the most precise report within 950 m."
    )
    # a comparable circle counts ("around Miraflores", 1.5 km, next to "near the palace", 950 m) ...
    district = located("d", source("other"), radius_m=1_500.0, media=VIDEO)
    assert POLICY.assess([palace, district]).status is Status.confirmed
    # ... and so do two vague reports of the same city; a desk can turn the check off
    other_city = located("o", source("other"), radius_m=15_000.0, media=VIDEO)
    assert POLICY.assess([citywide, other_city]).status is Status.confirmed
    assert StatusPolicy(vague_ratio=0).assess([palace, citywide]).status is Status.confirmed
    # the source's most precise report decides: a vague report next to a precise one of the same source counts
    both = located("c2", source("disclosetv"), radius_m=900.0, media=VIDEO)
    assert POLICY.assess([palace, citywide, both]).independent_sources == 2


def test_a_pinpoint_from_a_source_that_does_not_count_makes_no_one_vague() -> None:
    reuters = located("a", source("reuters"), radius_m=150.0, media=VIDEO)
    ap = located("b", source("ap"), radius_m=150.0, media=VIDEO)
    rumour = located("c", source("rumours"), radius_m=20.0, hedges=("allegedly",))
    verdict = POLICY.assess([reuters, ap, rumour])
    assert verdict.status is Status.confirmed and verdict.independent_sources == 2
    assert "Not counted: @rumours is hedged." in verdict.reason
    # nor does a precise third source: 150 m is within vague_min_radius_m (2 km) of anything
    precise = located("d", source("geolocator"), radius_m=20.0, media=VIDEO)
    assert POLICY.assess([reuters, ap, precise]).independent_sources == 3
    assert StatusPolicy(vague_min_radius_m=0).assess([reuters, ap, precise]).independent_sources == 1
