"""What would be sent, without Slack: each owner's DM and the blockers digest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.cli.runtime import open_database
from bot.config import Settings
from bot.i18n import N_, default_language, t
from bot.views import checklists
from bot.views.blocks import MESSAGE_BLOCKS
from bot.views.digest import build_digest
from bot.views.render_text import blocks_to_text
from storage import plans, roster
from storage.db import session_scope


@dataclass
class Message:
    """One message that would be sent: where to, and its blocks."""

    to: str  # the address, the same in every language (`--json`)
    blocks: list[dict[str, Any]]
    text: str = ""
    thread: list[list[dict[str, Any]]] = field(default_factory=list)
    label: str = ""  # the address as the reader's language says it (the text preview's heading)


@dataclass
class Preview:
    messages: list[Message] = field(default_factory=list)
    lang: str = "en"

    def add(self, key: str, blocks: list[dict[str, Any]], text: str, **names: str) -> None:
        """A message to the address `key` names: in English for `to` (the same in every language), in the reader's
        language for the heading."""
        self.messages.append(
            Message(to=t(key, "en", **names), blocks=blocks, text=text, label=t(key, self.lang, **names))
        )

    def as_json(self) -> list[dict[str, Any]]:
        return [
            {"to": m.to, "text": m.text, "blocks": m.blocks, "thread": [{"blocks": b} for b in m.thread]}
            for m in self.messages
        ]

    def as_text(self) -> str:
        parts = []
        for message in self.messages:
            body = blocks_to_text(message.blocks)
            for reply in message.thread:
                body += "\n\n  ↳ " + blocks_to_text(reply).replace("\n", "\n    ")
            parts.append(f"{'━' * 72}\n▶ {message.label or message.to}\n{'━' * 72}\n{body}")
        return "\n\n".join(parts) if parts else t("preview.nothing", self.lang)


def preview(settings: Settings, *, user: str | None, role: str | None, digest_only: bool, now: datetime) -> Preview:
    """The messages the bot would send now: one DM per owner (per role where nobody is assigned) and the digest."""
    engine = open_database(settings)
    result = Preview()
    with session_scope(engine) as session:
        plan = plans.active_plan(session=session, team_id=settings.team_id)
        result.lang = default_language(settings.language, plan.language if plan else None)
        if not digest_only and plan is not None and plan.id is not None:
            _add_dms(result, session=session, settings=settings, plan_id=plan.id, user=user, role=role, now=now)
        if not user and not role:
            _add_digest(result, session=session, settings=settings, now=now)
    for message in result.messages:
        assert len(message.blocks) <= MESSAGE_BLOCKS
    return result


def _add_dms(
    result: Preview,
    *,
    session: Session,
    settings: Settings,
    plan_id: int,
    user: str | None,
    role: str | None,
    now: datetime,
) -> None:
    """The DM of one person or one role, else of every assigned person and of every role nobody plays."""
    team = settings.team_id

    def person(uid: str) -> None:
        page = checklists.user_checklist(
            session=session, settings=settings, team_id=team, user_id=uid, now=now, surface="reminder"
        )
        if page:
            result.add(N_("preview.user"), page.blocks, page.text, user=uid)

    def unassigned(key: str, name: str) -> None:
        page = checklists.role_checklist(session=session, settings=settings, team_id=team, role=name, now=now)
        result.add(key, page.blocks, page.text, role=name)

    if user:
        person(user)
    elif role:
        unassigned(N_("preview.role"), role)
    else:
        members = roster.members_by_role(session=session, team_id=team)
        for uid in dict.fromkeys(uid for ids in members.values() for uid in ids):
            person(uid)
        for key, name in plans.plan_roles(session=session, plan_id=plan_id).items():
            if key not in members:
                unassigned(N_("preview.unassigned"), name)


def _add_digest(result: Preview, *, session: Session, settings: Settings, now: datetime) -> None:
    """The digest as it would be posted now, if there is one."""
    digest = build_digest(session=session, settings=settings, team_id=settings.team_id, now=now, previous=None)
    if not digest:
        return
    channel = settings.digest_channel.lstrip("#") if settings.digest_channel else None

    def address(lang: str) -> str:  # the unset channel's placeholder is said in each language
        return t("preview.digest", lang, channel=channel or t("preview.no_channel", lang))

    result.messages.append(
        Message(
            to=address("en"), blocks=digest.summary, text=digest.text, thread=digest.thread, label=address(result.lang)
        )
    )
