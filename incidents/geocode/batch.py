"""Batch geocoding: a CSV of place texts in, one JSON object per row out (`incident-map geocode --batch`).

PLACES.csv has a column `text` and optionally `id`, `context` ("City, CC", "CC" or a country name, for that row;
else the command's --context) and `doc` (rows sharing a doc, and a context, are one document: their places are
resolved together, see incidents.geocode.document). Each output object has `row` (1-based, the header not counted),
`id` (null without the column), `text`, and either the fields of `geocode --json` (lat, lon, radius_m, precision,
entry, reason, ...) or `error` with the reason the place was not resolved.

Each distinct (text, context) of the rows without a doc is resolved once and its JSON fields serialised once: a
file that names a few places again and again is written at memo speed. A malformed file (no `text` column, a row
with more fields than the header, an unknown country in `context`) is an InputError naming the file, row and column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson

from ..errors import GeocodeError, GeocoderServiceError, InputError
from ..models import GeoContext, PlaceRole
from ..reading import read_bounded
from .context import parse_context
from .document import resolve_document
from .resolver import PlaceResolver

__all__ = ["BatchRow", "BatchCounts", "read_places", "geocode_rows", "COLUMNS"]

COLUMNS = ("text", "id", "context", "doc")
MAX_TEXT_CHARS = 1_000


@dataclass(frozen=True)
class BatchRow:
    """One row of PLACES.csv."""

    row: int
    text: str
    id: str | None
    context: GeoContext
    doc: str | None

    @property
    def where(self) -> tuple[str | None, str | None, str | None]:
        """The context as a hashable key."""
        return self.context.country, self.context.city, self.context.admin1


@dataclass
class BatchCounts:
    """What a batch did, for the counts line."""

    rows: int = 0
    resolved: int = 0
    distinct: int = 0
    documents: int = 0


def read_places(path: str | Path, default: GeoContext) -> list[BatchRow]:
    """The rows of a places CSV; InputError (file, row, column) when it cannot be read as one."""
    name = str(path)
    raw = read_bounded(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("not UTF-8 text", path=name, record=f"line {line}") from exc
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError("contains a NUL character", path=name, record=f"line {line}")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)  # an unclosed quote is an error, not one row
    try:
        header = next(reader, None)
        if header is None:
            raise InputError("empty file: a header with a 'text' column is needed", path=name)
        columns = [h.strip().lower() for h in header]
        if "text" not in columns:
            raise InputError(f"no 'text' column (columns: {', '.join(columns) or 'none'})", path=name, field="text")
        where = {c: columns.index(c) for c in COLUMNS if c in columns}
        contexts: dict[str, GeoContext] = {}
        rows = []
        for n, fields in enumerate(reader, start=1):
            if not any(f.strip() for f in fields):
                continue  # a blank line
            if len(fields) > len(columns):
                raise InputError(f"{len(fields)} fields, the header has {len(columns)}", path=name, record=f"row {n}")
            rows.append(_row(n, fields, where, default, contexts, name))
    except csv.Error as exc:
        raise InputError(f"not a CSV file: {exc}", path=name, record=f"line {reader.line_num}") from exc
    return rows


def _row(n: int, fields: list[str], where: dict[str, int], default: GeoContext, contexts: dict[str, GeoContext],
         name: str) -> BatchRow:  # fmt: skip
    def cell(column: str) -> str | None:
        i = where.get(column)
        value = fields[i].strip() if i is not None and i < len(fields) else ""
        return value or None

    text = cell("text") or ""
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"longer than {MAX_TEXT_CHARS:,} characters", path=name, record=f"row {n}", field="text")
    given = cell("context")
    context = default
    if given is not None:
        if given not in contexts:
            try:
                contexts[given] = parse_context(given)
            except InputError as exc:
                raise InputError(exc.message, path=name, record=f"row {n}", field="context") from exc
        context = contexts[given]
    return BatchRow(n, text, cell("id"), context, cell("doc"))


def geocode_rows(
    rows: Sequence[BatchRow],
    resolver: PlaceResolver,
    *,
    role: PlaceRole = PlaceRole.location,
    progress: Callable[[int], None] = lambda n: None,
    counts: BatchCounts | None = None,
) -> Iterator[bytes]:
    """One JSON line (bytes, with its newline) per row, in input order; `role` applies to every row."""
    counts = counts if counts is not None else BatchCounts()
    documents = _documents(rows, resolver, role)
    counts.documents = len(documents)
    counts.distinct = len({(r.text, r.where) for r in rows})
    memo: dict[tuple[str, tuple[str | None, ...]], tuple[bytes, bool]] = {}
    for r in rows:
        counts.rows += 1
        if r.doc is not None:
            fields, ok = documents[(r.doc, r.where)][r.row]
        else:
            key = (r.text, r.where)
            if key not in memo:
                memo[key] = _fields(r.text, r.context, resolver, role)
            fields, ok = memo[key]
        counts.resolved += ok
        head = orjson.dumps({"id": r.id, "row": r.row, "text": r.text}, option=orjson.OPT_SORT_KEYS)
        yield _merge(head, fields) + b"\n"
        progress(1)


def _merge(head: bytes, fields: bytes) -> bytes:
    """Two serialised JSON objects as one (keys of the two never clash; each part's keys are sorted)."""
    return head[:-1] + b"," + fields[1:] if fields != b"{}" else head


def _fields(text: str, context: GeoContext, resolver: PlaceResolver, role: PlaceRole) -> tuple[bytes, bool]:
    if not text:
        return orjson.dumps({"error": "empty text"}), False
    try:
        geocode = resolver.resolve(text, context, role=role)
    except (GeocodeError, GeocoderServiceError) as exc:
        return orjson.dumps({"error": " ".join(str(exc).split())}), False
    return orjson.dumps(geocode.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS), True


_DocKey = tuple[str, tuple[str | None, str | None, str | None]]


def _documents(
    rows: Sequence[BatchRow], resolver: PlaceResolver, role: PlaceRole
) -> dict[_DocKey, dict[int, tuple[bytes, bool]]]:
    """Each document's rows resolved together: (doc, context) -> row number -> (JSON fields, resolved)."""
    members: dict[_DocKey, list[BatchRow]] = {}
    for r in rows:
        if r.doc is not None:
            members.setdefault((r.doc, r.where), []).append(r)
    out: dict[_DocKey, dict[int, tuple[bytes, bool]]] = {}
    for key, group in members.items():
        named = [r for r in group if r.text]
        try:
            results = resolve_document([r.text for r in named], group[0].context, resolver,
                                       roles=[role] * len(named))  # fmt: skip
        except GeocoderServiceError as exc:
            results = [exc] * len(named)  # type: ignore[list-item]
        done: dict[int, tuple[bytes, bool]] = {r.row: (orjson.dumps({"error": "empty text"}), False) for r in group}
        for r, result in zip(named, results, strict=True):
            if isinstance(result, Exception):
                done[r.row] = (orjson.dumps({"error": " ".join(str(result).split())}), False)
            else:
                done[r.row] = (orjson.dumps(result.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS), True)
        out[key] = done
    return out
