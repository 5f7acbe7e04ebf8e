"""Place phrases in text: candidates (a qualifier and/or a capitalised name, or a known landmark alias) checked
against the gazetteers, and the article's context (country, city) inferred from what resolves.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from ..errors import GeocodeError, GeocoderServiceError
from ..geocode import PlaceResolver
from ..geocode.gazetteer import bundled_gazetteer
from ..geocode.geonames import OFF_CONTEXT_FACTOR
from ..geocode.qualifiers import qualifier_table
from ..models import Geocode, GeoContext, PlaceRole, Precision
from .language import detect_language, lang

__all__ = ["PlaceMention", "find_places", "infer_context"]

_RANK = {Precision.landmark: 0, Precision.district: 1, Precision.city: 2, Precision.region: 3, Precision.country: 4}
# a capital letter of any cased script (Latin, Greek, Cyrillic, ...)
_UPPER = "".join(chr(c) for c in range(0x41, 0x2000) if chr(c).isupper())
_WORD = rf"[{_UPPER}][\w'’\-]*"
# scripts without capitals (Arabic, Persian): up to three words after a place preposition, longest tried first
_UNCASED = r"[^\W\d_A-Za-z][^\W\d_]*(?:[ \t\u200c]+[^\W\d_A-Za-z][^\W\d_]*){0,2}"
MAX_PLACE_CHARS = 200
# A place named without a qualifier must match this well (an exact name in the event's country scores 1.0)
BARE_MIN_SCORE = 0.9
_STOP = {"breaking", "now", "footage", "video", "the", "a", "an", "update", "just", "in", "something", "according",
         "sources", "local", "reports", "unconfirmed", "urgent", "alert", "developing"}


@dataclass(frozen=True)
class PlaceMention:
    """A place phrase found in a text, with its offsets and where it resolved."""

    start: int
    end: int
    text: str
    geocode: Geocode
    where: str = ""  # the phrase the gazetteers read ("in Бишкек" for "в Бишкеке"); the text itself when empty
    reason: str = ""  # why the phrase was read so (a language's preposition, a stripped case ending)
    pinned: bool = False  # the draft carries the geocode's coordinates (the gazetteers cannot read `text` so)
    fallback: bool = False  # drawn over what holds it: a name no gazetteer has, a possessive's owner

    @property
    def lookup(self) -> str:
        """What the report's `where` says."""
        return self.where or self.text

    @property
    def rank(self) -> int:
        """Lower is more precise."""
        return _RANK[self.geocode.precision]


@cache
def _candidate_pattern(code: str = "en") -> re.Pattern[str]:
    words = lang(code)
    phrases = [p for q in qualifier_table().qualifiers.values() for p in q.phrases] + list(words.qualifiers)
    qualifier = "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))
    aliases = {a.lower() for e in bundled_gazetteer().entries for a in (e.name, *e.aliases, *e.aliases_in_context)}
    alias = "|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True))
    # connectors ("de", "la", "of", Arabic "al") only inside a name: each must be followed by a capitalised word,
    # so "in Lille late Wednesday" is Lille, not "Lille la"
    links = sorted({*lang("en").name_connectors, *words.name_connectors}, key=len, reverse=True)
    connector = "|".join(re.escape(c) for c in links)
    name = rf"{_WORD}(?:[ \t]+(?:(?:{connector})[ \t]+)*{_WORD})*"
    core = rf"(?:the[ \t]+)?(?:(?i:{alias})|{name})(?:,[ \t]*{name})?"
    kinds = sorted({*lang("en").landmark_words, *words.landmark_words}, key=len, reverse=True)
    if kinds:  # "near parliament", "près du palais présidentiel": a kind of place, only after a preposition
        article = r"(?:the|le|la|les|l'|el|los|las|o|a|os|as)[ \t]+"
        core = rf"{core}|(?P<kind>(?:{article})?(?i:{'|'.join(re.escape(k) for k in kinds)})(?![\w'’-]))"
    if words.place_prefixes or code == "fa":  # uncased script: a name only after a preposition
        core = rf"(?:{core}|(?<=[ \t]){_UNCASED})"
    return re.compile(rf"(?<![\w])(?:(?P<q>(?i:{qualifier}))[ \t]+)?(?P<core>{core})")


