"""Cutting a set of reports into parts that merge independently, so that parts can be merged on different machines.

Two reports can only merge when they share a taxonomy family and their windows overlap (incidents.merge). So the
reports of one family, in time order, fall apart into **segments** wherever every report so far has ended before
the next one starts: no report of an earlier segment is compatible with any of a later one, and the merge rule
(each report joins the first group it fits, in time order) gives the same groups segment by segment as over the
whole. Touching windows (one ends at 12:00, the next starts at 12:00) do not overlap, so they may be cut too, unless
an instant sits on the boundary (an instant overlaps a window it touches). Segments are then packed, in time order,
into a number of parts of about equal size. No halo is needed: a part boundary is never crossed by an incident.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["time_segments", "pack_parts"]


def time_segments(family: Sequence[int], start: Sequence[int], end: Sequence[int]) -> np.ndarray:
    """A segment id per report (ids unique across families); reports may come in any order."""
    family_a = np.asarray(family, dtype=np.int64)
    start_a = np.asarray(start, dtype=np.int64)
    end_a = np.asarray(end, dtype=np.int64)
    n = len(family_a)
    segment = np.zeros(n, dtype=np.int64)
    if n == 0:
        return segment
    order = np.lexsort((start_a, family_a))
    fam, begin, finish = family_a[order], start_a[order], end_a[order]
    instant = begin == finish
    new_family = np.r_[True, fam[1:] != fam[:-1]]
    cut = new_family.copy()
    bounds = np.flatnonzero(new_family).tolist() + [n]
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        if hi - lo < 2:
            continue
        reach = np.maximum.accumulate(finish[lo:hi])[:-1]  # latest end of everything before each report
        nxt = begin[lo + 1 : hi]
        instants = np.unique(begin[lo:hi][instant[lo:hi]])
        touching = (reach == nxt) & ~instant[lo + 1 : hi] & ~np.isin(nxt, instants)
        cut[lo + 1 : hi] = (reach < nxt) | touching
    segment[order] = np.cumsum(cut) - 1
    return segment


def pack_parts(segment: np.ndarray, parts: int) -> np.ndarray:
    """A part number (0..parts-1) per report: whole segments, consecutive segments together, parts of similar size."""
    segment = np.asarray(segment, dtype=np.int64)
    if len(segment) == 0:
        return segment.copy()
    ids, sizes = np.unique(segment, return_counts=True)
    before = np.cumsum(sizes) - sizes  # reports in earlier segments
    part_of_segment = np.minimum((before * max(parts, 1)) // len(segment), max(parts, 1) - 1)
    return part_of_segment[np.searchsorted(ids, segment)]
