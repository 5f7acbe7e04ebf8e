"""ACLED event exports (the codebook's columns: event_id_cnty, event_date, time_precision, event_type,
sub_event_type, actor1/2, admin1-3, location, latitude, longitude, geo_precision, source, source_scale, notes,
fatalities, ...). Each row is one coded event, never merged with another.

Spatial precision (geo_precision): 1 the named town's coordinates; 2 a small part of a region or near a town (coded
to a nearby town); 3 a larger region (coded to a natural location or the provincial capital). Time precision
(time_precision): 1 the actual day; 2 a specific week or weekend; 3 only the month. README: "Tables we read" has the
radii and windows these become.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from .dataset import Adapter, Cells, named_sources, place_text

__all__ = ["ACLED", "GEO_PRECISION", "SUB_EVENT_TYPES", "EVENT_TYPES"]

# geo_precision -> (our precision class, radius in metres)
GEO_PRECISION = {1: ("city", 5_000.0), 2: ("region", 25_000.0), 3: ("region", 100_000.0)}
SUB_EVENT_TYPES = {
    "armed clash": "gunfire", "government regains territory": "armed_movement",
    "non-state actor overtakes territory": "armed_movement", "chemical weapon": "explosion",
    "air/drone strike": "explosion", "suicide bomb": "explosion", "shelling/artillery/missile attack": "explosion",
    "remote explosive/landmine/ied": "explosion", "grenade": "explosion", "peaceful protest": "protest",
    "protest with intervention": "protest", "excessive force against protesters": "protest",
    "excessive force against protestors": "protest", "violent demonstration": "protest", "mob violence": "protest",
    "arrests": "arrests", "headquarters or base established": "armed_movement",
    "non-violent transfer of territory": "armed_movement", "looting/property destruction": "smoke_fire",
}
EVENT_TYPES = {"battles": "gunfire", "explosions/remote violence": "explosion", "protests": "protest",
               "riots": "protest"}
_DATE_FORMATS = ("%d %B %Y", "%d-%m-%Y", "%d/%m/%Y", "%d %b %Y")


def when_columns(day: date, precision: int | None, name: str) -> dict[str, Any]:
    """when_* columns for a day coded with ACLED's time_precision (2: its week, 3: its month)."""
    if precision == 2:
        return {"when_start": (day - timedelta(days=3)).isoformat(), "when_end": (day + timedelta(days=3)).isoformat(),
                "when_precision": "week", "when_text": f"the week around {day.isoformat()} ({name} time_precision 2)"}
    if precision == 3:
        last = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return {"when_start": day.replace(day=1).isoformat(), "when_end": last.isoformat(), "when_precision": "month",
                "when_text": f"{day.strftime('%B %Y')} ({name} time_precision 3)"}
    return {"when_start": day.isoformat(), "when_precision": "day"}


class _Acled(Adapter):
    name = "acled"
    title = "ACLED events"
    rows_are_events = True

    def detect(self, columns: set[str]) -> bool:
        return {"event_id_cnty", "event_date"} <= columns

    def row(self, cells: Cells) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        kind, sub = cells.kept("event_type"), cells.kept("sub_event_type")
        term = SUB_EVENT_TYPES.get((sub or "").lower()) or EVENT_TYPES.get((kind or "").lower(), "other")
        location = cells.kept("location")
        where = place_text(location, cells.kept("admin3"), cells.kept("admin2"), cells.kept("admin1"),
                           cells.kept("country"))
        day = cells.date("event_date", _DATE_FORMATS)
        row: dict[str, Any] = {"id": cells.text("event_id_cnty"), "event_type": term, "where": where}
        if day is not None:
            day = day.date() if isinstance(day, datetime) else day
            row.update(when_columns(day, cells.code("time_precision", range(1, 4)), "ACLED"))
        lat, lon = cells.number("latitude", low=-90, high=90), cells.number("longitude", low=-180, high=180)
        geo = cells.code("geo_precision", range(1, 4))
        precision, radius = GEO_PRECISION[geo or 1]
        row.update(lat=lat, lon=lon, radius_m=radius, precision=precision)  # dropped if no coordinates come
        cells.keep("time_precision", "geo_precision")
        summary = cells.text("notes") or " — ".join(p for p in (sub or kind, location) if p)
        row["summary"] = summary or None
        names = [n.strip() for n in (cells.text("source") or "").split(";") if n.strip()]
        source, cited = named_sources("ACLED", names)
        row.update(source)
        return row, cited


ACLED = _Acled()
