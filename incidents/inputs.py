"""Read the CLI's INPUT... arguments: incident files and article texts, combined into one event.

Several inputs make one event: the first file's title (or the titles joined), time zone and reference date win;
context fields (country, city, admin1) are taken from the first file that gives them and must not contradict.
Ids are never renamed: a report or note id used in two files is an InputError naming both files (so an analyst's
ids stay the ones they wrote); a source defined identically in two files is one source. Times that a later file
gives as dates or naive datetimes are pinned to that file's own zone and reference date first, so they keep
their meaning under the first file's zone.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from .errors import InputError
from .loader import load_event, read_input_text
from .models import EventFile, GeoContext, Report, When
from .reading import check_regular
from .timewindow import resolve_when

__all__ = ["read_inputs", "combine_events", "read_article", "ARTICLE_SUFFIXES"]

ARTICLE_SUFFIXES = (".txt", ".md", ".text")


def read_article(
    path: Path, *, article_date: date | None = None, tz: str | None = None, resolver: Any = None
) -> EventFile:
    """A draft event from an article text, through incidents.extract."""
    try:
        from .extract import draft_event
    except ModuleNotFoundError as exc:
        if exc.name not in ("incidents.extract", f"{__package__}.extract"):
            raise
        raise InputError("article input is not available in this installation", path=str(path)) from exc
    text = read_input_text(path)
    try:
        given = {"resolver": resolver} if resolver is not None else {}
        return draft_event(text, source_path=str(path), article_date=article_date, tz=tz, **given)
    except InputError as exc:
        raise exc.located(path=str(path)) from exc


def _read_one(path: Path, article_date: date | None, tz: str | None, resolver: Any = None,
              table: dict[str, Any] | None = None) -> EventFile:
    check_regular(path)  # a device, FIFO or socket is named as such whatever its suffix
    if path.suffix.lower() in ARTICLE_SUFFIXES:
        return read_article(path, article_date=article_date, tz=tz, resolver=resolver)
    return load_event(path, **(table or {}))


def _pinned(when: When, event: EventFile) -> When:
    """`when` with dates and naive times made absolute in `event`'s own zone and reference date."""
    try:
        window = resolve_when(when, event.timezone, event.reference_date)
    except InputError:
        return when  # left as written: the pipeline reports it as unresolved with the reason
    return When(start=window.start, end=window.end, precision=window.precision, text=when.text)


def _rezoned(event: EventFile, first: EventFile) -> EventFile:
    if (event.timezone, event.reference_date) == (first.timezone, first.reference_date):
        return event
    reports: list[Report] = [r.model_copy(update={"when": _pinned(r.when, event)}) for r in event.reports]
    notes = [n.model_copy(update={"when": _pinned(n.when, event)}) if n.when else n for n in event.notes]
    return event.model_copy(update={"reports": reports, "notes": notes})


def _context(events: list[tuple[Path, EventFile]]) -> GeoContext:
    merged: dict[str, str] = {}
    origin: dict[str, Path] = {}
    for path, event in events:
        for key, value in event.context.model_dump(exclude_none=True).items():
            if key not in merged:
                merged[key], origin[key] = value, path
            elif merged[key].casefold() != str(value).casefold():
                raise InputError(
                    f"context {key} {value!r} contradicts {merged[key]!r} in {origin[key]}; map them separately",
                    path=str(path), field=f"context.{key}",
                )
    return GeoContext(**merged)


def combine_events(events: list[tuple[Path, EventFile]]) -> EventFile:
    """One event from several files (see the module notes for who wins and what must not collide)."""
    first = events[0][1]
    if len(events) == 1:
        return first
    seen: dict[tuple[str, str], Path] = {}
    sources: dict[str, object] = {}
    reports, notes = [], []
    for path, raw in events:
        event = _rezoned(raw, first)
        for source in event.sources:
            key = ("source", source.id)
            if key in seen and sources[source.id] != source:
                raise InputError(f"source id {source.id!r} is defined differently in {seen[key]}",
                                 path=str(path), record=f"source '{source.id}'", field="id")
            sources[source.id] = source
            seen.setdefault(key, path)
        for kind, items, bucket in (("report", event.reports, reports), ("note", event.notes, notes)):
            for item in items:
                key = (kind, item.id)
                if key in seen:
                    raise InputError(f"{kind} id {item.id!r} also appears in {seen[key]}; ids must be unique",
                                     path=str(path), record=f"{kind} '{item.id}'", field="id")
                seen[key] = path
                bucket.append(item)
    titles = list(dict.fromkeys(e.title for _, e in events))
    title = " + ".join(titles) if len(titles) <= 3 else f"{titles[0]} and {len(titles) - 1} more"
    return first.model_copy(update={
        "title": title[:500], "context": _context(events),
        "sources": list(sources.values()), "reports": reports, "notes": notes,
    })


def read_inputs(
    paths: list[Path], *, article_date: date | None = None, tz: str | None = None, resolver: Any = None,
    table: dict[str, Any] | None = None,
) -> EventFile:
    """Incident files (YAML/JSON, tables: CSV/GeoJSON/GPKG/Parquet) and articles (.txt/.md/.text) as one event;
    articles are drafted with `resolver` (a PlaceResolver; the default one when None).

    `table`: how to read tables (format, columns, strict; see incidents.formats.table.read_tabular_event).
    """
    if not paths:
        raise InputError("no input files given")
    return combine_events([(Path(p), _read_one(Path(p), article_date, tz, resolver, table)) for p in paths])
