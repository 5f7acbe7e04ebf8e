"""One request policy for every web service we call (the online geocoders, Overpass): wait for the rate limiter's
slot, retry timeouts, HTTP 429 and 5xx with exponential backoff or the server's Retry-After, give up on the rest."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from .online_http import Failure, classify
from .online_limit import RateLimiter

__all__ = ["RetryPolicy", "RetriesExhausted", "with_retries"]

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to try: `max_attempts` in all, waiting `backoff_s` × 2^n, or a Retry-After up to
    `max_retry_after_s` (a longer one gives up at once)."""

    max_attempts: int = 3
    backoff_s: float = 1.0
    max_retry_after_s: float = 60.0


class RetriesExhausted(Exception):
    """The last failure and how many attempts were made (the caller turns it into its own error)."""

    def __init__(self, failure: Failure, attempts: int) -> None:
        super().__init__(failure.detail)
        self.failure = failure
        self.attempts = attempts


def with_retries(
    call: Callable[[], T],
    *,
    limiter: RateLimiter,
    policy: RetryPolicy,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], float] = time.time,
    label: str = "request",
) -> T:
    """`call()`'s answer; RetriesExhausted when every attempt failed; an exception that is no service failure
    (see `online_http.classify`) propagates as it is."""
    failure: Failure | None = None
    attempt = 0
    for attempt in range(1, max(1, policy.max_attempts) + 1):
        limiter.wait()
        try:
            return call()
        except Exception as exc:
            failure = classify(exc, now=now)
            if failure is None:
                raise
        if not failure.retryable or attempt == policy.max_attempts:
            break
        delay = policy.backoff_s * 2 ** (attempt - 1)
        if failure.retry_after is not None:
            if failure.retry_after > policy.max_retry_after_s:
                break
            delay = max(delay, failure.retry_after)
        log.info("%s: %s; retrying in %.1f s", label, failure.detail, delay)
        if failure.kind == "rate_limited":
            limiter.defer(delay)  # the server's wait holds for the other runs on this machine too
        sleep(delay)
    assert failure is not None
    raise RetriesExhausted(failure, attempt)
