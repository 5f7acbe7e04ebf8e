"""`incident-map`: one console command with subcommands; user errors become one line and exit status 2.

Click's usage errors (a missing or unreadable input, a bad `--date`, an unknown option) are one line too, in the
same `incident-map: error: ...` form; only `incident-map` with no arguments prints the help.

Subcommands are imported when they run, not before: `incident-map --help` and `incident-map geocode` load neither
folium, pandas, geopandas nor matplotlib (tests/test_cli_conventions.py checks it in a fresh process). `-v`/`-vv`
log what happens (INFO/DEBUG) to stderr; `-q` keeps only warnings and errors (no counts, no "wrote" lines).
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from incidents.errors import IncidentMapError, InputError

__all__ = ["cli", "main", "COMMANDS"]

EXIT_USER_ERROR = 2
EXIT_FAILURE = 1
# name -> (module with a `command`, the one line `--help` lists); the module is imported only to run or explain it
COMMANDS: dict[str, tuple[str, str]] = {
    "render": ("maps.commands.render", "Render incident files, tables or articles as a layered HTML map."),
    "export": ("maps.commands.export", "Export incidents for GIS tools (QGIS, Google Earth, spreadsheets)."),
    "extract": ("maps.commands.extract", "Draft an incident file from an article's text."),
    "geocode": ("maps.commands.geocode", "Show where PLACE TEXT resolves, with its radius, precision and entry."),
    "gazetteer": ("maps.commands.gazetteer", "Build, fetch and check gazetteers (OSM packs, your own places)."),
    "demo": ("maps.commands.demo", "Render the bundled Caracas event (map + GeoJSON) into a folder."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use; `--help` lists them from COMMANDS alone."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        return importlib.import_module(entry[0]).command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, short) for name, (_, short) in COMMANDS.items()])


def _logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet or not verbose else logging.INFO if verbose == 1 else logging.DEBUG
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_incident_map", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._incident_map = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("incident-map: %(levelname)s: %(name)s: %(message)s"))
    root.addHandler(handler)
    logging.getLogger("incidents").setLevel(level)
    logging.getLogger("layers").setLevel(level)
    logging.getLogger("maps").setLevel(level)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="incident-mapper")
@click.option("-v", "--verbose", count=True, help="Say what happens (-vv: debugging detail), on stderr.")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors: no counts, no 'wrote' lines.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """Map incident reports with honest uncertainty: confirmed and unconfirmed are never confused.

    \b
    Example:
      incident-map demo -o demo-out
      incident-map render seeds/caracas.yaml -o caracas.html --geojson caracas.geojson
      incident-map export acled.csv -o acled.gpkg
    """
    if verbose and quiet:
        raise click.UsageError("-v and -q contradict each other; give one")
    ctx.obj = {"quiet": quiet, "verbose": verbose}
    _logging(verbose, quiet)


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
