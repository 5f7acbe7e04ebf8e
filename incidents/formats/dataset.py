"""What the event-dataset adapters (ACLED, UCDP GED, GDELT, Ushahidi) share: reading their typed cells, naming
their sources, and keeping every column they do not map as an attribute.

An adapter turns one raw row into our columns (incidents.records) plus `attributes`; its errors name the row and
the dataset's own column ("row 4: field 'geo_precision': must be 1, 2 or 3, not '7'").
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

from ..errors import InputError
from ..numbers import to_number
from .cells import attribute_value

__all__ = ["Cells", "slug", "named_sources", "place_text", "Adapter"]

_SLUG = re.compile(r"[^a-z0-9]+")
_INTEGER = re.compile(r"^-?(0|[1-9][0-9]{0,15})$")  # no leading zeros: '0123' is a code, kept as text
_NUMBER = re.compile(r"^-?(0|[1-9][0-9]{0,15})(\.[0-9]+)?$")


def slug(text: str, limit: int = 90) -> str:
    """A source id from a name: lower case, runs of other characters as one '-'."""
    return _SLUG.sub("-", text.lower()).strip("-")[:limit] or "x"


def place_text(*parts: Any) -> str | None:
    """'Location, Admin2, Admin1, Country' from the parts given (each once, in order), or None."""
    seen: list[str] = []
    for part in parts:
        text = str(part).strip() if part is not None else ""
        if text and text.casefold() not in (s.casefold() for s in seen):
            seen.append(text)
    return ", ".join(seen) or None


def named_sources(dataset: str, names: list[str], kind: str = "media") -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The report's source (the dataset, relaying the sources it names) and one source per name.

    E.g. ACLED coding an event from "Reuters; Local Source" is the source `acled:reuters.local-source`, an
    aggregator that cites `reuters` and `local-source`.
    """
    cited = [{"id": f"src:{slug(n)}", "name": n[:500], "kind": kind} for n in dict.fromkeys(names)]
    ids = [c["id"] for c in cited]
    key = ".".join(slug(n, 40) for n in names)[:100] or "unnamed"
    row = {
        "source": f"{slug(dataset)}:{key}",
        "source_name": f"{dataset} ({'; '.join(names)})"[:500] if names else dataset,
        "source_kind": "aggregator",
        "source_cites": ids,
    }
    return row, cited


class Cells:
    """One raw row of a dataset, read column by column; what is never read becomes the row's attributes."""

    def __init__(self, raw: dict[str, Any], where: str, *, spreadsheet: bool = False) -> None:
        self.where = where
        self.spreadsheet = spreadsheet
        self._raw = {str(k).strip(): v for k, v in raw.items() if k is not None}
        self._lower = {k.lower(): k for k in self._raw}
        self._used: set[str] = set()
        self._kept: set[str] = set()
        if None in raw:
            raise InputError("more cells than the header has columns", record=where)

    def has(self, column: str) -> bool:
        return column.lower() in self._lower

    def _name(self, column: str) -> str:
        """The column as the table spells it (errors name it so)."""
        return self._lower.get(column.lower(), column)

    def text(self, column: str) -> str | None:
        """The cell as text, None when absent or empty (the column counts as used)."""
        key = self._lower.get(column.lower())
        if key is None:
            return None
        self._used.add(key)
        value = self._raw[key]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        if isinstance(value, datetime | date) or (hasattr(value, "isoformat") and not isinstance(value, str)):
            return value.isoformat()
        if hasattr(value, "item"):
            value = value.item()
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        if self.spreadsheet and text[:1] == "'":
            from .cells import unneutralise

            text = unneutralise(text)
        return text or None

    def kept(self, column: str) -> str | None:
        """The cell as text, also kept as an attribute (the dataset's own event type, admin names, codes)."""
        key = self._lower.get(column.lower())
        if key is not None:
            self._kept.add(key)
        return self.text(column)

    def keep(self, *columns: str) -> None:
        """Keep these columns as attributes even though they were read."""
        self._kept.update(self._lower[c.lower()] for c in columns if c.lower() in self._lower)

    def number(self, column: str, *, low: float | None = None, high: float | None = None) -> float | None:
        text = self.text(column)
        if text is None:
            return None
        try:
            number = to_number(text)
        except ValueError as exc:
            raise InputError(str(exc), record=self.where, field=self._name(column)) from exc
        if (low is not None and number < low) or (high is not None and number > high):
            raise InputError(f"out of range ({low:g} to {high:g}): {text[:40]!r}", record=self.where,
                             field=self._name(column))
        return number

    def code(self, column: str, allowed: range) -> int | None:
        """An integer code of the codebook, checked against the values it defines."""
        text = self.text(column)
        if text is None:
            return None
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not number.is_integer() or int(number) not in allowed:
            values = ", ".join(str(v) for v in allowed)
            raise InputError(f"must be one of {values} (the codebook's values), not {text[:40]!r}",
                             record=self.where, field=self._name(column))
        return int(number)

    def date(self, column: str, formats: tuple[str, ...] = ()) -> date | datetime | None:
        """An ISO date or datetime, or one of `formats` (strptime), as the dataset writes it."""
        text = self.text(column)
        if text is None:
            return None
        value = text.replace(" ", "T", 1) if len(text) > 10 and text[10:11] == " " else text
        for attempt in (value, value.removesuffix("Z") + ("+00:00" if value.endswith("Z") else "")):
            try:
                moment = datetime.fromisoformat(attempt)
            except ValueError:
                continue
            if len(text) <= 10 or (moment.time() == datetime.min.time() and moment.tzinfo is None):
                return moment.date()
            return moment
        for fmt in formats:
            try:
                moment = datetime.strptime(text, fmt)
            except ValueError:
                continue
            return moment.date() if "%H" not in fmt else moment
        raise InputError(f"invalid date {text[:40]!r}", record=self.where, field=self._name(column))

    def unread(self) -> list[str]:
        """Columns the adapter never read or kept (what --strict refuses)."""
        return [k for k in self._raw if k not in self._used and k not in self._kept]

    def attributes(self) -> dict[str, Any]:
        """Every column not read (or kept), under its own name; a CSV's plain numbers ('8', '-3.1') as numbers."""
        out = {}
        for k, v in self._raw.items():
            if k in self._used and k not in self._kept:
                continue
            value = attribute_value(v, self.where, k, self.spreadsheet)
            if self.spreadsheet and isinstance(value, str) and _NUMBER.match(value):
                number = float(value)
                value = int(value) if _INTEGER.match(value) else number if math.isfinite(number) else value
            out[k] = value
        return out


class Adapter:
    """One dataset's reading rules (see the modules acled, ucdp_ged, gdelt, ushahidi)."""

    name: str = ""
    title: str = ""
    rows_are_events: bool = False

    def detect(self, columns: set[str]) -> bool:  # lower-case column names
        raise NotImplementedError

    def row(self, cells: Cells) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Our columns of one row (without attributes), and the sources it names."""
        raise NotImplementedError
