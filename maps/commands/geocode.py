"""`incident-map geocode`: check how a place text resolves (for reviewing gazetteers)."""

from __future__ import annotations

import click
import orjson
from pydantic import ValidationError

from incidents.errors import InputError, PlaceNotFound
from incidents.geocode import default_resolver
from incidents.geocode.countries import COUNTRY_HINT, country_code
from incidents.models import GazetteerRef, GeoContext, PlaceRole

from .common import gazetteer_option


def parse_context(text: str | None) -> GeoContext:
    """'Caracas, VE' or 'Lima, Peru' -> city and country; 'VE', 'PER' or 'Peru' alone -> the country only.

    The last of several comma-separated parts must be a country (ISO alpha-2 or alpha-3 code or English name); one
    part is a country when it names one, else a city (two letters alone must be a country code). The result is
    validated by GeoContext, as the YAML loader validates `context`; an unknown country is an InputError (exit 2).
    """
    if not text:
        return GeoContext()
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        return GeoContext()
    last = parts[-1]
    country = country_code(last)
    # alone, two letters can only be a country code; three may be a city ("Ica", "Ufa")
    looks_like_code = len(last.replace(".", "")) == 2 and last.replace(".", "").isalpha()
    if country is None and (len(parts) > 1 or looks_like_code):
        raise InputError(f"unknown country {last[:60]!r}; {COUNTRY_HINT}", field="--context")
    city = ", ".join(parts[:-1] if country else parts) or None
    try:
        return GeoContext(country=country, city=city)
    except ValidationError as exc:
        raise InputError(
            exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, "), field="--context"
        ) from exc


@click.command("geocode")
@click.argument("place")
@click.option(
    "--context",
    help='Where the event is, as "City, Country" (ISO code or English name), e.g. "Caracas, VE" or "Lima, Peru".',
)
@click.option(
    "--role",
    type=click.Choice([r.value for r in PlaceRole]),
    default="location",
    show_default=True,
    help="location, observed_from (heard/seen from there) or destination (heading there).",
)
@click.option("--online", type=click.Choice(["nominatim", "photon"]), default=None, help="Also ask an online geocoder.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@gazetteer_option
def command(place: str, context: str | None, role: str, online: str | None, as_json: bool, gazetteers) -> None:
    """Show where PLACE TEXT resolves, with its radius, precision and matched entry.

    \b
    Example:
      incident-map geocode "in the vicinity of the presidential palace" --context "Caracas, VE"
    """
    ctx = parse_context(context)
    try:
        result = default_resolver(online, gazetteers=gazetteers).resolve(place, ctx, role=PlaceRole(role))
    except PlaceNotFound as exc:
        raise InputError(str(exc), record=repr(place), field="place") from exc
    if as_json:
        click.echo(orjson.dumps(result.model_dump(mode="json"), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
        return
    entry = result.entry
    lines = [
        f"place      {place}",
        f"matched    {entry.name} ({_entry_ref(entry)})" if entry else "matched    (explicit)",
        f"centre     {result.lat:.6f}, {result.lon:.6f}",
        f"radius     {result.radius_m:,.0f} m",
        f"precision  {result.precision.value}",
        f"qualifier  {result.qualifier or '-'}   role {result.role.value}",
        f"method     {result.method}   score {result.score:.2f}",
    ]
    click.echo("\n".join(lines))


def _entry_ref(entry: GazetteerRef) -> str:
    """`source:id`, without repeating a source the id already starts with ("geonames:3632998", "world:VE-23")."""
    return entry.id if entry.id.startswith(f"{entry.source}:") else f"{entry.source}:{entry.id}"
