"""Spatial qualifiers as reported ("near", "in the vicinity of", "heading to") and how they widen a radius."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

import yaml
from pydantic import BaseModel, ConfigDict

from ..models import PlaceRole
from .feature_words import split_feature_word

__all__ = ["PlacePhrase", "Widening", "parse_place_phrase", "widen_radius", "qualifier_table"]


class Widening(BaseModel):
    """radius = max(size * factor, size + add_m)."""

    model_config = ConfigDict(frozen=True)
    factor: float = 1.0
    add_m: float = 0.0

    def apply(self, radius_m: float) -> float:
        """The widened radius."""
        return max(radius_m * self.factor, radius_m + self.add_m)


class _Qualifier(Widening):
    phrases: tuple[str, ...]


class _Table(BaseModel):
    qualifiers: dict[str, _Qualifier]
    roles: dict[PlaceRole, Widening]
    qualifier_roles: dict[str, PlaceRole]


class PlacePhrase(BaseModel):
    """A place text split into its qualifier, its core name and any trailing context ("…, Venezuela").

    A feature-type word ("Daraa governorate", "Peshawar town") is split off the core: `core` is the bare name,
    `named` the core as written with its word, `feature_word` the word and `feature_hint` the kind of place it asks
    for (admin1, admin2, admin, city, district, camp; see data/feature_words.yaml). Without a word, `named` is `core`.
    """

    model_config = ConfigDict(frozen=True)
    text: str
    qualifier: str | None
    core: str
    trailing: tuple[str, ...] = ()
    role_hint: PlaceRole | None = None
    named: str = ""
    feature_word: str | None = None
    feature_hint: str | None = None


@cache
def qualifier_table() -> _Table:
    """The qualifier and role widening table from data/qualifiers.yaml."""
    raw = yaml.safe_load(files("incidents").joinpath("data/qualifiers.yaml").read_text(encoding="utf-8"))
    return _Table.model_validate(raw)


@cache
def _phrase_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    owner: dict[str, str] = {}
    for name, q in qualifier_table().qualifiers.items():
        for phrase in q.phrases:
            owner[phrase.lower()] = name
    alternatives = "|".join(re.escape(p) for p in sorted(owner, key=len, reverse=True))
    return re.compile(rf"^\s*(?P<q>{alternatives})\b\s*", re.IGNORECASE), owner


_ARTICLE = re.compile(r"^\s*(the)\s+", re.IGNORECASE)
_DASHED = re.compile(r"^(?P<city>[^-–—]+?)\s+[-–—]\s+(?P<part>[^-–—]+)$")


def parse_place_phrase(text: str) -> PlacePhrase:
    """Split "in the vicinity of the presidential palace" into qualifier 'vicinity' and core 'presidential palace'."""
    pattern, owner = _phrase_pattern()
    rest = " ".join(text.split())
    qualifier = None
    match = pattern.match(rest)
    if match and match.end() < len(rest):
        qualifier = owner[match.group("q").lower()]
        rest = rest[match.end():]
    rest = _ARTICLE.sub("", rest)
    parts = [p.strip() for p in rest.split(",") if p.strip()]
    core = parts[0] if parts else rest.strip()
    role = qualifier_table().qualifier_roles.get(qualifier) if qualifier else None
    dashed = _DASHED.match(core)
    if dashed and split_feature_word(core) is None:
        # ACLED's "City - District" ("Delhi - New Delhi", "Dhaka - Paltan"): the district, inside the city
        core, parts = dashed.group("part"), [core, dashed.group("city"), *parts[1:]]
    named, word = core, split_feature_word(core)
    return PlacePhrase(
        text=text, qualifier=qualifier, core=word.name if word else core, trailing=tuple(parts[1:]), role_hint=role,
        named=named, feature_word=word.word if word else None, feature_hint=word.hint if word else None,
    )  # fmt: skip


def widen_radius(size_m: float, qualifier: str | None, role: PlaceRole) -> float:
    """The feature's size widened by the qualifier, then by the place role."""
    table = qualifier_table()
    radius = table.qualifiers[qualifier].apply(size_m) if qualifier in table.qualifiers else size_m
    return table.roles.get(role, Widening()).apply(radius)
