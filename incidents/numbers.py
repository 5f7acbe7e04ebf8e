"""The one conversion every number of every input format goes through: `to_number` (and `to_whole_number`).

YAML, JSON, CSV, GeoJSON and any other table format give numbers as Python ints, floats or text; each of them is
converted here, by the input models' number types (`InputNumber`, `WholeNumber`, used by incidents.models) and by the
table readers' cells (incidents.formats), so the same value is the same error in every format:

- a boolean (`lat: true`, JSON `true`) is not a number: YAML would otherwise read it as 1;
- a huge number (`1` followed by 400 zeros, 5,000 digits) is refused instead of overflowing a float conversion;
- NaN and infinities (`.nan`, `-Infinity`, `1e999`) are refused;
- text must be a plain decimal number of at most MAX_NUMBER_TEXT characters ("12.5", " -3e2 ").

Each refusal is a ValueError with a short message; pydantic and the table readers turn it into one line naming the
file, the record and the field (exit 2).
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import BeforeValidator

__all__ = ["to_number", "to_whole_number", "InputNumber", "WholeNumber", "MAX_NUMBER_TEXT", "MAX_MAGNITUDE",
           "TooManyDigits", "JSON_NUMBERS"]

MAX_NUMBER_TEXT = 64  # characters: more digits than any coordinate, radius or offset needs
MAX_MAGNITUDE = 1e300  # beyond this nothing we read is meaningful, and arithmetic on it overflows
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


class TooManyDigits:
    """What the JSON readers keep of an integer with more digits than any number we read (see JSON_NUMBERS): the
    value is refused by `to_number` (or by the text field it is in) with its record and field, not by the parser
    with neither. Not a str, so no text field takes it for text."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __str__(self) -> str:
        return f"{self.digits:,} digits"


def _json_int(text: str) -> int | TooManyDigits:
    return int(text) if len(text) <= MAX_NUMBER_TEXT else TooManyDigits(len(text))


# json.loads(text, **JSON_NUMBERS): integers of any length parse (Python refuses over 4,300 digits in the parser)
JSON_NUMBERS = {"parse_int": _json_int}


def _text(value: object) -> str:
    shown = str(value) if not isinstance(value, int) or abs(value).bit_length() < 256 else "a number"
    return shown if len(shown) <= 40 else shown[:39] + "\u2026"


def to_number(value: Any) -> float:
    """`value` (int, float or decimal text) as a finite float within ±MAX_MAGNITUDE; ValueError otherwise."""
    if isinstance(value, TooManyDigits):
        raise ValueError(f"number is too large ({value})")
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is not a number (write the number itself)")
    if isinstance(value, int):
        if abs(value).bit_length() > 1000:  # float() would raise OverflowError
            raise ValueError(f"number is too large ({len(str(abs(value))) if value.bit_length() < 14000 else 'over 4,000'} digits)")
        number = float(value)
    elif isinstance(value, float):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not _DECIMAL.fullmatch(text):
            raise ValueError(f"not a number: {_text(text)!r}")
        if len(text) > MAX_NUMBER_TEXT:
            raise ValueError(f"number is too large ({len(text):,} digits)")
        number = float(text)
    else:
        raise ValueError(f"not a number: a {type(value).__name__}")
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {_text(value)!r}")
    if abs(number) > MAX_MAGNITUDE:
        raise ValueError(f"number is too large: {_text(value)!r}")
    return number


def to_whole_number(value: Any) -> int:
    """`value` through `to_number`, which must be a whole number (2.0 is 2; 2.5 is a ValueError)."""
    number = to_number(value)
    if not number.is_integer():
        raise ValueError(f"not a whole number: {_text(value)!r}")
    return int(number)


InputNumber = Annotated[float, BeforeValidator(to_number)]
WholeNumber = Annotated[int, BeforeValidator(to_whole_number)]
