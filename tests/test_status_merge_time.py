"""Status reasons, policy transitions, merging rules and time windows across midnight and time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from incidents.errors import InputError
from incidents.merge import merge_reports
from incidents.models import (
    Geocode,
    LocatedReport,
    Precision,
    Report,
    Source,
    SourceKind,
    Status,
    StatusOverride,
    TimePrecision,
    When,
)
from incidents.timewindow import format_window, resolve_when
from incidents.verify import StatusPolicy

T0 = datetime(2026, 1, 6, 2, 0, tzinfo=UTC)


def located(
    rid,
    source,
    *,
    etype="gunfire",
    lat=10.5081,
    lon=-66.9194,
    radius=1000.0,
    start=T0,
    hours=1.0,
    media=True,
    hedges=(),
    override=None,
):
    from incidents.models import TimeWindow

    report = Report(
        id=rid,
        event_type=etype,
        where="near the palace",
        when=When(start=start),
        source=source.id,
        summary=f"{rid} summary",
        media=["https://example.org/v.mp4"] if media else [],
        hedges=list(hedges),
        override=override,
    )
    return LocatedReport(
        report=report,
        source=source,
        geocode=Geocode(lat=lat, lon=lon, radius_m=radius, precision=Precision.landmark, method="explicit"),
        time=TimeWindow(
            start=start, end=start + timedelta(hours=hours), precision=TimePrecision.hour, tz="America/Caracas"
        ),
    )


A = Source(id="a", name="Alpha", handle="@alpha")
B = Source(id="b", name="Bravo", handle="@bravo")
C = Source(id="c", name="Charlie", kind=SourceKind.media)
RELAY = Source(id="r", name="Relay", handle="@relay", cites=["a"])
AGG1 = Source(id="g1", name="Agg One", kind=SourceKind.aggregator)
AGG2 = Source(id="g2", name="Agg Two", kind=SourceKind.aggregator)


def test_seed_statuses_and_reasons(seed_mapped):
    by_type = {i.event_type: i for i in seed_mapped.incidents}
    gunfire = by_type["gunfire"]
    # @nicksortor's video and @disclosetv's repost: the aggregator adds no independent corroboration
    assert gunfire.assessment.status is Status.unconfirmed
    assert "single source (@nicksortor)" in gunfire.assessment.reason and "aggregator" in gunfire.assessment.reason
    movement = by_type["armed_movement"]
    assert movement.assessment.status is Status.unconfirmed and "allegedly" in movement.assessment.reason
    assert all(i.assessment.reason.endswith(".") for i in seed_mapped.incidents)
    assert seed_mapped.counts.read == 7 and seed_mapped.counts.mapped + seed_mapped.counts.unresolved == 7


def test_policy_transitions_single_to_corroborated_to_override():
    policy = StatusPolicy()
    one = policy.assess([located("1", A)])
    assert one.status is Status.unconfirmed and one.reason.startswith("Unconfirmed: single source (@alpha)")
    two = policy.assess([located("1", A), located("2", B)])
    assert two.status is Status.confirmed and two.independent_sources == 2
    no_media = policy.assess([located("1", A, media=False), located("2", B, media=False)])
    assert no_media.status is Status.unconfirmed and "no footage" in no_media.reason
    assert (
        StatusPolicy(require_media=False).assess([located("1", A, media=False), located("2", B, media=False)]).status
        is Status.confirmed
    )
    overridden = policy.assess(
        [located("1", A, override=StatusOverride(status="confirmed", reason="geolocated", by="desk"))]
    )
    assert overridden.status is Status.confirmed and overridden.overridden
    assert overridden.reason.startswith("Analyst override by desk: confirmed")


def test_relays_aggregators_and_hedges_are_not_independent():
    policy = StatusPolicy()
    assert policy.assess([located("1", A), located("2", RELAY)]).independent_sources == 1
    assert policy.assess([located("1", AGG1), located("2", AGG2)]).independent_sources == 1
    hedged = policy.assess([located("1", A), located("2", B, hedges=["reportedly"])])
    assert hedged.status is Status.unconfirmed and "'reportedly'" in hedged.reason
    assert (
        StatusPolicy(count_hedged=True).assess([located("1", A), located("2", B, hedges=["x"])]).independent_sources
        == 2
    )
    assert StatusPolicy(aggregators=("@bravo",)).assess([located("1", B), located("2", AGG1)]).independent_sources == 1


def test_policy_from_file(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text("min_independent_sources: 3\nrequire_media: false\n", encoding="utf-8")
    policy = StatusPolicy.from_file(path)
    assert policy.min_independent_sources == 3
    path.write_text("min_independent_sources: zero\n", encoding="utf-8")
    with pytest.raises(InputError, match="min_independent_sources"):
        StatusPolicy.from_file(path)


def test_same_place_different_hour_does_not_merge():
    out = merge_reports([located("1", A), located("2", B, start=T0 + timedelta(hours=1))], StatusPolicy())
    assert len(out) == 2


def test_same_hour_different_city_does_not_merge():
    out = merge_reports([located("1", A), located("2", B, lat=10.16, lon=-68.0)], StatusPolicy())
    assert len(out) == 2


def test_different_type_does_not_merge():
    assert len(merge_reports([located("1", A), located("2", B, etype="smoke_fire")], StatusPolicy())) == 2


def test_nested_radii_merge_to_the_tightest():
    wide = located("1", A, radius=15_000, lat=10.49, lon=-66.88)
    tight = located("2", B, radius=300)
    (incident,) = merge_reports([wide, tight], StatusPolicy())
    assert incident.geocode.radius_m == 300 and incident.geocode.lat == 10.5081
    assert {r.report.id for r in incident.reports} == {"1", "2"} and len(incident.sources) == 2


def test_partial_overlap_fuses_to_the_shared_area():
    west = located("1", A, radius=1000, lon=-66.9250)
    east = located("2", B, radius=1000, lon=-66.9150)
    (incident,) = merge_reports([west, east], StatusPolicy())
    assert incident.geocode.radius_m < 1000 and -66.9250 < incident.geocode.lon < -66.9150


def test_no_merge_keeps_one_incident_per_report_and_ids_are_stable():
    reports = [located("1", A), located("2", B)]
    assert len(merge_reports(reports, StatusPolicy(), merge=False)) == 2
    assert [i.id for i in merge_reports(reports, StatusPolicy())] == [
        i.id for i in merge_reports(reports[::-1], StatusPolicy())
    ]


def test_date_is_the_whole_local_day_across_midnight_utc():
    w = resolve_when(When(start=date(2026, 1, 5)), "America/Caracas")
    assert w.start == datetime(2026, 1, 5, 4, tzinfo=UTC) and w.end == datetime(2026, 1, 6, 4, tzinfo=UTC)
    assert w.precision is TimePrecision.day


def test_interval_across_midnight_and_naive_times_are_local():
    w = resolve_when(
        When(
            start=datetime(2026, 1, 5, 22),
            end=datetime(2026, 1, 6, 2),
            precision="part_of_day",
            text="late Monday night",
        ),
        "America/Caracas",
    )
    assert w.start == datetime(2026, 1, 6, 2, tzinfo=UTC) and w.end == datetime(2026, 1, 6, 6, tzinfo=UTC)
    assert "late Monday night" in format_window(w) and "5 Jan 2026 22:00" in format_window(w)


def test_half_hour_zone_and_dst_day_length():
    kolkata = resolve_when(When(start=datetime(2026, 1, 6, 9, 0), precision="hour"), "Asia/Kolkata")
    assert kolkata.start == datetime(2026, 1, 6, 3, 30, tzinfo=UTC)
    london = resolve_when(When(start=date(2026, 3, 29)), "Europe/London")  # clocks go forward: a 23-hour day
    assert london.end - london.start == timedelta(hours=23)


def test_text_only_time_needs_a_reference_date():
    assert resolve_when(When(text="last night"), "UTC", date(2026, 1, 6)).precision is TimePrecision.day
    with pytest.raises(InputError, match="reference_date"):
        resolve_when(When(text="last night"), "UTC")
