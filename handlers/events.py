"""Events: the Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from handlers.call import Call
from handlers.common import redraw


def handle_app_home_opened(event: dict[str, Any], call: Call) -> None:
    """Publish the person's checklist and the team's progress when they open the Home tab."""
    if event.get("tab", "home") != "home":
        return
    redraw(call, call.surface)


def register(app: App) -> None:
    app.event("app_home_opened")(handle_app_home_opened)
