"""A persistent JSON cache of online geocoder answers: one file per service, keyed by (query, country).

Hits never touch the network, and "nothing found" is cached too, so a place is asked for once. The file is rewritten
atomically after every new answer, merged with what other processes wrote meanwhile; the merge and the rewrite hold
a lock on `<file>.lock` (incidents.file_lock), so two runs at once do not lose each other's answers.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import orjson
from pydantic import ValidationError

from ..atomic import write_atomic
from ..errors import OutputError
from ..file_lock import locked_file
from .backends import PlaceCandidate

__all__ = ["OnlineCache", "cache_key"]

FORMAT = 1
log = logging.getLogger(__name__)


def cache_key(query: str, country: str | None) -> str:
    """`CC|query` with the query's spacing and case folded; `*` when the context has no country."""
    return f"{(country or '*').upper()}|{' '.join(query.split()).casefold()}"


class OnlineCache:
    """Cached candidates of one service, read from and written to `path` (a JSON file)."""

    def __init__(self, path: Path, service: str) -> None:
        self.path = Path(path)
        self.service = service
        self._lock = threading.Lock()
        self._entries: dict[str, list[dict]] | None = None

    def get(self, query: str, country: str | None) -> list[PlaceCandidate] | None:
        """The cached candidates ([] for a cached "no match"), or None when this query was never asked."""
        with self._lock:
            rows = self._loaded().get(cache_key(query, country))
        if rows is None:
            return None
        try:
            return [PlaceCandidate.model_validate(row) for row in rows]
        except ValidationError:
            log.warning("%s: ignoring an unreadable cache entry for %r", self.path, query)
            return None

    def put(self, query: str, country: str | None, candidates: list[PlaceCandidate]) -> None:
        """Remember the answer for this query and rewrite the cache file (a failed write only costs a re-ask)."""
        rows = [c.model_dump(mode="json") for c in candidates]
        with self._lock, locked_file(self.path.with_name(self.path.name + ".lock")):
            entries = self._loaded()
            entries.update(self._read())  # keep what another process wrote since we loaded
            entries[cache_key(query, country)] = rows
            payload = {"format": FORMAT, "service": self.service, "entries": entries}
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(self.path, orjson.dumps(payload, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
            except (OSError, OutputError) as exc:
                log.warning("%s: cannot write the geocoder cache: %s", self.path, exc)

    def __len__(self) -> int:
        with self._lock:
            return len(self._loaded())

    def _loaded(self) -> dict[str, list[dict]]:
        if self._entries is None:
            self._entries = self._read()
        return self._entries

    def _read(self) -> dict[str, list[dict]]:
        try:
            data = orjson.loads(self.path.read_bytes())
        except FileNotFoundError:
            return {}
        except (OSError, orjson.JSONDecodeError) as exc:
            log.warning("%s: ignoring an unreadable geocoder cache: %s", self.path, exc)
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("service") != self.service:
            return {}
        entries = data.get("entries")
        if not isinstance(entries, dict):
            return {}
        return {k: v for k, v in entries.items() if isinstance(k, str) and isinstance(v, list)}
