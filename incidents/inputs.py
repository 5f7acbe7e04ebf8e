"""Read the CLI's INPUT... arguments: incident files and article texts, combined into one event."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .errors import InputError
from .loader import load_event
from .models import EventFile

__all__ = ["read_inputs", "combine_events", "ARTICLE_SUFFIXES"]

ARTICLE_SUFFIXES = (".txt", ".md", ".text")


def _read_one(path: Path, article_date: date | None, tz: str | None) -> EventFile:
    if path.suffix.lower() not in ARTICLE_SUFFIXES:
        return load_event(path)
    from .extract import draft_event

    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 (byte {exc.start}); save the article as UTF-8", path=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from exc
    try:
        return draft_event(text, source_path=str(path), article_date=article_date, tz=tz)
    except InputError as exc:
        raise exc.located(path=str(path)) from exc


def combine_events(events: list[tuple[Path, EventFile]]) -> EventFile:
    """One event from several files; the first file's title, zone and context win; ids must not collide."""
    first = events[0][1]
    if len(events) == 1:
        return first
    seen: dict[tuple[str, str], Path] = {}
    sources: dict[str, object] = {}
    reports, notes = [], []
    for path, event in events:
        for source in event.sources:
            if source.id in sources and sources[source.id] != source:
                raise InputError(f"source id {source.id!r} is defined differently in {seen[('source', source.id)]}",
                                 path=str(path), record=f"source '{source.id}'", field="id")
            sources[source.id] = source
            seen.setdefault(("source", source.id), path)
        for kind, items, bucket in (("report", event.reports, reports), ("note", event.notes, notes)):
            for item in items:
                key = (kind, item.id)
                if key in seen:
                    raise InputError(f"{kind} id {item.id!r} also appears in {seen[key]}; ids must be unique",
                                     path=str(path), record=f"{kind} '{item.id}'", field="id")
                seen[key] = path
                bucket.append(item)
    titles = list(dict.fromkeys(e.title for _, e in events))
    return first.model_copy(update={
        "title": " + ".join(titles) if len(titles) <= 3 else f"{titles[0]} and {len(titles) - 1} more",
        "sources": list(sources.values()), "reports": reports, "notes": notes,
    })


def read_inputs(paths: list[Path], *, article_date: date | None = None, tz: str | None = None) -> EventFile:
    """Incident files (YAML/JSON/CSV/GeoJSON) and articles (.txt/.md) as one event."""
    if not paths:
        raise InputError("no input files given")
    return combine_events([(Path(p), _read_one(Path(p), article_date, tz)) for p in paths])
