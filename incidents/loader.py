"""Read an incident file (YAML, JSON; tables through incidents.formats.table: CSV, GeoJSON, GeoPackage and other
GIS layers, Parquet, in our columns or a dataset's: ACLED, UCDP GED, GDELT, Ushahidi) into an EventFile.

Every problem becomes one InputError line naming the file, the record and the field, e.g.
`seeds/x.yaml: report 'r3' (reports[2]): field 'when.start': invalid date '2026-13-01'`.
Files are only read, never modified. YAML is read with a safe loader that also refuses duplicate keys (a second
`reports:` would otherwise silently replace the first), keeps invalid dates as text so validation can name them,
turns unreadable tagged values (`!!int x`, a 5,000-digit number) into one-line errors, and refuses alias bombs:
a document whose `*aliases` expand it past max(10 x its size, 1 MiB) characters (or past MAX_INPUT_BYTES).
Limits: a file must be a regular file of at most MAX_INPUT_BYTES (200 MiB), read by incidents.reading.read_bounded; dates must fall in the years 1000-2999 (DATE_YEARS).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import InputError
from .gc_pause import gc_paused
from .models import EventFile
from .numbers import JSON_NUMBERS, TooManyDigits
from .reading import MAX_INPUT_BYTES, read_bounded

__all__ = [
    "load_event", "event_from_mapping", "read_input_text", "parse_document", "validation_error", "check_references",
    "MAX_INPUT_BYTES", "DATE_YEARS", "check_dates", "date_in_range", "check_country",
]

DATE_YEARS = (1000, 2999)
_ALIAS_FACTOR, _ALIAS_FLOOR = 10, 2**20
_ALIAS = re.compile(r"\*[^\s,\[\]{}]")  # may be an alias; a literal first character keeps the search fast
INCIDENT_SUFFIXES = (".yaml", ".yml", ".json")
TABULAR_SUFFIXES = (".csv", ".tsv", ".tab", ".geojson", ".gpkg", ".shp", ".fgb", ".gml", ".sqlite", ".parquet",
                    ".geoparquet")  # incidents.formats.reading.TABLE_SUFFIXES
_LISTS = {"reports": "report", "sources": "source", "notes": "note"}
_UNION_TAGS = {"datetime", "date", "str", "int", "float", "bool", "list[str]", "dict"}
_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictSafeLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """yaml's safe loader, refusing duplicate keys and keeping impossible dates ('2026-13-01') as strings."""


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    if not isinstance(node, yaml.MappingNode):
        raise yaml.constructor.ConstructorError(None, None, f"expected a mapping, found {node.id}", node.start_mark)
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in result
        except TypeError as exc:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(None, None, "a key is not a plain value", mark) from exc
        if duplicate:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, TypeError, AttributeError, OverflowError):  # also `!!timestamp garbage`
        return loader.construct_scalar(node)


def _guarded(tag: str) -> Any:
    """yaml's constructor for `tag`, raising a located YAML error instead of ValueError/KeyError (`!!bool maybe`)."""
    construct = yaml.constructor.SafeConstructor.yaml_constructors[f"tag:yaml.org,2002:{tag}"]

    def guarded(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
            why = "too many digits" if "digits" in str(exc) else f"not a valid {tag}"
            text = str(node.value)[:40] if isinstance(node, yaml.ScalarNode) else node.id
            raise yaml.constructor.ConstructorError(None, None, f"cannot read {text!r}: {why}", node.start_mark) from exc

    return guarded


_StrictSafeLoader.add_constructor("tag:yaml.org,2002:map", _mapping)
_StrictSafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
for _tag in ("int", "float", "bool", "binary"):
    _StrictSafeLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _guarded(_tag))


