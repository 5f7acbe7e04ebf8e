"""HTTP for the online geocoders: a geopy adapter on urllib that keeps every status and header, Retry-After parsing,
and the sorting of a failed request into what to retry and which of our errors to raise.

Redirects are followed only to the same scheme, host and port as the request (a service moving a path is fine; a
redirect to another host, or from https to http, is refused as an HTTP error naming where it pointed: a geocoder's
query names the places of an investigation, and must not travel to a host the user did not choose).

The adapter follows geopy's adapter contract (AdapterHTTPError for a non-2xx answer, geopy's GeocoderTimedOut,
GeocoderUnavailable and GeocoderParseError otherwise); geopy chains the AdapterHTTPError as the cause of the error it
raises, which is where `classify` reads the status and the Retry-After header (geopy itself keeps Retry-After only
for 429 and turns 503 into a timeout).
"""

from __future__ import annotations

import email.utils
import http.client
import ipaddress
import json
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC
from typing import Any, Literal
from urllib.error import HTTPError, URLError
from urllib.parse import urljoin, urlsplit
from urllib.request import (
    HTTPRedirectHandler,
    HTTPSHandler,
    OpenerDirector,
    ProxyHandler,
    Request,
    build_opener,
    getproxies,
)

try:
    from geopy import exc as geopy_exc
    from geopy.adapters import AdapterHTTPError, BaseSyncAdapter
except ModuleNotFoundError as exc:  # an optional part: say which extra brings it
    from ..errors import MissingExtra

    raise MissingExtra("online geocoding (--online) and gazetteer fetch", "online") from exc

__all__ = ["UrllibAdapter", "Failure", "classify", "retry_after_seconds", "is_loopback", "MAX_BODY_BYTES", "origin",
           "SameOriginRedirects", "CrossOriginRedirect"]

MAX_BODY_BYTES = 8 * 1024 * 1024
FailureKind = Literal["timeout", "rate_limited", "server", "unavailable", "refused", "bad_response"]


def is_loopback(url: str) -> bool:
    """Whether `url` points at this machine (127.0.0.0/8, ::1 or localhost)."""
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _proxies(proxies: Mapping[str, str] | None) -> dict[str, str]:
    found = getproxies() if proxies is None else dict(proxies)
    return {scheme: url if "://" in url else f"http://{url}" for scheme, url in found.items() if url}


def _snippet(text: str | bytes, limit: int = 80) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of `url`, the port filled in for http and https, the host lower-cased."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port if port is not None else _DEFAULT_PORTS.get(scheme)


class CrossOriginRedirect(HTTPError):
    """A redirect to another scheme, host or port, which we do not follow."""


class SameOriginRedirects(HTTPRedirectHandler):
    """urllib's redirect handling, for redirects that keep the request's scheme, host and port only."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        target = urljoin(req.full_url, newurl)
        if origin(target) != origin(req.full_url):
            scheme, host, port = origin(target)
            raise CrossOriginRedirect(
                req.full_url, code, f"redirect to {scheme}://{host}:{port} not followed (only the same scheme, host"
                " and port as the service)", headers, fp,
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class UrllibAdapter(BaseSyncAdapter):
    """geopy adapter on urllib: loopback URLs bypass proxies, bodies are capped, every failure keeps its headers."""

    def __init__(self, *, proxies: Mapping[str, str] | None, ssl_context: Any) -> None:
        super().__init__(proxies=proxies, ssl_context=ssl_context)
        https = HTTPSHandler(context=ssl_context) if ssl_context is not None else HTTPSHandler()
        redirects = SameOriginRedirects()
        self._proxied: OpenerDirector = build_opener(https, redirects, ProxyHandler(_proxies(proxies)))
        self._direct: OpenerDirector = build_opener(https, redirects, ProxyHandler({}))

    def get_json(self, url: str, *, timeout: float, headers: Mapping[str, str]) -> Any:
        """The parsed JSON answer; geopy's GeocoderParseError when it is not JSON."""
        text = self.get_text(url, timeout=timeout, headers=headers)
        try:
            return json.loads(text)
        except ValueError:
            raise geopy_exc.GeocoderParseError(f"answer is not JSON: {_snippet(text)!r}") from None

    def get_text(self, url: str, *, timeout: float, headers: Mapping[str, str]) -> str:
        """GET `url` and return the decoded body."""
        opener = self._direct if is_loopback(url) else self._proxied
        request = Request(url, headers=dict(headers))
        try:
            deadline = time.monotonic() + timeout
            with opener.open(request, timeout=timeout) as response:
                body = _read_before(response, deadline, timeout)
                charset = response.headers.get_content_charset() or "utf-8"
        except CrossOriginRedirect as error:
            raise AdapterHTTPError(
                f"HTTP {error.code} {http.client.responses.get(error.code, '')}".strip(),
                status_code=error.code,
                headers={name.lower(): value for name, value in (error.headers or {}).items()},
                text=str(error.reason),
            ) from None
        except HTTPError as error:
            raise AdapterHTTPError(
                f"HTTP {error.code} {http.client.responses.get(error.code, '')}".strip(),
                status_code=error.code,
                headers={name.lower(): value for name, value in (error.headers or {}).items()},
                text=_read_error_body(error),
            ) from None
        except TimeoutError:
            raise geopy_exc.GeocoderTimedOut(f"no answer within {timeout:g} s") from None
        except URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise geopy_exc.GeocoderTimedOut(f"no answer within {timeout:g} s") from None
            raise geopy_exc.GeocoderUnavailable(f"cannot connect: {error.reason}") from None
        except (http.client.HTTPException, OSError) as error:
            raise geopy_exc.GeocoderUnavailable(f"connection failed: {error!r}") from None
        if len(body) > MAX_BODY_BYTES:
            raise geopy_exc.GeocoderParseError(f"answer larger than {MAX_BODY_BYTES // (1024 * 1024)} MiB")
        try:
            return body.decode(charset)
        except (UnicodeDecodeError, LookupError):
            raise geopy_exc.GeocoderParseError(f"answer is not {charset} text: {_snippet(body)!r}") from None


