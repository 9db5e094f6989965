"""`/deliverables` and its subcommands. Every answer is ephemeral: only the caller sees it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.i18n import t
from bot.tracking.people import remember_person
from bot.views import blocks, checklists
from bot.views.blocks import Block
from handlers.common import known_language
from storage import open_deliverables, plans, roster
from storage.db import read_scope, session_scope

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
ALIASES = {
    "": "mine",
    "mis": "mine",
    "mios": "mine",
    "míos": "mine",
    "estado": "status",
    "bloqueadores": "blockers",
    "rol": "role",
    "ayuda": "help",
    "evidencia": "evidence",
    "asignar": "assign",
    "importar": "import",
    "resumen": "digest",
}
ADMIN_ONLY = {"assign", "import", "digest"}


@dataclass
class Call:
    """One `/deliverables` call, with what its handlers need."""

    user_id: str
    args: list[str]
    raw_args: str
    settings: Settings
    engine: Engine
    team_id: str
    now: datetime
    is_admin: bool
    body: dict[str, Any]
    client: WebClient
    context: BoltContext

    @cached_property
    def lang(self) -> str:
        """The caller's language, read when an answer needs it: a checklist, `status` and `blockers` choose it
        with what they read anyway (`checklists.reader`)."""
        return known_language(
            engine=self.engine, settings=self.settings, team_id=self.team_id, user_id=self.user_id, now=self.now
        )


def reply(text: str) -> list[Block]:
    return [blocks.section(text)]


def help_blocks(lang: str, unknown: str | None = None) -> list[Block]:
    lead = [blocks.section(t("help.unknown", lang, word=blocks.escape(unknown)))] if unknown else []
    return [*lead, blocks.header(t("help.title", lang)), blocks.section(t("help.body", lang))]


def do_mine(call: Call) -> list[Block]:
    with read_scope(call.engine) as session:
        head = open_deliverables.head(session=session, team_id=call.team_id, user_id=call.user_id)
        page = checklists.user_checklist(
            session=session, settings=call.settings, team_id=call.team_id, user_id=call.user_id, now=call.now, head=head
        )
    # Nobody assigned this person by hand: their Slack user groups may name their roles.
    if page is not None and head.plan is not None and not head.role_keys:
        with session_scope(call.engine) as session:
            if _sync_groups(call, session, head.plan):
                page = checklists.user_checklist(
                    session=session, settings=call.settings, team_id=call.team_id, user_id=call.user_id, now=call.now
                )
    assert page is not None
    return page.blocks


def _sync_groups(call: Call, session: Any, plan: Any) -> bool:
    synced = call.context["group_sync"].maybe(
        client=call.client, session=session, team_id=call.team_id, plan=plan, now=call.now
    )
    return any(call.user_id in users for users in synced.values())


def do_status(call: Call) -> list[Block]:
    with read_scope(call.engine) as session:
        return checklists.status(
            session=session, settings=call.settings, team_id=call.team_id, now=call.now, user_id=call.user_id
        )


def do_blockers(call: Call) -> list[Block]:
    with read_scope(call.engine) as session:
        return checklists.blockers(
            session=session, settings=call.settings, team_id=call.team_id, now=call.now, user_id=call.user_id
        )


def do_role(call: Call) -> list[Block]:
    role = " ".join(call.args)
    if not role:
        return help_blocks(call.lang)
    with read_scope(call.engine) as session:
        return checklists.role_checklist(
            session=session, settings=call.settings, team_id=call.team_id, role=role, now=call.now, user_id=call.user_id
        ).blocks


def do_help(call: Call) -> list[Block]:
    return help_blocks(call.lang)


def do_assign(call: Call) -> list[Block]:
    users = MENTION.findall(call.raw_args)
    role = MENTION.sub("", call.raw_args).strip()
    if not users or not role:
        return reply(t("assign.usage", call.lang))
    with session_scope(call.engine) as session:
        plan = plans.active_plan(session=session, team_id=call.team_id)
        roles = plans.plan_roles(session=session, plan_id=plan.id) if plan and plan.id else {}
        if roster.role_key(role) not in roles:
            return reply(t("role.unknown", call.lang, role=blocks.escape(role), roles=", ".join(roles.values())))
        name = roles[roster.role_key(role)]
        roster.assign_role(
            session=session, team_id=call.team_id, role=name, user_ids=users, actor=call.user_id, source="manual"
        )
    return reply(t("assign.done", call.lang, users=", ".join(f"<@{u}>" for u in users), role=blocks.escape(name)))


def do_evidence(call: Call) -> list[Block] | None:
    from handlers.views import evidence_command

    return evidence_command(call)


def do_import(call: Call) -> list[Block] | None:
    from handlers.views import open_import_modal

    return open_import_modal(call)


def do_digest(call: Call) -> list[Block] | None:
    from bot.schedule.jobs import post_digest_now

    return reply(
        post_digest_now(
            client=call.client,
            engine=call.engine,
            settings=call.settings,
            team_id=call.team_id,
            now=call.now,
            lang=call.lang,
        )
    )


SUBCOMMANDS: dict[str, Callable[[Call], list[Block] | None]] = {
    "mine": do_mine,
    "status": do_status,
    "blockers": do_blockers,
    "role": do_role,
    "help": do_help,
    "assign": do_assign,
    "evidence": do_evidence,
    "import": do_import,
    "digest": do_digest,
}
ANSWERED_LATER = {"digest"}  # posting to a channel may outlast the 3 s: ack first, answer through response_url


def handle_deliverables(
    ack: Ack,
    command: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
    engine: Engine,
    settings: Settings,
    team_id: str,
    now: datetime,
    is_admin: bool,
) -> None:
    """Answer `/deliverables [subcommand] [arguments]`; anything unknown gets the help, never an error."""
    text = (command.get("text") or "").strip()
    first, _, rest = text.partition(" ")
    name = ALIASES.get(first.lower(), first.lower())
    user_id = command["user_id"]
    remember_person(client=client, engine=engine, team_id=team_id, user_id=user_id, now=now)  # before any answer
    call = Call(
        user_id=user_id,
        args=rest.split(),
        raw_args=rest.strip(),
        settings=settings,
        engine=engine,
        team_id=team_id,
        now=now,
        is_admin=is_admin,
        body=body,
        client=client,
        context=context,
    )
    handler = SUBCOMMANDS.get(name)
    if handler is None:
        answer: list[Block] | None = help_blocks(call.lang, unknown=first)
    elif name in ADMIN_ONLY and not is_admin:
        answer = reply(t("admin.only", call.lang, command=f"/deliverables {name}"))
    elif name in ANSWERED_LATER:
        ack()
        answer = handler(call)
        if answer:
            respond(blocks=answer, text=_plain(answer), response_type="ephemeral")
        return
    else:
        answer = handler(call)  # a modal opens here, inside the trigger_id's 3 s, and the ack is then empty
    if answer is None:
        ack()
        return
    ack(blocks=answer, text=_plain(answer), response_type="ephemeral")


def _plain(answer: list[Block]) -> str:
    """A notification text for a reply: its first section's text."""
    for block in answer:
        text = block.get("text")
        if isinstance(text, dict) and text.get("text"):
            return str(text["text"])[:300]
    return "Deliverables"


def register(app: App) -> None:
    app.command("/deliverables")(handle_deliverables)
