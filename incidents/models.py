"""Pydantic models: what an analyst writes (EventFile, Source, Report, Note) and what the pipeline derives
(Geocode, TimeWindow, Assessment, Incident, Unresolved, MappedEvent).

Input models forbid unknown fields so a typo in a file is an error, not silently ignored data.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .numbers import InputNumber, WholeNumber
from .taxonomy import event_types
from .wording import plural

__all__ = [
    "Precision",
    "TimePrecision",
    "Status",
    "SourceKind",
    "PlaceRole",
    "GeoContext",
    "Source",
    "When",
    "StatusOverride",
    "Span",
    "Report",
    "Note",
    "EventFile",
    "GazetteerRef",
    "Geocode",
    "TimeWindow",
    "Assessment",
    "LocatedReport",
    "Incident",
    "Unresolved",
    "Counts",
    "MappedEvent",
]

Identifier = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$")]
Latitude = Annotated[float, Field(ge=-90.0, le=90.0, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180.0, le=180.0, allow_inf_nan=False)]
Radius = Annotated[float, Field(gt=0.0, le=20_100_000.0, allow_inf_nan=False)]
# What a user's file gives goes through incidents.numbers first: no booleans, no huge or non-finite numbers.
InputLatitude = Annotated[InputNumber, Field(ge=-90.0, le=90.0)]
InputLongitude = Annotated[InputNumber, Field(ge=-180.0, le=180.0)]
InputRadius = Annotated[InputNumber, Field(gt=0.0, le=20_100_000.0)]
# A table's own columns that we do not use (an ACLED actor, a QGIS fid, a desk note): kept, shown and exported.
AttributeValue = str | int | float | bool | None
MAX_ATTRIBUTES = 200


class Precision(StrEnum):
    """How precisely a place is known, from finest to coarsest."""

    landmark = "landmark"
    district = "district"
    city = "city"
    region = "region"
    country = "country"


class TimePrecision(StrEnum):
    """How precisely a time is known, from finest to coarsest."""

    exact = "exact"
    hour = "hour"
    part_of_day = "part_of_day"
    day = "day"
    week = "week"
    month = "month"


class Status(StrEnum):
    """Verification status. Confirmed and unconfirmed are never drawn alike."""

    confirmed = "confirmed"
    unconfirmed = "unconfirmed"


class SourceKind(StrEnum):
    """What kind of source said it."""

    social = "social"
    media = "media"
    official = "official"
    ngo = "ngo"
    aggregator = "aggregator"
    witness = "witness"  # a witness or resident quoted by an outlet ("one witness told AFP")
    other = "other"


class PlaceRole(StrEnum):
    """Whether the place is where the thing happened or only where it was observed from or headed to."""

    location = "location"
    observed_from = "observed_from"
    destination = "destination"


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class GeoContext(_Input):
    """Where the event is, so that place names resolve to the right homonym."""

    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2 code, e.g. VE")
    city: str | None = None
    admin1: str | None = None

    @field_validator("country")
    @classmethod
    def _iso2(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if len(v) != 2 or not v.isalpha():
            raise ValueError("must be an ISO 3166-1 alpha-2 country code such as VE")
        return v.upper()


class Source(_Input):
    """Who said it: an account, an outlet, an official body."""

    id: Identifier
    name: str = Field(min_length=1, max_length=500)
    handle: str | None = Field(default=None, max_length=500)
    kind: SourceKind = SourceKind.social
    url: str | None = Field(default=None, max_length=4000)
    cites: list[Identifier] = Field(default_factory=list, description="ids of sources this one relays")


_DATE_LIKE = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}")
_DATE_ONLY = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*$")


def _moment(value: object) -> object:
    """A date-only string as a date (not midnight), an ISO datetime string as a datetime; anything else unchanged."""
    if not isinstance(value, str):
        return value
    try:
        return date.fromisoformat(value.strip()) if _DATE_ONLY.match(value) else datetime.fromisoformat(value.strip())
    except ValueError:
        return value


class When(_Input):
    """A time as reported: a date, a datetime or an interval, with its precision and the phrase used."""

    start: datetime | date | None = None
    end: datetime | date | None = None
    precision: TimePrecision | None = None
    text: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, data: object) -> object:
        if isinstance(data, (date, datetime)):
            return {"start": data}
        if isinstance(data, str):
            if _DATE_LIKE.match(data):
                return {"start": data}  # an invalid date is reported on 'when.start', never taken as a phrase
            return {"text": data}
        return data

    @field_validator("start", "end", mode="before")
    @classmethod
    def _iso(cls, v: object) -> object:
        return _moment(v)

    @model_validator(mode="after")
    def _something(self) -> When:
        if self.start is None and self.text is None:
            raise ValueError("needs a start (date or datetime) or a text such as 'late Monday night'")
        if self.end is not None and self.start is None:
            raise ValueError("an end needs a start")
        return self


def _worded(hedges: list[str]) -> list[str]:
    """Hedges that say something: a blank one is dropped (tables drop empty list items the same way)."""
    return [h for h in hedges if h.strip()]


class StatusOverride(_Input):
    """An analyst's decision, which always wins over the policy."""

    status: Status
    reason: str = Field(min_length=1, max_length=2000)
    by: str | None = Field(default=None, max_length=200)


