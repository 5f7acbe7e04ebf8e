"""Indexes built once from a package's data and pickled under the cache directory (GeoNames, airports)."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..atomic import write_atomic

__all__ = ["cached_index"]

T = TypeVar("T")


def cached_index(path: Path, build: Callable[[], T]) -> T:
    """The index pickled at `path`; else `build()` it and pickle it there (a read-only cache only costs a rebuild)."""
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ImportError):
        pass
    index = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass
    return index
