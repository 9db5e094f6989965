"""Slack listeners, thin: ack, call bot/ and storage/, respond. One module per surface."""

from __future__ import annotations

from slack_bolt import App


def register(app: App) -> None:
    """Register every surface's listeners on the app."""
    from handlers import actions, commands, events, reminders, views

    commands.register(app)
    actions.register(app)
    events.register(app)
    views.register(app)
    reminders.register(app)
