"""One request from Slack as every listener reads it: who asks, for which plan, when, from where, and how to answer.

A middleware builds the request's `Call` once, before any listener runs, and puts it into Bolt's context;
a listener asks for it by name, as Bolt hands out every key of its context: `def handle_x(ack: Ack, call: Call)`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from typing import Any

from slack_bolt import BoltContext, Respond
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.slack.client import counting_copy
from bot.tracking.people import GroupSync, remember_person
from bot.views import read
from bot.views.blocks import surface_of_block
from storage.db import read_scope

DRAWN_AGAIN = ("mine", "reminder")  # with `role:<key>` and `home`: the surfaces a request can draw again


@dataclass(frozen=True)
class Surface:
    """Where something the person sees came from, so it can be drawn again in place.

    `name` is `home`, `mine`, `reminder` or `role:<key>`; anything else (`command`, a form's) has nothing
    of ours on screen to draw again.
    """

    name: str
    page: int = 1
    channel: str | None = None
    ts: str | None = None  # a message in a channel or DM: chat.update replaces it
    response_url: str | None = None  # an ephemeral reply: only its response_url replaces it
    view_id: str | None = None  # the Home tab as the person has it open: views.update replaces it
    view_hash: str | None = None

    @property
    def drawn_again(self) -> bool:
        return self.name == "home" or self.name in DRAWN_AGAIN or self.name.startswith("role:")

    def showing(self, name: str, page: int) -> Surface:
        """The same place with another list or page in it; the Home tab stays the Home tab."""
        return replace(self, name=self.name if self.name == "home" else name, page=page)

    def origin(self) -> dict[str, Any]:
        """What a form keeps of where its button was, to draw that surface again once it is submitted."""
        return {
            "channel": self.channel,
            "surface": self.name,
            "page": self.page,
            "ts": self.ts,
            "response_url": self.response_url,
        }

    @classmethod
    def of_origin(cls, origin: dict[str, Any]) -> Surface:
        """Where a form was opened from, as `origin` wrote it into the form."""
        return cls(
            name=str(origin.get("surface") or ""),
            page=int(origin.get("page") or 1),
            channel=origin.get("channel"),
            ts=origin.get("ts"),
            response_url=origin.get("response_url"),
        )


def surface_of(body: dict[str, Any]) -> Surface:
    """Where a request came from: a command's channel, a form's origin, the Home tab, a click's message or tab."""
    if body.get("command"):
        return Surface("command", channel=body.get("channel_id"))
    if body.get("type") == "view_submission":
        return Surface.of_origin(form_metadata(body.get("view") or {}))
    if "event" in body:
        return Surface("home" if body["event"].get("type") == "app_home_opened" else "")
    return clicked(body)


def clicked(body: dict[str, Any]) -> Surface:
    """The surface a button or checkbox was on, from the click's container and its block's id."""
    container = body.get("container", {})
    view = body.get("view") or {}
    if container.get("type") == "view" and view.get("type") == "modal":
        return Surface.of_origin(form_metadata(view))  # a click inside a form: where the form was opened from
    action = (body.get("actions") or [{}])[0]
    name, page = surface_of_block(action.get("block_id", "")) or ("mine", 1)
    if container.get("type") == "view":
        return Surface("home", page, view_id=view.get("id"), view_hash=view.get("hash"))
    ephemeral, ts = bool(container.get("is_ephemeral")), container.get("message_ts")
    return Surface(
        name,
        page,
        channel=container.get("channel_id"),
        ts=None if ephemeral else ts,
        response_url=body.get("response_url") if ephemeral or not ts else None,
    )


def form_metadata(view: dict[str, Any]) -> dict[str, Any]:
    """What a form carries between its opening and its submission."""
    return dict(json.loads(view.get("private_metadata") or "{}"))


@dataclass(eq=False)
class Call:
    """One request from Slack, with what its listener needs to do the work and answer."""

    settings: Settings
    engine: Engine
    team_id: str
    user_id: str
    now: datetime
    body: dict[str, Any]
    client: WebClient
    respond: Respond | None = None
    is_admin: bool = False
    group_sync: GroupSync = field(default_factory=GroupSync)
    _remembered: bool = field(default=False, init=False, repr=False)

    def remember(self) -> None:
        """Know the caller before answering: ask Slack about them (users.info) if we never did; once a request."""
        if not self._remembered:
            remember_person(
                client=self.client, engine=self.engine, team_id=self.team_id, user_id=self.user_id, now=self.now
            )
            self._remembered = True

    @cached_property
    def lang(self) -> str:
        """The caller's language, read when an answer needs it: a checklist, `status` and `blockers` choose it
        with what they read anyway (`read.reader`)."""
        self.remember()
        with read_scope(self.engine) as session:
            return read.language(
                session=session, settings=self.settings, team_id=self.team_id, user_id=self.user_id, now=self.now
            )

    @cached_property
    def surface(self) -> Surface:
        """Where the request came from, read when an answer is drawn there."""
        return surface_of(self.body)


Middleware = Callable[[BoltContext, dict[str, Any], Callable[[], BoltResponse]], BoltResponse]


def call_middleware(*, settings: Settings, engine: Engine, clock: Callable[[], datetime]) -> Middleware:
    """A Bolt middleware that builds each request's `Call` into the context, under the name `call`."""
    group_sync = GroupSync()  # one for the app: it keeps when each team's user groups were last read

    def provide_call(context: BoltContext, body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse:
        user_id = context.user_id
        client = context.client
        assert client is not None  # Bolt gives every request a client before any middleware of ours
        context["call"] = Call(
            settings=settings,
            engine=engine,
            # One workspace: the plan of TEAM_ID. Several: the plan of the workspace the request comes from.
            team_id=(context.team_id or settings.team_id) if settings.multi_workspace else settings.team_id,
            user_id=user_id or "",
            now=clock(),
            body=body,
            client=counting_copy(client),  # the metrics count each Web API call a listener makes
            respond=context.respond,
            is_admin=user_id in settings.admins if user_id else False,
            group_sync=group_sync,
        )
        return next()

    return provide_call
