"""Relative time phrases ("late Monday night", "early Tuesday", "last night") resolved against the dateline."""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..models import TimePrecision, When
from ..timewindow import part_of_day

__all__ = ["find_when"]

_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_PARTS = r"(?:early\s+morning|morning|afternoon|evening|night|overnight)"
_PHRASE = re.compile(
    rf"\b(?:(?P<early>early|late)\s+)?(?:(?P<day>{'|'.join(_DAYS)})|(?P<rel>yesterday|today|tonight|last night|"
    rf"this morning|this afternoon|this evening|overnight))(?:\s+(?P<part>{_PARTS}))?\b",
    re.IGNORECASE,
)


def _on_or_before(reference: date, weekday: int) -> date:
    return reference - timedelta(days=(reference.weekday() - weekday) % 7)


def find_when(text: str, reference: date) -> When | None:
    """The first relative time phrase in `text` as a When on its day, with part-of-day precision, or None."""
    match = _PHRASE.search(text)
    if not match:
        return None
    phrase = match.group(0)
    rel = (match.group("rel") or "").lower()
    if match.group("day"):
        day = _on_or_before(reference, _DAYS.index(match.group("day").lower()))
    elif rel in ("yesterday", "last night"):
        day = reference - timedelta(days=1)
    else:
        day = reference
    wording = phrase.lower()
    if (match.group("early") or "").lower() == "early" and not match.group("part"):
        wording = "early morning"
    precision = TimePrecision.part_of_day if part_of_day(wording) else TimePrecision.day
    return When(start=day, precision=precision, text=phrase if wording == phrase.lower() else f"{phrase} ({wording})")
