"""Incident file -> mapped event: locate and time every report, merge, assess; account for every record."""

from __future__ import annotations

from collections.abc import Iterable

from tqdm import tqdm

from .errors import GeocodeError, GeocoderServiceError, InputError
from .geocode import PlaceResolver, default_resolver, locate
from .merge import merge_reports
from .models import EventFile, LocatedReport, MappedEvent, Unresolved
from .timewindow import resolve_when
from .verify import StatusPolicy

__all__ = ["build_event", "locate_reports"]

PROGRESS_THRESHOLD = 5_000


def locate_reports(
    event: EventFile, resolver: PlaceResolver, *, progress: bool | None = None
) -> tuple[list[LocatedReport], list[Unresolved]]:
    """Every report with its place and time, or an Unresolved entry saying why not."""
    sources = {s.id: s for s in event.sources}
    located: list[LocatedReport] = []
    unresolved: list[Unresolved] = []
    reports: Iterable = event.reports
    if progress or (progress is None and len(event.reports) >= PROGRESS_THRESHOLD):
        reports = tqdm(event.reports, desc="geocoding", unit="report", leave=False)
    for report in reports:
        try:
            geocode = locate(report, resolver, event.context)
            window = resolve_when(report.when, event.timezone, event.reference_date)
        except (GeocodeError, GeocoderServiceError) as exc:
            unresolved.append(Unresolved(record=report.id, reason=str(exc), where=report.where))
            continue
        except InputError as exc:
            unresolved.append(Unresolved(record=report.id, reason=exc.one_line(), where=report.where))
            continue
        located.append(LocatedReport(report=report, source=sources[report.source], geocode=geocode, time=window))
    return located, unresolved


def build_event(
    event: EventFile,
    *,
    resolver: PlaceResolver | None = None,
    online: str | None = None,
    policy: StatusPolicy | None = None,
    merge: bool = True,
    progress: bool | None = None,
) -> MappedEvent:
    """Geocode, time, merge and assess every report of `event`; notes stay as unmapped context."""
    located, unresolved = locate_reports(event, resolver or default_resolver(online), progress=progress)
    incidents = merge_reports(located, policy or StatusPolicy(), merge=merge)
    return MappedEvent(
        title=event.title,
        timezone=event.timezone,
        context=event.context,
        incidents=tuple(incidents),
        unresolved=tuple(unresolved),
        notes=tuple(event.notes),
        sources=tuple(event.sources),
        reports_read=len(event.reports),
    )
