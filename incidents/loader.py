"""Read an incident file (YAML, JSON; CSV and GeoJSON through incidents.tabular) into an EventFile.

Every problem becomes one InputError line naming the file, the record and the field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import InputError
from .models import EventFile

__all__ = ["load_event", "event_from_mapping", "MAX_INPUT_BYTES"]

MAX_INPUT_BYTES = 200 * 1024 * 1024
_LISTS = ("reports", "sources", "notes")


def load_event(path: str | Path) -> EventFile:
    """The incident file at `path`, validated."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".geojson"):
        from .tabular import read_tabular_event

        return event_from_mapping(read_tabular_event(path), path=str(path))
    if suffix not in (".yaml", ".yml", ".json"):
        raise InputError(
            f"unknown input type {suffix or '(none)'!r}; use .yaml, .yml, .json, .csv, .geojson or an article .txt",
            path=str(path),
        )
    return event_from_mapping(_parse(path, _read_text(path)), path=str(path))


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(f"file is {size / 2**20:.0f} MiB; the limit is {MAX_INPUT_BYTES // 2**20} MiB", path=str(path))
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("file is UTF-16; save it as UTF-8", path=str(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 (byte {exc.start}); save the file as UTF-8", path=str(path)) from exc
    if "\x00" in text:
        raise InputError("file contains NUL bytes; is it a binary file?", path=str(path))
    if not text.strip():
        raise InputError("file is empty", path=str(path))
    return text


def _parse(path: Path, text: str) -> Any:
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", path=str(path)) from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise InputError(f"invalid YAML{where}: {problem}", path=str(path)) from exc
    except RecursionError as exc:
        raise InputError("YAML nests too deeply", path=str(path)) from exc


def event_from_mapping(data: Any, *, path: str) -> EventFile:
    """Validate a parsed document as an EventFile, then check its cross references."""
    if not isinstance(data, dict):
        kind = type(data).__name__ if data is not None else "nothing"
        raise InputError(f"the top level must be a mapping with title, sources and reports, not {kind}", path=path)
    try:
        event = EventFile.model_validate(data)
    except ValidationError as exc:
        raise _located(exc, data, path) from exc
    except RecursionError as exc:
        raise InputError("document nests too deeply", path=path) from exc
    _check_references(event, path)
    return event


def _located(exc: ValidationError, data: dict[str, Any], path: str) -> InputError:
    err = exc.errors(include_url=False)[0]
    loc = list(err["loc"])
    record = None
    if len(loc) >= 2 and loc[0] in _LISTS and isinstance(loc[1], int):
        kind, index = loc[0], loc[1]
        items = data.get(kind)
        item = items[index] if isinstance(items, list) and index < len(items) else None
        item_id = item.get("id") if isinstance(item, dict) else None
        label = kind[:-1]
        record = f"{label} {str(item_id)[:80]!r} ({kind}[{index}])" if item_id else f"{kind}[{index}]"
        loc = loc[2:]
    field = ".".join(str(p) for p in loc if not str(p).startswith("function-")) or None
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        message = "unknown field (check its spelling)"
    elif err["type"] == "missing":
        message = "required field is missing"
    bad = err.get("input")
    if err["type"] not in ("missing", "extra_forbidden") and isinstance(bad, (str, int, float)) and not isinstance(
        bad, bool
    ):
        message += f" (got {str(bad)[:60]!r})"
    return InputError(message, path=path, record=record, field=field)


def _check_references(event: EventFile, path: str) -> None:
    for kind in _LISTS:
        seen: set[str] = set()
        for i, item in enumerate(getattr(event, kind)):
            if item.id in seen:
                raise InputError(f"duplicate id {item.id!r}", path=path, record=f"{kind[:-1]} '{item.id}' ({kind}[{i}])",
                                 field="id")
            seen.add(item.id)
    source_ids = {s.id for s in event.sources}
    for i, source in enumerate(event.sources):
        for cited in source.cites:
            if cited not in source_ids:
                raise InputError(f"cites unknown source {cited!r}", path=path,
                                 record=f"source '{source.id}' (sources[{i}])", field="cites")
    for kind in ("reports", "notes"):
        for i, item in enumerate(getattr(event, kind)):
            if item.source is not None and item.source not in source_ids:
                known = ", ".join(sorted(source_ids)) or "none defined"
                raise InputError(f"unknown source {item.source!r} (sources: {known})", path=path,
                                 record=f"{kind[:-1]} '{item.id}' ({kind}[{i}])", field="source")
