"""Draft incident files from article text (embedded posts, publisher statements, places, times, hedges)."""

from __future__ import annotations

from .draft import draft_event, draft_yaml

__all__ = ["draft_event", "draft_yaml"]
