"""What every surface answers with: drawing again where the person looks, and telling them something privately."""

from __future__ import annotations

import logging

from slack_bolt import Respond
from slack_sdk.errors import SlackApiError

from bot.views import checklists
from bot.views.blocks import Page
from handlers.call import Call, Surface
from storage.db import read_scope

log = logging.getLogger("deliverables.handlers")


def redraw(call: Call, surface: Surface, *, keep_emptied: bool = False) -> None:
    """Draw a surface again in place: the Home tab (views.update, else views.publish), a message in a channel or
    DM (chat.update), or an ephemeral reply (its response_url).

    A reminder left with nothing open is replaced by the person's checklist, since their client shows their
    click until the message changes; with `keep_emptied` (after a form, where nothing waits) it stays as it is.
    """
    if surface.name == "home":
        _publish_home(call, surface)
        return
    if not surface.drawn_again:
        return  # a command's answer, or a form opened from one: nothing of ours on screen
    drawn = _draw(call, surface.name, surface.page)
    if drawn is None:
        if keep_emptied:
            return
        drawn = _draw(call, "mine", 1)
        assert drawn is not None  # only reminders come back empty
    if surface.ts and surface.channel:
        call.client.chat_update(channel=surface.channel, ts=surface.ts, blocks=drawn.blocks, text=drawn.text)
    elif surface.response_url:
        reply = Respond(response_url=surface.response_url, proxy=call.client.proxy, ssl=call.client.ssl)
        reply(blocks=drawn.blocks, text=drawn.text, replace_original=True, response_type="ephemeral")


def _draw(call: Call, name: str, page: int) -> Page | None:
    with read_scope(call.engine) as session:
        return checklists.draw(
            name,
            session=session,
            settings=call.settings,
            team_id=call.team_id,
            user_id=call.user_id,
            now=call.now,
            page=page,
        )


def _publish_home(call: Call, surface: Surface) -> None:
    """Views.update on the open Home tab when we know it, views.publish otherwise."""
    call.remember()  # opening the Home tab may be the first we hear of someone
    with read_scope(call.engine) as session:
        view = checklists.home_view(
            session=session,
            settings=call.settings,
            team_id=call.team_id,
            user_id=call.user_id,
            now=call.now,
            page=surface.page,
        )
    if surface.view_id:
        try:
            call.client.views_update(view_id=surface.view_id, hash=surface.view_hash, view=view)
            return
        except SlackApiError as exc:  # a newer draw won the race, or the view is gone: publish fresh
            log.info("views.update refused, publishing", extra={"error": exc.response.get("error")})
    call.client.views_publish(user_id=call.user_id, view=view)


def tell(call: Call, text: str) -> None:
    """Tell the caller something only they see, wherever they clicked."""
    body = call.body
    if body.get("response_url") and call.respond is not None:
        call.respond(text=text, response_type="ephemeral", replace_original=False)
        return
    channel = (body.get("channel") or {}).get("id") or body.get("container", {}).get("channel_id")
    if channel:
        call.client.chat_postEphemeral(channel=channel, user=call.user_id, text=text)
    else:  # the Home tab has no channel: a DM is the only private place
        call.client.chat_postMessage(channel=call.user_id, text=text)
