"""The linear grouping (incidents.grouping) gives exactly the groups of the naive merge rule, and stays linear."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from incidents.grouping import Unit, _distance_m, _overlap, group_units


def _naive(units: list[Unit]) -> list[list[int]]:
    """The rule as stated in incidents.merge: each report joins the first group it is compatible with throughout."""
    groups: list[list[int]] = []
    for i, unit in enumerate(units):
        fits = Counter(
            g for g, members in enumerate(groups) for j in members
            if units[j].family == unit.family and _overlap(unit, units[j])
            and _distance_m(unit, units[j]) < unit.radius_m + units[j].radius_m
        )
        home = min((g for g, n in fits.items() if n == len(groups[g])), default=-1)
        if home < 0:
            groups.append([])
            home = len(groups) - 1
        groups[home].append(i)
    return groups


def _table(rng: random.Random, n: int, *, places: int, span: int, wide: bool) -> list[Unit]:
    spots = [(rng.uniform(-60, 60), rng.uniform(-179.9, 179.9)) for _ in range(places)]
    spots += [(10.5, 179.95), (10.5, -179.95), (88.9, 0.0)]  # across the antimeridian, near a pole
    radii = [50.0, 250.0, 1_500.0, 12_000.0, 40_000.0] + ([400_000.0, 3_000_000.0] if wide else [])
    out = []
    for _ in range(n):
        lat, lon = rng.choice(spots)
        lat += rng.choice([0.0, 0.0, rng.uniform(-0.3, 0.3)])
        lon += rng.choice([0.0, 0.0, rng.uniform(-0.3, 0.3)])
        lon = (lon + 540.0) % 360.0 - 180.0
        start = rng.randrange(span)
        out.append(Unit(rng.choice("abc"), lat, lon, rng.choice(radii), start, start + rng.choice([0, 1, 6, 24])))
    return sorted(out, key=lambda u: u.start)


@pytest.mark.parametrize("seed", range(40))
def test_same_groups_as_the_naive_rule(seed: int) -> None:
    rng = random.Random(seed)
    units = _table(rng, rng.randrange(1, 160), places=rng.randrange(1, 8), span=rng.randrange(1, 72),
                   wide=seed % 3 == 0)
    assert group_units(units) == _naive(units)


def test_copies_of_one_report_are_one_incident_and_cost_one_comparison() -> None:
    units = [Unit("fire", 10.5, -66.9, 250.0, 0, 3600)] * 50_000
    assert group_units(units) == [list(range(50_000))]


def test_towns_in_a_week_do_not_compare_everything() -> None:
    rng = random.Random(5)
    towns = [(rng.uniform(32, 37), rng.uniform(36, 42)) for _ in range(50)]
    units = sorted((Unit(rng.choice("ab"), *rng.choice(towns), 15_000.0, d * 86_400, (d + 1) * 86_400)
                    for d in (rng.randrange(7) for _ in range(20_000))), key=lambda u: u.start)
    groups = group_units(units)
    assert sum(len(g) for g in groups) == 20_000
    assert len(groups) <= 2 * 50 * 7  # a town, a family and a day make at most a few incidents
