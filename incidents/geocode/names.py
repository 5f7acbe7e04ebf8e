"""Name normalisation shared by every gazetteer: case, accents, punctuation and spacing folded."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

__all__ = ["normalise", "max_edits", "closest_name"]

_PUNCT = re.compile(r"[\s\-‐-―_.,;:!?¡¿'\"“”‘’()\[\]/]+")


@lru_cache(maxsize=16_384)  # every backend normalises the same phrase, and place names repeat
def normalise(name: str) -> str:
    """A lookup key: lower case, accents stripped, punctuation turned into single spaces."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _PUNCT.sub(" ", stripped).strip()


def max_edits(key: str) -> int:
    """How many typing errors a name of this length may carry and still match: 0 below 5 letters, 1, or 2 from 8."""
    return 0 if len(key) < 5 else 1 if len(key) < 8 else 2


def closest_name(key: str, choices: Sequence[str]) -> tuple[str, float] | None:
    """The choice within `max_edits` of `key` and a score below 1 for the misspelling, or None."""
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.process import extractOne

    limit = max_edits(key)
    if not limit or not choices:
        return None
    best = extractOne(key, choices, scorer=Levenshtein.distance, score_cutoff=limit)
    if best is None:
        return None
    return best[0], round(0.9 * (1 - best[1] / max(len(key), 1)), 3)
