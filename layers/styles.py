"""Status and event-type styles, read from `data/styles.yaml`."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

from incidents.models import Status
from incidents.taxonomy import event_types

__all__ = ["StatusStyle", "TypeStyle", "Styles", "styles"]


class StatusStyle(BaseModel):
    """How one status is drawn."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    label: str
    color: str
    fill_opacity: float
    dash: str
    weight: float
    marker_fill: Literal["solid", "hollow"]
    legend: str


class TypeStyle(BaseModel):
    """How one event type is marked."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    glyph: str


class Styles(BaseModel):
    """Every style preset."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    status: dict[Status, StatusStyle]
    event_types: dict[str, TypeStyle]


@cache
def styles() -> Styles:
    """The style presets; every status and every taxonomy term has one."""
    raw = yaml.safe_load(files("layers").joinpath("data/styles.yaml").read_text(encoding="utf-8"))
    loaded = Styles.model_validate(raw)
    missing = set(event_types()) - set(loaded.event_types)
    if missing or set(Status) - set(loaded.status):
        raise ValueError(f"styles.yaml lacks styles for: {sorted(missing | (set(Status) - set(loaded.status)))}")
    return loaded
