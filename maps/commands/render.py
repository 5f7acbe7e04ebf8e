"""`incident-map render`: incident files or articles -> an HTML map (and optionally GeoJSON, PNG)."""

from __future__ import annotations

from pathlib import Path

import click

from incidents.errors import InputError

from ..compose import MapOptions, compose_map, write_assets
from ..tiles import tile_source
from .common import input_options, inputs_argument, map_inputs, say, write_unresolved
from .outputs import Output, check_outputs, committed, ensure_output_dir, unresolved_path


@click.command("render")
@inputs_argument
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The HTML map to write."
)
@click.option("--geojson", type=click.Path(dir_okay=False, path_type=Path), help="Also write the incidents as GeoJSON.")
@click.option("--polygons", is_flag=True, help="With --geojson: also its uncertainty circles (OUT.uncertainty.geojson).")
@click.option("--reports", is_flag=True, help="With --geojson: also every raw report (OUT.reports.geojson).")
@click.option(
    "--self-contained", is_flag=True, help="Inline every script and style; works with no network (no basemap)."
)
@click.option("--embed", is_flag=True, help="Write an <iframe> snippet to paste into a report page instead of a page.")
@click.option("--png", type=click.Path(dir_okay=False, path_type=Path), help="Also write a static PNG for PDF reports.")
@click.option(
    "--png-tiles",
    metavar="PRESET|URL",
    help="Basemap for --png: 'osm', 'light' or an XYZ URL template (opt-in: fetches tiles).",
)
@click.option("--title", help="Map title (defaults to the event's title).")
@click.option("--cluster", is_flag=True, help="Add an optional marker-cluster overlay.")
@click.option("--heat", is_flag=True, help="Add an optional heat overlay.")
@click.option("--asset-base", help="Load Leaflet from this URL/folder instead of the CDN (intranets, tests).")
@click.option(
    "--assets-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write the map's scripts into this folder; the page uses them when the CDN cannot be reached.",
)
@input_options
def command(
    inputs,
    output,
    geojson,
    self_contained,
    embed,
    png,
    png_tiles,
    title,
    cluster,
    heat,
    asset_base,
    assets_dir,
    article_date,
    tz,
    online,
    no_merge,
    policy,
    gazetteers,
    table_format,
    columns,
    strict,
    context_text,
    polygons=False,
    reports=False,
) -> None:
    """Render incident files or articles as a layered HTML map.

    \b
    Example:
      incident-map render seeds/caracas.yaml -o caracas.html --geojson caracas.geojson
      incident-map render article.txt --date 2026-01-06 --tz America/Caracas -o night.html --self-contained
      incident-map render seeds/caracas.yaml -o out/map.html --assets-dir out/assets   # opens with no network
    """
    if png_tiles and not png:
        raise InputError("--png-tiles only draws a basemap under --png OUT.png; add --png", field="--png-tiles")
    if assets_dir and self_contained:
        raise InputError("--assets-dir is for a linked page: a --self-contained map already holds every script",
                         field="--assets-dir")
    tiles = tile_source(png_tiles) if png_tiles else None  # checked before the (slow) geocoding
    outputs = [
        Output(output, "-o/--output", suffixes=(".html", ".htm"), bare=True),
        Output(unresolved_path(output), "-o/--output", "the unresolved list"),
    ]
    outputs += [Output(path, option, suffixes=(suffix,)) for path, option, suffix in
                ((geojson, "--geojson", ".geojson"), (png, "--png", ".png")) if path]
    if (polygons or reports) and not geojson:
        raise InputError("--polygons and --reports go with --geojson OUT.geojson; add it", field="--polygons")
    if geojson:
        from ..export.geojson import sibling

        outputs += [Output(sibling(geojson, label), "--geojson", f"the {label} layer")
                    for label, given in (("uncertainty", polygons), ("reports", reports)) if given]
    check_outputs([*inputs, policy, *gazetteers], outputs)
    options = MapOptions(cluster=cluster, heat=heat)
    if assets_dir:  # the same files every run (the pinned releases), so they are written outside the output set
        ensure_output_dir(assets_dir, "--assets-dir")
        write_assets(assets_dir, options)
    with committed(outputs):  # every file whole first, then all renamed together: all new or all old
        mapped = map_inputs(inputs, article_date=article_date, tz=tz, online=online, no_merge=no_merge, policy=policy,
                            gazetteers=gazetteers, table_format=table_format, columns=columns, strict=strict,
                            context_text=context_text)
        incident_map = compose_map(mapped, title=title, options=options)
        written = [incident_map.save(output, self_contained=self_contained, embed=embed, asset_base=asset_base,
                                     assets_dir=assets_dir)]
        if geojson:
            from ..export.geojson import write_geojson

            written += write_geojson(mapped, geojson, polygons=polygons, reports=reports)
        if png:
            from ..static_png import write_png

            written.append(write_png(mapped, png, title=title, tiles=tiles))
        written.append(write_unresolved(mapped, output))
    for path in written:
        say(f"wrote {path}")
    if assets_dir:
        say(f"wrote {assets_dir}/ (the map's scripts, used when the CDN cannot be reached)")
