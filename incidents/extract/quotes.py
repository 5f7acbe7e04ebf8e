"""Witness and reporter quotes in a publisher's sentence: "…, one of the witnesses near the Plateau district told
AFP", "a resident said", "a Reuters journalist said", "a raconté un riverain".

Such a sentence reports what a witness (or the outlet's own journalist) saw, so its reports get a source of their
own, relayed by the article: kind `witness` for witnesses and residents, `media` for a journalist, named after the
outlet when the sentence names one. In English a witness word counts when a quoting verb is near ("one witness
said", "residents told Reuters"), so "according to local residents" stays the publisher's own attribution; in the
other languages the witness word alone marks the quote.
"""

from __future__ import annotations

import re
from functools import cache

from ..models import Source, SourceKind
from .language import lang

__all__ = ["quoted_source", "slug"]

QUOTE_REACH = 60  # characters between the witness word and its quoting verb


def slug(text: str) -> str:
    """A source or report id part from free text."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "x"


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@cache
def _patterns(code: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None, re.Pattern[str]]:
    words, english = lang(code), lang("en")
    witness = _alternatives(words.witness)
    reporter = _alternatives(words.reporter)
    outlets = re.compile(rf"(?<![\w-])(?:{_alternatives(english.outlets)})(?![\w-])")
    if not witness:
        return None, None, outlets
    edge = r"(?<![\w-])(?:{})(?![\w-])"
    if code == "en":
        verbs = _alternatives(english.quote_verbs)
        near = rf"[^.;]{{0,{QUOTE_REACH}}}?"
        quoted = rf"{edge.format(witness)}{near}{edge.format(verbs)}|{edge.format(verbs)}{near}{edge.format(witness)}"
        journalist = rf"{edge.format(reporter)}{near}{edge.format(verbs)}|{edge.format(verbs)}{near}{edge.format(reporter)}"
    else:
        quoted, journalist = edge.format(witness), edge.format(reporter) if reporter else r"(?!x)x"
    return re.compile(quoted, re.IGNORECASE), re.compile(journalist, re.IGNORECASE), outlets


def quoted_source(text: str, code: str) -> Source | None:
    """The witness or journalist a sentence quotes, as a Source (kind witness or media), or None."""
    witness, journalist, outlets = _patterns(code)
    if witness is None or journalist is None:
        return None
    outlet = outlets.search(text)
    by = outlet.group(0) if outlet else None
    if journalist.search(text) and not witness.search(text):
        name = f"{by} journalist" if by else "Journalist quoted by the article"
        return Source(id=f"journalist-{slug(by or 'article')}", name=name, kind=SourceKind.media)
    if witness.search(text):
        name = f"Witness quoted by {by}" if by else "Witness quoted by the article"
        return Source(id=f"witness-{slug(by or 'article')}", name=name, kind=SourceKind.witness)
    return None
