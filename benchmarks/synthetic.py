"""Synthetic incident sets for benchmarks: a country-sized spread of statuses, types, radii, times and texts.

Objects are built without validation and shaped exactly as the pipeline's (same classes, same `__dict__`). Building
skips `model_construct`'s per-field loop and shares what is equal anyway (the fields-set of every model, time
windows of the same hour, assessments of the same status and source), so that a million incidents take seconds
and a few GB rather than minutes and ten; every incident still has its own place, coordinates, texts and links.
"""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import numpy as np
from pydantic import BaseModel

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
M = TypeVar("M", bound=BaseModel)
_FIELDS_SET: dict[type, set[str]] = {}


def _make(cls: type[M], **values: Any) -> M:
    """`cls.model_construct(**values)` for trusted values naming every field, with one shared fields-set per class."""
    fields_set = _FIELDS_SET.get(cls)
    if fields_set is None:
        fields_set = _FIELDS_SET[cls] = set(cls.model_fields)
    if len(values) != len(fields_set):
        raise TypeError(f"{cls.__name__}: give every field ({sorted(fields_set ^ set(values))})")
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", fields_set)
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


def synthetic_event(n: int, *, seed: int = 7, n_sources: int = 200) -> MappedEvent:
    """`n` incidents over Venezuela-sized bounds across one year, one report each, each at its own place.

    The cyclic garbage collector is paused while building (it would walk the growing object graph again and again
    for nothing: nothing here is garbage), then one collection moves the event to the oldest generation, where a
    real run's event is by the time it is rendered or exported; what is timed later runs with the collector as usual
    (and does not pay for the first scan of a million young objects).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        event = _build(n, seed, n_sources)
    finally:
        if enabled:
            gc.enable()
    gc.collect()
    return event


def _build(n: int, seed: int, n_sources: int) -> MappedEvent:
    rng = np.random.default_rng(seed)
    terms = list(event_types())
    lats = rng.uniform(1.0, 12.0, n).tolist()
    lons = rng.uniform(-73.0, -60.0, n).tolist()
    radii = rng.choice([150.0, 900.0, 1_500.0, 12_000.0], n, p=[0.3, 0.4, 0.2, 0.1]).tolist()
    types = rng.integers(0, len(terms), n).tolist()
    confirmed = (rng.random(n) < 0.35).tolist()
    offsets = rng.integers(0, 365 * 24, n).tolist()
    hours = rng.choice([1, 6, 24], n).tolist()
    source_pick = rng.integers(0, n_sources, n).tolist()
    sources = [
        _make(
            Source,
            id=f"s{i}",
            name=f"Source {i}",
            handle=f"@source{i}",
            kind=SourceKind.social,
            url=f"https://example.org/s{i}",
            cites=[],
        )
        for i in range(n_sources)
    ]
    windows: dict[tuple[int, int], tuple[TimeWindow, When]] = {}
    verdicts: dict[tuple[bool, int], Assessment] = {}
    incidents = []
    for i in range(n):
        key = (offsets[i], hours[i])
        shared = windows.get(key)
        if shared is None:
            start = START + timedelta(hours=offsets[i])
            shared = windows[key] = (
                _make(
                    TimeWindow,
                    start=start,
                    end=start + timedelta(hours=hours[i]),
                    precision=TimePrecision.hour,
                    tz="America/Caracas",
                    text=None,
                ),
                _make(When, start=start, end=None, precision=None, text=None),
            )
        window, when = shared
        place = f"Place {i}"
        geo = _make(
            Geocode,
            lat=lats[i],
            lon=lons[i],
            radius_m=radii[i],
            precision=Precision.landmark,
            method="gazetteer",
            entry=_make(GazetteerRef, id=f"g{i}", name=place, source="bundled"),
            qualifier="near",
            role=PlaceRole.location,
            matched_text=place,
            score=1.0,
            reason=None,
            unmatched=None,
        )
        term = terms[types[i]]
        pick = source_pick[i]
        source = sources[pick]
        where = f"near {place}"
        report = _make(
            Report,
            id=f"r{i}",
            event_type=term,
            where=where,
            place_role=PlaceRole.location,
            lat=None,
            lon=None,
            radius_m=None,
            precision=None,
            when=when,
            source=source.id,
            url=f"https://example.org/post/{i}",
            media=[f"https://example.org/media/{i}.mp4"],
            summary=f"{source.handle} reports {term.replace('_', ' ')} near {place}.",
            hedges=[],
            override=None,
            span=None,
            place_reason=None,
            attributes={},
            event_row=False,
        )
        located = _make(LocatedReport, report=report, source=source, geocode=geo, time=window)
        is_confirmed = confirmed[i]
        verdict = verdicts.get((is_confirmed, pick))
        if verdict is None:
            verdict = verdicts[(is_confirmed, pick)] = _make(
                Assessment,
                status=Status.confirmed if is_confirmed else Status.unconfirmed,
                reason="Corroborated by 2 independent sources, with footage."
                if is_confirmed
                else f"Unconfirmed: single source ({source.handle}), with footage.",
                overridden=False,
                independent_sources=2 if is_confirmed else 1,
                source_ids=(source.id,),
                has_media=True,
                hedges=(),
            )
        incidents.append(
            _make(
                Incident,
                id=f"inc-{i:07d}",
                event_type=term,
                title=f"{term} — {where}",
                place=where,
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
