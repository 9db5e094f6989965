"""`/deliverables` and its subcommands. Every answer is ephemeral: only the caller sees it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App

from bot.i18n import t
from bot.tracking.evidence import EvidenceError, find_deliverable, hand_in
from bot.views import blocks, checklists
from bot.views.blocks import Block
from bot.views.modals import import_modal
from handlers.call import Call
from handlers.forms import evidence_form, stored_text
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


Answer = list[Block] | None  # None: the subcommand opened a form, and the ack says nothing


def reply(text: str) -> list[Block]:
    return [blocks.section(text)]


def help_blocks(lang: str, unknown: str | None = None) -> list[Block]:
    lead = [blocks.section(t("help.unknown", lang, word=blocks.escape(unknown)))] if unknown else []
    return [*lead, blocks.header(t("help.title", lang)), blocks.section(t("help.body", lang))]


def do_mine(call: Call, args: str) -> Answer:
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
    synced = call.group_sync.maybe(client=call.client, session=session, team_id=call.team_id, plan=plan, now=call.now)
    return any(call.user_id in users for users in synced.values())


def do_status(call: Call, args: str) -> Answer:
    with read_scope(call.engine) as session:
        return checklists.status(
            session=session, settings=call.settings, team_id=call.team_id, now=call.now, user_id=call.user_id
        )


def do_blockers(call: Call, args: str) -> Answer:
    with read_scope(call.engine) as session:
        return checklists.blockers(
            session=session, settings=call.settings, team_id=call.team_id, now=call.now, user_id=call.user_id
        )


def do_role(call: Call, args: str) -> Answer:
    role = " ".join(args.split())
    if not role:
        return help_blocks(call.lang)
    with read_scope(call.engine) as session:
        return checklists.role_checklist(
            session=session, settings=call.settings, team_id=call.team_id, role=role, now=call.now, user_id=call.user_id
        ).blocks


def do_help(call: Call, args: str) -> Answer:
    return help_blocks(call.lang)


def do_assign(call: Call, args: str) -> Answer:
    users = MENTION.findall(args)
    role = MENTION.sub("", args).strip()
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


def do_evidence(call: Call, args: str) -> Answer:
    """`evidence N` opens the form; `evidence N LINK-OR-TEXT` hands it in at once."""
    number, _, rest = args.partition(" ")
    if not number.lstrip("#").isdigit():
        return reply(t("evidence.usage", call.lang))
    with session_scope(call.engine) as session:
        deliverable = find_deliverable(session=session, team_id=call.team_id, number=int(number.lstrip("#")))
        deliverable_id = deliverable.id if deliverable else None
    if deliverable_id is None:
        return reply(t("evidence.no_number", call.lang, number=number.lstrip("#")))
    if rest.strip():
        return reply(_hand_in_now(call, deliverable_id, rest.strip()))
    form = evidence_form(call, deliverable_id, call.surface.origin())
    if form is not None:
        call.client.views_open(trigger_id=call.body["trigger_id"], view=form)
    return None


def _hand_in_now(call: Call, deliverable_id: int, value: str) -> str:
    link, text = (value, None) if re.match(r"^<?https?://", value) else (None, value)
    if link:
        link = link.strip("<>").split("|")[0]  # Slack sends links as <url> or <url|label>
    try:
        with session_scope(call.engine) as session:
            handed = hand_in(
                session=session,
                team_id=call.team_id,
                deliverable_id=deliverable_id,
                user_id=call.user_id,
                is_admin=call.is_admin,
                link=link,
                text=text,
                source="slack:command",
            )
            return stored_text(handed, call.lang)
    except EvidenceError as error:
        return error.text(call.lang)


def do_import(call: Call, args: str) -> Answer:
    """Open the import form (admins only, as `ADMIN_ONLY` says)."""
    form = import_modal(lang=call.lang, origin={"channel": call.surface.channel})
    call.client.views_open(trigger_id=call.body["trigger_id"], view=form)
    return None


def do_digest(call: Call, args: str) -> Answer:
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


SUBCOMMANDS: dict[str, Callable[[Call, str], Answer]] = {
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


def handle_deliverables(ack: Ack, command: dict[str, Any], call: Call) -> None:
    """Answer `/deliverables [subcommand] [arguments]`; anything unknown gets the help, never an error."""
    first, _, rest = (command.get("text") or "").strip().partition(" ")
    name = ALIASES.get(first.lower(), first.lower())
    call.remember()  # before any answer
    subcommand = SUBCOMMANDS.get(name)
    answer: Answer
    if subcommand is None:
        answer = help_blocks(call.lang, unknown=first)
    elif name in ADMIN_ONLY and not call.is_admin:
        answer = reply(t("admin.only", call.lang, command=f"/deliverables {name}"))
    elif name in ANSWERED_LATER:
        ack()
        answer = subcommand(call, rest.strip())
        if answer and call.respond is not None:
            call.respond(blocks=answer, text=_plain(answer), response_type="ephemeral")
        return
    else:
        answer = subcommand(call, rest.strip())  # a form opens here, inside the trigger_id's 3 s; the ack is empty
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
