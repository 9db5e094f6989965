"""What several surfaces share: the reader's language, redrawing a surface, telling someone privately."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.tracking.people import remember_person
from bot.views import checklists, read
from storage.db import read_scope

log = logging.getLogger("deliverables.handlers")


def reader_language(
    *, engine: Engine, client: WebClient, settings: Settings, team_id: str, user_id: str, now: datetime
) -> str:
    """The language this person reads, asking Slack about them if we never did."""
    remember_person(client=client, engine=engine, team_id=team_id, user_id=user_id, now=now)
    return known_language(engine=engine, settings=settings, team_id=team_id, user_id=user_id, now=now)


def known_language(*, engine: Engine, settings: Settings, team_id: str, user_id: str, now: datetime) -> str:
    """The language this person reads, from what we know of them (`reader_language` asks Slack first)."""
    with read_scope(engine) as session:
        return read.language(session=session, settings=settings, team_id=team_id, user_id=user_id, now=now)


def publish_home(
    *,
    client: WebClient,
    engine: Engine,
    settings: Settings,
    team_id: str,
    user_id: str,
    now: datetime,
    page: int = 1,
    view_id: str | None = None,
    view_hash: str | None = None,
) -> None:
    """Draw the Home tab again: views.update on the open view when we know it, views.publish otherwise."""
    remember_person(client=client, engine=engine, team_id=team_id, user_id=user_id, now=now)
    with read_scope(engine) as session:
        view = checklists.home_view(
            session=session, settings=settings, team_id=team_id, user_id=user_id, now=now, page=page
        )
    if view_id:
        try:
            client.views_update(view_id=view_id, hash=view_hash, view=view)
            return
        except SlackApiError as exc:  # a newer draw won the race, or the view is gone: publish fresh
            log.info("views.update refused, publishing", extra={"error": exc.response.get("error")})
    client.views_publish(user_id=user_id, view=view)


def redraw_message(
    *,
    body: dict[str, Any],
    client: WebClient,
    respond: Any,
    engine: Engine,
    settings: Settings,
    team_id: str,
    user_id: str,
    now: datetime,
    surface: str,
    page: int,
) -> None:
    """Draw a message surface again in place: chat.update for a DM, the response_url for an ephemeral reply."""
    with read_scope(engine) as session:
        drawn = checklists.draw(
            surface, session=session, settings=settings, team_id=team_id, user_id=user_id, now=now, page=page
        )
    container = body.get("container", {})
    if drawn is None:  # a reminder whose last item was just ticked: nothing left to show
        with read_scope(engine) as session:
            drawn = checklists.draw(
                "mine", session=session, settings=settings, team_id=team_id, user_id=user_id, now=now
            )
        assert drawn is not None
    if container.get("is_ephemeral") or not container.get("message_ts"):
        respond(blocks=drawn.blocks, text=drawn.text, replace_original=True, response_type="ephemeral")
    else:
        client.chat_update(
            channel=container["channel_id"], ts=container["message_ts"], blocks=drawn.blocks, text=drawn.text
        )


def tell(*, client: WebClient, respond: Any, body: dict[str, Any], user_id: str, text: str) -> None:
    """Tell one person something only they see, wherever they clicked."""
    if body.get("response_url") and respond is not None:
        respond(text=text, response_type="ephemeral", replace_original=False)
        return
    channel = (body.get("channel") or {}).get("id") or body.get("container", {}).get("channel_id")
    if channel:
        client.chat_postEphemeral(channel=channel, user=user_id, text=text)
    else:  # the Home tab has no channel: a DM is the only private place
        client.chat_postMessage(channel=user_id, text=text)


def redraw_origin(
    *,
    client: WebClient,
    engine: Engine,
    settings: Settings,
    team_id: str,
    user_id: str,
    now: datetime,
    origin: dict[str, Any],
) -> None:
    """After a modal, draw again the surface its button was on: the Home tab, a DM, or an ephemeral reply."""
    surface, page = str(origin.get("surface") or ""), int(origin.get("page") or 1)
    if surface == "home":
        publish_home(
            client=client, engine=engine, settings=settings, team_id=team_id, user_id=user_id, now=now, page=page
        )
        return
    if surface not in ("mine", "reminder") and not surface.startswith("role:"):
        return  # opened from a slash command: there is nothing on screen to redraw
    with read_scope(engine) as session:
        drawn = checklists.draw(
            surface, session=session, settings=settings, team_id=team_id, user_id=user_id, now=now, page=page
        )
    if drawn is None:
        return
    if origin.get("ts") and origin.get("channel"):
        client.chat_update(channel=origin["channel"], ts=origin["ts"], blocks=drawn.blocks, text=drawn.text)
    elif origin.get("response_url"):
        from slack_sdk.webhook import WebhookClient

        WebhookClient(origin["response_url"]).send(
            blocks=drawn.blocks, text=drawn.text, replace_original=True, response_type="ephemeral"
        )


def redraw(
    *,
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    engine: Engine,
    settings: Settings,
    team_id: str,
    user_id: str,
    now: datetime,
    surface: str,
    page: int,
) -> None:
    """Draw again whatever was clicked: the Home tab (views.update), a DM or an ephemeral reply."""
    if body.get("container", {}).get("type") == "view" or surface == "home":
        view = body.get("view") or {}
        publish_home(
            client=client,
            engine=engine,
            settings=settings,
            team_id=team_id,
            user_id=user_id,
            now=now,
            page=page,
            view_id=view.get("id"),
            view_hash=view.get("hash"),
        )
    else:
        redraw_message(
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
