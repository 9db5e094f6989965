"""Slack listeners, thin: ack, do the work in bot/ and storage/, answer. One module per surface."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_bolt import App
from sqlalchemy.engine import Engine

from bot.config import Settings
from handlers import actions, commands, events, reminders, views
from handlers.call import call_middleware


def register(app: App, settings: Settings, *, engine: Engine, clock: Callable[[], datetime]) -> None:
    """Hand every listener its request's `Call`, and register every surface's listeners on the app."""
    app.middleware(call_middleware(settings=settings, engine=engine, clock=clock))
    commands.register(app)
    actions.register(app)
    events.register(app)
    views.register(app)
    reminders.register(app)
