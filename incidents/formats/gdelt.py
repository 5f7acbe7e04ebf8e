"""GDELT 2.0 event records (GLOBALEVENTID, SQLDATE, Actor1Name, Actor2Name, EventCode, EventRootCode, NumSources,
ActionGeo_Type, ActionGeo_FullName, ActionGeo_Lat, ActionGeo_Long, DATEADDED, SOURCEURL, ...), with the header of a
BigQuery export or as the headerless tab-separated `*.export.CSV` files. A GDELT record is one machine-coded article
about an event, so records are reports: several articles on one event merge, each URL's site a source.

ActionGeo_Type: 1 a country, 2 a US state, 3 a US city, 4 a city elsewhere, 5 a first-order division elsewhere
(0 or empty: no place). A country is drawn with the country's own circle (geocoded from its name), not GDELT's
centroid with a guessed radius. EventCode is CAMEO.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .dataset import Adapter, Cells, slug

__all__ = ["GDELT", "GEO_TYPE", "cameo_event_type"]

GEO_TYPE = {1: ("country", 500_000.0), 2: ("region", 150_000.0), 3: ("city", 10_000.0), 4: ("city", 10_000.0),
            5: ("region", 150_000.0)}
_CAMEO = {"145": "protest", "173": "arrests", "183": "explosion", "190": "armed_movement", "192": "armed_movement",
          "193": "gunfire", "194": "explosion", "195": "explosion", "196": "gunfire", "14": "protest",
          "15": "armed_movement", "19": "gunfire"}
_CAMEO_ROOT = {"01": "make public statement", "02": "appeal", "03": "express intent to cooperate", "04": "consult",
               "05": "engage in diplomatic cooperation", "06": "engage in material cooperation",
               "07": "provide aid", "08": "yield", "09": "investigate", "10": "demand", "11": "disapprove",
               "12": "reject", "13": "threaten", "14": "protest", "15": "exhibit force posture",
               "16": "reduce relations", "17": "coerce", "18": "assault", "19": "fight",
               "20": "use unconventional mass violence"}


def cameo_event_type(code: str | None) -> str:
    """Our event type for a CAMEO event code (most specific prefix first)."""
    code = (code or "").strip()
    for length in (3, 2):
        if code[:length] in _CAMEO:
            return _CAMEO[code[:length]]
    return "other"


class _Gdelt(Adapter):
    name = "gdelt"
    title = "GDELT events"

    def detect(self, columns: set[str]) -> bool:
        return "globaleventid" in columns and ("actiongeo_type" in columns or "sqldate" in columns)

    def row(self, cells: Cells) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        code = cells.kept("EventCode") or cells.kept("EventBaseCode") or cells.kept("EventRootCode")
        where = cells.kept("ActionGeo_FullName")
        row: dict[str, Any] = {"id": cells.text("GLOBALEVENTID"), "event_type": cameo_event_type(code), "where": where}
        day = cells.date("SQLDATE", ("%Y%m%d",))
        if day is not None:
            row.update(when_start=day.isoformat(), when_precision="day")
        geo = cells.code("ActionGeo_Type", range(0, 6))
        cells.keep("ActionGeo_Type")
        lat, lon = cells.number("ActionGeo_Lat", low=-90, high=90), cells.number("ActionGeo_Long", low=-180, high=180)
        if lat is not None and lon is not None and geo and geo != 1:  # a country: its own circle, from its name
            row.update(lat=lat, lon=lon)
            row["precision"], row["radius_m"] = GEO_TYPE[geo]
        actors = [a for a in (cells.kept("Actor1Name"), cells.kept("Actor2Name")) if a]
        action = _CAMEO_ROOT.get((code or "")[:2], f"CAMEO {code}" if code else "an event")
        row["summary"] = f"{' and '.join(actors) or 'Someone'}: {action} (CAMEO {code or '?'}) in {where or '?'}"
        url = cells.text("SOURCEURL")
        site = (urlsplit(url).hostname or "").removeprefix("www.") if url and "://" in url else (url or "")
        row.update(source=f"web:{slug(site or 'unknown')}", source_name=site or "unknown site", source_kind="media")
        if url and url.startswith(("http://", "https://")):
            row["url"] = url
        return row, []


GDELT = _Gdelt()
