"""What every mapping subcommand shares: reading inputs, running the pipeline, accounting for every record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
import orjson

from incidents.atomic import write_atomic
from incidents.inputs import read_inputs
from incidents.models import MappedEvent, Unresolved
from incidents.pipeline import build_event
from incidents.verify import StatusPolicy
from incidents.wording import plural

from .outputs import failed_place_lines, unresolved_path

__all__ = ["say", "gazetteer_option", "input_options", "inputs_argument", "map_inputs", "write_unresolved",
           "write_unresolved_records"]


def say(text: str, *, err: bool = False) -> None:
    """An informational line (counts, "wrote ..."): printed unless `incident-map -q` asked for quiet."""
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    if isinstance(obj, dict) and obj.get("quiet"):
        return
    click.echo(text, err=err)


def inputs_argument(func: Callable[..., Any]) -> Callable[..., Any]:
    """INPUT... : incident files (YAML/JSON/CSV/GeoJSON) or article texts (.txt/.md)."""
    return click.argument(
        "inputs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
    )(func)


def gazetteer_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """--gazetteer FILE (repeatable): a desk's own places or an OSM pack, looked up before the bundled data."""
    return click.option(
        "--gazetteer",
        "gazetteers",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        metavar="FILE",
        help="Your own places (YAML, CSV, GeoJSON, GeoPackage) or an OSM pack from 'gazetteer build'; they win over "
        "the bundled data. Repeatable; also $INCIDENT_MAP_GAZETTEER.",
    )(func)


def input_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options for reading articles and geocoding that render and export share."""
    func = gazetteer_option(func)
    func = click.option(
        "--date",
        "article_date",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        help="Dateline for article inputs: relative phrases ('late Monday night') resolve against it.",
    )(func)
    func = click.option("--tz", default=None, help="Time zone for article inputs, e.g. America/Caracas.")(func)
    func = click.option(
        "--online",
        type=click.Choice(["nominatim", "photon"]),
        default=None,
        help="Also ask an online geocoder (opt-in; offline gazetteers are always tried first).",
    )(func)
    func = click.option("--no-merge", is_flag=True, help="Map every report on its own instead of merging.")(func)
    func = click.option(
        "--format",
        "table_format",
        type=click.Choice(["acled", "ucdp-ged", "gdelt", "ushahidi", "incidents"]),
        default=None,
        help="What a table input is (default: detected from its columns).",
    )(func)
    func = click.option(
        "--columns",
        metavar="THEIRS=OURS,...",
        default=None,
        help="Rename a table's columns to ours, e.g. 'place=where,date=when_start'.",
    )(func)
    func = click.option(
        "--context",
        "context_text",
        metavar='"CITY, COUNTRY"',
        default=None,
        help='Where the event is, e.g. "Caracas, VE": fills or overrides the inputs\' context for geocoding.',
    )(func)
    func = click.option(
        "--strict", is_flag=True, help="Refuse a table column no format uses (default: keep it as an attribute)."
    )(func)
    func = click.option(
        "--policy",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="A status policy YAML file (min_independent_sources, require_media, count_hedged, aggregators, ...).",
    )(func)
    return func


def map_inputs(
    inputs: Sequence[Path],
    *,
    article_date: date | None = None,
    tz: str | None = None,
    online: str | None = None,
    no_merge: bool = False,
    policy: Path | None = None,
    gazetteers: Sequence[Path] = (),
    table_format: str | None = None,
    columns: str | None = None,
    strict: bool = False,
    context_text: str | None = None,
) -> MappedEvent:
    """Read the inputs, geocode, verify and merge; print the accounting line to stderr."""
    from incidents.geocode import default_resolver

    if isinstance(article_date, datetime):
        article_date = article_date.date()
    resolver = default_resolver(online, gazetteers=gazetteers)  # a bad gazetteer file fails before the inputs
    table = {"format": table_format, "columns": columns, "strict": strict}
    event = read_inputs(list(inputs), article_date=article_date, tz=tz, resolver=resolver, table=table)
    if context_text:
        from .geocode import parse_context

        given = parse_context(context_text).model_dump(exclude_none=True)
        event = event.model_copy(update={"context": event.context.model_copy(update=given)})
    status_policy = StatusPolicy.from_file(policy) if policy else None
    mapped = build_event(event, resolver=resolver, merge=not no_merge, policy=status_policy)
    say(mapped.counts.line(), err=True)
    return mapped


def write_unresolved(mapped: MappedEvent, output: Path) -> Path:
    """Write the unresolved records (with reasons) beside `output` as `<stem>.unresolved.json`."""
    return write_unresolved_records(mapped.unresolved, output)


def write_unresolved_records(unresolved: Sequence[Unresolved], output: Path) -> Path:
    """Write `unresolved` (records with reasons) beside `output` as `<stem>.unresolved.json`."""
    target = unresolved_path(output)
    rows = [u.model_dump(mode="json") for u in unresolved]
    write_atomic(target, orjson.dumps({"unresolved": rows}, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    for line in failed_place_lines(unresolved, target):  # each failed place on stderr, bounded
        click.echo(line, err=True)
    if rows:
        say(f"{plural(len(rows), 'unresolved record')} listed in {target}", err=True)
    return target
