"""Events: the Home tab."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.config import Settings
from handlers.common import publish_home


def handle_app_home_opened(
    event: dict[str, Any], client: WebClient, engine: Engine, settings: Settings, team_id: str, now: datetime
) -> None:
    """Publish the person's checklist and the team's progress when they open the Home tab."""
    if event.get("tab", "home") != "home":
        return
    publish_home(client=client, engine=engine, settings=settings, team_id=team_id, user_id=event["user"], now=now)


def register(app: App) -> None:
    app.event("app_home_opened")(handle_app_home_opened)
