"""`incident-map geocode` (placeholder until implemented)."""

from __future__ import annotations

import click


@click.command("geocode")
def command() -> None:
    """Not implemented yet."""
    raise click.ClickException("geocode is not implemented yet")
