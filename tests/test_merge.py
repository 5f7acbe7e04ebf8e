"""Merging reports into incidents: when they merge, the fused place and time, stable ids and titles."""

from __future__ import annotations

import hashlib
import math
import random
from datetime import timedelta

from incidents.merge import compatible, distance_m, fuse_location, incident_id, merge_reports
from incidents.models import Geocode, Precision, TimePrecision
from incidents.verify import StatusPolicy
from tests.incident_factories import T0, located, source

POLICY = StatusPolicy()
A, B, C = source("alice"), source("bob"), source("carol")
PALACE = (10.5065, -66.9147)
VALENCIA = (10.162, -68.0077)


def _point_at(lat: float, lon: float, bearing_deg: float, metres: float) -> tuple[float, float]:
    d, b = metres / 6_371_008.8, math.radians(bearing_deg)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), math.degrees(l2)


def _geo(lat: float, lon: float, r: float = 1.0) -> Geocode:
    return Geocode(lat=lat, lon=lon, radius_m=r, precision=Precision.landmark, method="explicit")


def test_same_place_different_hour_does_not_merge() -> None:
    out = merge_reports([located("1", A), located("2", B, start=T0 + timedelta(hours=3))], POLICY)
    assert len(out) == 2


def test_windows_that_only_touch_do_not_merge_but_an_instant_inside_does() -> None:
    assert len(merge_reports([located("1", A), located("2", B, start=T0 + timedelta(hours=1))], POLICY)) == 2
    inside = located("2", B, start=T0 + timedelta(minutes=20), hours=0, precision=TimePrecision.exact)
    assert len(merge_reports([located("1", A), inside], POLICY)) == 1


def test_same_hour_different_city_does_not_merge() -> None:
    out = merge_reports([located("1", A), located("2", B, lat=VALENCIA[0], lon=VALENCIA[1])], POLICY)
    assert len(out) == 2


def test_same_family_merges_different_family_does_not() -> None:
    (fire,) = merge_reports([located("1", A), located("2", B, event_type="air_defence_fire"),
                             located("3", C, event_type="gunfire")], POLICY)
    assert fire.event_type == "gunfire"  # the majority type names the incident
    assert fire.title == "Gunfire — near the palace"
    assert {r.report.event_type for r in fire.reports} == {"gunfire", "air_defence_fire"}
    assert len(merge_reports([located("1", A), located("2", B, event_type="smoke_fire")], POLICY)) == 2
    tie = merge_reports([located("1", A, event_type="air_defence_fire"), located("2", B)], POLICY)
    assert tie[0].event_type == "gunfire"  # a tie goes to the type listed first in the taxonomy


def test_nested_radii_fuse_to_the_tightest_report() -> None:
    wide = located("1", A, radius_m=15_000, lat=10.49, lon=-66.88)
    middle = located("2", B, radius_m=2_000, lat=10.507, lon=-66.915)
    tight = located("3", C, radius_m=300)
    (incident,) = merge_reports([wide, middle, tight], POLICY)
    assert incident.geocode == tight.geocode
    assert {r.report.id for r in incident.reports} == {"1", "2", "3"}
    assert [s.id for s in incident.sources] == ["alice", "bob", "carol"]


def test_partial_overlap_fuses_to_the_smallest_circle_around_the_shared_area() -> None:
    west_c = _point_at(*PALACE, 270, 700)
    east_c = _point_at(*PALACE, 90, 700)
    west = located("1", A, radius_m=1000, lat=west_c[0], lon=west_c[1])
    east = located("2", B, radius_m=1000, lat=east_c[0], lon=east_c[1])
    fused = fuse_location([west, east])
    # the lens is 600 m wide and sqrt(1000² - 700²) ≈ 714 m high either side of the palace
    assert 700 < fused.radius_m < 720
    assert distance_m(fused, _geo(*PALACE)) < 5
    for bearing in range(0, 360, 15):
        for metres in (0, 200, 400, 700):
            p = _geo(*_point_at(*PALACE, bearing, metres))
            if distance_m(p, west.geocode) <= 990 and distance_m(p, east.geocode) <= 990:
                assert distance_m(p, fused) <= fused.radius_m + 1, (bearing, metres)


def test_pairwise_overlap_without_a_common_area_stays_no_larger_than_the_tightest() -> None:
    corners = [_point_at(*PALACE, b, 1000) for b in (0, 120, 240)]
    reports = [located(str(i), source(f"s{i}"), radius_m=r, lat=lat, lon=lon)
               for i, ((lat, lon), r) in enumerate(zip(corners, (900, 950, 1000), strict=True))]
    assert all(compatible(a, b) for a in reports for b in reports if a is not b)
    fused = fuse_location(reports)
    assert 0 < fused.radius_m <= 900
    assert distance_m(fused, _geo(*PALACE)) < 900


