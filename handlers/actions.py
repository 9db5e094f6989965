"""Buttons and checkboxes: ticks, and paging through a long checklist."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App

from bot.i18n import t
from bot.tracking.ticks import TickResult, apply_click
from bot.views.blocks import parse_tick_action_id
from handlers.call import Call, Surface
from handlers.common import redraw, tell
from storage.db import session_scope

log = logging.getLogger("deliverables.actions")

TICK = re.compile(r"^(tick|today):")


def source_of(surface: Surface) -> str:
    """Where a tick was made, as the audit trail names it."""
    return "slack:dm" if surface.name == "reminder" else f"slack:{surface.name.split(':')[0]}"


def handle_tick(ack: Ack, action: dict[str, Any], call: Call) -> None:
    """Store a tick (only the item clicked) and draw the message or view again in place."""
    ack()
    parsed = parse_tick_action_id(action["action_id"])
    if parsed is None:
        return
    selected = {int(o["value"]) for o in action.get("selected_options") or [] if str(o.get("value", "")).isdigit()}
    with session_scope(call.engine) as session:
        result = apply_click(
            session=session,
            team_id=call.team_id,
            user_id=call.user_id,
            action=parsed,
            selected=selected,
            is_admin=call.is_admin,
            source=source_of(call.surface),
        )
    outcome = "ok" if result.allowed else "denied"
    log.info("tick", extra={"kind": "tick", "user": call.user_id, "changed": len(result.changed), "outcome": outcome})
    if not result.allowed or result.gone:
        tell(call, refusal(result, call.lang))
    # Draw again even when nothing changed: the person's client shows their click until we do.
    redraw(call, call.surface)


def refusal(result: TickResult, lang: str) -> str:
    """Why a click changed nothing: its item is gone, or it belongs to someone else."""
    if result.gone:
        return t("tick.gone", lang)
    return t("tick.not_owner", lang, title=result.denied_title or "", owners=", ".join(result.denied_owners))


def handle_page(ack: Ack, action: dict[str, Any], call: Call) -> None:
    """Show another page of a long checklist, in place."""
    ack()
    # The pager's value names the list and the page to show ("mine|2"); its block is not prefixed like the others.
    name, _, page = str(action.get("value", "mine|1")).rpartition("|")
    redraw(call, call.surface.showing(name or "mine", int(page) if page.isdigit() else 1))


def register(app: App) -> None:
    app.action(TICK)(handle_tick)
    app.action("page")(handle_page)
