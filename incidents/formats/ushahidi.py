"""Ushahidi CSV exports: the classic platform's columns (#, INCIDENT TITLE, INCIDENT DATE, LOCATION, DESCRIPTION,
CATEGORY, LATITUDE, LONGITUDE, APPROVED, VERIFIED) and the newer platform's (Post ID, Title, Description, Post date,
Location lat/lon ...). A row is one report by a member of the public; reports on one event merge.

The platform records no precision for a pin, so a pin is mapped at ±2 km; a report marked VERIFIED by the
deployment's admins is confirmed as their decision (an override, shown as such), any other stays with our policy.
"""

from __future__ import annotations

from typing import Any

from ..taxonomy import event_types
from .dataset import Adapter, Cells

__all__ = ["USHAHIDI", "PIN_RADIUS_M", "category_event_type"]

PIN_RADIUS_M = 2_000.0
_DATE_FORMATS = ("%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M")
_COLUMNS = {  # ours: (classic, newer ...)
    "id": ("#", "post id", "id"), "title": ("incident title", "title", "post title"),
    "date": ("incident date", "post date", "post date (utc)", "created (utc)"),
    "location": ("location", "location name"), "description": ("description", "post description"),
    "category": ("category", "categories"), "lat": ("latitude", "location.lat", "location (lat)", "lat"),
    "lon": ("longitude", "location.lon", "location (lon)", "lon"), "verified": ("verified",),
}


def category_event_type(categories: str | None) -> str:
    """Our event type for a report's category names, by the taxonomy's keywords ('other' when none fits)."""
    text = f" {(categories or '').lower()} "
    for term, info in event_types().items():
        if any(f"{k}" in text for k in info.keywords if len(k) > 3):
            return term
    return "other"


def _first(cells: Cells, names: tuple[str, ...], *, keep: bool = False) -> str | None:
    for name in names:
        if cells.has(name):
            return cells.kept(name) if keep else cells.text(name)
    return None


class _Ushahidi(Adapter):
    name = "ushahidi"
    title = "Ushahidi reports"

    def detect(self, columns: set[str]) -> bool:
        return {"incident title", "incident date"} <= columns or {"post id", "title", "post date"} <= columns

    def row(self, cells: Cells) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        get = lambda key, keep=False: _first(cells, _COLUMNS[key], keep=keep)  # noqa: E731
        category = get("category", keep=True)
        row: dict[str, Any] = {"id": get("id"), "event_type": category_event_type(category), "where": get("location", keep=True)}
        date_name = next((n for n in _COLUMNS["date"] if cells.has(n)), None)
        moment = cells.date(date_name, _DATE_FORMATS) if date_name else None
        if moment is not None:
            row["when_start"] = moment.isoformat()
        lat_name = next((n for n in _COLUMNS["lat"] if cells.has(n)), None)
        lon_name = next((n for n in _COLUMNS["lon"] if cells.has(n)), None)
        lat = cells.number(lat_name, low=-90, high=90) if lat_name else None
        lon = cells.number(lon_name, low=-180, high=180) if lon_name else None
        if lat is not None and lon is not None and (lat, lon) != (0.0, 0.0):
            row.update(lat=lat, lon=lon, radius_m=PIN_RADIUS_M, precision="district")
        title, description = get("title"), get("description")
        row["summary"] = ": ".join(p for p in (title, description) if p)[:20_000] or None
        if (get("verified", keep=True) or "").strip().lower() in ("yes", "true", "1"):
            row["override_status"] = "confirmed"
            row["override_reason"] = "marked verified in the Ushahidi deployment"
            row["override_by"] = "Ushahidi deployment"
        row.update(source="ushahidi", source_name="Ushahidi deployment", source_kind="social")
        return row, []


USHAHIDI = _Ushahidi()