def test_a_chain_splits_so_every_member_fits_the_whole_group() -> None:
    a = located("a", A, lat=PALACE[0], lon=PALACE[1])
    b_c = _point_at(*PALACE, 90, 1500)
    c_c = _point_at(*PALACE, 90, 3000)
    b = located("b", B, lat=b_c[0], lon=b_c[1])
    c = located("c", C, lat=c_c[0], lon=c_c[1])
    assert compatible(a, b) and compatible(b, c) and not compatible(a, c)
    for order in ([a, b, c], [c, b, a], [b, c, a]):
        groups = sorted(sorted(r.report.id for r in i.reports) for i in merge_reports(order, POLICY))
        assert groups == [["a", "b"], ["c"]]


def test_fused_time_is_the_intersection_with_the_finest_precision() -> None:
    night = located("1", A, start=T0, hours=6, precision=TimePrecision.part_of_day)
    day = located("2", B, start=T0 - timedelta(hours=5), hours=24, precision=TimePrecision.day)
    hour = located("3", C, start=T0 + timedelta(hours=2), hours=1)
    (incident,) = merge_reports([day, night, hour], POLICY)
    assert (incident.time.start, incident.time.end) == (T0 + timedelta(hours=2), T0 + timedelta(hours=3))
    assert incident.time.precision is TimePrecision.hour


def test_incident_ids_are_stable_and_order_is_by_start_then_id() -> None:
    later = located("z", B, start=T0 + timedelta(hours=5))
    reports = [located("2", A), located("1", C), later]
    first = merge_reports(reports, POLICY)
    again = merge_reports(list(reversed(reports)), POLICY)
    assert [i.id for i in first] == [i.id for i in again]
    assert first[0].id == "inc-" + hashlib.sha1(b"1\x1f2").hexdigest()[:10] == incident_id(first[0].reports)
    assert [i.time.start for i in first] == sorted(i.time.start for i in first)
    assert [r.report.id for r in first[0].reports] == ["1", "2"]


def test_no_merge_keeps_one_incident_per_report() -> None:
    out = merge_reports([located("1", A), located("2", B)], POLICY, merge=False)
    assert len(out) == 2 and all(len(i.reports) == 1 for i in out)


def test_titles_are_short_and_the_place_is_the_tightest_report() -> None:
    long_where = "somewhere " * 30
    (one,) = merge_reports([located("1", A, where=long_where, event_type="armed_movement")], POLICY)
    assert one.title.startswith("Armed group — somewhere somewhere") and one.title.endswith("…")
    assert len(one.title) < 100 and one.place == long_where.strip()
    (two,) = merge_reports([located("1", A, where="Caracas", radius_m=15_000),
                            located("2", B, where="Miraflores Palace", radius_m=300)], POLICY)
    assert two.title == "Gunfire — Miraflores Palace" and two.place == "Miraflores Palace"


def test_the_assessment_covers_every_merged_report() -> None:
    video = ("https://example.org/v.mp4",)
    (incident,) = merge_reports([located("1", A, media=video), located("2", B)], POLICY)
    assert incident.assessment.independent_sources == 2
    assert incident.assessment.reason == "Corroborated by 2 independent sources (@alice, @bob), with footage."


def _reference_groups(reports: list) -> list[list[str]]:
    """The rule from the module notes, written the slow obvious way."""
    ordered = sorted(reports, key=lambda r: (r.time.start, r.report.id))
    groups: list[list] = []
    for r in ordered:
        home = next((g for g in groups if all(compatible(r, m) for m in g)), None)
        if home is None:
            groups.append([r])
        else:
            home.append(r)
    return sorted(sorted(m.report.id for m in g) for g in groups)


def test_the_fast_grouping_matches_the_rule_on_random_reports() -> None:
    rnd = random.Random(7)
    types = ["gunfire", "air_defence_fire", "explosion", "smoke_fire", "protest"]
    reports = []
    for i in range(300):
        lat, lon = _point_at(*PALACE, rnd.uniform(0, 360), rnd.uniform(0, 8000))
        reports.append(located(
            f"r{i:03d}", source(f"s{rnd.randrange(20)}"), event_type=rnd.choice(types), lat=lat, lon=lon,
            radius_m=rnd.choice([300, 1000, 3000]), start=T0 + timedelta(minutes=30 * rnd.randrange(24)),
            hours=rnd.choice([0, 1, 3, 6]),
        ))
    fast = sorted(sorted(r.report.id for r in i.reports) for i in merge_reports(reports, POLICY))
    assert fast == _reference_groups(reports)
    assert sum(len(g) for g in fast) == 300 and len(fast) < 300