def _read_before(response: Any, deadline: float, timeout: float) -> bytes:
    """The body, read in chunks against one deadline: a server trickling a byte at a time cannot hold us forever
    (the socket timeout only bounds each read)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError
        want = min(65_536, MAX_BODY_BYTES + 1 - size) or 1
        chunk = response.read1(want) if hasattr(response, "read1") else response.read(want)  # one recv at most
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return b"".join(chunks)


def _read_error_body(error: HTTPError) -> str:
    try:
        return error.read(4096).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return ""


def retry_after_seconds(value: str | None, *, now: Callable[[], float] = time.time) -> float | None:
    """A Retry-After header in seconds from now: delay-seconds or an HTTP date; None when absent or unreadable."""
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - now()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


@dataclass(frozen=True)
class Failure:
    """What went wrong with one request, and whether another attempt may help."""

    kind: FailureKind
    detail: str
    status: int | None = None
    retry_after: float | None = None

    @property
    def retryable(self) -> bool:
        """Timeouts, 429, 5xx and dropped connections are worth another try; a refusal or garbage is not."""
        return self.kind in ("timeout", "rate_limited", "server", "unavailable")


def _http_failure(error: AdapterHTTPError, now: Callable[[], float]) -> Failure:
    status = int(error.status_code)
    reason = f"HTTP {status} {http.client.responses.get(status, '')}".strip()
    retry_after = retry_after_seconds((error.headers or {}).get("retry-after"), now=now)
    if status == 429:
        return Failure("rate_limited", reason, status, retry_after)
    if status == 408:
        return Failure("timeout", reason, status, retry_after)
    if status >= 500:
        return Failure("server", reason, status, retry_after)
    if status == 403:
        return Failure("refused", f"{reason} (does the service accept our user agent? set INCIDENT_MAP_USER_AGENT)")
    body = _snippet(error.text or "")
    return Failure("refused", f"{reason}: {body}" if body else reason, status)


def classify(error: BaseException, *, now: Callable[[], float] = time.time) -> Failure | None:
    """Sort an exception from a geopy call into a Failure; None for an exception that is not a service failure."""
    if isinstance(error, AdapterHTTPError):
        return _http_failure(error, now)
    if isinstance(error.__cause__, AdapterHTTPError):
        return _http_failure(error.__cause__, now)
    if isinstance(error, geopy_exc.GeocoderRateLimited):
        return Failure("rate_limited", str(error) or "rate limited", None, error.retry_after)
    if isinstance(error, geopy_exc.GeocoderTimedOut):
        return Failure("timeout", str(error) or "timed out")
    if isinstance(error, geopy_exc.GeocoderUnavailable):
        return Failure("unavailable", str(error) or "service unavailable")
    if isinstance(error, geopy_exc.GeocoderParseError):
        return Failure("bad_response", str(error) or "unreadable answer")
    if isinstance(error, geopy_exc.GeopyError):
        return Failure("refused", f"{type(error).__name__}: {error}")
    if isinstance(error, (KeyError, IndexError, TypeError, ValueError, AttributeError)):
        return Failure("bad_response", f"unexpected answer ({type(error).__name__}: {_snippet(str(error))})")
    return None
