"""Cue words in text: which event types a sentence describes and which hedges it carries, in its language.

An event word counts only when it reports an event: not as a modifier ("blast walls", "protest movement"), not as
a metaphor ("an explosion of gang violence"), not negated, feared or planned ("no gunfire", "fears of clashes",
"will protest"), not a reference to an earlier event ("damaged by the August 4 port explosion", "this week's
explosion"), and not when a following word of another type takes it over ("police deployed tear gas" is police
action at a protest, not a troop movement). The words for each rule are per language (`incidents/data/lang/`).
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

import yaml

from ..taxonomy import event_types
from .language import lang

__all__ = ["find_event_types", "find_hedges", "leading_hedges"]

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_CLAUSE_MARK = re.compile(r"[.;:!?,—–()\"“”«»]")
NEAR_GAP = 2  # words allowed between a negation / fear / future word and the event word
REFERENCE_GAP = 6  # words allowed between "damaged by" / "responsible for" and the event word
YIELD_WORDS = 12  # words after a yielding cue within which the cue that takes it over must start


def _pattern(phrases: list[str], prefixes: tuple[str, ...] = ()) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))
    glued = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    lead = f"(?:{glued})?" if glued else ""
    return re.compile(rf"(?<![\w-]){lead}(?P<cue>{alternatives})(?![\w-])", re.IGNORECASE)


@cache
def _type_pattern(code: str) -> tuple[re.Pattern[str], dict[str, str]]:
    owner: dict[str, str] = {}
    for term, info in event_types().items():
        for keyword in info.keywords:
            owner.setdefault(keyword.lower(), term)
    for source in dict.fromkeys((code, "en")):
        for term, words in lang(source).events.items():
            for word in words:
                owner.setdefault(word, term)
    return _pattern(list(owner), lang(code).place_prefixes), owner


@cache
def _hedge_pattern(code: str) -> re.Pattern[str]:
    raw = yaml.safe_load(files("incidents").joinpath("data/hedges.yaml").read_text(encoding="utf-8"))
    phrases = [*raw["hedges"], *lang("en").hedges, *lang(code).hedges]
    return _pattern([p.lower() for p in phrases], lang(code).place_prefixes)


def _words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def _ends_with(words: list[str], phrase: str, gap: int) -> bool:
    """Whether `phrase` occurs in `words` with at most `gap` words after it."""
    target = _words(phrase)
    n = len(target)
    return bool(n) and any(words[i : i + n] == target for i in range(max(0, len(words) - n - gap), len(words) - n + 1))


def _starts_with(words: list[str], phrase: str) -> bool:
    target = _words(phrase)
    return bool(target) and words[: len(target)] == target


def _clause_before(text: str, at: int) -> str:
    before = text[max(0, at - 160) : at]
    marks = list(_CLAUSE_MARK.finditer(before))
    return before[marks[-1].end() :] if marks else before


def _is_event(text: str, match: re.Match[str], code: str, others: list[tuple[str, int]]) -> bool:
    words = {c: lang(c) for c in dict.fromkeys((code, "en"))}.values()
    before = _words(_clause_before(text, match.start()))
    after = _words(text[match.end() : match.end() + 200])
    cue = match.group("cue").lower()
    for table in words:
        if any(_ends_with(before, p, NEAR_GAP) for p in table.not_event_before):
            return False
        if any(_ends_with(before, p, REFERENCE_GAP) for p in table.reference_before):
            return False
        if any(_starts_with(after, p) for p in table.not_event_after):
            return False
        takers = table.yields.get(cue)
        if takers:
            reach = match.end() + len(" ".join(after[:YIELD_WORDS])) + 1
            behind = _words(text[max(0, match.start() - 200) : match.start()])
            back = match.start() - len(" ".join(behind[-YIELD_WORDS:])) - 3
            if any(term in takers and (match.end() <= at <= reach or back <= at < match.start()) for term, at in others):
                return False
    return True


def find_event_types(text: str, code: str = "en") -> list[tuple[str, int, int]]:
    """(term, start, end) for the first cue of each event type that reports an event, longest phrases first so
    "anti-aircraft gunfire" is not also gunfire."""
    pattern, owner = _type_pattern(code)
    matches = list(pattern.finditer(text))
    cues = [(owner[m.group("cue").lower()], m.start("cue")) for m in matches]
    found, seen = [], set()
    for match in matches:
        term = owner[match.group("cue").lower()]
        if term in seen or not _is_event(text, match, code, [c for c in cues if c[1] != match.start("cue")]):
            continue
        seen.add(term)
        found.append((term, match.start("cue"), match.end("cue")))
    return found


def find_hedges(text: str, code: str = "en") -> list[str]:
    """The hedging phrases in `text`, lower-cased, in order, without duplicates."""
    return list(dict.fromkeys(m.group("cue").lower() for m in _hedge_pattern(code).finditer(text)))


_LEAD = re.compile(r"^[\W_]*(?:(?:BREAKING|NOW|JUST IN|UPDATE)\b[\s:\-–—]*)?", re.IGNORECASE)


def leading_hedges(text: str, code: str = "en") -> list[str]:
    """The hedge a text opens with (after any siren or BREAKING prefix), which covers all of it."""
    rest = text[_LEAD.match(text).end() :]
    match = _hedge_pattern(code).match(rest)
    return [match.group("cue").lower()] if match else []
