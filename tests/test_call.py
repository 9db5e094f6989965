"""The request's `Call`: built once by a middleware, handed to listeners by name; and where a request came from."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from unittest.mock import MagicMock
from urllib.parse import urlencode

from slack_bolt import Ack, App
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.slack.client import CountingWebClient
from handlers.call import Call, Surface, call_middleware, surface_of
from handlers.common import redraw
from tests.jobs_support import load_team
from tests.slack_signing import (
    app_home_opened_event,
    block_actions_payload,
    button_action,
    message_container,
    view_container,
)

NOW = datetime(2025, 12, 8, 10, 0, tzinfo=UTC)
URL = "https://hooks.slack.invalid/response"


def click(container: dict[str, Any], block_id: str = "mine|2|a:12:0", **extra: Any) -> dict[str, Any]:
    return block_actions_payload("U1", [button_action("tick:1", block_id, "1")], container, **extra)


def test_a_click_in_a_message_is_drawn_again_with_chat_update() -> None:
    surface = surface_of(click(message_container("D1", "1.5"), response_url=URL))
    assert surface == Surface("mine", 2, channel="D1", ts="1.5")


def test_a_click_in_an_ephemeral_reply_is_drawn_again_through_its_response_url() -> None:
    surface = surface_of(click(message_container("C1", "1.5", is_ephemeral=True), "role:sre|1|a:3:0", response_url=URL))
    assert surface == Surface("role:sre", 1, channel="C1", response_url=URL)


def test_a_click_in_the_home_tab_knows_the_open_view() -> None:
    view = {"id": "V1", "hash": "h1", "type": "home"}
    surface = surface_of(click(view_container("V1"), "home|3|a:12:0", view=view))
    assert surface == Surface("home", 3, view_id="V1", view_hash="h1")
    assert surface.showing("mine", 1) == Surface("home", 1, view_id="V1", view_hash="h1")  # the tab stays the tab


def test_a_click_inside_a_form_comes_from_where_the_form_was_opened() -> None:
    origin = Surface("reminder", 1, channel="D1", ts="1.5").origin()
    view = {"id": "V2", "type": "modal", "private_metadata": json.dumps({"deliverable": 7, **origin})}
    assert surface_of(click(view_container("V2"), "x", view=view)) == Surface("reminder", 1, channel="D1", ts="1.5")


def test_a_form_submission_comes_from_its_origin() -> None:
    origin = Surface("mine", 2, channel="C1", response_url=URL).origin()
    body = {"type": "view_submission", "view": {"private_metadata": json.dumps({"deliverable": 7, **origin})}}
    assert surface_of(body) == Surface("mine", 2, channel="C1", response_url=URL)


def test_commands_and_the_home_tab_event() -> None:
    command = surface_of({"command": "/deliverables", "channel_id": "C9"})
    assert command == Surface("command", channel="C9") and not command.drawn_again
    assert surface_of({"type": "event_callback", "event": app_home_opened_event("U1")}) == Surface("home")


def test_the_middleware_builds_one_call_that_listeners_ask_for_by_name(settings: Settings, engine: Engine) -> None:
    seen: list[Call] = []
    app = App(
        signing_secret="s",
        request_verification_enabled=False,
        process_before_response=True,
        authorize=lambda **_: AuthorizeResult(enterprise_id=None, team_id="TOTHER", bot_token="xoxb-x"),
    )
    app.middleware(call_middleware(settings=settings, engine=engine, clock=lambda: NOW))

    def listener(ack: Ack, call: Call) -> None:
        ack()
        seen.append(call)

    app.command("/deliverables")(listener)
    for user in ("UADMIN", "U2"):
        fields = {"team_id": "TOTHER", "user_id": user, "command": "/deliverables", "channel_id": "C1", "text": ""}
        fields["response_url"] = URL
        request = BoltRequest(body=urlencode(fields), headers={"content-type": ["application/x-www-form-urlencoded"]})
        assert app.dispatch(request).status == 200
    admin, other = seen
    # One workspace: its plan is TEAM_ID's, whatever team the request names.
    assert (admin.team_id, admin.user_id, admin.is_admin, admin.now) == (settings.team_id, "UADMIN", True, NOW)
    assert (other.user_id, other.is_admin) == ("U2", False)
    assert isinstance(admin.client, CountingWebClient) and admin.client.token == "xoxb-x"  # counted, this workspace's
    assert admin.respond is not None and admin.respond.response_url == URL
    assert admin.group_sync is other.group_sync  # one per app: it keeps when user groups were last read
    assert admin.surface == Surface("command", channel="C1")


def test_an_emptied_reminder_becomes_the_checklist_after_a_click_and_stays_after_a_form(
    settings: Settings, engine: Engine
) -> None:
    load_team(engine)
    client = MagicMock(spec=WebClient, proxy=None, ssl=None)
    call = Call(settings=settings, engine=engine, team_id="T0LOCAL", user_id="UNOBODY", now=NOW, body={}, client=client)
    reminder = Surface("reminder", 1, channel="D1", ts="1.5")
    redraw(call, reminder, keep_emptied=True)
    assert not client.chat_update.called  # nothing waits on the message: the reminder stays as it was
    redraw(call, reminder)
    assert client.chat_update.call_args.kwargs["channel"] == "D1" and client.chat_update.call_args.kwargs["ts"] == "1.5"
    redraw(call, Surface("command", channel="C1"))
    assert client.chat_update.call_count == 1  # a command's answer has nothing of ours to draw again
