"""`incident-map`: one console command with subcommands; user errors become one line and exit status 2.

Click's usage errors (a missing or unreadable input, a bad `--date`, an unknown option) are one line too, in the
same `incident-map: error: ...` form; only `incident-map` with no arguments prints the help.
"""

from __future__ import annotations

import sys

import click

from incidents.errors import IncidentMapError, InputError

from .commands import demo, export, extract, gazetteer, geocode, render

__all__ = ["cli", "main"]

EXIT_USER_ERROR = 2
EXIT_FAILURE = 1


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="incident-mapper")
def cli() -> None:
    """Map incident reports with honest uncertainty: confirmed and unconfirmed are never confused.

    \b
    Example:
      incident-map demo -o demo-out
      incident-map render seeds/caracas.yaml -o caracas.html --geojson caracas.geojson
    """


for _module in (render, export, extract, geocode, gazetteer, demo):
    cli.add_command(_module.command)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and turn our errors into one clean line on stderr."""
    try:
        rc = cli.main(args=argv, prog_name="incident-map", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("incident-map: aborted", err=True)
        return 130
    except click.exceptions.NoArgsIsHelpError as exc:  # `incident-map` alone: the help text is the answer
        exc.show()
        return exc.exit_code
    except click.ClickException as exc:  # a bad argument or option: one line, as our own errors
        click.echo(f"incident-map: error: {' '.join(exc.format_message().split())}", err=True)
        return exc.exit_code
    except InputError as exc:
        click.echo(f"incident-map: error: {exc.one_line()}", err=True)
        return EXIT_USER_ERROR
    except IncidentMapError as exc:
        click.echo(f"incident-map: error: {' '.join(str(exc).split())}", err=True)
        return EXIT_FAILURE
    except OSError as exc:  # the system refused: disk full, permission denied, an unwritable path
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"incident-map: error: {where}{' '.join(str(exc.strerror or exc).split())}", err=True)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        click.echo("incident-map: interrupted", err=True)
        return 130
    return rc if isinstance(rc, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