class Span(_Input):
    """Where in the source article a drafted report came from."""

    start: WholeNumber = Field(ge=0)
    end: WholeNumber = Field(ge=0)
    text: str

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


class Report(_Input):
    """One source's claim that something happened somewhere at some time."""

    id: Identifier
    event_type: str
    where: str = Field(min_length=1, max_length=2000, description="the place as reported")
    place_role: PlaceRole = PlaceRole.location
    lat: InputLatitude | None = None
    lon: InputLongitude | None = None
    radius_m: InputRadius | None = None
    precision: Precision | None = None
    when: When
    source: Identifier
    url: str | None = Field(default=None, max_length=4000, description="link to the post or article")
    media: list[str] = Field(default_factory=list)
    summary: str = Field(min_length=1, max_length=20_000, description="what was reported, in the analyst's words")
    hedges: list[str] = Field(default_factory=list)
    override: StatusOverride | None = None
    span: Span | None = None
    place_reason: str | None = Field(
        default=None, max_length=2000, description="why a drafted report's place was read as it was"
    )
    attributes: dict[str, AttributeValue] = Field(
        default_factory=dict, description="the input table's own columns we do not use, kept as they were"
    )
    event_row: bool = Field(
        default=False, description="a row of an event dataset (ACLED, UCDP GED): one incident, never merged"
    )

    @field_validator("attributes")
    @classmethod
    def _attributes_bounded(cls, v: dict[str, AttributeValue]) -> dict[str, AttributeValue]:
        if len(v) > MAX_ATTRIBUTES:
            raise ValueError(f"more than {MAX_ATTRIBUTES} attributes")
        for key, value in v.items():
            if not key or len(key) > 200:
                raise ValueError("an attribute name must have 1 to 200 characters")
            if isinstance(value, str) and len(value) > 20_000:
                raise ValueError(f"attribute {key[:60]!r} is longer than 20000 characters")
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"attribute {key[:60]!r} is not a finite number")
        return dict(sorted(v.items()))

    @field_validator("event_type")
    @classmethod
    def _known_type(cls, v: str) -> str:
        terms = event_types()
        if v not in terms:
            raise ValueError(f"unknown event type {v!r}; known: {', '.join(terms)}")
        return v

    @field_validator("hedges")
    @classmethod
    def _hedges(cls, v: list[str]) -> list[str]:
        return _worded(v)

    @field_validator("media")
    @classmethod
    def _media_bounded(cls, v: list[str]) -> list[str]:
        if any(len(m) > 4000 for m in v):
            raise ValueError("a media link is longer than 4000 characters")
        return v

    @model_validator(mode="after")
    def _explicit_location(self) -> Report:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together: give both or neither")
        if self.radius_m is not None and self.lat is None:
            raise ValueError("radius_m needs lat and lon")
        return self


