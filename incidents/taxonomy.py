"""The event-type vocabulary, read from `data/taxonomy.yaml` (ACLED-aligned)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import yaml
from pydantic import BaseModel, ConfigDict

__all__ = ["EventTypeInfo", "event_types", "event_type_info", "is_event_type"]


class EventTypeInfo(BaseModel):
    """One taxonomy term and what it means."""

    model_config = ConfigDict(frozen=True)

    term: str
    label: str
    acled_event_type: str
    acled_sub_event_type: str
    family: str
    keywords: tuple[str, ...] = ()


@cache
def event_types() -> dict[str, EventTypeInfo]:
    """Every known event type by term, in file order."""
    raw = yaml.safe_load(files("incidents").joinpath("data/taxonomy.yaml").read_text(encoding="utf-8"))
    return {term: EventTypeInfo(term=term, **entry) for term, entry in raw.items()}


def is_event_type(term: str) -> bool:
    """Whether `term` is a known event type."""
    return term in event_types()


def event_type_info(term: str) -> EventTypeInfo:
    """The taxonomy entry for `term` (KeyError if unknown)."""
    return event_types()[term]
