"""`incident-map geocode`: check how a place text resolves (for reviewing gazetteers)."""

from __future__ import annotations

from pathlib import Path

import click
import orjson

from incidents.errors import InputError, PlaceNotFound
from incidents.geocode import default_resolver
from incidents.geocode.context import parse_context
from incidents.models import GazetteerRef, PlaceRole

from .common import gazetteer_option

__all__ = ["command", "parse_context"]


@click.command("geocode")
@click.argument("place", required=False)
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
@click.option(
    "--batch",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Geocode every row of this CSV (columns text, and optionally id, context, doc) into -o OUT.jsonl.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="With --batch: the JSON Lines file to write."
)
@gazetteer_option
def command(
    place: str | None, context: str | None, role: str, online: str | None, as_json: bool, batch: Path | None,
    output: Path | None, gazetteers,
) -> None:  # fmt: skip
    """Show where PLACE TEXT resolves, with its radius, precision, matched entry and the reason it was chosen.

    With --batch PLACES.csv -o OUT.jsonl, every row's `text` instead (one JSON object per row, in order; rows that
    share a `doc` are resolved together; a row's `context` overrides --context).

    \b
    Examples:
      incident-map geocode "in the vicinity of the presidential palace" --context "Caracas, VE"
      incident-map geocode --batch places.csv -o places.jsonl --context "Niamey, NE"
    """
    ctx = parse_context(context)
    if batch is not None or output is not None:
        if place is not None or batch is None or output is None:
            raise InputError("give either PLACE or --batch PLACES.csv with -o OUT.jsonl", field="--batch")
        from .geocode_batch import run_batch

        run_batch(batch, output, ctx, default_resolver(online, gazetteers=gazetteers), PlaceRole(role), gazetteers)
        return
    if place is None:
        raise InputError("give the PLACE text to resolve (or --batch PLACES.csv -o OUT.jsonl)", field="place")
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
        f"reason     {result.reason or '-'}",
    ]
    click.echo("\n".join(lines))


def _entry_ref(entry: GazetteerRef) -> str:
    """`source:id`, without repeating a source the id already starts with ("geonames:3632998", "world:VE-23")."""
    return entry.id if entry.id.startswith(f"{entry.source}:") else f"{entry.source}:{entry.id}"
