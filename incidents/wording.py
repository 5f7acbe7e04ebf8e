"""Small pieces of wording shared by the status reasons, the counts line and the commands' messages."""

from __future__ import annotations

__all__ = ["plural"]


def plural(count: int, noun: str) -> str:
    """`1 incident`, `2 incidents`, `0 incidents`."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
