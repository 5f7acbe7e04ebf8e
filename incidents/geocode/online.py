"""Opt-in online geocoding: OpenStreetMap's Nominatim and Komoot's Photon, through geopy.

Asked only when the offline backends (bundled gazetteer, GeoNames) find nothing. Every request carries an identifying
user agent ($INCIDENT_MAP_USER_AGENT overrides it), at most one request per second goes to each service (between all
the runs on one machine: they share a slot file beside the cache), answers
(including "nothing found") are cached under <cache_dir>/online/<service>.json, and a failed request is retried up to
3 times with exponential backoff that honours Retry-After. A failure raises a GeocoderServiceError subclass naming
the service and the place; no match returns [].
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from functools import cache
from importlib.metadata import PackageNotFoundError, metadata
from pathlib import Path
from urllib.parse import urlsplit

try:
    from geopy.geocoders import Nominatim, Photon
except ModuleNotFoundError as exc:  # an optional part: say which extra brings it
    from ..errors import MissingExtra

    raise MissingExtra("online geocoding (--online)", "online") from exc

from ..errors import (
    GeocoderBadResponse,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    InputError,
)
from ..models import GeoContext
from .backends import PlaceCandidate
from .geonames import cache_dir
from .names import normalise
from .online_cache import OnlineCache
from .online_http import Failure, UrllibAdapter
from .online_limit import RateLimiter, shared_limiter
from .online_results import ONLINE_SCORE, nominatim_candidate, photon_candidate
from .online_retry import RetriesExhausted, RetryPolicy, with_retries

__all__ = [
    "SERVICES",
    "OnlineBackend",
    "NominatimBackend",
    "PhotonBackend",
    "online_backend",
    "user_agent",
    "online_cache_path",
    "online_slot_path",
]

SERVICES = ("nominatim", "photon")
USER_AGENT_ENV = "INCIDENT_MAP_USER_AGENT"
MAX_RESULTS = 5
# A result found without the event's city in the query is a guess about which homonym is meant.
CITYLESS_FACTOR = 0.8


@cache
def _package() -> tuple[str, str | None]:
    """The installed version and project URL from the package metadata."""
    try:
        meta = metadata("incident-mapper")
    except PackageNotFoundError:
        return "0+unknown", None
    urls = [entry.split(",", 1)[-1].strip() for entry in meta.get_all("Project-URL") or ()]
    home = meta.get("Home-page")
    return meta.get("Version") or "0+unknown", next(iter(urls), None) or home or None


def user_agent() -> str:
    """$INCIDENT_MAP_USER_AGENT, else `incident-mapper/<version> (+<project URL>)` (Nominatim requires one)."""
    custom = os.environ.get(USER_AGENT_ENV, "").strip()
    if custom:
        return custom
    version, url = _package()
    return f"incident-mapper/{version} (+{url})" if url else f"incident-mapper/{version}"


def online_cache_path(service: str) -> Path:
    """Where the answers of `service` are cached: <cache_dir>/online/<service>.json."""
    return cache_dir() / "online" / f"{service}.json"


def online_slot_path(service: str, domain: str) -> Path:
    """Where processes share the next free request slot for `service` at `domain`: <cache_dir>/online/*.slot."""
    return cache_dir() / "online" / f"{service}-{re.sub(r'[^A-Za-z0-9.-]', '_', domain)}.slot"


def _split_url(url: str, source: str) -> tuple[str, str]:
    """'http://127.0.0.1:8080/base/' -> ('http', '127.0.0.1:8080/base'); InputError naming `source` if not http(s)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise InputError(
            f"{url!r} is not an http(s) base URL such as https://nominatim.openstreetmap.org", field=source
        )
    return parts.scheme, parts.netloc + parts.path.rstrip("/")


class OnlineBackend:
    """What both services share: query building, the cache, the rate limit, retries and error mapping."""

    name = "online"
    url_env = ""
    default_url = ""
    geocoder_class: type[Nominatim] | type[Photon] = Nominatim

    def __init__(
        self,
        base_url: str | None = None,
        *,
        agent: str | None = None,
        timeout: float = 10.0,
        cache_path: Path | None = None,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        wall_clock: Callable[[], float] = time.time,
        max_attempts: int = 3,
        backoff_s: float = 1.0,
        max_retry_after_s: float = 60.0,
    ) -> None:
        source = "base_url" if base_url else self.url_env
        url = base_url or os.environ.get(self.url_env, "").strip() or self.default_url
        self.scheme, self.domain = _split_url(url, source)
        self.base_url = f"{self.scheme}://{self.domain}"
        self.user_agent = agent or user_agent()
        self.timeout = float(timeout)
        self.cache = OnlineCache(cache_path or online_cache_path(self.name), self.name)
        self.limiter = limiter or shared_limiter(
            f"{self.name}:{self.domain}", slot_file=online_slot_path(self.name, self.domain)
        )
        self.max_attempts = max(1, int(max_attempts))
        self.backoff_s = float(backoff_s)
        self.max_retry_after_s = float(max_retry_after_s)
        self._sleep = sleep
        self._wall_clock = wall_clock
        self._geocoder = self.geocoder_class(
            domain=self.domain,
            scheme=self.scheme,
            user_agent=self.user_agent,
            timeout=self.timeout,
            adapter_factory=UrllibAdapter,
        )

    def lookup(self, name: str, context: GeoContext) -> list[PlaceCandidate]:
        """Candidates best first; [] when the service knows no such place; a GeocoderServiceError when it fails.

        With a city in the context, "<name>, <city>" is asked first and the bare name (scored lower) only if that
        finds nothing; results stay inside the context's country.
        """
        bare = " ".join(name.split())
        if not bare:
            return []
        if context.city and normalise(context.city) not in normalise(bare):
            found = self._ask(f"{bare}, {context.city}", context, name)
            if found:
                return found
            return [
                c.model_copy(update={"score": round(c.score * CITYLESS_FACTOR, 3)})
                for c in self._ask(bare, context, name)
            ]
        return self._ask(bare, context, name)

    def _ask(self, query: str, context: GeoContext, place: str) -> list[PlaceCandidate]:
        cached = self.cache.get(query, context.country)
        if cached is not None:
            return cached
        found = self._fetch(query, context, place)
        self.cache.put(query, context.country, found)
        return found

    def _fetch(self, query: str, context: GeoContext, place: str) -> list[PlaceCandidate]:
        """Ask the service, retrying timeouts, 429 and 5xx with exponential backoff or the server's Retry-After."""
        policy = RetryPolicy(self.max_attempts, self.backoff_s, self.max_retry_after_s)
        try:
            return with_retries(lambda: self._search(query, context), limiter=self.limiter, policy=policy,
                                sleep=self._sleep, now=self._wall_clock, label=f"{self.name} {place!r}")
        except RetriesExhausted as exc:
            raise self._error(exc.failure, place, exc.attempts) from None

    def _error(self, failure: Failure, place: str, attempts: int) -> GeocoderServiceError:
        detail = failure.detail
        if failure.kind == "unavailable":
            detail = f"{detail} ({self.base_url})"
        if failure.retry_after is not None and failure.retry_after > self.max_retry_after_s:
            detail += f"; the service asks to wait {failure.retry_after:.0f} s, longer than our {self.max_retry_after_s:.0f} s"
        message = f"{self.name} could not look up {place!r}: {detail} (after {attempts} attempt{'s' if attempts != 1 else ''})"
        if failure.kind == "timeout":
            return GeocoderTimedOut(message)
        if failure.kind == "rate_limited":
            return GeocoderRateLimited(message, retry_after=failure.retry_after)
        if failure.kind == "bad_response":
            return GeocoderBadResponse(message)
        return GeocoderServiceError(message)

    def _search(self, query: str, context: GeoContext) -> list[PlaceCandidate]:
        """One request: the candidates the service returns for `query` (a subclass implements it)."""
        raise NotImplementedError


class NominatimBackend(OnlineBackend):
    """OpenStreetMap Nominatim (https://nominatim.org): scoped to the event's country with `countrycodes`."""

    name = "nominatim"
    url_env = "INCIDENT_MAP_NOMINATIM_URL"
    default_url = "https://nominatim.openstreetmap.org"
    geocoder_class = Nominatim

    def _search(self, query: str, context: GeoContext) -> list[PlaceCandidate]:
        codes = [context.country.lower()] if context.country else None
        places = self._geocoder.geocode(
            query, exactly_one=False, limit=MAX_RESULTS, addressdetails=True, country_codes=codes
        )
        found = [nominatim_candidate(p.raw, source=self.name, score=ONLINE_SCORE) for p in places or ()]
        return [c for c in found if not context.country or c.country in (None, context.country)]


class PhotonBackend(OnlineBackend):
    """Komoot Photon (https://photon.komoot.io): biased towards the event's city or country, then filtered to it."""

    name = "photon"
    url_env = "INCIDENT_MAP_PHOTON_URL"
    default_url = "https://photon.komoot.io"
    geocoder_class = Photon

    def _search(self, query: str, context: GeoContext) -> list[PlaceCandidate]:
        # Photon has no country filter: ask for more, biased towards the context, and keep those in the country.
        features = self._geocoder.geocode(
            query, exactly_one=False, limit=MAX_RESULTS * 3, location_bias=_anchor(context)
        )
        found = [photon_candidate(f.raw, source=self.name, score=ONLINE_SCORE) for f in features or ()]
        if context.country:
            found = [c for c in found if c.country == context.country]
        return found[:MAX_RESULTS]


def _anchor(context: GeoContext) -> tuple[float, float] | None:
    """The context's city (its most populous namesake in the country) or else its country, from GeoNames."""
    if not context.city and not context.country:
        return None
    from .geonames import geonames_index

    idx = geonames_index()
    rows: list[int] = []
    if context.city:
        rows = [
            r
            for r in idx.rows(normalise(context.city))
            if r < idx.n_cities and context.country in (None, idx.country[r])
        ]
    if not rows and context.country:
        rows = [
            r for r in idx.rows(normalise(context.country)) if r >= idx.n_cities and idx.country[r] == context.country
        ]
    if not rows:
        return None
    best = max(rows, key=lambda r: (int(idx.population[r]), -r))
    return float(idx.lat[best]), float(idx.lon[best])


_BACKENDS: dict[str, type[OnlineBackend]] = {"nominatim": NominatimBackend, "photon": PhotonBackend}


def online_backend(name: str, **options: object) -> OnlineBackend:
    """The backend for `name` ("nominatim" or "photon"), configured from the environment unless `options` say else."""
    try:
        kind = _BACKENDS[name]
    except KeyError:
        raise InputError(f"unknown online geocoder {name!r}; known: {', '.join(SERVICES)}", field="--online") from None
    return kind(**options)  # type: ignore[arg-type]
