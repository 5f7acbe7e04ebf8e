"""`incident-map gazetteer build|fetch`: an OpenStreetMap pack (a GeoPackage gazetteer) from an extract or Overpass."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from incidents.errors import InputError
from incidents.wording import plural

from .outputs import Output, check_outputs

__all__ = ["command"]


def _pack_output(func):
    func = click.option(
        "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
        help="The pack to write (.gpkg); use it with --gazetteer PACK.gpkg.",
    )(func)
    return click.option(
        "--country", metavar="CC",
        help="Country of places the extract's own boundaries do not place (ISO code or English name).",
    )(func)


def _country(text: str | None) -> str | None:
    if not text:
        return None
    from incidents.geocode.countries import COUNTRY_HINT, country_code

    code = country_code(text)
    if code is None:
        raise InputError(f"unknown country {text[:60]!r}; {COUNTRY_HINT}", field="--country")
    return code


def _check_suffix(output: Path) -> None:
    if output.suffix.lower() != ".gpkg":
        raise InputError(f"a pack is a GeoPackage: name it .gpkg, not {output.suffix or '(no suffix)'!r}",
                         field="-o/--output")


def _report(places, counts: Counter[str], output: Path) -> None:
    by_feature = Counter(p.feature for p in places)
    detail = ", ".join(f"{n:,} {feature}" for feature, n in sorted(by_feature.items(), key=lambda kv: (-kv[1], kv[0])))
    click.echo(f"{plural(len(places), 'place')} in the pack" + (f" ({detail})" if detail else ""), err=True)
    for reason, n in sorted(counts.items()):
        click.echo(f"{plural(n, 'object')} {reason}", err=True)
    if not places:
        click.echo("incident-map: warning: the pack is empty: no named place of a kept class was found", err=True)
    click.echo(f"wrote {output}")


def _file_date(path: Path) -> str:
    """The extract's own date when its header has none: the day the file was written (UTC)."""
    from datetime import UTC, datetime

    return datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%d")


@click.group("gazetteer")
def command() -> None:
    """Build gazetteer packs from OpenStreetMap for --gazetteer (data © OpenStreetMap contributors, ODbL).

    \b
    Example:
      incident-map gazetteer build guinea-latest.osm.pbf -o conakry.gpkg
      incident-map gazetteer fetch "Conakry, GN" -o conakry.gpkg
      incident-map render night.yaml -o night.html --gazetteer conakry.gpkg
    """


@command.command("build")
@click.argument("extract", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_pack_output
def build(extract: Path, output: Path, country: str | None) -> None:
    """Turn a regional OpenStreetMap EXTRACT (.osm.pbf, e.g. from Geofabrik) into a gazetteer pack.

    Keeps named neighbourhoods, squares, government buildings, palaces, embassies, military sites, stations, ports,
    bridges, stadiums, hospitals, universities, airports and major roads, each with a radius from its footprint.

    \b
    Example:
      incident-map gazetteer build guinea-latest.osm.pbf -o guinea.gpkg
    """
    from incidents.geocode.osm_pack import pack_places, write_pack
    from incidents.geocode.osm_pbf import read_extract

    _check_suffix(output)
    check_outputs([extract], [Output(output, "-o/--output")])
    code = _country(country)
    click.echo(f"reading {extract} ...", err=True)
    contents = read_extract(extract, progress=lambda n: click.echo(f"  {n:,} tagged objects read", err=True))
    borders = len(contents.boundaries)
    click.echo(f"{contents.objects:,} tagged objects read, {borders} national {'boundary' if borders == 1 else 'boundaries'}",
               err=True)
    counts = Counter(contents.counts)
    places = pack_places(contents.pieces, country=code, boundaries=contents.boundaries, counts=counts)
    date = contents.date or _file_date(extract)
    write_pack(places, output, source=f"OpenStreetMap extract {extract.name}", date=date)
    _report(places, counts, output)
