"""Rate limits and injected failures for the fake Slack Web API."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    """A per-minute token bucket; ``take`` answers how many seconds to wait (0 when allowed)."""

    per_minute: float
    burst: int
    retry_after: int | None = None
    tokens: float = field(init=False)
    updated: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.tokens = float(self.burst)

    def take(self, now: float) -> float:
        """Spend one token at fake time ``now``; return the wait in seconds if none is left."""
        if self.updated:
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.per_minute / 60.0)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) * 60.0 / self.per_minute


@dataclass
class Fault:
    """One queued failure: an HTTP status, or an ``ok: false`` error with HTTP 200."""

    status: int = 500
    error: str | None = None
    retry_after: int = 1
    times: int = 1


@dataclass(frozen=True)
class FaultAnswer:
    """What the server sends instead of running the method."""

    status: int
    body: bytes
    content_type: str
    headers: dict[str, str]


SERVER_ERROR_PAGE = b"<html><body><h1>Slack is having trouble</h1></body></html>"


def rate_limited(retry_after: int) -> FaultAnswer:
    """Slack's answer over a rate limit: HTTP 429, ``Retry-After`` and ``ratelimited``."""
    return FaultAnswer(
        429,
        b'{"ok": false, "error": "ratelimited"}',
        "application/json; charset=utf-8",
        {"Retry-After": str(retry_after)},
    )


def server_error(status: int) -> FaultAnswer:
    """A 5xx as Slack's edge sends it: an HTML page, not JSON."""
    return FaultAnswer(status, SERVER_ERROR_PAGE, "text/html; charset=utf-8", {})


class Faults:
    """Rate limits, queued failures and a seeded random 5xx ratio, keyed by method name.

    Not thread-safe on its own: FakeSlack calls it under its lock.
    """

    def __init__(self, *, seed: int = 0, clock: Callable[[], float]) -> None:
        self.buckets: dict[str, TokenBucket] = {}
        self.per_channel: set[str] = set()
        self.queued: dict[str, list[Fault]] = {}
        self.error_rate = 0.0
        self.retry_after_seconds: int | None = None
        self.rng = random.Random(seed)
        self.clock = clock
        self._channel_buckets: dict[tuple[str, str], TokenBucket] = {}

    def set_rate_limit(
        self,
        method: str,
        *,
        per_minute: float,
        burst: int = 1,
        per_channel: bool = False,
        retry_after: int | None = None,
    ) -> None:
        self.buckets[method] = TokenBucket(per_minute, burst, retry_after)
        self._channel_buckets = {k: v for k, v in self._channel_buckets.items() if k[0] != method}
        if per_channel:
            self.per_channel.add(method)
        else:
            self.per_channel.discard(method)

    def fail_next(self, method: str, fault: Fault) -> None:
        self.queued.setdefault(method, []).append(fault)

    def reset(self) -> None:
        self.buckets.clear()
        self.per_channel.clear()
        self.queued.clear()
        self._channel_buckets.clear()
        self.error_rate = 0.0

    def check(self, method: str, channel: str | None) -> FaultAnswer | dict[str, str] | None:
        """Return a fault to answer with (an HTTP answer, or an ``ok: false`` body), or None."""
        queue = self.queued.get(method)
        if queue:
            fault = queue[0]
            fault.times -= 1
            if fault.times <= 0:
                queue.pop(0)
            if fault.error is not None:
                return {"error": fault.error}
            if fault.status == 429:
                return rate_limited(self._retry_after(fault.retry_after))
            return server_error(fault.status)
        if self.error_rate and self.rng.random() < self.error_rate:
            return server_error(self.rng.choice((500, 502, 503, 504)))
        bucket = self._bucket(method, channel)
        if bucket is not None:
            wait = bucket.take(self.clock())
            if wait > 0:
                default = bucket.retry_after if bucket.retry_after is not None else max(1, math.ceil(wait))
                return rate_limited(self._retry_after(default))
        return None

    def _retry_after(self, default: int) -> int:
        return default if self.retry_after_seconds is None else self.retry_after_seconds

    def _bucket(self, method: str, channel: str | None) -> TokenBucket | None:
        template = self.buckets.get(method)
        if template is None or method not in self.per_channel or not channel:
            return template
        key = (method, channel)
        if key not in self._channel_buckets:
            self._channel_buckets[key] = TokenBucket(template.per_minute, template.burst, template.retry_after)
        return self._channel_buckets[key]
