"""incident-mapper's Python API: read a table, incident file or DataFrame; build the mapped event; filter it.

    import incidents, maps, folium
    event = incidents.read("acled.csv")              # or a DataFrame / GeoDataFrame
    mapped = incidents.build(event)                  # geocoded, timed, merged, assessed
    frame = mapped.to_geodataframe("incidents")      # times as datetime64 (UTC)
    night = mapped.filter(status="confirmed", between=("2026-01-05", "2026-01-07"))
    fmap = folium.Map(location=[10.5, -66.9], zoom_start=12)
    maps.IncidentLayers(night).add_to(fmap)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import EventFile, MappedEvent

__all__ = ["read", "build"]


def read(source: str | Path | Any, format: str | None = None, columns: str | dict[str, str] | None = None, *,
         strict: bool = False) -> EventFile:
    """The event in `source`: an incident file, a table (CSV, GeoJSON, GeoPackage, Parquet, ...), an article text,
    or a pandas DataFrame/GeoDataFrame; `format` and `columns` as the CLI's --format and --columns."""
    table = {"format": format, "columns": columns, "strict": strict}
    if isinstance(source, str | Path):
        from .inputs import read_inputs

        return read_inputs([Path(source)], table=table)
    from .formats.table import read_tabular_event
    from .loader import event_from_mapping

    return event_from_mapping(read_tabular_event(source, **{k: v for k, v in table.items() if v}), path="DataFrame")


def build(event: EventFile, **options: Any) -> MappedEvent:
    """The mapped event: every report geocoded, timed, merged and assessed (options: resolver, online, policy,
    merge, progress; see incidents.pipeline.build_event)."""
    from .pipeline import build_event

    return build_event(event, **options)
