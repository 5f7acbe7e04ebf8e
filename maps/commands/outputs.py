"""Every file a command will write, checked before anything is read or written.

An output must go into a directory that exists, must not be written twice in one run (`-o same.html --geojson
same.html`, or `--geojson x.unresolved.json` beside `-o x.html`) and must not replace one of the inputs. Paths are
compared resolved (`./a.html`, `a.html` and a symlink to it are the same file). Each output's suffix must be one
we write for that option (`-o map.html`, `--geojson x.geojson`, `--png x.png`, ...; render's and extract's `-o` may
also have no suffix at all), and no output may be named
like an unresolved list (`x.unresolved.json`). Each mistake is one InputError (exit 2) naming the clash, raised
before any output exists.

`committed(outputs)` then writes them as one set (incidents.output_set): all new, or all old after any failure.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from incidents.errors import InputError
from incidents.models import Unresolved
from incidents.output_set import OutputSet, output_set

__all__ = ["Output", "check_outputs", "committed", "ensure_output_dir", "unresolved_path", "UNRESOLVED_SUFFIX",
           "failed_place_lines", "FAILED_PLACES_SHOWN"]

UNRESOLVED_SUFFIX = ".unresolved.json"
FAILED_PLACES_SHOWN = 10  # lines on stderr; the rest are counted (every one is in the unresolved list)
GEOCODER_FAILED = "geocoder failed: "


@dataclass(frozen=True)
class Output:
    """A file a command writes: its path, the option that names it, and what it is when it is derived."""

    path: Path
    option: str
    derived: str | None = None  # "the unresolved list", "the uncertainty layer", ... written beside `option`
    suffixes: tuple[str, ...] = ()  # what the option writes (`.html`, `.htm`); empty: any (derived names are ours)
    bare: bool = False  # a name without any suffix is accepted too (`-o map`: HTML, as asked)

    def describe(self) -> str:
        """How the error message names this output: `-o/--output` or `the unresolved list of -o/--output`."""
        return f"{self.derived} of {self.option}" if self.derived else self.option


def unresolved_path(output: Path) -> Path:
    """`<stem>.unresolved.json` beside `output`: where the unresolved records (with reasons) are listed."""
    return output.with_name(f"{output.stem}{UNRESOLVED_SUFFIX}")


def _same_file_key(path: Path) -> tuple[object, ...]:
    """A key equal for two names of one file: the resolved path, or device and inode when the file exists."""
    try:
        stat = path.stat()
    except OSError:
        return ("path", str(path.resolve()))
    return ("inode", stat.st_dev, stat.st_ino)


def _no_file_in_the_way(directory: Path, path: Path, option: str) -> None:
    """InputError when the nearest existing one of `directory` and its parents is a file, not a directory."""
    ancestor = next((a for a in (directory, *directory.parents) if a.exists()), None)
    if ancestor is not None and not ancestor.is_dir():
        raise InputError(f"{ancestor} is not a directory", path=str(path), field=option)


def _check_directory(output: Output) -> None:
    """The output's directory must exist; a file where a directory should be is named as such."""
    parent = output.path.parent
    if parent.is_dir():
        return
    _no_file_in_the_way(parent, output.path, output.option)
    raise InputError(
        f"output directory {parent} does not exist; create it first", path=str(output.path), field=output.option
    )


def _check_target(output: Output) -> None:
    """An existing output must be a regular file that we may replace (not a directory, FIFO or device)."""
    path = output.path
    if path.is_dir():
        raise InputError("is a directory; give a file name for the output", path=str(path), field=output.option)
    if path.exists() and not path.is_file():
        raise InputError("is not a regular file; give a file name for the output", path=str(path), field=output.option)


def _check_name(output: Output) -> None:
    """The suffix must be one the option writes, and only the unresolved list may be named `*.unresolved.json`."""
    if output.derived:
        return
    name = output.path.name.lower()
    if name.endswith(UNRESOLVED_SUFFIX):
        raise InputError(f"names an unresolved list ({UNRESOLVED_SUFFIX} is what is written beside every output);"
                         " choose another name", path=str(output.path), field=output.option)
    if output.bare and not output.path.suffix:
        return
    if output.suffixes and not name.endswith(output.suffixes):
        given = output.path.suffix or "(no suffix)"
        raise InputError(f"{output.option} writes {' or '.join(output.suffixes)} files, not {given!r}; "
                         f"name it like out{output.suffixes[0]}", path=str(output.path), field=output.option)


def check_outputs(inputs: Iterable[Path | None], outputs: Sequence[Output]) -> None:
    """InputError (exit 2) unless every output is named as ours, has a directory, a distinct file, replaces no input."""
    for output in outputs:
        _check_directory(output)
        _check_target(output)
    sources = {_same_file_key(Path(p)): Path(p) for p in inputs if p is not None}
    seen: dict[tuple[object, ...], Output] = {}
    for output in outputs:
        key = _same_file_key(output.path)
        if key in sources:
            what = f"{output.describe()} " if output.derived else ""
            raise InputError(
                f"{what}would replace the input file {sources[key]}; choose another output name",
                path=str(output.path),
                field=output.option,
            )
        first = seen.setdefault(key, output)
        if first is not output:
            raise InputError(
                f"{first.describe()} and {output.describe()} would both write this file; give each output its own name",
                path=str(output.path),
                field=output.option,
            )
    for output in outputs:
        _check_name(output)


def ensure_output_dir(directory: Path, option: str) -> None:
    """Create `directory` (and its parents); a file in the way is the user's mistake, one line, exit 2."""
    _no_file_in_the_way(directory, directory, option)
    os.makedirs(directory, exist_ok=True)  # refused by the system (permissions, disk): exit 1 like other writes


@contextlib.contextmanager
def committed(outputs: Sequence[Output]) -> Iterator[OutputSet]:
    """Write `outputs` as one set: every file written whole first, then all renamed together (incidents.output_set).

    A set that an earlier, killed run left half renamed beside these outputs is finished first, with a note on stderr.
    """
    with output_set([o.path for o in outputs], report=lambda line: click.echo(line, err=True)) as pending:
        yield pending


def _short(text: str, limit: int = 200) -> str:
    """One short printable line: no terminal escape sequences or other controls from a stranger's text."""
    flat = " ".join("".join(c if c.isprintable() else "\ufffd" for c in " ".join(text.split())).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"


def failed_place_lines(unresolved: Sequence[Unresolved], listed_in: Path) -> list[str]:
    """One stderr line per report whose online geocoder failed (at most FAILED_PLACES_SHOWN, then a count)."""
    failed = [u for u in unresolved if u.reason.startswith(GEOCODER_FAILED)]
    lines = [
        f"incident-map: geocoder failed for {u.kind} {_short(u.record, 80)!r}"
        f"{f' ({_short(u.where, 80)!r})' if u.where else ''}: {_short(u.reason.removeprefix(GEOCODER_FAILED))}"
        for u in failed[:FAILED_PLACES_SHOWN]
    ]
    if len(failed) > FAILED_PLACES_SHOWN:
        lines.append(f"incident-map: ... and {len(failed) - FAILED_PLACES_SHOWN} more places the geocoder failed on "
                     f"({len(failed)} in all, every one listed in {listed_in})")
    return lines
