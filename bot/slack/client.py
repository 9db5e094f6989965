"""The Web API client: retries 429 (after Retry-After), 5xx and dropped connections, and counts every call."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import HttpRequest, HttpResponse, RetryState
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings
from bot.metrics import SLACK_CALLS

RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})


def _method(request: HttpRequest) -> str:
    return request.url.rstrip("/").rsplit("/", 1)[-1].split("?")[0]


class _Counted:
    """Count each retry the handler below it in the MRO agrees to, as `outcome`, by Web API method."""

    outcome = "retry"

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        retry = super()._can_retry(state=state, request=request, response=response, error=error)  # type: ignore[misc]
        if retry:
            SLACK_CALLS.labels(_method(request), self.outcome).inc()
        return bool(retry)


class CountedRateLimitRetry(_Counted, RateLimitErrorRetryHandler):
    """Wait Retry-After on a 429 and try again, counting it."""

    outcome = "ratelimited"


class _AnyServerError(ServerErrorRetryHandler):
    """Any 5xx Slack answers (slack_sdk's own handler knows only 500 and 503)."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code in RETRYABLE_STATUSES


class CountedServerErrorRetry(_Counted, _AnyServerError):
    """Back off and try again on any 5xx, counting it."""


class CountedConnectionRetry(_Counted, ConnectionErrorRetryHandler):
    """Try again when the connection drops, counting it."""


def retry_handlers() -> list[Any]:
    return [
        CountedConnectionRetry(max_retry_count=2),
        CountedRateLimitRetry(max_retry_count=5),
        CountedServerErrorRetry(max_retry_count=3),
    ]


class CountingWebClient(WebClient):
    """A WebClient that counts each call's final outcome (ok / error) per method."""

    def api_call(self, api_method: str, **kwargs: Any) -> Any:
        try:
            response = super().api_call(api_method, **kwargs)
        except SlackApiError:
            SLACK_CALLS.labels(api_method, "error").inc()
            raise
        except OSError:
            SLACK_CALLS.labels(api_method, "error").inc()
            raise
        SLACK_CALLS.labels(api_method, "ok").inc()
        return response


def counting_copy(client: WebClient) -> CountingWebClient:
    """The same client (token, URL, retries), counting its calls."""
    return CountingWebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        headers=client.headers,
        team_id=client.default_params.get("team_id"),  # set by Bolt for each request
        logger=client.logger,
        retry_handlers=client.retry_handlers,
    )


def slack_client(settings: Settings, token: str | None = None) -> WebClient:
    """A Web API client for SLACK_API_URL that waits out 429s (Retry-After) and retries 5xx and dropped connections."""
    secret = token or (settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None)
    return CountingWebClient(token=secret, base_url=settings.slack_api_url, timeout=10, retry_handlers=retry_handlers())
