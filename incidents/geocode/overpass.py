"""`gazetteer fetch`: the places a pack keeps (see `osm_tags`), around a city, from an Overpass API server.

Opt-in network use (an explicit command). One query per pack, sent through the project's rate limiter (one request
per second per server, shared by the runs on this machine) with the project's user agent; timeouts, HTTP 429 and
5xx are retried up to 3 times (1 s, then 2 s, or the server's Retry-After up to 60 s). Answers are cached under
`<cache_dir>/overpass/` by server and query, so building the same pack again asks nothing. `INCIDENT_MAP_OVERPASS_URL`
points at one's own server (the interpreter endpoint, e.g. http://localhost:12345/api/interpreter).

Ways and relations come with their bounding box (`out tags bb`), so a fetched place's circle holds its bounding box:
a little wider than the footprint circle `gazetteer build` draws from the full geometry, never narrower.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from ..atomic import write_atomic
from ..errors import GeocoderBadResponse, GeocoderRateLimited, GeocoderServiceError, GeocoderTimedOut, InputError
from .geonames import cache_dir
from .online_http import UrllibAdapter
from .online_limit import RateLimiter, shared_limiter
from .online_retry import RetriesExhausted, RetryPolicy, with_retries
from .osm_pack import OsmPiece
from .osm_tags import overpass_selectors

__all__ = ["OverpassClient", "overpass_query", "pieces_from_answer", "OVERPASS_ENV", "DEFAULT_OVERPASS_URL"]

OVERPASS_ENV = "INCIDENT_MAP_OVERPASS_URL"
DEFAULT_OVERPASS_URL = "https://overpass-api.de/api/interpreter"
SERVER_TIMEOUT_S = 180


def overpass_query(south: float, west: float, north: float, east: float) -> str:
    """The Overpass QL query for every kept object in the bounding box, with tags and bounding boxes."""
    box = f"({south:.5f},{west:.5f},{north:.5f},{east:.5f})"
    parts = "".join(f"nwr{selector}{box};" for selector in overpass_selectors())
    return f"[out:json][timeout:{SERVER_TIMEOUT_S}];({parts});out tags bb qt;"


def _bbox_polygon(bounds: dict[str, Any]) -> dict[str, Any]:
    s, w, n, e = (float(bounds[k]) for k in ("minlat", "minlon", "maxlat", "maxlon"))
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


def pieces_from_answer(answer: Any) -> list[OsmPiece]:
    """OsmPieces from an Overpass JSON answer; GeocoderBadResponse when it is not one."""
    elements = answer.get("elements") if isinstance(answer, dict) else None
    if not isinstance(elements, list):
        remark = answer.get("remark") if isinstance(answer, dict) else None
        raise GeocoderBadResponse(f"not an Overpass answer{': ' + str(remark)[:200] if remark else ''}")
    pieces = []
    for element in elements:
        try:
            kind, osm_id, tags = element["type"], int(element["id"]), element.get("tags") or {}
            if kind == "node":
                geometry = {"type": "Point", "coordinates": [float(element["lon"]), float(element["lat"])]}
            elif kind in ("way", "relation") and isinstance(element.get("bounds"), dict):
                geometry = _bbox_polygon(element["bounds"])
            else:
                continue
        except (KeyError, TypeError, ValueError) as exc:
            raise GeocoderBadResponse(f"unreadable Overpass element: {str(element)[:120]}") from exc
        pieces.append(OsmPiece(kind, osm_id, {str(k): str(v) for k, v in tags.items()}, geometry))
    if isinstance(answer.get("remark"), str) and "error" in answer["remark"].lower():
        raise GeocoderServiceError(f"Overpass: {answer['remark'][:200]}")  # a server-side timeout: partial data
    return pieces


class OverpassClient:
    """One Overpass server: cached, rate-limited, retried queries."""

    def __init__(
        self,
        url: str | None = None,
        *,
        agent: str | None = None,
        timeout: float = SERVER_TIMEOUT_S + 30.0,
        cache: Path | None = None,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_attempts: int = 3,
        backoff_s: float = 1.0,
        max_retry_after_s: float = 60.0,
    ) -> None:
        from .online import user_agent

        self.url = (url or os.environ.get(OVERPASS_ENV, "").strip() or DEFAULT_OVERPASS_URL).rstrip("/")
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise InputError(f"{self.url[:100]!r} is not an http(s) URL of an Overpass interpreter",
                             field="url" if url else OVERPASS_ENV)
        self.agent = agent or user_agent()
        self.timeout = timeout
        self.cache = cache or cache_dir() / "overpass"
        self.limiter = limiter or shared_limiter(f"overpass:{parts.netloc}", slot_file=self.cache / (
            "overpass-" + "".join(c if c.isalnum() or c in ".-" else "_" for c in parts.netloc) + ".slot"))
        self.policy = RetryPolicy(max(1, max_attempts), backoff_s, max_retry_after_s)
        self._sleep = sleep
        self._adapter = UrllibAdapter(proxies=None, ssl_context=None)

    def cache_path(self, query: str) -> Path:
        return self.cache / (hashlib.sha256(f"{self.url}\n{query}".encode()).hexdigest()[:32] + ".json")

    def run(self, query: str) -> tuple[Any, bool]:
        """The JSON answer to `query` and whether it came from the cache."""
        cached = self.cache_path(query)
        if cached.is_file():
            try:
                return json.loads(cached.read_text(encoding="utf-8")), True
            except (OSError, ValueError):
                pass  # a damaged cache entry is asked again
        text = self._fetch(query)
        try:
            answer = json.loads(text)
        except ValueError:
            raise GeocoderBadResponse(f"Overpass answered with something that is not JSON: {text[:80]!r}") from None
        pieces_from_answer(answer)  # checked before it is cached
        self.cache.mkdir(parents=True, exist_ok=True)
        write_atomic(cached, text)
        return answer, False

    def _fetch(self, query: str) -> str:
        url = f"{self.url}?{urlencode({'data': query})}"
        headers = {"User-Agent": self.agent, "Accept": "application/json"}
        try:
            return with_retries(lambda: self._adapter.get_text(url, timeout=self.timeout, headers=headers),
                                limiter=self.limiter, policy=self.policy, sleep=self._sleep, label="overpass")
        except RetriesExhausted as exc:
            failure, attempts = exc.failure, exc.attempts
        message = f"Overpass ({self.url}) failed: {failure.detail} (after {attempts} attempt{'s' * (attempts != 1)})"
        if failure.kind == "timeout":
            raise GeocoderTimedOut(message)
        if failure.kind == "rate_limited":
            raise GeocoderRateLimited(message, retry_after=failure.retry_after)
        raise GeocoderServiceError(message)
