"""User gazetteers as CSV: one place per row, a header naming the columns (`name`, `lat`, `lon` are needed;
`aliases`, `radius_m` or `precision`, `country`, `city`, `feature`, `id` are optional; other columns are ignored).
Commas, semicolons or tabs between cells (what spreadsheets write in different locales)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import InputError
from ..loader import read_input_text
from .user_gazetteer import UserPlace
from .user_records import places_from_records

__all__ = ["read_csv_places"]


def read_csv_places(path: Path) -> list[UserPlace]:
    """The places of a CSV gazetteer file."""
    text = read_input_text(path)
    header_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header_line.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "name" not in header:
        raise InputError("the first row must be a header naming the columns (name, lat, lon, aliases, radius_m, ...)",
                         path=str(path), record="row 1", field="name")

    def records():
        try:
            for raw in reader:
                label = f"row {reader.line_num}"
                if None in raw:
                    raise InputError("more cells than header columns", path=str(path), record=label)
                yield label, {k: v for k, v in raw.items() if k is not None}, None
        except csv.Error as exc:
            raise InputError(f"malformed CSV: {exc}", path=str(path), record=f"row {reader.line_num}") from exc

    return places_from_records(str(path), records(), prefix=path.stem)
