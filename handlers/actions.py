"""Buttons and checkboxes: ticks, paging, and what opens the evidence modal."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.i18n import t
from bot.tracking.ticks import apply_click
from bot.views.blocks import parse_tick_action_id, surface_of_block
from handlers.common import reader_language, redraw, tell
from storage.db import session_scope

log = logging.getLogger("deliverables.actions")

TICK = re.compile(r"^(tick|today):")


def source_of(body: dict[str, Any], surface: str) -> str:
    if body.get("container", {}).get("type") == "view":
        return "slack:home"
    return "slack:dm" if surface == "reminder" else f"slack:{surface.split(':')[0]}"


def handle_tick(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    engine: Engine,
    settings: Settings,
    team_id: str,
    now: datetime,
    is_admin: bool,
) -> None:
    """Store a tick (only the item clicked) and draw the message or view again in place."""
    ack()
    user_id = body["user"]["id"]
    parsed = parse_tick_action_id(action["action_id"])
    if parsed is None:
        return
    surface, page = surface_of_block(action.get("block_id", "")) or ("mine", 1)
    selected = {int(o["value"]) for o in action.get("selected_options") or [] if str(o.get("value", "")).isdigit()}
    with session_scope(engine) as session:
        result = apply_click(
            session=session,
            team_id=team_id,
            user_id=user_id,
            action=parsed,
            selected=selected,
            is_admin=is_admin,
            source=source_of(body, surface),
        )
    log.info(
        "tick",
        extra={
            "kind": "tick",
            "user": user_id,
            "changed": len(result.changed),
            "outcome": "ok" if result.allowed else "denied",
        },
    )
    if not result.allowed or result.gone:
        lang = reader_language(
            engine=engine, client=client, settings=settings, team_id=team_id, user_id=user_id, now=now
        )
        text = (
            t("tick.gone", lang)
            if result.gone
            else t("tick.not_owner", lang, title=result.denied_title or "", owners=", ".join(result.denied_owners))
        )
        tell(client=client, respond=respond, body=body, user_id=user_id, text=text)
    # Draw again even when nothing changed: the person's client shows their click until we do.
    redraw(
        body=body,
        client=client,
        respond=respond,
        engine=engine,
        settings=settings,
        team_id=team_id,
        user_id=user_id,
        now=now,
        surface=surface,
        page=page,
    )


def handle_page(
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
    """Show another page of a long checklist, in place."""
    ack()
    surface, _, page = str(action.get("value", "mine|1")).rpartition("|")
    redraw(
        body=body,
        client=client,
        respond=respond,
        engine=engine,
        settings=settings,
        team_id=team_id,
        user_id=body["user"]["id"],
        now=now,
        surface=surface or "mine",
        page=int(page) if page.isdigit() else 1,
    )


def register(app: App) -> None:
    app.action(TICK)(handle_tick)
    app.action("page")(handle_page)
