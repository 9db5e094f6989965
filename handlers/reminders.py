"""Reminder controls in the daily DM and the Home tab: skip today, remind me tomorrow, pause until, my time."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.tracking.people import remember_person
from bot.views.reminder_controls import CONTROLS, apply_control
from handlers.common import redraw, tell
from storage.db import session_scope

CONTROL = re.compile("^(" + "|".join(re.escape(c) for c in CONTROLS) + ")$")


def chosen_value(action: dict[str, Any]) -> str | None:
    """What the person picked: a button's value, a date or a time."""
    return action.get("selected_date") or action.get("selected_time") or action.get("value")


def handle_reminder_control(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    engine: Engine,
    settings: Settings,
    team_id: str,
    now: datetime,
) -> None:
    """Store the person's choice; answer privately in a DM, or draw the Home tab again with the new status."""
    ack()
    user_id = body["user"]["id"]
    in_home = body.get("container", {}).get("type") == "view"
    remember_person(client=client, engine=engine, team_id=team_id, user_id=user_id, now=now)
    with session_scope(engine) as session:
        answer = apply_control(
            session=session,
            settings=settings,
            team_id=team_id,
            user_id=user_id,
            control=action["action_id"],
            value=chosen_value(action),
            now=now,
            source="slack:home" if in_home else "slack:dm",
        )
    if in_home:  # the Home tab has no ephemeral messages: its status line is the answer
        redraw(
            body=body,
            client=client,
            respond=respond,
            engine=engine,
            settings=settings,
            team_id=team_id,
            user_id=user_id,
            now=now,
            surface="home",
            page=1,
        )
    else:
        tell(client=client, respond=respond, body=body, user_id=user_id, text=answer)


def register(app: App) -> None:
    app.action(CONTROL)(handle_reminder_control)
