"""`incident-map export`: incident files or articles -> GeoJSON, GeoPackage, KML or CSV."""

from __future__ import annotations

from pathlib import Path

import click

from incidents.errors import InputError

from ..export import FORMATS, export
from ..export.geojson import sibling
from .common import input_options, inputs_argument, map_inputs, write_unresolved
from .outputs import Output, check_outputs, unresolved_path

# What a format cannot do with a flag, said on stderr instead of ignoring the flag silently.
_IGNORED = {
    ("kml", "reports"): "KML has no reports layer; --reports is ignored (use .geojson, .gpkg or .csv for reports)",
    ("kml", "polygons"): "KML placemarks always carry their uncertainty circles; --polygons adds nothing",
    ("csv", "polygons"): "CSV has no geometry for circles; --polygons is ignored (use .geojson or .gpkg)",
}


def export_kind(output: Path) -> str:
    """The export format the suffix of `output` names; InputError for a suffix we do not write."""
    kind = FORMATS.get(output.suffix.lower())
    if kind is None:
        raise InputError(
            f"unknown export format {output.suffix or '(no suffix)'!r}; use .geojson, .gpkg, .kml or .csv",
            field="-o/--output",
        )
    return kind


def export_outputs(output: Path, kind: str, *, polygons: bool, reports: bool) -> list[Output]:
    """Every file `export` writes for `output`: the export, its sibling layers and the unresolved list."""
    outputs = [Output(output, "-o/--output")]
    if kind == "geojson" and polygons:
        outputs.append(Output(sibling(output, "uncertainty"), "-o/--output", "the uncertainty layer"))
    if kind in ("geojson", "csv") and reports:
        outputs.append(Output(sibling(output, "reports"), "-o/--output", "the reports table"))
    outputs.append(Output(unresolved_path(output), "-o/--output", "the unresolved list"))
    return outputs


@click.command("export")
@inputs_argument
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="OUT.geojson, OUT.gpkg, OUT.kml or OUT.csv (the suffix picks the format).",
)
@click.option("--polygons", is_flag=True, help="GeoJSON: also write uncertainty circles to OUT.uncertainty.geojson.")
@click.option("--reports", is_flag=True, help="Also write every raw report with the incident id it belongs to.")
@input_options
def command(inputs, output, polygons, reports, article_date, tz, online, no_merge, policy, table_format, columns,
            strict) -> None:
    """Export incidents for GIS tools (QGIS, Google Earth, spreadsheets).

    \b
    Example:
      incident-map export seeds/caracas.yaml -o caracas.gpkg
      incident-map export seeds/caracas.yaml -o caracas.geojson --polygons --reports
    """
    kind = export_kind(output)
    check_outputs([*inputs, policy], export_outputs(output, kind, polygons=polygons, reports=reports))
    for flag, given in (("reports", reports), ("polygons", polygons)):
        if given and (kind, flag) in _IGNORED:
            click.echo(f"incident-map: warning: {_IGNORED[kind, flag]}", err=True)
    mapped = map_inputs(inputs, article_date=article_date, tz=tz, online=online, no_merge=no_merge, policy=policy,
                        table_format=table_format, columns=columns, strict=strict)
    written = export(mapped, output, fmt=kind, polygons=polygons, reports=reports)
    written.append(write_unresolved(mapped, output))
    for path in written:
        click.echo(f"wrote {path}")
