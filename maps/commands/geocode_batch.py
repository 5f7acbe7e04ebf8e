"""`incident-map geocode --batch PLACES.csv -o OUT.jsonl`: the file read, every row geocoded, the output atomic."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from incidents.atomic import atomic_path
from incidents.geocode import PlaceResolver
from incidents.geocode.batch import BatchCounts, geocode_rows, read_places
from incidents.models import GeoContext, PlaceRole
from incidents.wording import plural

from .outputs import Output, check_outputs

__all__ = ["run_batch", "PROGRESS_FROM"]

PROGRESS_FROM = 2_000  # rows from which a progress bar is shown (on a terminal)


def run_batch(
    places: Path, output: Path, context: GeoContext, resolver: PlaceResolver, role: PlaceRole,
    gazetteers: Sequence[Path] = (),
) -> None:  # fmt: skip
    """Geocode the rows of `places` into `output`; the counts go to stderr. InputError (exit 2) for a bad file."""
    check_outputs([places, *gazetteers], [Output(output, "-o/--output", suffixes=(".jsonl", ".ndjson"))])
    rows = read_places(places, context)
    counts = BatchCounts()
    from tqdm import tqdm

    with tqdm(total=len(rows), unit="row", file=sys.stderr, leave=False,
              disable=True if len(rows) < PROGRESS_FROM else None) as bar:  # fmt: skip
        with atomic_path(output) as tmp, open(tmp, "wb") as fh:
            for line in geocode_rows(rows, resolver, role=role, progress=bar.update, counts=counts):
                fh.write(line)
    unresolved = counts.rows - counts.resolved
    docs = f", {plural(counts.documents, 'document')}" if counts.documents else ""
    click.echo(
        f"geocoded {plural(counts.rows, 'row')} ({plural(counts.distinct, 'distinct place text')}{docs}): "
        f"{counts.resolved:,} resolved, {unresolved:,} unresolved (with their reason) -> {output}",
        err=True,
    )
