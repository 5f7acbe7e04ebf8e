"""`incident-map extract`: draft an incident file from an article, for an analyst to review."""

from __future__ import annotations

from pathlib import Path

import click

from incidents.atomic import write_atomic
from incidents.errors import InputError
from incidents.extract import draft_event, draft_yaml
from incidents.loader import read_input_text
from incidents.wording import plural

from .common import gazetteer_option
from .outputs import Output, check_outputs


@click.command("extract")
@click.argument("article", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The draft incident file (YAML) to write.",
)
@click.option(
    "--date",
    "article_date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The article's dateline; relative phrases resolve against it (default: the latest post date).",
)
@click.option("--tz", default=None, help="The events' time zone, e.g. America/Caracas (default: from the country).")
@gazetteer_option
def command(article: Path, output: Path, article_date, tz: str | None, gazetteers) -> None:
    """Draft an incident file from ARTICLE text: embedded posts, places, times, sources and hedges.

    \b
    Example:
      incident-map extract article.txt --date 2026-01-06 --tz America/Caracas -o draft.yaml
      incident-map render draft.yaml -o map.html
    """
    from incidents.geocode import default_resolver

    check_outputs([article, *gazetteers], [Output(output, "-o/--output", suffixes=(".yaml", ".yml"), bare=True)])
    resolver = default_resolver(gazetteers=gazetteers)
    text = read_input_text(article)  # the checks `render` makes: size, UTF-8, no NUL bytes, not empty
    try:
        event = draft_event(
            text, source_path=str(article), article_date=article_date.date() if article_date else None, tz=tz,
            resolver=resolver,
        )
    except InputError as exc:
        raise exc.located(path=str(article)) from exc
    write_atomic(output, "# Draft: review every report, place, time and hedge before publishing.\n" + draft_yaml(event))
    click.echo(
        f"{plural(len(event.reports), 'report')}, {plural(len(event.notes), 'note')} drafted from {article}", err=True
    )
    click.echo(f"wrote {output}")
