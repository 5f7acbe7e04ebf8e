"""UCDP Georeferenced Event Dataset (GED) rows (the codebook's columns: id, date_start, date_end, date_prec,
where_coordinates, where_prec, adm_1, adm_2, country, latitude, longitude, event_clarity, number_of_sources,
source_office, source_article, source_headline, best, low, high, deaths_*, side_a, side_b, type_of_violence, ...).
Each row is one event, never merged with another; every death figure is kept.

where_prec: 1 the exact location; 2 within about 25 km of a known point; 3 only the second-order administrative
unit (ADM2, its centroid); 4 only the first-order unit (ADM1); 5 a part of the country larger than an ADM1 or a
linear feature; 6 only the country; 7 international waters or airspace. date_prec: 1 the exact day; 2 a range of
2-6 days; 3 only the week; 4 a range of 8-30 days or only the month; 5 a range over a month or only the year.
event_clarity 2 means the event is not clearly one event (an aggregate or a summary): it is shown as unclear.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .dataset import Adapter, Cells, named_sources, place_text

__all__ = ["UCDP_GED", "WHERE_PREC", "DATE_PREC", "UNCLEAR"]

# where_prec -> (our precision class, radius in metres)
WHERE_PREC = {
    1: ("district", 2_000.0), 2: ("region", 25_000.0), 3: ("region", 50_000.0), 4: ("region", 150_000.0),
    5: ("region", 300_000.0), 6: ("country", 500_000.0), 7: ("region", 300_000.0),
}
DATE_PREC = {1: "day", 2: "week", 3: "week", 4: "month", 5: "month"}
UNCLEAR = "unclear event (UCDP event_clarity 2: not clearly a single event)"
_VIOLENCE = {1: "gunfire", 2: "gunfire", 3: "other"}  # state-based, non-state, one-sided violence
_VIOLENCE_LABEL = {1: "State-based violence", 2: "Non-state violence", 3: "One-sided violence"}


class _UcdpGed(Adapter):
    name = "ucdp-ged"
    title = "UCDP GED events"
    rows_are_events = True

    def detect(self, columns: set[str]) -> bool:
        return {"where_prec", "date_prec"} <= columns or {"id", "where_coordinates", "best"} <= columns

    def row(self, cells: Cells) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        violence = cells.code("type_of_violence", range(1, 4))
        cells.keep("type_of_violence")
        place = cells.kept("where_coordinates")
        where = place_text(place, cells.kept("adm_2"), cells.kept("adm_1"), cells.kept("country"))
        row: dict[str, Any] = {"id": cells.text("id"), "event_type": _VIOLENCE.get(violence or 0, "other"),
                               "where": where}
        start, end = cells.date("date_start"), cells.date("date_end")
        prec = cells.code("date_prec", range(1, 6))
        if start is not None:
            row["when_start"] = start.isoformat()
            if end is not None and end != start:
                row["when_end"] = end.isoformat()
            row["when_precision"] = DATE_PREC.get(prec or 1, "day")
            if isinstance(start, datetime) and prec:
                row["when_precision"] = DATE_PREC[prec] if prec > 1 else "day"
        lat, lon = cells.number("latitude", low=-90, high=90), cells.number("longitude", low=-180, high=180)
        where_prec = cells.code("where_prec", range(1, 8))
        if where_prec != 6:  # a country: its own circle, from its name
            row.update(lat=lat, lon=lon)
            row["precision"], row["radius_m"] = WHERE_PREC[where_prec or 1]  # dropped if no coordinates come
        cells.keep("date_prec", "where_prec")
        clarity = cells.code("event_clarity", range(1, 3))
        cells.keep("event_clarity")
        if clarity == 2:
            row["hedges"] = [UNCLEAR]
        best = cells.kept("best")
        label = cells.kept("dyad_name") or cells.kept("conflict_name") or _VIOLENCE_LABEL.get(violence or 0)
        deaths = f"{best} deaths (best estimate)" if best is not None else None
        headline = cells.kept("source_headline")
        row["summary"] = headline or " — ".join(p for p in (label, deaths, place) if p) or None
        names = [n.strip() for n in (cells.kept("source_office") or "").split(";") if n.strip()]
        source, cited = named_sources("UCDP GED", names)
        row.update(source)
        return row, cited


UCDP_GED = _UcdpGed()
