"""Clauses of a sentence or post: where one claim ends and the next begins, so each event keeps its own place and hedges.

Sentence clauses end at ". ", "; ", "! ", "? " or a spaced dash. Inside a sentence clause that names several event
types, each event's clause runs up to the last event-clause boundary before the next event cue: ", and", ", but",
";", "while", "whereas", a conjunction "as", or a plain "and" / "as well as" / "," that directly precedes the next
cue ("Gunfire near Miraflores and a protest in Chacao", "Explosions near La Carlota, gunfire in Petare"). A
conjunction "as" that opens an aside before the next cue ("while in Chacao, as night fell, protesters clashed")
belongs to the next event's clause: any other boundary in the gap wins over it.
"""

from __future__ import annotations

import re

from .segments import Segment

__all__ = ["sentence_clauses", "clause_at", "event_clauses", "MAX_WORDS_AFTER_AND"]

_CLAUSE = re.compile(r"[;.!?]\s+|\s+[—–-]{1,2}\s+")
# boundaries that end a claim wherever they stand between two event cues
_STRONG = re.compile(
    r"\s*;\s*|,\s*(?:and|but)\s+|,?\s+(?:while|whilst|whereas)\s+|,?\s+as\s+",
    re.IGNORECASE,
)
# "and" joins two events only when the next cue follows within a few words ("and a protest", "and loud explosions");
# otherwise it may join two places ("in Chacao and Petare"); so does a list comma (", gunfire in Petare")
_WEAK = re.compile(r"\s+(?:and|as well as)\s+", re.IGNORECASE)
_LIST_COMMA = re.compile(r"\s*,\s*")
# after a list comma, a word that makes the next cue part of the same claim (", with a protest later")
_NOT_LIST_ITEM = {
    "with", "without", "amid", "amidst", "after", "before", "during", "despite", "following", "including", "like",
    "from", "by", "for", "of", "to", "in", "on", "at", "near", "into", "over", "than", "which", "that",
    "where", "when", "who", "causing", "prompting", "sparking", "triggering", "followed", "not", "no", "or", "nor",
}  # fmt: skip
MAX_WORDS_AFTER_AND = 3
# "such as", "as well as", "known as", "as of", "as if": "as" that is no conjunction
_NOT_AS_BEFORE = {"such", "well", "as", "so", "same", "just", "known", "described", "identified", "regarded"}
_NOT_AS_AFTER = {"well", "if", "of", "to", "for", "part", "much", "many", "far", "long", "soon", "usual", "expected"}


def sentence_clauses(segment: Segment) -> list[tuple[int, int]]:
    """(start, end) article offsets of the segment's sentence clauses."""
    bounds, cursor = [], 0
    for match in _CLAUSE.finditer(segment.text):
        bounds.append((cursor, match.start()))
        cursor = match.end()
    bounds.append((cursor, len(segment.text)))
    return [(segment.start + a, segment.start + b) for a, b in bounds]


def clause_at(segment: Segment, at: int) -> tuple[int, int] | None:
    """The sentence clause holding article offset `at`, or None."""
    return next(((a, b) for a, b in sentence_clauses(segment) if a <= at <= b), None)


def _is_conjunction_as(text: str, match: re.Match[str]) -> bool:
    before = text[: match.start()].split()
    after = text[match.end() :].split()
    word_before = before[-1].lower().strip(",") if before else ""
    word_after = after[0].lower() if after else ""
    return word_before not in _NOT_AS_BEFORE and word_after not in _NOT_AS_AFTER


def _near_next_cue(text: str, match: re.Match[str], gap_end: int) -> bool:
    between = text[match.end() : gap_end]
    return "," not in between and len(between.split()) <= MAX_WORDS_AFTER_AND


def _is_list_item(text: str, match: re.Match[str], gap_end: int) -> bool:
    """A comma that starts the next item of a list of events: the next cue follows within a few plain words."""
    words = {w.lower() for w in re.findall(r"[\w'’]+", text[match.end() : gap_end])}
    return _near_next_cue(text, match, gap_end) and not words & _NOT_LIST_ITEM


def _boundary(text: str, gap_start: int, gap_end: int) -> int | None:
    """Offset in `text` of the last event-clause boundary inside text[gap_start:gap_end], or None.

    A list comma right before the next cue counts only when the gap holds no other boundary, and a conjunction "as"
    followed by a comma before the next cue opens an aside of the next claim ("while in Chacao, as night fell,
    protesters clashed"), so it counts only when the gap holds nothing else.
    """
    best: int | None = None
    aside: int | None = None
    for match in _STRONG.finditer(text, gap_start, gap_end):
        if re.sub(r"[\s,]", "", match.group(0)).lower() == "as":
            if not _is_conjunction_as(text, match):
                continue
            if "," in text[match.end() : gap_end]:
                aside = match.start()
                continue
        best = match.start()
    for match in _WEAK.finditer(text, gap_start, gap_end):
        if _near_next_cue(text, match, gap_end):
            best = match.start() if best is None else max(best, match.start())
    if best is None:
        best = next(
            (m.start() for m in _LIST_COMMA.finditer(text, gap_start, gap_end) if _is_list_item(text, m, gap_end)),
            None,
        )
    return aside if best is None else best


def event_clauses(segment: Segment, cues: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """For each (start, end) cue, in article offsets, the (start, end) article offsets of its event clause.

    A cue alone in its sentence clause gets the whole sentence clause, exactly as before event clauses existed.
    """
    out: dict[tuple[int, int], tuple[int, int]] = {}
    text, base = segment.text, segment.start
    for a, b in sentence_clauses(segment):
        inside = sorted(c for c in cues if a <= c[0] <= b)
        cuts = [a]
        for (_, end), (nxt, _) in zip(inside, inside[1:], strict=False):
            cut = _boundary(text, end - base, nxt - base) if end < nxt else None
            cuts.append(base + cut if cut is not None else cuts[-1])
        # a cue without a boundary before it shares the clause of the cue before it
        for i, cue in enumerate(inside):
            later = [c for c in cuts[i + 1 :] if c > cuts[i]]
            out[cue] = (cuts[i], later[0] if later else b)
    return [out.get(c, (segment.start, segment.end)) for c in cues]
