"""Each retry the Web API client makes is counted by method and reason, so /metrics shows 429s and 5xx apart."""

from __future__ import annotations

from slack_sdk.http_retry import HttpRequest, HttpResponse, RetryState

from bot.metrics import SLACK_CALLS
from bot.slack.client import CountedConnectionRetry, CountedRateLimitRetry, CountedServerErrorRetry


def _count(method: str, outcome: str) -> float:
    return SLACK_CALLS.labels(method, outcome)._value.get()


def _request() -> HttpRequest:
    return HttpRequest(method="POST", url="https://slack.test/api/chat.postMessage", headers={}, body_params={})


def test_a_429_a_502_and_a_dropped_connection_are_retried_and_counted_apart() -> None:
    state = RetryState()
    limited = HttpResponse(status_code=429, headers={"retry-after": ["0"]}, body={}, data=b"")
    bad_gateway = HttpResponse(status_code=502, headers={}, body={}, data=b"")
    before = _count("chat.postMessage", "ratelimited"), _count("chat.postMessage", "retry")

    assert CountedRateLimitRetry(max_retry_count=2).can_retry(state=state, request=_request(), response=limited)
    assert CountedServerErrorRetry(max_retry_count=2).can_retry(state=state, request=_request(), response=bad_gateway)
    dropped = ConnectionResetError("reset")
    assert CountedConnectionRetry(max_retry_count=2).can_retry(state=state, request=_request(), error=dropped)
    ok = HttpResponse(status_code=200, headers={}, body={}, data=b"")
    assert not CountedServerErrorRetry(max_retry_count=2).can_retry(state=state, request=_request(), response=ok)

    after = _count("chat.postMessage", "ratelimited"), _count("chat.postMessage", "retry")
    assert (after[0] - before[0], after[1] - before[1]) == (1, 2)
