"""Languages a post or sentence is read in: which one it is (script, then stop words), and its words (data files).

Each language's event words, hedges, place prepositions, witness words and the words that make an event word no
event live in `incidents/data/lang/<code>.yaml` (see the README there); English also keeps the taxonomy keywords
and `hedges.yaml`. Detection is cheap on purpose: Arabic script is Persian when it has Persian letters or more
Persian than Arabic stop words, Cyrillic is Russian, and Latin text takes the language with most stop words
(and each letter of its own, such as Turkish ğ or Spanish ñ), English on a tie.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

from ..errors import InputError

__all__ = ["LANGUAGES", "Lang", "lang", "detect_language"]

LANGUAGES = ("en", "fr", "es", "pt", "ar", "ru", "tr", "fa")
_LATIN = ("en", "fr", "es", "pt", "tr")
_KEYS = {
    "language", "stop_words", "events", "hedges", "qualifiers", "not_event_before", "reference_before",
    "not_event_after", "yields", "witness", "reporter", "place_prefixes", "place_suffixes", "name_connectors",
    "not_places", "letters", "outlets", "quote_verbs", "landmark_words",
}  # fmt: skip
_PERSIAN_LETTERS = set("پچژگکی")
_WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _strings(raw: object, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        raise InputError(f"{where} must be a list of words (quote yes/no/on/off)", field=where)
    return tuple(x.strip().lower() for x in raw)


@dataclass(frozen=True)
class Lang:
    """The words of one language."""

    code: str
    stop_words: frozenset[str]
    events: dict[str, tuple[str, ...]]
    hedges: tuple[str, ...]
    qualifiers: dict[str, str]
    not_event_before: tuple[str, ...]
    reference_before: tuple[str, ...]
    not_event_after: tuple[str, ...]
    yields: dict[str, tuple[str, ...]]
    witness: tuple[str, ...]
    reporter: tuple[str, ...]
    place_prefixes: tuple[str, ...]
    place_suffixes: tuple[str, ...]
    name_connectors: tuple[str, ...]
    not_places: frozenset[str]
    letters: frozenset[str]  # letters only this language of its script uses often
    outlets: tuple[str, ...]  # news agencies and channels that relay witnesses ("told AFP"), as written
    quote_verbs: tuple[str, ...]  # verbs that make a witness word a quote ("one witness said")
    landmark_words: tuple[str, ...]  # kinds of place named in lower case after a preposition ("near parliament")


@cache
def lang(code: str) -> Lang:
    """The words of language `code` (one of LANGUAGES), checked once."""
    if code not in LANGUAGES:
        raise InputError(f"no words for language {code!r} (known: {', '.join(LANGUAGES)})", field="language")
    path = f"data/lang/{code}.yaml"
    raw = yaml.safe_load(files("incidents").joinpath(path).read_text(encoding="utf-8")) or {}
    unknown = set(raw) - _KEYS
    if unknown or raw.get("language") != code:
        raise InputError(f"{path}: unknown keys {sorted(unknown)} or language is not {code!r}", field="language")
    events = {str(term): _strings(words, f"{path} events.{term}") for term, words in (raw.get("events") or {}).items()}
    qualifiers = {str(k).lower(): str(v) for k, v in (raw.get("qualifiers") or {}).items()}
    yields = {str(k).lower(): _strings(v, f"{path} yields.{k}") for k, v in (raw.get("yields") or {}).items()}
    return Lang(
        code=code,
        stop_words=frozenset(_strings(raw.get("stop_words"), f"{path} stop_words")),
        events=events,
        hedges=_strings(raw.get("hedges"), f"{path} hedges"),
        qualifiers=qualifiers,
        not_event_before=_strings(raw.get("not_event_before"), f"{path} not_event_before"),
        reference_before=_strings(raw.get("reference_before"), f"{path} reference_before"),
        not_event_after=_strings(raw.get("not_event_after"), f"{path} not_event_after"),
        yields=yields,
        witness=_strings(raw.get("witness"), f"{path} witness"),
        reporter=_strings(raw.get("reporter"), f"{path} reporter"),
        place_prefixes=_strings(raw.get("place_prefixes"), f"{path} place_prefixes"),
        place_suffixes=_strings(raw.get("place_suffixes"), f"{path} place_suffixes"),
        name_connectors=_strings(raw.get("name_connectors"), f"{path} name_connectors"),
        not_places=frozenset(_strings(raw.get("not_places"), f"{path} not_places")),
        letters=frozenset(str(raw.get("letters") or "")),
        outlets=tuple(str(x) for x in raw.get("outlets") or ()),
        quote_verbs=_strings(raw.get("quote_verbs"), f"{path} quote_verbs"),
        landmark_words=_strings(raw.get("landmark_words"), f"{path} landmark_words"),
    )


def detect_language(text: str) -> str:
    """The language code of a post or sentence; English when nothing points elsewhere."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    arabic = sum("\u0600" <= c <= "\u06ff" or "\ufb50" <= c <= "\ufeff" for c in letters)
    cyrillic = sum("\u0400" <= c <= "\u04ff" for c in letters)
    words = [w.lower() for w in _WORDS.findall(text)]
    if arabic * 2 >= len(letters):
        persian = sum(c in _PERSIAN_LETTERS for c in letters)
        fa, ar = (sum(w in lang(code).stop_words for w in words) for code in ("fa", "ar"))
        return "fa" if persian or fa > ar else "ar"
    if cyrillic * 2 >= len(letters):
        return "ru"
    scores = {code: sum(w in lang(code).stop_words for w in words) for code in _LATIN}
    for code in _LATIN:
        scores[code] += sum(c in lang(code).letters for c in letters)
    best = max(_LATIN, key=lambda code: (scores[code], code == "en"))
    return best if scores[best] > scores["en"] else "en"