@gc_paused()  # a large table makes many long-lived objects: the collector would walk them again and again
def load_event(path: str | Path, **table: Any) -> EventFile:
    """The incident file at `path`, validated and cross-checked.

    `table` (format, columns, strict) is how to read a table; see incidents.formats.table.read_tabular_event.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in TABULAR_SUFFIXES:
        return event_from_mapping(_read_tabular(path, table), path=str(path))
    if suffix not in INCIDENT_SUFFIXES:
        raise InputError(
            f"unknown input type {suffix or '(none)'!r}; use .yaml, .yml, .json, a table (.csv, .tsv, .geojson, "
            ".gpkg, .shp, .fgb, .parquet) or an article .txt/.md",
            path=str(path),
        )
    return event_from_mapping(parse_document(path, read_input_text(path)), path=str(path))


def _read_tabular(path: Path, options: dict[str, Any]) -> Any:
    try:
        from .formats.table import read_tabular_event
    except ModuleNotFoundError as exc:
        if exc.name not in ("incidents.formats.table", "incidents.formats"):
            raise
        raise InputError(f"{path.suffix.lstrip('.').upper()} input not available in this installation",
                         path=str(path)) from exc
    try:
        return read_tabular_event(path, **{k: v for k, v in options.items() if v})
    except InputError as exc:
        raise exc.located(path=str(path)) from exc


def read_input_text(path: Path) -> str:
    """The UTF-8 text of an input file, refusing non-regular, empty, binary, non-UTF-8 and oversized files.

    The bytes come from incidents.reading.read_bounded, the one bounded reader every input format uses.
    """
    data = read_bounded(path, limit=MAX_INPUT_BYTES)  # looked up here, so a test may lower it
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("file is UTF-16; save it as UTF-8", path=str(path))
    if b"\x00" in data:
        if 3 * max(data[0::2].count(0), data[1::2].count(0)) > len(data):  # every other byte NUL: ASCII in UTF-16
            raise InputError("file looks like UTF-16 (without a byte-order mark); save it as UTF-8", path=str(path))
        raise InputError("file contains NUL bytes; is it a binary file?", path=str(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 (bad byte at offset {exc.start}); save the file as UTF-8", path=str(path)) from exc
    if not text.strip():
        raise InputError("file is empty", path=str(path))
    return text


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def parse_document(path: Path, text: str) -> Any:
    """`text` parsed as JSON when `path` ends in .json, else as YAML (safe loader, no duplicate keys)."""
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text, object_pairs_hook=_unique_pairs, **JSON_NUMBERS)
        except json.JSONDecodeError as exc:
            where = f"line {exc.lineno} column {exc.colno}"
            raise InputError(f"invalid JSON at {where}: {exc.msg}", path=str(path)) from exc
        except ValueError as exc:
            why = "a number has too many digits" if "digits" in str(exc) else str(exc)
            raise InputError(f"invalid JSON: {why}", path=str(path)) from exc
        except RecursionError as exc:
            raise InputError("JSON nests too deeply", path=str(path)) from exc
    try:
        data = yaml.load(text, Loader=_StrictSafeLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.reader.ReaderError as exc:
        at = text.find(chr(exc.character)) if isinstance(exc.character, int) else -1
        where = f" at line {text.count(chr(10), 0, at) + 1} column {at - text.rfind(chr(10), 0, at)}" if at >= 0 else ""
        code = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise InputError(f"invalid YAML{where}: control character {code} is not allowed", path=str(path)) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise InputError(f"invalid YAML{where}: {problem}", path=str(path)) from exc
    except RecursionError as exc:
        raise InputError("YAML nests too deeply", path=str(path)) from exc
    if "&" in text and _ALIAS.search(text):  # an alias needs an &anchor
        _refuse_alias_bomb(data, len(text), path)
    return data


def _expanded_size(data: Any) -> int | None:
    """Characters (strings) plus items (everything else) with every alias written out; None for a cycle."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(data, False)]
    busy: set[int] = set()
    while stack:
        item, done = stack.pop()
        if not isinstance(item, (list, dict)):
            continue
        key = id(item)
        children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
        if done:
            busy.discard(key)
            sizes[key] = 1 + sum(
                sizes[id(c)] if isinstance(c, (list, dict)) else len(c) if isinstance(c, str) else 1 for c in children
            )
            continue
        if key in sizes:
            continue
        if key in busy:
            return None
        busy.add(key)
        stack.append((item, True))
        stack.extend((c, False) for c in children if isinstance(c, (list, dict)) and id(c) not in sizes)
    if isinstance(data, (list, dict)):
        return sizes[id(data)]
    return len(data) if isinstance(data, str) else 1


def _refuse_alias_bomb(data: Any, text_size: int, path: Path) -> None:
    """An InputError when YAML aliases make the document far bigger than its text (a "billion laughs" bomb)."""
    limit = min(MAX_INPUT_BYTES, max(_ALIAS_FACTOR * text_size, _ALIAS_FLOOR))
    size = _expanded_size(data)
    if size is None:
        raise InputError("invalid YAML: an alias refers to itself (a recursive structure)", path=str(path))
    if size > limit:
        raise InputError(
            f"YAML aliases (*name) expand the document to over {limit:,} characters (from {text_size:,}); "
            "refused as a possible alias bomb: write the values out",
            path=str(path),
        )


def event_from_mapping(data: Any, *, path: str) -> EventFile:
    """Validate a parsed document as an EventFile, then check its cross references."""
    if not isinstance(data, dict):
        kind = type(data).__name__ if data is not None else "nothing"
        raise InputError(f"the top level must be a mapping with title, sources and reports, not {kind}", path=path)
    try:
        event = EventFile.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, data, path=path) from exc
    except RecursionError as exc:
        raise InputError("document nests too deeply", path=path) from exc
    check_references(event, path)
    check_dates(event, path)
    check_country(event, path)
    return event