def _variants(core: str, code: str) -> list[tuple[str, str]]:
    """(lookup name, reason) for a name as written: itself, then shorter word runs (uncased scripts), then without
    a glued prefix or a case ending of the language."""
    words = lang(code)
    out = [(core, "")]
    parts = core.split()
    if not re.search(r"[A-Za-z\u00c0-\u024f\u0400-\u04ff]", core):  # uncased script: shorter word runs too
        out += [(" ".join(parts[:n]), "") for n in range(len(parts) - 1, 0, -1)]
        out += [(" ".join(parts[n:]), "") for n in range(1, len(parts))]  # "وسط بيروت": the name after a word
    for name, _ in list(out):
        for prefix in words.place_prefixes:
            if name.startswith(prefix) and len(name) - len(prefix) >= 3:
                out.append((name[len(prefix) :], f"'{prefix}' glued to the name"))
        last = name.split()[-1]
        for suffix in words.place_suffixes:
            if last.lower().endswith(suffix) and len(last) - len(suffix) >= 3:
                out.append((name[: len(name) - len(suffix)], f"{code} ending '{suffix}'"))
    return list(dict.fromkeys(out))


def _strip_lead(core: str, stop: frozenset[str] | set[str] = frozenset()) -> str:
    words = core.split()
    while words and words[0].lower().strip(":,") in (stop or _STOP) and len(words) > 1:
        words = words[1:]
    return " ".join(words)


def _english(qualifier: str | None, code: str) -> str | None:
    if qualifier is None:
        return None
    return lang(code).qualifiers.get(qualifier.lower(), qualifier)


def find_places(
    text: str, resolver: PlaceResolver, context: GeoContext, *, offset: int = 0, code: str = "en"
) -> list[PlaceMention]:
    """Resolvable place phrases in `text` (in language `code`), in order; offsets are shifted by `offset` (the text's
    place in the article)."""
    found: list[PlaceMention] = []
    stop = _STOP | lang("en").not_places | lang(code).not_places
    for match in _candidate_pattern(code).finditer(text):
        core = _strip_lead(match.group("core"), stop)
        if not core or core.lower() in stop or core.lower() in lang(code).name_connectors:
            continue
        if len(core) > MAX_PLACE_CHARS:  # a run of capitalised words, not a place
            continue
        qualifier = match.group("q")
        core_at = match.start("core") + match.group("core").find(core)
        owner_end = re.search(r"['’]s(?=[ \t])", core)  # "Karachi's Saddar area": the owner ends the name
        if owner_end is not None:
            core = core[: owner_end.end()]
        # a second part after a comma that is no place ("Khartoum, AFP") is left off
        if "," in core and core.rsplit(",", 1)[1].strip().lower() in stop:
            core = core.rsplit(",", 1)[0].rstrip()
        if qualifier is None and match.group("kind"):
            continue  # "the parliament voted": a kind of place is a place only after a preposition
        uncased = qualifier is None and not any(c.isupper() for c in core[:1]) and not core.lower().startswith("the ")
        if uncased and core.lower() not in _aliases():
            bare = _bare_uncased(core, resolver, context)
            if bare is not None:  # an uncased word that is exactly a city's name («استانبول»)
                geocode, used = bare
                found.append(PlaceMention(offset + core_at, offset + core_at + len(used), used, geocode))
            continue  # otherwise an uncased word run is a place only after a preposition
        english = _english(qualifier, code)
        start = match.start() if qualifier else core_at
        owned = _possessed(text, core_at + len(core), core, english, resolver, context)
        if owned is not None:  # "toward Beirut's municipality": the whole name, drawn where its owner is
            end, geocode, reason = owned
            vague = geocode.precision in (Precision.city, Precision.region)  # the owner's extent, not the place
            found.append(PlaceMention(offset + start, offset + end, text[start:end], geocode, "", reason, True, vague))
            continue
        mention = _resolve(core, qualifier, english, resolver, context, code)
        if mention is None:
            kind = _unknown_landmark(core, qualifier, english, resolver, context, code)
            if kind is not None:  # "in Martyrs' Square", "in Kaloum": a name no gazetteer has, over the city
                found.append(PlaceMention(offset + start, offset + core_at + len(core), text[start : core_at + len(core)],
                                          *kind, True, True))
            continue
        geocode, used, why = mention
        # the words of the name as written that were read (a shorter run of an uncased name keeps fewer words)
        end = core_at + len(" ".join(core.split()[: len(used.split())])) if used != core else core_at + len(core)
        said = text[start:end]
        where = f"{english} {used}" if english else used
        reason = "; ".join(r for r in (
            f"'{qualifier}' read as '{english}'" if english and english.lower() != qualifier.lower() else "", why
        ) if r)
        found.append(PlaceMention(offset + start, offset + end, said, geocode, where if reason else "", reason))
    return found


