"""Commands that talk to Slack: serve, socket."""

from __future__ import annotations

import argparse
import logging

from slack_sdk.errors import SlackApiError

from bot.cli.main import COMMANDS, UsageError, command
from bot.config import Settings

log = logging.getLogger("deliverables")


def check_slack(settings: Settings, *, need_signing_secret: bool) -> None:
    """Refuse to start without the tokens Slack needs, and say which one is missing or wrong."""
    if settings.slack_bot_token is None:
        raise UsageError("cli.no_bot_token")
    if need_signing_secret and settings.slack_signing_secret is None:
        raise UsageError("cli.no_signing_secret")
    from bot.slack.client import slack_client

    try:
        who = slack_client(settings).auth_test()
        log.info("connected to Slack", extra={"team": who.get("team"), "bot": who.get("user")})
    except SlackApiError as exc:
        raise UsageError("cli.token_refused", error=exc.response.get("error")) from None
    except OSError as exc:
        log.warning("Slack not reachable at start; going on", extra={"error": type(exc).__name__})


@command("serve")
def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Run the production HTTP server on $PORT: POST /slack/events, GET /healthz, GET /metrics."""
    from bot.cli.runtime import prepare_metrics_dir

    prepare_metrics_dir()  # before anything imports prometheus_client, so workers share their counters
    from bot.cli.runtime import import_seed_if_empty, open_database
    from bot.slack.server import serve

    check_slack(settings, need_signing_secret=True)
    engine = open_database(settings)  # migrate once, before the workers fork
    import_seed_if_empty(engine, settings)
    engine.dispose()
    serve(settings)
    return 0


@command("socket")
def cmd_socket(args: argparse.Namespace, settings: Settings) -> int:
    """Connect over Socket Mode (no public URL needed); needs SLACK_APP_TOKEN (xapp-...)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.cli.runtime import import_seed_if_empty, open_database
    from bot.slack.app import create_app

    if settings.slack_app_token is None:
        raise UsageError("cli.no_app_token")
    check_slack(settings, need_signing_secret=False)
    engine = open_database(settings)
    import_seed_if_empty(engine, settings)
    app = create_app(settings, engine=engine)
    SocketModeHandler(app, settings.slack_app_token.get_secret_value()).start()
    return 0


assert "serve" in COMMANDS
