"""Small builders of sources and located reports for the verify, merge and pipeline tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from incidents.errors import PlaceNotFound
from incidents.models import (
    Geocode,
    GeoContext,
    LocatedReport,
    PlaceRole,
    Precision,
    Report,
    Source,
    StatusOverride,
    TimePrecision,
    TimeWindow,
)

T0 = datetime(2026, 1, 6, 1, 0, tzinfo=UTC)  # 21:00 on 5 Jan in Caracas


def source(sid: str, *, kind: str = "social", handle: str | None = None, cites: tuple[str, ...] = ()) -> Source:
    """A source with a handle '@<id>' unless given."""
    return Source(id=sid, name=sid.title(), handle=handle if handle is not None else f"@{sid}", kind=kind,
                  cites=list(cites))


def located(
    rid: str,
    src: Source | None = None,
    *,
    event_type: str = "gunfire",
    lat: float = 10.5065,
    lon: float = -66.9147,
    radius_m: float = 1000.0,
    start: datetime = T0,
    hours: float = 1.0,
    precision: TimePrecision = TimePrecision.hour,
    media: tuple[str, ...] = (),
    hedges: tuple[str, ...] = (),
    override: dict | None = None,
    where: str = "near the palace",
) -> LocatedReport:
    """A report already geocoded and timed."""
    src = src or source("alice")
    report = Report(
        id=rid, event_type=event_type, where=where, when={"start": start}, source=src.id, summary=f"report {rid}",
        media=list(media), hedges=list(hedges), override=StatusOverride(**override) if override else None,
    )
    return LocatedReport(
        report=report,
        source=src,
        geocode=Geocode(lat=lat, lon=lon, radius_m=radius_m, precision=Precision.landmark, method="explicit",
                        role=PlaceRole.location),
        time=TimeWindow(start=start, end=start + timedelta(hours=hours), precision=precision, tz="America/Caracas"),
    )


class FakeResolver:
    """A PlaceResolver stand-in: place text -> Geocode, an exception to raise, or PlaceNotFound when unknown."""

    def __init__(self, places: dict[str, Geocode | Exception]) -> None:
        self.places = places
        self.calls: list[tuple[str, GeoContext, PlaceRole]] = []

    def offline(self) -> FakeResolver:
        """Itself: the fake has no online services."""
        return self

    def resolve(self, text: str, context: GeoContext, *, role: PlaceRole = PlaceRole.location) -> Geocode:
        """The configured answer for `text`."""
        self.calls.append((text, context, role))
        answer = self.places.get(text)
        if answer is None:
            raise PlaceNotFound(f"no match for {text!r}")
        if isinstance(answer, Exception):
            raise answer
        return answer


def geocode(lat: float, lon: float, radius_m: float, precision: Precision = Precision.landmark) -> Geocode:
    """A gazetteer-style Geocode."""
    return Geocode(lat=lat, lon=lon, radius_m=radius_m, precision=precision, method="gazetteer")
