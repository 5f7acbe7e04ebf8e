"""Which reports describe the same event: the merge rule of incidents.merge, in time linear in the reports.

The rule (see incidents.merge): reports are taken in time order (then id); each joins the first group whose every
member it is compatible with (same taxonomy family, overlapping circles, overlapping windows), else starts one.

Doing that naively compares every report with every live report of its family, which is quadratic on real tables
(an ACLED country-year piles thousands of reports on a few towns and days). Two things keep it linear:

1. **Identical reports are one unit.** Reports with the same family, centre, radius and window are compatible with
   each other and with exactly the same others, so every copy joins the group the first copy joined: they are
   grouped once, at the first copy's place in the order, and the copies follow it.
2. **Only neighbours are compared.** A sweep over time keeps the units whose window has not ended ("live", per
   family, expired through a heap of end times), and a grid over space (cells of `CELL_DEG` degrees, each live unit
   filed in the cells its circle's bounding box touches; very wide circles in a short list of their own) yields only
   the units whose circles can overlap the new one. A group is open to a unit when the unit is compatible with as
   many of its members as it has.

The result is identical to the naive rule (tests/test_grouping.py compares both on random tables).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

__all__ = ["Unit", "group_units", "CELL_DEG", "WIDE_CELLS"]

EARTH_RADIUS_M = 6_371_008.8
CELL_DEG = 0.25  # about 28 km of latitude
WIDE_CELLS = 64  # a circle whose box touches more cells than this is kept in the wide list instead
_M_PER_DEG = math.pi * EARTH_RADIUS_M / 180.0


@dataclass(frozen=True, slots=True)
class Unit:
    """What compatibility depends on: family, centre (degrees), radius (metres), window (integer times)."""

    family: Hashable
    lat: float
    lon: float
    radius_m: float
    start: int
    end: int


def _cells(unit: Unit) -> list[tuple[int, int]] | None:
    """The grid cells the unit's bounding box touches, or None when there are more than WIDE_CELLS."""
    dlat = unit.radius_m / _M_PER_DEG
    lat0, lat1 = max(-90.0, unit.lat - dlat), min(90.0, unit.lat + dlat)
    widest = max(abs(lat0), abs(lat1))
    if widest >= 89.0:
        return None
    dlon = dlat / math.cos(math.radians(widest))
    if dlon >= 180.0:
        return None
    rows = range(math.floor(lat0 / CELL_DEG), math.floor(lat1 / CELL_DEG) + 1)
    n_cols = 360.0 / CELL_DEG
    c0, c1 = math.floor((unit.lon - dlon) / CELL_DEG), math.floor((unit.lon + dlon) / CELL_DEG)
    if len(rows) * (c1 - c0 + 1) > WIDE_CELLS:
        return None
    return [(r, int(c % n_cols)) for r in rows for c in range(c0, c1 + 1)]  # columns wrap at the antimeridian


def _distance_m(a: Unit, b: Unit) -> float:
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _overlap(a: Unit, b: Unit) -> bool:
    if a.start == a.end or b.start == b.end:
        return a.start <= b.end and b.start <= a.end
    return a.start < b.end and b.start < a.end


class _Live:
    """The units of one family whose windows have not ended, filed by grid cell."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], set[int]] = {}
        self.wide: set[int] = set()
        self.filed: dict[int, list[tuple[int, int]] | None] = {}
        self.ends: list[tuple[int, int]] = []

    def expire(self, before: int) -> None:
        ends = self.ends
        while ends and ends[0][0] < before:  # ended before this unit starts: can never overlap it again
            k = heapq.heappop(ends)[1]
            cells = self.filed.pop(k)
            if cells is None:
                self.wide.discard(k)
            else:
                for cell in cells:
                    bucket = self.cells[cell]
                    bucket.discard(k)
                    if not bucket:
                        del self.cells[cell]

    def near(self, cells: list[tuple[int, int]] | None) -> set[int]:
        if cells is None:  # a wide circle may meet anything live
            return set(self.filed)
        found = set(self.wide)
        for cell in cells:
            found.update(self.cells.get(cell, ()))
        return found

    def add(self, k: int, unit: Unit, cells: list[tuple[int, int]] | None) -> None:
        self.filed[k] = cells
        if cells is None:
            self.wide.add(k)
        else:
            for cell in cells:
                self.cells.setdefault(cell, set()).add(k)
        heapq.heappush(self.ends, (unit.end, k))


def group_units(units: Sequence[Unit]) -> list[list[int]]:
    """Indices of `units` (already in time order, then id) grouped by the merge rule (module notes)."""
    first: dict[Unit, int] = {}  # a unit's value -> its distinct index
    distinct: list[Unit] = []
    copies: list[list[int]] = []
    for i, unit in enumerate(units):
        k = first.get(unit)
        if k is None:
            k = first[unit] = len(distinct)
            distinct.append(unit)
            copies.append([])
        copies[k].append(i)
    group_of = [-1] * len(distinct)
    sizes: list[int] = []  # distinct units per group
    members: list[list[int]] = []
    live: dict[Hashable, _Live] = {}
    for k, unit in enumerate(distinct):
        family = live.get(unit.family)
        if family is None:
            family = live[unit.family] = _Live()
        family.expire(unit.start)
        cells = _cells(unit)
        fits: dict[int, int] = {}
        for j in family.near(cells):
            other = distinct[j]
            if _overlap(unit, other) and _distance_m(unit, other) < unit.radius_m + other.radius_m:
                g = group_of[j]
                fits[g] = fits.get(g, 0) + 1
        home = min((g for g, n in fits.items() if n == sizes[g]), default=-1)
        if home < 0:
            home = len(sizes)
            sizes.append(0)
            members.append([])
        sizes[home] += 1
        members[home].append(k)
        group_of[k] = home
        family.add(k, unit, cells)
    return [sorted(i for k in group for i in copies[k]) for group in members]
