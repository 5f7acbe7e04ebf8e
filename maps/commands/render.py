"""`incident-map render` (placeholder until implemented)."""

from __future__ import annotations

import click


@click.command("render")
def command() -> None:
    """Not implemented yet."""
    raise click.ClickException("render is not implemented yet")
