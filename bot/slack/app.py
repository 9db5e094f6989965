"""The Slack app factory: a Bolt App wired to the database, the clock and the handlers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

import handlers
from bot.config import Settings
from bot.i18n import t
from bot.slack.client import slack_client

log = logging.getLogger("deliverables.app")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(
    settings: Settings, *, engine: Engine, client: WebClient | None = None, clock: Clock = utc_now, **bolt: Any
) -> App:
    """Create and configure the Slack app: one error handler, a `Call` for each request, every surface's listeners."""
    signing_secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    if settings.multi_workspace:
        from bot.slack.oauth import oauth_settings

        # Each request gets its workspace's bot token from the installation store.
        bolt = {"oauth_settings": oauth_settings(settings, engine), **bolt}
        client = client or slack_client(settings, token="")
    app = App(
        client=client or slack_client(settings),
        signing_secret=signing_secret,
        token_verification_enabled=False,
        raise_error_for_unhandled_request=False,
        request_verification_enabled=signing_secret is not None,
        **bolt,
    )
    app.error(error_handler(settings))
    handlers.register(app, settings, engine=engine, clock=clock)
    return app


def error_handler(settings: Settings) -> Callable[[Exception, dict[str, Any], BoltContext], None]:
    """The app's one error handler: log once, and tell the person something went wrong without a trace."""

    def on_error(error: Exception, body: dict[str, Any], context: BoltContext) -> None:
        kind = body.get("type") or body.get("command") or (body.get("event") or {}).get("type")
        log.error("listener failed", exc_info=error, extra={"kind": kind, "outcome": "error"})
        respond = context.respond
        if respond is None:
            return
        try:
            # The reader's language may be what failed to load: say it in the configured one, else in both.
            fixed = settings.language if settings.language != "auto" else None
            text = t("error.generic", fixed) if fixed else f"{t('error.generic', 'es')}\n{t('error.generic', 'en')}"
            respond(text=text, response_type="ephemeral", replace_original=False)
        except Exception:  # the error reply is best effort; the error itself is already logged
            log.warning("could not tell the user about an error", extra={"outcome": "error"})

    return on_error
