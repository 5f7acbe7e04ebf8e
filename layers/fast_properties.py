"""The properties of `layers.properties`, built fast enough for a million features, and checked against it.

`incident_properties`/`report_properties` are the contract and stay the readable definition. This module builds the
same values with what incidents share computed once per write (sources, time windows, report times, event types)
and enums/tuples left for the serialiser (orjson writes a StrEnum as its value and a tuple as an array), which
roughly halves the time per feature. `property_builders` compares both on a sample before every write and falls
back to the contract functions when they disagree in anything (say, a property added to one and not the other), so
a drift costs speed, never correctness. The dicts built here share lists with the models: serialise them, do not
mutate them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import orjson

from incidents.models import Geocode, Incident, LocatedReport, Source, TimeWindow, When
from incidents.records import iso_date
from incidents.taxonomy import event_type_info

from .properties import incident_attributes, incident_properties, iso_utc, report_properties

__all__ = ["FastProperties", "property_builders", "presorted"]

IncidentBuilder = Callable[[Incident], dict[str, Any]]
ReportBuilder = Callable[..., dict[str, Any]]


class FastProperties:
    """Per-write caches keyed by object identity (each cache entry keeps its object alive, so ids stay unique)."""

    def __init__(self) -> None:
        self._windows: dict[int, tuple[Any, ...]] = {}
        self._whens: dict[int, tuple[Any, ...]] = {}
        self._sources: dict[int, tuple[Any, ...]] = {}
        self._types: dict[str, tuple[str, str, str]] = {}
        self._last: tuple[Any, float, float, float] = (None, 0.0, 0.0, 0.0)

    def rounded(self, geocode: Geocode) -> tuple[float, float, float]:
        """(lon, lat) to 6 decimals and the radius to 1, as the properties and the point geometry have them.

        Remembered for the last geocode only: an incident's point, its radius and its reports' mapped positions
        usually come from one Geocode object, one after the other.
        """
        last = self._last
        if last[0] is not geocode:
            last = self._last = (geocode, round(geocode.lon, 6), round(geocode.lat, 6), round(geocode.radius_m, 1))
        return last[1], last[2], last[3]

    def _window(self, window: TimeWindow) -> tuple[Any, ...]:
        found = self._windows[id(window)] = (window, iso_utc(window.start), iso_utc(window.end), window.precision, window.tz)
        return found

    def _when(self, when: When) -> tuple[Any, ...]:
        found = self._whens[id(when)] = (when, iso_date(when.start), iso_date(when.end), when.precision, when.text)
        return found

    def _source(self, source: Source) -> tuple[Any, ...]:
        found = self._sources[id(source)] = (
            source,
            source.id,
            source.name,
            source.handle,
            source.kind,
            source.url,
            source.cites,
            {"handle": source.handle, "name": source.name, "url": source.url},
        )
        return found

    def _type(self, term: str) -> tuple[str, str, str]:
        info = event_type_info(term)
        found = self._types[term] = (info.label, info.acled_event_type, info.acled_sub_event_type)
        return found

    # The dicts below are written with their keys in sorted order, so they serialise without OPT_SORT_KEYS to the
    # bytes the contract's dicts give with it (property_builders checks exactly that).

    def report(self, located: LocatedReport, incident_id: str | None = None) -> dict[str, Any]:
        """`layers.properties.report_properties(located, incident_id)`, keys sorted, as orjson writes it."""
        report, geo, source, window = located.report, located.geocode, located.source, located.time
        lon, lat, radius = self.rounded(geo)
        src = self._sources.get(id(source)) or self._source(source)
        when = self._whens.get(id(report.when)) or self._when(report.when)
        win = self._windows.get(id(window)) or self._window(window)
        override, span = report.override, report.span
        return {
            "attributes": report.attributes,
            "event_row": report.event_row,
            "event_type": report.event_type,
            "geocode_method": geo.method,
            "hedges": report.hedges,
            "id": report.id,
            "incident_id": incident_id,
            "lat": report.lat,
            "lon": report.lon,
            "mapped_lat": lat,
            "mapped_lon": lon,
            "mapped_precision": geo.precision,
            "mapped_radius_m": radius,
            "media": report.media,
            "override_by": override.by if override else None,
            "override_reason": override.reason if override else None,
            "override_status": override.status if override else None,
            "place_reason": report.place_reason,
            "place_role": report.place_role,
            "precision": report.precision,
            "radius_m": report.radius_m,
            "source": src[1],
            "source_cites": src[6],
            "source_handle": src[3],
            "source_kind": src[4],
            "source_name": src[2],
            "source_url": src[5],
            "span_end": span.end if span else None,
            "span_start": span.start if span else None,
            "span_text": span.text if span else None,
            "summary": report.summary,
            "time_end": win[2],
            "time_precision": win[3],
            "time_start": win[1],
            "url": report.url,
            "when_end": when[2],
            "when_precision": when[3],
            "when_start": when[1],
            "when_text": when[4],
            "where": report.where,
        }

    def incident(self, incident: Incident, *, reports: bool = True) -> dict[str, Any]:
        """`layers.properties.incident_properties(incident)`, keys sorted, as orjson writes it.

        `reports=False` leaves out the report records (and the work of building them): the polygon layer's properties.
        """
        geo, verdict, located, window, term = (
            incident.geocode,
            incident.assessment,
            incident.reports,
            incident.time,
            incident.event_type,
        )
        entry = geo.entry
        info = self._types.get(term) or self._type(term)
        win = self._windows.get(id(window)) or self._window(window)
        radius = self.rounded(geo)[2]
        report = self.report
        if len(located) == 1:
            first = located[0]
            source = first.source
            sources = [(self._sources.get(id(source)) or self._source(source))[7]]
            report_ids = [first.report.id]
            records = [report(first)] if reports else None
            summary = first.report.summary
        else:
            distinct: dict[str, dict[str, Any]] = {}
            for r in located:
                src = self._sources.get(id(r.source)) or self._source(r.source)
                distinct.setdefault(src[1], src[7])
            sources = list(distinct.values())
            report_ids = [r.report.id for r in located]
            records = [report(r) for r in located] if reports else None
            summary = located[0].report.summary if located else ""
        properties = {
            "acled_event_type": info[1],
            "acled_sub_event_type": info[2],
            "attributes": incident_attributes(incident),
            "event_type": term,
            "event_type_label": info[0],
            "gazetteer_id": entry.id if entry else None,
            "gazetteer_name": entry.name if entry else None,
            "gazetteer_source": entry.source if entry else None,
            "geocode_method": geo.method,
            "has_media": verdict.has_media,
            "hedges": verdict.hedges,
            "id": incident.id,
            "independent_sources": verdict.independent_sources,
            "place": incident.place,
            "place_role": geo.role,
            "precision": geo.precision,
            "qualifier": geo.qualifier,
            "radius_m": radius,
            "report_ids": report_ids,
            "reports": records,
            "sources": sources,
            "status": verdict.status,
            "status_overridden": verdict.overridden,
            "status_reason": verdict.reason,
            "summary": summary,
            "time_end": win[2],
            "time_precision": win[3],
            "time_start": win[1],
            "timezone": win[4],
            "title": incident.title,
            "unmatched_landmark": geo.unmatched,
        }
        if not reports:
            del properties["reports"]
        return properties


def _same(fast: dict[str, Any], contract: dict[str, Any]) -> bool:
    return orjson.dumps(fast) == orjson.dumps(contract, option=orjson.OPT_SORT_KEYS)


def property_builders(sample: Iterable[Incident]) -> tuple[IncidentBuilder, ReportBuilder]:
    """(incident, report) property builders: the fast ones when they agree with the contract on `sample`, else it.

    Agreeing means: the fast dict serialised as built gives the bytes of the contract's dict serialised with sorted
    keys. Use `presorted(builder)` to know whether a builder's dicts may be written without OPT_SORT_KEYS.
    """
    fast = FastProperties()
    for incident in sample:
        agree = _same(fast.incident(incident), incident_properties(incident)) and all(
            _same(fast.report(r, incident.id), report_properties(r, incident.id)) for r in incident.reports
        )
        if not agree:
            return incident_properties, report_properties
    return fast.incident, fast.report


def presorted(builder: Any) -> bool:
    """Whether `builder` (from property_builders) makes dicts whose keys are already in sorted order."""
    return isinstance(getattr(builder, "__self__", None), FastProperties)
