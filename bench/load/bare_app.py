"""The baseline of the load benchmark: a Bolt app that only acknowledges, served exactly like ours.

`python -m bench.load.bare_app` reads the same environment as `python -m bot serve` (PORT, SLACK_SIGNING_SECRET,
WEB_CONCURRENCY, LOG_FORMAT...) and runs the same gunicorn server (gthread workers, same threads) with the
same WSGI wrapper (signature check by Bolt, metrics, one log line per request). Its listeners do nothing but
ack: whatever our app takes beyond it is the cost of our own work.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App

from bot.config import Settings, load_settings
from bot.slack.server import WsgiApp


def create_bare_app(settings: Settings) -> App:
    """A Bolt app with one listener per kind of request the benchmark sends, each only acking."""
    from bot.slack.client import slack_client

    assert settings.slack_signing_secret is not None, "SLACK_SIGNING_SECRET is needed"
    app = App(  # built like ours: the same Web API client (SLACK_API_URL), the same Bolt options
        client=slack_client(settings),
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        token_verification_enabled=False,
        raise_error_for_unhandled_request=False,
    )

    def just_ack(ack: Ack) -> None:
        ack()

    app.command(re.compile(".*"))(just_ack)
    app.action(re.compile(".*"))(just_ack)
    app.view(re.compile(".*"))(just_ack)
    app.event(re.compile(".*"))(just_ack)
    return app


def build_bare(settings: Any) -> WsgiApp:
    """What each gunicorn worker serves: the bare app behind our WSGI wrapper (an in-memory database for /healthz)."""
    from storage.db import make_engine

    return WsgiApp(create_bare_app(settings), make_engine("sqlite://"))


def main() -> None:
    from bot.cli.runtime import prepare_metrics_dir
    from bot.logs import configure_logging

    prepare_metrics_dir()
    settings = load_settings()
    configure_logging(settings)
    from bot.slack.server import serve

    serve(settings, build=build_bare)


if __name__ == "__main__":
    main()
