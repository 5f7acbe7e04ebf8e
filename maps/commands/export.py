"""`incident-map export`: incident files or articles -> GeoJSON, GeoPackage, KML or CSV."""

from __future__ import annotations

from pathlib import Path

import click

from ..export import export
from .common import input_options, inputs_argument, map_inputs, refuse_overwriting_inputs, write_unresolved


@click.command("export")
@inputs_argument
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="OUT.geojson, OUT.gpkg, OUT.kml or OUT.csv (the suffix picks the format).")
@click.option("--polygons", is_flag=True, help="GeoJSON: also write uncertainty circles to OUT.uncertainty.geojson.")
@click.option("--reports", is_flag=True, help="Also write every raw report with the incident id it belongs to.")
@input_options
def command(inputs, output, polygons, reports, article_date, tz, online, no_merge, policy) -> None:
    """Export incidents for GIS tools (QGIS, Google Earth, spreadsheets).

    \b
    Example:
      incident-map export seeds/caracas.yaml -o caracas.gpkg
      incident-map export seeds/caracas.yaml -o caracas.geojson --polygons --reports
    """
    refuse_overwriting_inputs(inputs, [output])
    mapped = map_inputs(inputs, article_date=article_date, tz=tz, online=online, no_merge=no_merge, policy=policy)
    written = export(mapped, output, polygons=polygons, reports=reports)
    written.append(write_unresolved(mapped, output))
    for path in written:
        click.echo(f"wrote {path}")