def _record(kind: str, index: int, item: Any) -> str:
    item_id = item.get("id") if isinstance(item, dict) else None
    label = _LISTS[kind]
    if isinstance(item_id, (str, int)) and not isinstance(item_id, bool):
        return f"{label} {str(item_id)[:80]!r} ({kind}[{index}])"
    return f"{label} {kind}[{index}]"


def validation_error(exc: ValidationError, data: Any, *, path: str, record: str | None = None) -> InputError:
    """The first problem of a pydantic ValidationError as a one-line InputError naming record and field."""
    err = exc.errors(include_url=False)[0]
    loc = list(err["loc"])
    if len(loc) >= 2 and loc[0] in _LISTS and isinstance(loc[1], int) and isinstance(data, dict):
        items = data.get(loc[0])
        item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        record = _record(str(loc[0]), loc[1], item)
        loc = loc[2:]
    parts = [str(p) for p in loc if str(p) not in _UNION_TAGS and not str(p).startswith(("function-", "tagged-union"))]
    field = ".".join(parts) or None
    kind, bad = err["type"], err.get("input")
    message = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind == "extra_forbidden":
        message = "unknown field (check its spelling)"
    elif kind == "missing":
        message = "required field is missing"
    elif parts and parts[0] == "when" and isinstance(bad, str) and "pars" in kind:
        message = f"invalid date {bad[:60]!r} (use YYYY-MM-DD or YYYY-MM-DDTHH:MM with an optional ±HH:MM offset)"
    elif isinstance(bad, TooManyDigits) and "digits" not in message:
        message = f"a number with too many digits ({bad}) where {message[0].lower()}{message[1:]}"
    elif isinstance(bad, int) and not isinstance(bad, bool) and abs(bad).bit_length() > 512:
        message += "" if "digits" in message else " (got a number with too many digits)"  # str() raises
    elif isinstance(bad, (str, int, float)) and not isinstance(bad, (bool, TooManyDigits)) and \
            repr(str(bad)[:60]) not in message:
        message += f" (got {str(bad)[:60]!r})"
    if len(message) > 300:  # a validator may quote a huge value back
        message = message[:299] + "\u2026"
    return InputError(message, path=path, record=record, field=field)


def check_references(event: EventFile, path: str) -> None:
    """Duplicate ids, and sources that reports, notes and `cites` name but the file does not define."""
    for kind, label in _LISTS.items():
        seen: dict[str, int] = {}
        for i, item in enumerate(getattr(event, kind)):
            if item.id in seen:
                raise InputError(f"duplicate id {item.id!r} (first used by {kind}[{seen[item.id]}])", path=path,
                                 record=f"{label} '{item.id}' ({kind}[{i}])", field="id")
            seen[item.id] = i
    source_ids = {s.id for s in event.sources}
    shown = sorted(source_ids)[:12]
    known = (", ".join(shown) + (", ..." if len(source_ids) > len(shown) else "")) or "none defined"
    for i, source in enumerate(event.sources):
        for cited in source.cites:
            if cited not in source_ids:
                raise InputError(f"cites unknown source {cited!r} (sources: {known})", path=path,
                                 record=f"source '{source.id}' (sources[{i}])", field="cites")
    for kind in ("reports", "notes"):
        for i, item in enumerate(getattr(event, kind)):
            if item.source is not None and item.source not in source_ids:
                raise InputError(f"unknown source {item.source!r} (sources: {known})", path=path,
                                 record=f"{_LISTS[kind]} '{item.id}' ({kind}[{i}])", field="source")


def check_country(event: EventFile, path: str) -> None:
    """An InputError when the context names a country code that no country has ("XX")."""
    code = event.context.country
    if code is None:
        return
    from .geocode.countries import country_code

    if country_code(code) != code:
        raise InputError(f"unknown country code {code!r}: give an ISO 3166-1 alpha-2 code such as VE", path=path,
                         field="context.country")


def date_in_range(value: date | None) -> bool:
    """Whether a date (or datetime) falls in DATE_YEARS; beyond them it is a typo, and date arithmetic overflows."""
    return value is None or DATE_YEARS[0] <= value.year <= DATE_YEARS[1]


def check_dates(event: EventFile, path: str) -> None:
    """An InputError naming the record and field of the first date outside DATE_YEARS."""
    first, last = DATE_YEARS
    found: list[tuple[str | None, str, date | None]] = [(None, "reference_date", event.reference_date)]
    for kind in ("reports", "notes"):
        for i, item in enumerate(getattr(event, kind)):
            if item.when is not None:
                record = f"{_LISTS[kind]} '{item.id}' ({kind}[{i}])"
                found += [(record, "when.start", item.when.start), (record, "when.end", item.when.end)]
    for record, field, value in found:
        if not date_in_range(value):
            raise InputError(f"date {value.isoformat()} is outside the years {first}-{last}; is it a typo?",
                             path=path, record=record, field=field)
