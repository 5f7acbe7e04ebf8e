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
    from incidents.reading import check_library_input

    _check_suffix(output)
    check_outputs([extract], [Output(output, "-o/--output")])
    code = _country(country)
    check_library_input(extract, limit=1 << 40)  # osmium opens it itself: a FIFO or device is refused, never read
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


@command.command("fetch")
@click.argument("place")
@_pack_output
@click.option("--radius-km", type=click.FloatRange(0.5, 60.0), default=None,
              help="Fetch this far around the place (default: the place's own radius, at least 3 km).")
def fetch(place: str, output: Path, country: str | None, radius_km: float | None) -> None:
    """Fetch a pack around PLACE ("Conakry, GN") from the Overpass API (opt-in network; cached).

    One request, with our user agent and rate limit; INCIDENT_MAP_OVERPASS_URL names your own server.

    \b
    Example:
      incident-map gazetteer fetch "Conakry, GN" -o conakry.gpkg
    """
    from incidents.errors import PlaceNotFound
    from incidents.geocode import default_resolver
    from incidents.geocode.osm_pack import pack_places, write_pack
    from incidents.geocode.overpass import OverpassClient, overpass_query, pieces_from_answer

    from .geocode import parse_context

    _check_suffix(output)
    check_outputs([], [Output(output, "-o/--output")])
    context = parse_context(place)
    code = _country(country) or context.country
    name = context.city or place
    client = OverpassClient()  # a bad INCIDENT_MAP_OVERPASS_URL is refused before anything is asked
    try:
        where = default_resolver().offline().resolve(name, context.model_copy(update={"city": None}))
    except PlaceNotFound as exc:
        raise InputError(f"{exc}; give a city the offline gazetteers know, as \"City, CC\"", record=repr(place),
                         field="place") from exc
    radius_m = radius_km * 1000 if radius_km else max(3_000.0, where.radius_m)
    south, west, north, east = _box(where.lat, where.lon, radius_m)
    centre = where.entry.name if where.entry else name
    click.echo(f"asking {client.url} for places within {radius_m / 1000:,.1f} km of {centre} "
               f"({where.lat:.4f}, {where.lon:.4f}) ...", err=True)
    answer, cached = client.run(overpass_query(south, west, north, east))
    if cached:
        click.echo(f"(answer from the cache in {client.cache})", err=True)
    pieces = pieces_from_answer(answer)
    click.echo(f"{len(pieces):,} objects received", err=True)
    counts: Counter[str] = Counter()
    places = pack_places(pieces, country=code, city=context.city, counts=counts)
    stamp = str((answer.get("osm3s") or {}).get("timestamp_osm_base") or "")[:10] or None
    write_pack(places, output, source=f"OpenStreetMap via the Overpass API ({client.url}) around {place}", date=stamp)
    _report(places, counts, output)


def _box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(south, west, north, east) of the square that holds the circle."""
    import math

    dlat = radius_m / 111_320.0
    dlon = radius_m / (111_320.0 * max(0.05, math.cos(math.radians(lat))))
    return max(-90.0, lat - dlat), max(-180.0, lon - dlon), min(90.0, lat + dlat), min(180.0, lon + dlon)