_OWNED = re.compile(r"[ \t]+((?:[^\W\d_][\w-]*[ \t]+){0,2}[^\W\d_][\w-]*)")
_FUNCTION = {"and", "or", "but", "while", "as", "after", "before", "on", "in", "at", "to", "from", "with", "was",
             "were", "is", "are", "has", "had", "have", "who", "which", "that", "where", "when", "by", "for", "of",
             "early", "late", "this", "last", "yesterday", "today", "tonight", "overnight", "monday", "tuesday",
             "wednesday", "thursday", "friday", "saturday", "sunday", "morning", "afternoon", "evening", "night"}


def _possessed(
    text: str, end: int, core: str, english: str | None, resolver: PlaceResolver, context: GeoContext
) -> tuple[int, Geocode, str] | None:
    """(end, geocode, reason) when `core` is a possessive ("Beirut's") followed by what it owns ("municipality")."""
    if not core.endswith(("'s", "’s")):
        return None
    match = _OWNED.match(text, end)
    if not match:
        return None
    nouns = []
    for word in match.group(1).split():
        if word.lower() in _FUNCTION:
            break
        nouns.append(word)
    if not nouns:
        return None
    owner, owned = core[:-2], " ".join(nouns)
    lead = f"{english} " if english else ""
    try:
        geocode = resolver.resolve(f"{lead}{owned}, {owner}", context)
        if geocode.precision is Precision.country:  # "Niger's presidency": the owned place in the event's context
            geocode = resolver.resolve(f"{lead}{owned}", context)
    except (GeocodeError, GeocoderServiceError):
        return None
    if geocode.precision is Precision.country:
        return None
    stop = match.start(1) + len(" ".join(match.group(1).split()[: len(nouns)]))
    name = geocode.entry.name if geocode.entry else owner
    return stop, geocode, f"no gazetteer knows '{owned}' of {owner}: drawn over {name} ({geocode.precision.value})"


def _bare_uncased(core: str, resolver: PlaceResolver, context: GeoContext) -> tuple[Geocode, str] | None:
    """(geocode, word) when the first word of an uncased run is exactly the name of a city or larger place."""
    word = core.split()[0]
    if len(word) < 4 or context.country is None:
        return None  # without the event's country a common word may be some far town's alternate name
    try:
        geocode = resolver.resolve(word, context)
    except (GeocodeError, GeocoderServiceError):
        return None
    if geocode.score < 0.99 or geocode.precision not in (Precision.city, Precision.region):
        return None
    return (geocode, word) if _country_of(geocode, resolver) == context.country else None


_NO_FALLBACK = {"by", "to", "from", "of"}  # words that lead people and organisations as often as places


