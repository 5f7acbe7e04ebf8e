"""Feature-type words ("Daraa governorate", "Peshawar town", "Provincia de Buenos Aires", "Rio de Janeiro - North
Zone"): split off the name and turned into a hint of the kind of place meant (data/feature_words.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

from ..models import Precision
from .names import normalise

__all__ = ["FeatureWord", "split_feature_word", "feature_word_table", "hint_matches", "feature_of", "HINTS"]

HINTS = ("admin1", "admin2", "admin", "city", "district", "camp")
# which candidate features each hint prefers (a candidate's feature, or its precision when it has none)
_PREFERS: dict[str, frozenset[str]] = {
    "admin1": frozenset({"admin1", "region"}),
    "admin2": frozenset({"admin2"}),
    "admin": frozenset({"admin1", "admin2", "region"}),
    "city": frozenset({"city"}),
    "district": frozenset({"district", "city"}),  # "X - North Zone" names X and the part: the city holds it
    "camp": frozenset({"camp", "landmark", "district", "city"}),
}
_CONNECTORS = r"(?:\s+of(?:\s+the)?\s+|\s+de(?:\s+la|\s+los|\s+las)?\s+|\s+du\s+|\s+des\s+|\s+d['’]\s*|\s+al[-\s]|\s+el[-\s])"


@dataclass(frozen=True)
class FeatureWord:
    """A name with its feature word split off: `name` is the bare name, `word` the word as written."""

    name: str
    word: str
    hint: str


@dataclass(frozen=True)
class _Table:
    suffix: re.Pattern[str]
    prefix: re.Pattern[str]
    bare_prefix: re.Pattern[str]
    part: re.Pattern[str]
    hint_of: dict[str, str]


@cache
def feature_word_table() -> _Table:
    """The compiled word table from data/feature_words.yaml."""
    raw = yaml.safe_load(files("incidents").joinpath("data/feature_words.yaml").read_text(encoding="utf-8"))
    hint_of: dict[str, str] = {}
    for hint, words in raw["hints"].items():
        if hint not in HINTS:
            raise ValueError(f"data/feature_words.yaml: unknown hint {hint!r}")
        for word in words:
            hint_of.setdefault(normalise(word), hint)
    suffix_only = {normalise(w) for w in raw.get("suffix_only") or ()}
    words = sorted({w for ws in raw["hints"].values() for w in ws}, key=len, reverse=True)
    alternatives = "|".join(re.escape(w) for w in words)
    prefixable = "|".join(re.escape(w) for w in words if normalise(w) not in suffix_only)
    bare = "|".join(re.escape(w) for w in sorted(raw.get("bare_prefix") or (), key=len, reverse=True))
    parts = "|".join(re.escape(w) for w in raw.get("part_words") or ())
    return _Table(
        suffix=re.compile(rf"^(?P<name>.+?)\s+(?P<word>{alternatives})\.?$", re.IGNORECASE),
        prefix=re.compile(rf"^(?P<word>{prefixable}){_CONNECTORS}(?P<name>.+)$", re.IGNORECASE),
        bare_prefix=re.compile(rf"^(?P<word>{bare})\s+(?P<name>.+)$", re.IGNORECASE),
        part=re.compile(rf"^(?P<name>.+?)\s+[-–—]\s+(?P<word>.*\b(?:{parts})\b.*)$", re.IGNORECASE),
        hint_of=hint_of,
    )


def split_feature_word(core: str) -> FeatureWord | None:
    """`core` without its feature word, and the hint; None when it carries none (or would be left empty)."""
    table = feature_word_table()
    text = " ".join(core.split())
    match = table.part.match(text)
    if match:
        return FeatureWord(name=match.group("name").strip(), word=match.group("word"), hint="district")
    for pattern in (table.suffix, table.prefix, table.bare_prefix):
        match = pattern.match(text)
        if match:
            name = match.group("name").strip(" -–—'’")
            if name and any(ch.isalpha() for ch in name) and normalise(name) not in table.hint_of:
                word = match.group("word")
                return FeatureWord(name=name, word=word, hint=table.hint_of[normalise(word)])
    return None


_BY_PRECISION = {
    Precision.country: "country",
    Precision.region: "region",
    Precision.city: "city",
    Precision.district: "district",
    Precision.landmark: "landmark",
}


def feature_of(feature: str | None, precision: Precision) -> str:
    """A candidate's kind: its feature hint, else what its precision says."""
    return feature or _BY_PRECISION.get(precision, "landmark")


def hint_matches(hint: str | None, feature: str) -> bool:
    """Whether a candidate of kind `feature` is what a phrase with feature word hint `hint` asks for."""
    return hint is None or feature in _PREFERS.get(hint, frozenset())
