"""`incident-map export`: incident files or articles -> GeoJSON, GeoPackage, KML, CSV, GeoParquet or FlatGeobuf."""

from __future__ import annotations

from pathlib import Path

import click

from incidents.errors import InputError

from ..export import FORMATS, export
from ..export.geojson import sibling
from .common import input_options, inputs_argument, map_inputs, say, write_unresolved
from .outputs import UNRESOLVED_SUFFIX, Output, check_outputs, committed, unresolved_path

# `.json` is not an export name of ours: `x.json` beside inputs and `x.unresolved.json` lists are JSON, not GeoJSON
EXPORT_SUFFIXES = tuple(suffix for suffix in FORMATS if suffix != ".json")
# What a format cannot do with a flag, said on stderr instead of ignoring the flag silently.
_IGNORED = {
    ("kml", "reports"): "KML has no reports layer; --reports is ignored (use .geojson, .gpkg or .csv for reports)",
    ("kml", "polygons"): "KML placemarks always carry their uncertainty circles; --polygons adds nothing",
    ("csv", "polygons"): "CSV has no geometry for circles; --polygons is ignored (use .geojson or .gpkg)",
}


def export_kind(output: Path) -> str:
    """The export format the suffix of `output` names; InputError for a suffix we do not write (`.json` included:
    a GeoJSON export is named `.geojson`, and `x.unresolved.json` is an unresolved list's name)."""
    kind = FORMATS.get(output.suffix.lower()) if output.suffix.lower() in EXPORT_SUFFIXES else None
    if output.name.lower().endswith(UNRESOLVED_SUFFIX):
        check_outputs([], [Output(output, "-o/--output")])  # the clearer message: that name is an unresolved list's
    if kind is None:
        raise InputError(
            f"unknown export format {output.suffix or '(no suffix)'!r}; use .geojson, .gpkg, .kml, .csv, .parquet or .fgb",
            field="-o/--output",
        )
    return kind


def export_outputs(output: Path, kind: str, *, polygons: bool, reports: bool, qml: bool = False) -> list[Output]:
    """Every file `export` writes for `output`: the export, its sibling layers, their QGIS styles (`--qml`) and the
    unresolved list."""
    outputs = [Output(output, "-o/--output")]
    if qml:
        outputs.append(Output(output.with_suffix(".qml"), "--qml", "the QGIS style"))
        if polygons:
            outputs.append(Output(sibling(output, "uncertainty").with_suffix(".qml"), "--qml", "the QGIS style"))
    if kind in ("geojson", "parquet", "fgb") and polygons:
        outputs.append(Output(sibling(output, "uncertainty"), "-o/--output", "the uncertainty layer"))
    if kind in ("geojson", "csv", "parquet", "fgb") and reports:
        outputs.append(Output(sibling(output, "reports"), "-o/--output", "the reports table"))
    outputs.append(Output(unresolved_path(output), "-o/--output", "the unresolved list"))
    return outputs


@click.command("export")
@inputs_argument
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),  # a folder only for --engine dask's dataset (checked below)
    required=True,
    help="OUT.geojson, OUT.gpkg, OUT.kml, OUT.csv, OUT.parquet (GeoParquet) or OUT.fgb (FlatGeobuf); the suffix "
    "picks the format.",
)
@click.option("--polygons", is_flag=True, help="GeoJSON, GeoParquet, FlatGeobuf: also write uncertainty circles to OUT.uncertainty.<suffix>.")
@click.option("--reports", is_flag=True, help="Also write every raw report with the incident id it belongs to.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="dask: spread the work over a dask cluster and write OUT.parquet as a partitioned GeoParquet "
              "dataset (for tables too big or too slow for one process).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="--engine dask: worker processes of the local cluster (default: one per core).")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="--engine dask: a running dask scheduler to use instead of a local cluster.")
@click.option("--qml", is_flag=True,
              help="GeoJSON: also write OUT.qml (and OUT.uncertainty.qml) so QGIS draws confirmed and unconfirmed "
                   "apart as the map does (a GeoPackage always carries its styles).")
@input_options
def command(inputs, output, polygons, reports, engine, workers, scheduler, article_date, tz, online, no_merge,
            policy, gazetteers, table_format, columns, strict, context_text, qml=False) -> None:
    """Export incidents for GIS tools (QGIS, Google Earth, spreadsheets).

    \b
    Example:
      incident-map export seeds/caracas.yaml -o caracas.gpkg
      incident-map export seeds/caracas.yaml -o caracas.geojson --polygons --reports
      incident-map export acled.csv -o acled.parquet --reports
      incident-map export acled-*.csv -o acled.parquet --engine dask --workers 8
    """
    if engine == "dask":
        _dask_export(inputs, output, workers=workers, scheduler=scheduler, online=online, no_merge=no_merge,
                     policy=policy, gazetteers=gazetteers, flags={"--polygons": polygons, "--reports": reports})
        return
    if workers or scheduler:
        raise InputError("--workers and --scheduler need --engine dask", field="--engine")
    if output.is_dir():
        raise InputError("is a directory; name an output file", path=str(output), field="-o/--output")
    kind = export_kind(output)
    if qml and kind != "geojson":
        raise InputError("--qml styles a GeoJSON export (a GeoPackage carries its own styles); use -o OUT.geojson",
                         field="--qml")
    outputs = export_outputs(output, kind, polygons=polygons, reports=reports, qml=qml)
    check_outputs([*inputs, policy, *gazetteers], outputs)
    with committed(outputs):  # every file whole first, then all renamed together: all new or all old
        mapped = map_inputs(inputs, article_date=article_date, tz=tz, online=online, no_merge=no_merge, policy=policy,
                            gazetteers=gazetteers, table_format=table_format, columns=columns, strict=strict,
                            context_text=context_text)
        for flag, given in (("reports", reports), ("polygons", polygons)):  # said once the input was accepted
            if given and (kind, flag) in _IGNORED:
                click.echo(f"incident-map: warning: {_IGNORED[kind, flag]}", err=True)
        written = export(mapped, output, fmt=kind, polygons=polygons, reports=reports)
        if qml:
            from ..export.qgis_styles import write_qml

            written.append(write_qml(output.with_suffix(".qml"), "point"))
            if polygons:
                written.append(write_qml(sibling(output, "uncertainty").with_suffix(".qml"), "polygon"))
        written.append(write_unresolved(mapped, output))
    for path in written:
        say(f"wrote {path}")


def _dask_export(inputs, output: Path, *, workers, scheduler, online, no_merge, policy, gazetteers, flags) -> None:
    """`--engine dask`: the partitioned GeoParquet dataset OUT.parquet/ and the unresolved list beside it."""
    from incidents.verify import StatusPolicy

    from ..dask_engine import run_dask_export
    from .common import write_unresolved_records

    for flag, given in flags.items():
        if given:
            raise InputError(f"{flag} is not available with --engine dask (the dataset holds the incidents)",
                             field=flag)
    check_outputs([*inputs, policy, *gazetteers], [Output(unresolved_path(output), "-o/--output", "the unresolved list")])
    status_policy = StatusPolicy.from_file(policy) if policy else None
    counts, unresolved, parts = run_dask_export(inputs, output, workers=workers, scheduler=scheduler, online=online,
                                                policy=status_policy, merge=not no_merge, gazetteers=gazetteers)
    say(counts.line(), err=True)
    listed = write_unresolved_records(unresolved, output)
    say(f"wrote {output} ({len(parts)} part files)")
    say(f"wrote {listed}")