def _unknown_landmark(
    core: str, qualifier: str | None, english: str | None, resolver: PlaceResolver, context: GeoContext, code: str
) -> tuple[Geocode, str, str] | None:
    """(geocode, where, reason) for a name no gazetteer has, ending in a kind of place ("Martyrs' Square") or led
    by a preposition ("in Kaloum"): drawn where the gazetteers put that kind in the event's city, else over the
    city, saying so."""
    if context.city is None or not core[:1].isalpha():
        return None
    low = core.lower()
    kinds = sorted({*lang("en").landmark_words, *lang(code).landmark_words}, key=len, reverse=True)
    kind = next((k for k in kinds if low == k or low.endswith(" " + k) or low.startswith(k + " ")), None)
    if kind is None and (english is None or qualifier.lower() in _NO_FALLBACK):
        return None  # a bare capitalised word nobody knows is no place ("Zúñiga"), nor is "by Colonel X"
    # "the kind" where the gazetteers have one in the event's city; else a name after a preposition
    # ("in Kaloum", "بمنطقة الشجرة") that no gazetteer has: over the city, saying so
    phrases = ([f"{english or 'in'} the {kind}"] if kind else []) + [f"{english or 'in'} {context.city}"]
    geocode = None
    for phrase in phrases:
        try:
            geocode = resolver.resolve(phrase, context)
            break
        except (GeocodeError, GeocoderServiceError):
            continue
    if geocode is None or geocode.precision is Precision.country:
        return None
    name = geocode.entry.name if geocode.entry else context.city
    return geocode, "", f"no gazetteer knows '{core}': drawn over {name} ({geocode.precision.value})"


@cache
def _aliases() -> frozenset[str]:
    return frozenset(
        a.lower() for e in bundled_gazetteer().entries for a in (e.name, *e.aliases, *e.aliases_in_context)
    )


def _resolve(
    core: str, qualifier: str | None, english: str | None, resolver: PlaceResolver, context: GeoContext, code: str
) -> tuple[Geocode, str, str] | None:
    """The first reading of a name that resolves well enough: (geocode, name as used, reason)."""
    loose = None  # a qualifier-led name that matched only loosely, kept if no other reading matches well
    for name, why in _variants(core, code):
        phrase = f"{english} {name}" if english else name
        if len(phrase) > MAX_PLACE_CHARS:  # a run of capitalised words, not a place
            return None
        try:
            geocode = resolver.resolve(phrase, context, role=PlaceRole.location)
        except (GeocodeError, GeocoderServiceError):
            continue
        if geocode.score >= BARE_MIN_SCORE or geocode.score == OFF_CONTEXT_FACTOR:
            return geocode, name, why
        # a capitalised word near some place name ("Tanks" ~ Tence) is not a place without "in"/"near"
        if qualifier and not why and name == core and loose is None:
            loose = (geocode, name, why)
    return loose


def infer_context(texts: list[str], resolver: PlaceResolver) -> GeoContext:
    """The country most places resolve into, and the most-named city there (for homonyms such as Miraflores)."""
    countries: Counter[str] = Counter()
    cities: Counter[tuple[str, str]] = Counter()
    blank = GeoContext()
    for text in texts:
        for mention in find_places(text, resolver, blank, code=detect_language(text)):
            entry = mention.geocode.entry
            country = _country_of(mention.geocode, resolver)
            if country is None:
                continue
            countries[country] += 2 if mention.geocode.precision is Precision.country else 1
            if mention.geocode.precision is Precision.city and entry is not None:
                cities[(country, entry.name)] += 1
    if not countries:
        return blank
    country = countries.most_common(1)[0][0]
    in_country = [(name, n) for (c, name), n in cities.most_common() if c == country]
    return GeoContext(country=country, city=in_country[0][0] if in_country else None)


def _country_of(geocode: Geocode, resolver: PlaceResolver) -> str | None:
    entry = geocode.entry
    if entry is None:
        return None
    if entry.source == "bundled":
        found = next((e for e in bundled_gazetteer().entries if e.id == entry.id), None)
        return found.country if found else None
    if entry.source == "geonames":
        from ..geocode.geonames import geonames_index

        index = geonames_index()
        wanted = int(entry.id.split(":", 1)[1])
        rows = [r for r in index.rows(_key(entry.name)) if int(index.ids[r]) == wanted]
        return index.country[rows[0]] if rows else None
    return None


def _key(name: str) -> str:
    from ..geocode.names import normalise

    return normalise(name)
