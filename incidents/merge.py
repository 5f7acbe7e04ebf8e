"""Merge reports that describe the same event into one incident, keeping every report and source.

Two reports may describe the same event when they have the same event type, their uncertainty circles overlap and
their time windows overlap. Reports are taken in time order; each joins the first incident whose every report it
is compatible with (so a group is never chained through a report that fits only one end), else starts a new one.

The fused location is the area consistent with every report: the circles' intersection, drawn as the smallest
circle around it. When one report's circle lies inside all the others, that circle is the intersection, so the
incident is never less precise than its tightest contained report.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

from pyproj import Transformer
from shapely import minimum_bounding_circle, minimum_bounding_radius
from shapely.geometry import Point

from .models import Geocode, Incident, LocatedReport, TimeWindow
from .taxonomy import event_type_info
from .verify import StatusPolicy

__all__ = ["merge_reports", "compatible", "distance_m", "incident_id", "fuse_location", "single_incident"]

EARTH_RADIUS_M = 6_371_008.8


def distance_m(a: Geocode, b: Geocode) -> float:
    """Great-circle distance between two centres, in metres."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def compatible(a: LocatedReport, b: LocatedReport) -> bool:
    """Same event type, overlapping circles and overlapping time windows."""
    return (
        a.report.event_type == b.report.event_type
        and distance_m(a.geocode, b.geocode) < a.geocode.radius_m + b.geocode.radius_m
        and a.time.overlaps(b.time)
    )


def incident_id(reports: Sequence[LocatedReport]) -> str:
    """A stable id from the member report ids."""
    digest = hashlib.sha1("\x1f".join(sorted(r.report.id for r in reports)).encode()).hexdigest()
    return f"inc-{digest[:10]}"


def _contains(outer: Geocode, inner: Geocode) -> bool:
    return distance_m(outer, inner) + inner.radius_m <= outer.radius_m * (1 + 1e-9)


def fuse_location(reports: Sequence[LocatedReport]) -> Geocode:
    """The smallest circle around the area all reports' circles share (the tightest report when none is shared)."""
    geos = [r.geocode for r in reports]
    tightest = min(geos, key=lambda g: (g.radius_m, g.lat, g.lon))
    if len(geos) == 1:
        return tightest
    inside_all = [g for g in geos if all(_contains(o, g) for o in geos if o is not g)]
    if inside_all:
        return min(inside_all, key=lambda g: (g.radius_m, g.lat, g.lon))
    to_local = Transformer.from_crs(
        "EPSG:4326", f"+proj=aeqd +lat_0={tightest.lat} +lon_0={tightest.lon} +datum=WGS84 +units=m", always_xy=True
    )
    area = None
    for g in geos:
        x, y = to_local.transform(g.lon, g.lat)
        disc = Point(x, y).buffer(g.radius_m, quad_segs=32)
        area = disc if area is None else area.intersection(disc)
    if area is None or area.is_empty:
        return tightest
    circle = minimum_bounding_circle(area)
    centre = circle.centroid
    lon, lat = to_local.transform(centre.x, centre.y, direction="INVERSE")
    return tightest.model_copy(update={
        "lat": round(lat, 6), "lon": round(lon, 6), "radius_m": round(max(minimum_bounding_radius(area), 1.0), 1),
        "method": tightest.method, "qualifier": tightest.qualifier,
    })


def _fuse_time(reports: Sequence[LocatedReport]) -> TimeWindow:
    windows = [r.time for r in reports]
    tightest = min(windows, key=lambda w: (w.end - w.start, w.start))
    start, end = max(w.start for w in windows), min(w.end for w in windows)
    if end < start:
        return tightest
    return tightest.model_copy(update={"start": start, "end": end})


def single_incident(reports: Sequence[LocatedReport], policy: StatusPolicy) -> Incident:
    """One incident from reports already known to describe the same event."""
    ordered = sorted(reports, key=lambda r: (r.time.start, r.report.id))
    geocode = fuse_location(ordered)
    place_report = min(ordered, key=lambda r: (r.geocode.radius_m, r.report.id))
    info = event_type_info(ordered[0].report.event_type)
    return Incident(
        id=incident_id(ordered),
        event_type=info.term,
        title=f"{info.label} — {place_report.report.where}",
        place=place_report.report.where,
        geocode=geocode,
        time=_fuse_time(ordered),
        reports=tuple(ordered),
        assessment=policy.assess(ordered),
    )


def merge_reports(located: Sequence[LocatedReport], policy: StatusPolicy, *, merge: bool = True) -> list[Incident]:
    """Incidents from located reports; with merge=False every report is its own incident."""
    ordered = sorted(located, key=lambda r: (r.time.start, r.report.id))
    groups: list[list[LocatedReport]] = []
    # Per event type, the groups a later report could still join: reports come in start order, so a group whose
    # every window ended before this report starts can never match again.
    active: dict[str, list[tuple[list[LocatedReport], list]]] = {}
    for report in ordered:
        home = None
        if merge:
            candidates = active.setdefault(report.report.event_type, [])
            candidates[:] = [c for c in candidates if c[1][0] >= report.time.start]
            home = next((g for g, _ in candidates if all(compatible(report, m) for m in g)), None)
        if home is None:
            home = [report]
            groups.append(home)
            if merge:
                active[report.report.event_type].append((home, [report.time.end]))
        else:
            home.append(report)
            entry = next(c for c in active[report.report.event_type] if c[0] is home)
            entry[1][0] = min(entry[1][0], report.time.end)
    incidents = [single_incident(g, policy) for g in groups]
    return sorted(incidents, key=lambda i: (i.time.start, i.id))
