"""Merge reports that describe the same event into one incident, keeping every report and source.

Two reports are compatible when their event types share a taxonomy family (incidents/data/taxonomy.yaml: gunfire
and anti-aircraft fire are both `fire`), their uncertainty circles overlap (great-circle distance < r1 + r2) and
their time windows overlap. Grouping is transitive through compatible pairs, but a report joins a group only if it
is compatible with every member: a chain A~B~C where A and C do not overlap gives {A, B} and {C}, never one
incident stretched over places or times that cannot be the same event. Reports are taken in time order (then id)
and each joins the first group it fits, so the result is deterministic.

The fused location is the area consistent with every report, i.e. the intersection of their circles. When one
report's circle lies inside all the others it is that circle (so an incident is never less precise than its
tightest report). Otherwise it is the smallest circle around the intersection, computed on 32-segment polygons in
a spherical azimuthal equidistant projection about the tightest report (distances from its centre are exact
on the sphere; for circles under a few hundred km the shape error is well under 1% of the radius). The fused time is the
intersection of the windows, with the finest member's precision: the time every report agrees on, so no report's
own window is contradicted (members overlap pairwise, so on a line they share a common stretch). The map also shows
the span of the reports (`span_time`), from the earliest start to the latest end.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from shapely import minimum_bounding_circle, minimum_bounding_radius, unary_union
from shapely.geometry import Point

from .grouping import Unit, group_units
from .models import Geocode, Incident, LocatedReport, TimeWindow
from .taxonomy import event_type_info, event_types
from .timewindow import PRECISION_ORDER
from .verify import StatusPolicy

__all__ = ["merge_reports", "compatible", "distance_m", "incident_id", "fuse_location", "fuse_time", "span_time",
           "single_incident"]

EARTH_RADIUS_M = 6_371_008.8
TITLE_PLACE_CHARS = 80
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def distance_m(a: Geocode, b: Geocode) -> float:
    """Great-circle distance between two centres, in metres."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _family(report: LocatedReport) -> str:
    return event_type_info(report.report.event_type).family


def compatible(a: LocatedReport, b: LocatedReport) -> bool:
    """Same taxonomy family, overlapping uncertainty circles and overlapping time windows."""
    return (
        _family(a) == _family(b)
        and distance_m(a.geocode, b.geocode) < a.geocode.radius_m + b.geocode.radius_m
        and a.time.overlaps(b.time)
    )


def incident_id(reports: Sequence[LocatedReport]) -> str:
    """A stable id from the member report ids: 'inc-' and 10 hex digits of their sha1."""
    digest = hashlib.sha1("\x1f".join(sorted(r.report.id for r in reports)).encode()).hexdigest()
    return f"inc-{digest[:10]}"


def _contains(outer: Geocode, inner: Geocode) -> bool:
    return distance_m(outer, inner) + inner.radius_m <= outer.radius_m * (1 + 1e-9)


def _key(g: Geocode) -> tuple[float, float, float]:
    return (g.radius_m, g.lat, g.lon)


def _azimuthal(
    lat0: float, lon0: float
) -> tuple[Callable[[float, float], tuple[float, float]], Callable[[float, float], tuple[float, float]]]:
    """Forward (lat, lon -> x, y metres) and inverse azimuthal equidistant maps on the sphere about (lat0, lon0)."""
    p0, l0 = math.radians(lat0), math.radians(lon0)

    def forward(lat: float, lon: float) -> tuple[float, float]:
        p, dl = math.radians(lat), math.radians(lon) - l0
        cos_c = math.sin(p0) * math.sin(p) + math.cos(p0) * math.cos(p) * math.cos(dl)
        c = math.acos(max(-1.0, min(1.0, cos_c)))
        k = EARTH_RADIUS_M * (c / math.sin(c) if c > 1e-12 else 1.0)
        return (
            k * math.cos(p) * math.sin(dl),
            k * (math.cos(p0) * math.sin(p) - math.sin(p0) * math.cos(p) * math.cos(dl)),
        )

    def inverse(x: float, y: float) -> tuple[float, float]:
        rho = math.hypot(x, y)
        c = rho / EARTH_RADIUS_M
        if rho < 1e-9:
            return lat0, lon0
        lat = math.asin(math.cos(c) * math.sin(p0) + y * math.sin(c) * math.cos(p0) / rho)
        lon = l0 + math.atan2(x * math.sin(c), rho * math.cos(p0) * math.cos(c) - y * math.sin(p0) * math.sin(c))
        return math.degrees(lat), (math.degrees(lon) + 540.0) % 360.0 - 180.0

    return forward, inverse