class Note(_Input):
    """A claim with no place (a rumour, a political statement): kept as context, never mapped."""

    id: Identifier
    text: str = Field(min_length=1, max_length=20_000)
    source: Identifier | None = None
    hedges: list[str] = Field(default_factory=list)
    when: When | None = None
    span: Span | None = None

    @field_validator("hedges")
    @classmethod
    def _hedges(cls, v: list[str]) -> list[str]:
        return _worded(v)


class EventFile(_Input):
    """An incident file: one event, its sources, its reports and its context notes."""

    title: str = Field(min_length=1, max_length=500)
    description: str | None = Field(default=None, max_length=20_000)
    timezone: str = "UTC"
    reference_date: date | None = Field(default=None, description="the dateline relative phrases resolve against")
    context: GeoContext = Field(default_factory=GeoContext)
    sources: list[Source] = Field(default_factory=list)
    reports: list[Report] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: a name too long for a path
            raise ValueError(f"unknown time zone {v[:60]!r}; use an IANA name such as America/Caracas") from exc
        return v

    @model_validator(mode="after")
    def _references(self) -> EventFile:
        # Cross-record checks are raised by the loader with the record named; here only what is global.
        return self


# ---------------------------------------------------------------- derived by the pipeline


class _Derived(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GazetteerRef(_Derived):
    """The gazetteer entry a place matched."""

    id: str
    name: str
    source: str = Field(description="bundled, geonames, nominatim, ...")


class Geocode(_Derived):
    """A resolved location: never a bare point, always a radius and a precision class."""

    lat: Latitude
    lon: Longitude
    radius_m: Radius
    precision: Precision
    method: Literal["explicit", "gazetteer", "geonames", "online"]
    entry: GazetteerRef | None = None
    qualifier: str | None = Field(default=None, description="the spatial qualifier applied, e.g. 'near'")
    role: PlaceRole = PlaceRole.location
    matched_text: str | None = None
    score: float = Field(default=1.0, ge=0.0, le=1.0, description="match confidence")
    reason: str | None = Field(default=None, description="why this place was chosen among the candidates")
    unmatched: str | None = Field(
        default=None, description="a landmark the text named that no gazetteer had (drawn at the enclosing place)"
    )


class TimeWindow(_Derived):
    """When, as an interval in UTC with its precision; the event's zone is kept for display."""

    start: datetime
    end: datetime
    precision: TimePrecision
    tz: str = "UTC"
    text: str | None = None

    @model_validator(mode="after")
    def _aware_ordered(self) -> TimeWindow:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("times must be timezone-aware")
        if self.end < self.start:
            raise ValueError("end is before start")
        return self

    def overlaps(self, other: TimeWindow) -> bool:
        """Whether the two windows share time; ends are exclusive, so 10-11h and 11-12h do not overlap."""
        if self.start == self.end or other.start == other.end:
            return self.start <= other.end and other.start <= self.end
        return self.start < other.end and other.start < self.end


class Assessment(_Derived):
    """A status and the sentence that explains it."""

    status: Status
    reason: str
    overridden: bool = False
    independent_sources: int = 0
    source_ids: tuple[str, ...] = ()
    has_media: bool = False
    hedges: tuple[str, ...] = ()


class LocatedReport(_Derived):
    """A report with its resolved place and time."""

    report: Report
    source: Source
    geocode: Geocode
    time: TimeWindow


class Incident(_Derived):
    """One event on the map: every report and source that describes it, one place, one window, one status."""

    id: str
    event_type: str
    title: str
    place: str
    geocode: Geocode
    time: TimeWindow
    reports: tuple[LocatedReport, ...]
    assessment: Assessment

    @property
    def sources(self) -> tuple[Source, ...]:
        """The distinct sources, in report order."""
        seen: dict[str, Source] = {}
        for r in self.reports:
            seen.setdefault(r.source.id, r.source)
        return tuple(seen.values())


class Unresolved(_Derived):
    """An input record that did not become a mapped incident, and why."""

    record: str
    kind: Literal["report", "note"] = "report"
    reason: str
    where: str | None = None


class Counts(_Derived):
    """What happened to every input record."""

    read: int
    mapped: int
    incidents: int
    merged: int
    unresolved: int
    notes: int

    def line(self) -> str:
        """A one-line summary for the terminal."""
        return (
            f"{plural(self.read, 'report')} read, {self.mapped} mapped into {plural(self.incidents, 'incident')} "
            f"({self.merged} merged into others), {self.unresolved} unresolved, {plural(self.notes, 'context note')}"
        )


def _instant(value: datetime | date | str) -> datetime:
    """A filter bound as an aware datetime: ISO text or a date (midnight) read as UTC when naive."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _within(time: TimeWindow, t0: datetime, t1: datetime) -> bool:
    """Whether the window shares time with [t0, t1) (an instant: whether it falls in it)."""
    if time.start == time.end:
        return t0 <= time.start < t1
    return time.start < t1 and t0 < time.end


class MappedEvent(_Derived):
    """The result of the pipeline: what the layers and exports are built from."""

    title: str
    timezone: str
    context: GeoContext
    incidents: tuple[Incident, ...]
    unresolved: tuple[Unresolved, ...] = ()
    notes: tuple[Note, ...] = ()
    sources: tuple[Source, ...] = ()
    reports_read: int = 0
    selection: str | None = Field(default=None, description="what `filter` kept, and of how many")

    def to_geodataframe(self, layer: Literal["incidents", "uncertainty", "reports"] = "incidents", *,
                        flat: bool = False):  # -> geopandas.GeoDataFrame
        """One row per incident (Point), uncertainty area (geodesic polygon) or report, EPSG:4326; the resolved
        times are datetime64 (UTC). See layers.frame.to_geodataframe (imported here: the notebook's shortcut)."""
        from layers.frame import to_geodataframe

        return to_geodataframe(self, layer, flat=flat)

    def filter(self, *, status: str | Status | Iterable[str | Status] | None = None,
               event_type: str | Iterable[str] | None = None,
               between: tuple[datetime | date | str, datetime | date | str] | None = None) -> MappedEvent:
        """The incidents of some statuses, event types and/or overlapping [t0, t1) (naive times are UTC).

        Counts stay honest: the result reads as what it holds (its reports, none unresolved, since an unresolved
        record has no status, type or time to match) and `selection` says what was kept of how many.
        """
        statuses = {Status(s) for s in ([status] if isinstance(status, str) else status)} if status else None
        types = set([event_type] if isinstance(event_type, str) else event_type) if event_type else None
        window = tuple(_instant(t) for t in between) if between else None
        kept = [
            i for i in self.incidents
            if (statuses is None or i.assessment.status in statuses)
            and (types is None or i.event_type in types)
            and (window is None or _within(i.time, window[0], window[1]))
        ]
        said = "; ".join(f"{k}={v}" for k, v in (("status", sorted(statuses) if statuses else None),
                                                 ("event_type", sorted(types) if types else None),
                                                 ("between", between)) if v)
        before = self.counts
        selection = (f"{said}: {plural(len(kept), 'incident')} of {before.incidents}, from "
                     f"{plural(before.read, 'report')} read")
        mapped = sum(len(i.reports) for i in kept)
        return self.model_copy(update={"incidents": tuple(kept), "unresolved": (), "reports_read": mapped,
                                       "selection": selection})

    @property
    def counts(self) -> Counts:
        """Read, mapped, merged and unresolved counts."""
        mapped = sum(len(i.reports) for i in self.incidents)
        return Counts(
            read=self.reports_read,
            mapped=mapped,
            incidents=len(self.incidents),
            merged=mapped - len(self.incidents),
            unresolved=sum(1 for u in self.unresolved if u.kind == "report"),
            notes=len(self.notes),
        )
