"""`incident-map export` (placeholder until implemented)."""

from __future__ import annotations

import click


@click.command("export")
def command() -> None:
    """Not implemented yet."""
    raise click.ClickException("export is not implemented yet")
