"""`incident-map demo`: render the bundled Caracas event (map + GeoJSON)."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

import click

from ..compose import compose_map, write_assets
from ..export.geojson import sibling, write_geojson
from .common import map_inputs, say, write_unresolved
from .outputs import Output, check_outputs, committed, ensure_output_dir, unresolved_path


@click.command("demo")
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-out"),
    show_default=True,
    help="Folder to write map.html, map.geojson and the map's scripts (assets/) into (created if missing).",
)
@click.option("--self-contained", is_flag=True, help="Inline every script and style (no network needed; no basemap).")
def command(output_dir: Path, self_contained: bool) -> None:
    """Render the bundled Caracas event of 5-6 January 2026.

    \b
    Example:
      incident-map demo -o demo-out && xdg-open demo-out/map.html
    """
    ensure_output_dir(output_dir, "-o/--output-dir")
    html_path, geojson_path, option = output_dir / "map.html", output_dir / "map.geojson", "-o/--output-dir"
    outputs = [
        Output(html_path, option, "the map"),
        Output(geojson_path, option, "the GeoJSON"),
        Output(sibling(geojson_path, "uncertainty"), option, "the uncertainty layer"),
        Output(unresolved_path(html_path), option, "the unresolved list"),
    ]
    check_outputs([], outputs)  # a folder in the way of map.html is one line and exit 2, before any work
    # A linked page with the vendored scripts beside it: the demo opens with no network (and uses the CDN and the
    # basemap when there is one). The scripts are the same files every run, so they are written outside the set.
    assets_dir = None if self_contained else output_dir / "assets"
    if assets_dir:
        ensure_output_dir(assets_dir, "-o/--output-dir")
        write_assets(assets_dir)
    with committed(outputs):
        with as_file(files("seeds").joinpath("caracas.yaml")) as seed:
            mapped = map_inputs([Path(seed)])
        written = [compose_map(mapped).save(html_path, self_contained=self_contained, assets_dir=assets_dir)]
        written += write_geojson(mapped, geojson_path, polygons=True)
        written.append(write_unresolved(mapped, html_path))
    for path in written:
        say(f"wrote {path}")
    if assets_dir:
        say(f"wrote {assets_dir}/ (the map's scripts, used when the CDN cannot be reached)")
