"""`incident-map extract` (placeholder until implemented)."""

from __future__ import annotations

import click


@click.command("extract")
def command() -> None:
    """Not implemented yet."""
    raise click.ClickException("extract is not implemented yet")
