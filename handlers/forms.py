"""The evidence form as the command and the buttons both open it, and what a hand-in answers."""

from __future__ import annotations

from typing import Any

from bot.i18n import t
from bot.masking.mask import describe
from bot.tracking.evidence import Handed
from bot.views.modals import evidence_modal
from bot.views.mrkdwn import to_mrkdwn
from handlers.call import Call
from storage import deliverable_views, plans
from storage.db import session_scope


def evidence_form(call: Call, deliverable_id: int, origin: dict[str, Any]) -> dict[str, Any] | None:
    """The evidence form for one deliverable of the active plan, or None when the plan has no such deliverable."""
    lang = call.lang  # before the session: reading it may ask Slack and write the person down
    with session_scope(call.engine) as session:
        plan = plans.active_plan(session=session, team_id=call.team_id)
        views = (
            deliverable_views.load_views(
                session=session, plan_id=plan.id, deliverable_ids=[deliverable_id], open_only=False
            )
            if plan and plan.id
            else []
        )
        if not views:
            return None
        label = plan.evidence_label if plan and plan.language == lang else None
        return evidence_modal(
            views[0], lang=lang, user_id=call.user_id, is_admin=call.is_admin, origin=origin, label=label
        )


def stored_text(handed: Handed, lang: str) -> str:
    """What a hand-in answers: how many pieces are in, what was masked, and whether that finished the deliverable."""
    lines = [t("evidence.stored", lang, title=to_mrkdwn(handed.deliverable.title), count=len(handed.pieces))]
    if handed.masked_kinds:
        lines.append(":lock: " + describe(handed.masked_kinds, lang))
    if handed.completed:
        lines.append(t("evidence.completed", lang, title=to_mrkdwn(handed.deliverable.title)))
    return "\n".join(lines)