def fuse_location(reports: Sequence[LocatedReport]) -> Geocode:
    """The smallest circle around the area every report's circle shares (see the module notes)."""
    distinct: dict[tuple[float, float, float], Geocode] = {}
    for r in reports:
        distinct.setdefault(_key(r.geocode), r.geocode)  # each circle once, as the first report gave it
    geos = list(distinct.values())
    tightest = min(geos, key=_key)
    if len(geos) == 1:
        return tightest
    # a circle inside every other is no wider than the tightest (up to _contains' tolerance): only those are tried
    narrow = [g for g in geos if g.radius_m <= tightest.radius_m * (1 + 1e-9)]
    inside_all = [g for g in narrow if all(_contains(o, g) for o in geos if o is not g)]
    if inside_all:
        return min(inside_all, key=_key)
    to_local, to_lonlat = _azimuthal(tightest.lat, tightest.lon)
    discs = []
    for g in geos:
        x, y = to_local(g.lat, g.lon)
        discs.append(Point(x, y).buffer(g.radius_m, quad_segs=32))
    area = discs[0]
    for disc in discs[1:]:
        area = area.intersection(disc)
    if area.is_empty:  # pairwise overlapping, yet no common point: the area where at least two agree
        area = unary_union([a.intersection(b) for i, a in enumerate(discs) for b in discs[i + 1 :]])
    if area.is_empty:
        return tightest
    centre = minimum_bounding_circle(area).centroid
    lat, lon = to_lonlat(centre.x, centre.y)
    radius = min(max(minimum_bounding_radius(area), 1.0), tightest.radius_m)
    return tightest.model_copy(
        update={"lat": round(float(lat), 6), "lon": round(float(lon), 6), "radius_m": round(float(radius), 1)}
    )


def _finest(windows: Sequence[TimeWindow]) -> TimeWindow:
    """The window with the finest precision (then the shortest, then the earliest)."""
    return min(windows, key=lambda w: (PRECISION_ORDER.index(w.precision), w.end - w.start, w.start))


def fuse_time(reports: Sequence[LocatedReport]) -> TimeWindow:
    """Where every report's window agrees: their intersection, with the finest member's precision.

    No report is contradicted by it (each report's window holds it). The finest member's phrase ("late Monday
    night") is kept only when the intersection is that report's own window: a phrase describes its report's time,
    not a narrower one. The whole span of the reports is `span_time`.
    """
    windows = [r.time for r in reports]
    finest = _finest(windows)
    start, end = max(w.start for w in windows), min(w.end for w in windows)
    if end < start:
        return finest
    if (start, end) == (finest.start, finest.end):
        return finest
    return finest.model_copy(update={"start": start, "end": end, "text": None})


def span_time(reports: Sequence[LocatedReport]) -> TimeWindow:
    """The span of the reports' windows, from the earliest start to the latest end (what the time slider covers).

    It is one report's window when that one holds all the others; otherwise it has the finest member's precision
    (so it is written with its hours) and no phrase.
    """
    windows = [r.time for r in reports]
    start, end = min(w.start for w in windows), max(w.end for w in windows)
    holder = next((w for w in windows if (w.start, w.end) == (start, end)), None)
    if holder is not None:
        return holder
    finest = _finest(windows)
    return finest.model_copy(update={"start": start, "end": end, "text": None})


def _short_label(term: str) -> str:
    return event_type_info(term).label.split(" / ")[0]


def _title_place(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TITLE_PLACE_CHARS else text[: TITLE_PLACE_CHARS - 1].rstrip() + "…"


def single_incident(reports: Sequence[LocatedReport], policy: StatusPolicy) -> Incident:
    """One incident from reports already known to describe the same event."""
    ordered = sorted(reports, key=lambda r: (r.time.start, r.report.id))
    order = list(event_types())
    votes = Counter(r.report.event_type for r in ordered)
    event_type = min(votes, key=lambda t: (-votes[t], order.index(t)))
    place_report = min(ordered, key=lambda r: (*_key(r.geocode), r.report.id))
    place = _title_place(place_report.report.where)
    return Incident.model_construct(  # every part is validated already (reports, fused place and time, status)
        id=incident_id(ordered),
        event_type=event_type,
        title=f"{_short_label(event_type)} — {place}",
        place=place_report.report.where,
        geocode=fuse_location(ordered),
        time=fuse_time(ordered),
        reports=tuple(ordered),
        assessment=policy.assess(ordered),
    )


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _groups(ordered: Sequence[LocatedReport]) -> list[list[int]]:
    """Indices of `ordered` grouped as the module notes say (incidents.grouping: linear in the reports)."""
    families: dict[str, str] = {}
    units = []
    for r in ordered:
        term = r.report.event_type
        family = families.get(term)
        if family is None:
            family = families[term] = event_type_info(term).family
        g = r.geocode
        units.append(Unit(family, g.lat, g.lon, g.radius_m, _micros(r.time.start), _micros(r.time.end)))
    return group_units(units)


def merge_reports(located: Sequence[LocatedReport], policy: StatusPolicy, *, merge: bool = True) -> list[Incident]:
    """Incidents from located reports, ordered by start time then id; merge=False makes one per report."""
    ordered = sorted(located, key=lambda r: (r.time.start, r.report.id))
    groups = _groups(ordered) if merge else [[i] for i in range(len(ordered))]
    incidents = [single_incident([ordered[i] for i in g], policy) for g in groups]
    return sorted(incidents, key=lambda i: (i.time.start, i.id))
