"""Synthetic incident sets for benchmarks: a country-sized spread of statuses, types, radii, times and texts.

Built with `model_construct` (no validation) so that generating a million incidents does not dominate the run; the
objects are shaped exactly as the pipeline's.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from incidents.models import (
    Assessment,
    GazetteerRef,
    Geocode,
    GeoContext,
    Incident,
    LocatedReport,
    MappedEvent,
    PlaceRole,
    Precision,
    Report,
    Source,
    SourceKind,
    Status,
    TimePrecision,
    TimeWindow,
    When,
)
from incidents.taxonomy import event_types

__all__ = ["synthetic_event"]

START = datetime(2025, 1, 1, tzinfo=UTC)


def synthetic_event(n: int, *, seed: int = 7, n_sources: int = 200) -> MappedEvent:
    """`n` incidents over Venezuela-sized bounds across one year, one or two reports each."""
    rng = np.random.default_rng(seed)
    terms = list(event_types())
    lats = rng.uniform(1.0, 12.0, n)
    lons = rng.uniform(-73.0, -60.0, n)
    radii = rng.choice([150.0, 900.0, 1_500.0, 12_000.0], n, p=[0.3, 0.4, 0.2, 0.1])
    types = rng.integers(0, len(terms), n)
    confirmed = rng.random(n) < 0.35
    offsets = rng.integers(0, 365 * 24, n)
    hours = rng.choice([1, 6, 24], n)
    source_pick = rng.integers(0, n_sources, n)
    sources = [
        Source.model_construct(
            id=f"s{i}",
            name=f"Source {i}",
            handle=f"@source{i}",
            kind=SourceKind.social,
            url=f"https://example.org/s{i}",
            cites=[],
        )
        for i in range(n_sources)
    ]
    incidents = []
    for i in range(n):
        start = START + timedelta(hours=int(offsets[i]))
        window = TimeWindow.model_construct(
            start=start,
            end=start + timedelta(hours=int(hours[i])),
            precision=TimePrecision.hour,
            tz="America/Caracas",
            text=None,
        )
        geo = Geocode.model_construct(
            lat=float(lats[i]),
            lon=float(lons[i]),
            radius_m=float(radii[i]),
            precision=Precision.landmark,
            method="gazetteer",
            entry=GazetteerRef.model_construct(id=f"g{i}", name=f"Place {i}", source="bundled"),
            qualifier="near",
            role=PlaceRole.location,
            matched_text=f"Place {i}",
            score=1.0,
        )
        term = terms[int(types[i])]
        source = sources[int(source_pick[i])]
        report = Report.model_construct(
            id=f"r{i}",
            event_type=term,
            where=f"near Place {i}",
            place_role=PlaceRole.location,
            lat=None,
            lon=None,
            radius_m=None,
            precision=None,
            when=When.model_construct(start=start, end=None, precision=None, text=None),
            source=source.id,
            url=f"https://example.org/post/{i}",
            media=[f"https://example.org/media/{i}.mp4"],
            summary=f"{source.handle} reports {term.replace('_', ' ')} near Place {i}.",
            hedges=[],
            override=None,
            span=None,
        )
        located = LocatedReport.model_construct(report=report, source=source, geocode=geo, time=window)
        status = Status.confirmed if confirmed[i] else Status.unconfirmed
        verdict = Assessment.model_construct(
            status=status,
            reason="Corroborated by 2 independent sources, with footage."
            if confirmed[i]
            else f"Unconfirmed: single source ({source.handle}), with footage.",
            overridden=False,
            independent_sources=2 if confirmed[i] else 1,
            source_ids=(source.id,),
            has_media=True,
            hedges=(),
        )
        incidents.append(
            Incident.model_construct(
                id=f"inc-{i:07d}",
                event_type=term,
                title=f"{term} — near Place {i}",
                place=f"near Place {i}",
                geocode=geo,
                time=window,
                reports=(located,),
                assessment=verdict,
            )
        )
    return MappedEvent.model_construct(
        title=f"Synthetic event ({n} incidents)",
        timezone="America/Caracas",
        context=GeoContext(country="VE"),
        incidents=tuple(incidents),
        unresolved=(),
        notes=(),
        sources=tuple(sources),
        reports_read=n,
    )
