"""Reminder controls in the daily DM and the Home tab: skip today, remind me tomorrow, pause until, my time."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App

from bot.views.reminder_controls import CONTROLS, apply_control
from handlers.call import Call
from handlers.common import redraw, tell
from storage.db import session_scope

CONTROL = re.compile("^(" + "|".join(re.escape(c) for c in CONTROLS) + ")$")


def chosen_value(action: dict[str, Any]) -> str | None:
    """What the person picked: a button's value, a date or a time."""
    return action.get("selected_date") or action.get("selected_time") or action.get("value")


def handle_reminder_control(ack: Ack, action: dict[str, Any], call: Call) -> None:
    """Store the person's choice; answer privately in a DM, or draw the Home tab again with the new status."""
    ack()
    in_home = call.surface.name == "home"
    call.remember()
    with session_scope(call.engine) as session:
        answer = apply_control(
            session=session,
            settings=call.settings,
            team_id=call.team_id,
            user_id=call.user_id,
            control=action["action_id"],
            value=chosen_value(action),
            now=call.now,
            source="slack:home" if in_home else "slack:dm",
        )
    if in_home:  # the Home tab has no ephemeral messages: its status line, on its first page, is the answer
        redraw(call, call.surface.showing("home", 1))
    else:
        tell(call, answer)


def register(app: App) -> None:
    app.action(CONTROL)(handle_reminder_control)
