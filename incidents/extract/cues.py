"""Cue words in text: which event types a sentence describes (taxonomy keywords) and which hedges it carries."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

import yaml

from ..taxonomy import event_types

__all__ = ["find_event_types", "find_hedges", "leading_hedges"]


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


@cache
def _type_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    owner = {}
    for term, info in event_types().items():
        for keyword in info.keywords:
            owner.setdefault(keyword.lower(), term)
    return _pattern(list(owner)), owner


@cache
def _hedge_pattern() -> re.Pattern[str]:
    raw = yaml.safe_load(files("incidents").joinpath("data/hedges.yaml").read_text(encoding="utf-8"))
    return _pattern(raw["hedges"])


def find_event_types(text: str) -> list[tuple[str, int, int]]:
    """(term, start, end) for each event cue, longest phrases first so "anti-aircraft gunfire" is not also gunfire."""
    pattern, owner = _type_pattern()
    found, seen = [], set()
    for match in pattern.finditer(text):
        term = owner[match.group(0).lower()]
        if term not in seen:
            seen.add(term)
            found.append((term, match.start(), match.end()))
    return found


def find_hedges(text: str) -> list[str]:
    """The hedging phrases in `text`, lower-cased, in order, without duplicates."""
    return list(dict.fromkeys(m.group(0).lower() for m in _hedge_pattern().finditer(text)))


_LEAD = re.compile(r"^[\W_]*(?:(?:BREAKING|NOW|JUST IN|UPDATE)\b[\s:\-–—]*)?", re.IGNORECASE)


def leading_hedges(text: str) -> list[str]:
    """The hedge a text opens with (after any siren or BREAKING prefix), which covers all of it."""
    rest = text[_LEAD.match(text).end() :]
    match = _hedge_pattern().match(rest)
    return [match.group(0).lower()] if match else []
