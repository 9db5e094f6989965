"""`python -m bot socket`: Socket Mode with the app-level token, or a clear word about what is missing."""

from __future__ import annotations

from typing import Any

import pytest

from bot.cli.main import main
from bot.config import get_settings
from tests.conftest import SEED
from tests.e2e import TOKEN
from tests.fake_slack import FakeSlack


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> pytest.MonkeyPatch:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DELIVERABLES_FILE", str(SEED))
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_socket_needs_an_app_token(env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    env.setenv("SLACK_BOT_TOKEN", TOKEN)
    assert main(["socket"]) == 2
    assert "SLACK_APP_TOKEN" in capsys.readouterr().err


def test_socket_connects_the_app_with_the_app_token(env: pytest.MonkeyPatch) -> None:
    started: dict[str, Any] = {}

    class Handler:
        def __init__(self, app: Any, app_token: str) -> None:
            started["app"], started["token"] = app, app_token

        def start(self) -> None:
            started["running"] = True

    with FakeSlack(token=TOKEN) as slack:
        env.setenv("SLACK_BOT_TOKEN", TOKEN)
        env.setenv("SLACK_APP_TOKEN", "xapp-1-A0APP-123-abc")
        env.setenv("SLACK_API_URL", slack.url)
        env.setattr("slack_bolt.adapter.socket_mode.SocketModeHandler", Handler)
        assert main(["socket"]) == 0
        assert started["running"] and started["token"] == "xapp-1-A0APP-123-abc"
        assert any(listener for listener in started["app"]._listeners)  # the same app as over HTTP
        assert slack.calls_to("auth.test")[-1].ok  # the bot token was checked before connecting


def test_a_refused_bot_token_stops_with_its_reason(env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with FakeSlack(token=TOKEN) as slack:
        env.setenv("SLACK_BOT_TOKEN", "xoxb-wrong")
        env.setenv("SLACK_SIGNING_SECRET", "s")
        env.setenv("SLACK_API_URL", slack.url)
        assert main(["serve"]) == 2
        err = capsys.readouterr().err
        assert "invalid_auth" in err and "xoxb-wrong" not in err
