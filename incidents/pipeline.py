"""Incident file -> mapped event: locate and time every report, merge, assess; account for every record.

Nothing is dropped: a report whose place or time cannot be resolved goes to `MappedEvent.unresolved` with the
reason; notes (claims without a place) go to `MappedEvent.notes`. So `counts.read == counts.mapped +
counts.unresolved` always holds.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .errors import GeocodeError, GeocoderServiceError, IncidentMapError, InputError
from .gc_pause import gc_paused
from .merge import merge_reports
from .models import EventFile, LocatedReport, MappedEvent, Report, Source, TimeWindow, Unresolved
from .timewindow import resolve_when
from .verify import StatusPolicy

if TYPE_CHECKING:
    from .geocode import PlaceResolver

__all__ = ["build_event", "locate_reports", "show_progress", "PROGRESS_THRESHOLD", "PROGRESS_TTY_THRESHOLD"]

PROGRESS_TTY_THRESHOLD = 500  # reports: a progress bar when stderr is a terminal
PROGRESS_THRESHOLD = 5_000  # reports: a progress bar even when it is not (sparse updates, for logs)


def _reason(exc: IncidentMapError) -> str:
    if isinstance(exc, GeocodeError):
        return f"place not found: {exc}"
    if isinstance(exc, GeocoderServiceError):
        return f"geocoder failed: {exc}"
    if isinstance(exc, InputError):
        return f"bad time or place: {exc.one_line()}"
    return str(exc)


def _terminal() -> bool:
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


def show_progress(n_reports: int, progress: bool | None = None) -> bool:
    """Whether geocoding `n_reports` shows a bar: as asked, else on a terminal from 500 reports, anywhere from 5,000."""
    if progress is not None:
        return progress
    if n_reports >= PROGRESS_THRESHOLD:
        return True
    return n_reports >= PROGRESS_TTY_THRESHOLD and _terminal()


def locate_reports(
    event: EventFile, resolver: PlaceResolver, *, progress: bool | None = None
) -> tuple[list[LocatedReport], list[Unresolved]]:
    """Every report with its place and time, or an Unresolved entry saying why not."""
    from .geocode import locate

    sources: dict[str, Source] = {s.id: s for s in event.sources}
    located: list[LocatedReport] = []
    unresolved: list[Unresolved] = []
    windows: dict[tuple[object, ...], TimeWindow] = {}  # a time as written, resolved once (windows are frozen)
    reports: Iterable[Report] = event.reports
    if show_progress(len(event.reports), progress):
        from tqdm import tqdm

        reports = tqdm(
            event.reports,
            desc="geocoding",
            unit="report",
            file=sys.stderr,
            leave=False,
            mininterval=0.2 if _terminal() else 10.0,
        )
    for report in reports:
        source = sources.get(report.source)
        if source is None:
            unresolved.append(Unresolved(record=report.id, reason=f"unknown source {report.source!r}",
                                         where=report.where))
            continue
        when = report.when
        when_key = (when.start, when.end, when.precision, when.text)
        try:
            geocode = locate(report, resolver, event.context)
            window = windows.get(when_key)
            if window is None:
                window = windows[when_key] = resolve_when(when, event.timezone, event.reference_date)
        except IncidentMapError as exc:
            unresolved.append(Unresolved(record=report.id, reason=_reason(exc), where=report.where))
            continue
        # every part is a validated model already: built without validating them again
        located.append(LocatedReport.model_construct(report=report, source=source, geocode=geocode, time=window))
    return located, unresolved


def build_event(
    event: EventFile,
    *,
    resolver: PlaceResolver | None = None,
    online: str | None = None,
    policy: StatusPolicy | None = None,
    merge: bool = True,
    progress: bool | None = None,
    timings: dict[str, float] | None = None,
) -> MappedEvent:
    """Geocode, time, merge and assess every report of `event`; notes stay as unmapped context.

    `timings`, when given, receives the seconds spent locating (geocode + time) and merging (merge + status). The
    cyclic garbage collector is paused meanwhile (incidents.gc_pause: the objects made here are not garbage).
    """
    if resolver is None:
        from .geocode import default_resolver

        resolver = default_resolver(online)
    with gc_paused():
        t0 = time.perf_counter()
        located, unresolved = locate_reports(event, resolver, progress=progress)
        t1 = time.perf_counter()
        policy = policy or StatusPolicy()
        # a row of an event dataset (ACLED, UCDP GED) is one event already: never merged with another
        rows = [r for r in located if r.report.event_row]
        incidents = merge_reports([r for r in located if not r.report.event_row], policy, merge=merge)
        if rows:
            incidents = sorted([*incidents, *merge_reports(rows, policy, merge=False)],
                               key=lambda i: (i.time.start, i.id))
        if timings is not None:
            timings["locate"], timings["merge"] = t1 - t0, time.perf_counter() - t1
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
