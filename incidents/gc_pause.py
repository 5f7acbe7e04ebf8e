"""Pausing the cyclic garbage collector around bulk work on large events.

Building a map payload or an export for 100k+ incidents creates millions of containers that live for a while; each
time enough of them survive, the collector walks every object in the process (the whole event) looking for cycles
there are none of, which costs as much as the work itself. Reference counting still frees everything; cycles made
meanwhile are collected when the collector resumes.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["gc_paused"]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic GC for the block (or the decorated function), restoring its previous state after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
