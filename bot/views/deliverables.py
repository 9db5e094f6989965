"""A deliverable as people see it: its unit on a checklist, its evidence, today's lists, a line of `blockers`
or the digest. Pure: drawn from read models (bot.views.models, storage's row views) alone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.i18n import N_, due_text, short_date, t
from bot.views.blocks import (
    ACTIONS_ELEMENTS,
    CHECKBOX_OPTIONS,
    Block,
    Unit,
    actions,
    button,
    checkbox_elements,
    clip,
    escape,
    header,
    mention_all,
    section,
)
from bot.views.models import Ctx
from bot.views.mrkdwn import to_mrkdwn
from storage.deliverable_views import EVIDENCE_SHOWN, DeliverableTally, DeliverableView
from storage.models import ChecklistItem
from storage.shape_cache import Outline

PRIORITY_EMOJI = {"blocker": "🔴", "high": "🟡", "normal": "🟢"}
PRIORITY_TITLE = {"blocker": N_("priority.blocker"), "high": N_("priority.high"), "normal": N_("priority.normal")}


def priority_header(priority: str, ctx: Ctx) -> Block:
    """The header over a priority's first deliverable: `🔴 Blockers`."""
    return header(f"{PRIORITY_EMOJI.get(priority, '⚪')} {t(PRIORITY_TITLE[priority], ctx.lang)}")


def evidence_lines(view: DeliverableView, ctx: Ctx) -> str:
    """The evidence requirement, its state, and what was handed in."""
    d = view.deliverable
    label = ctx.evidence_label or t("evidence.label", ctx.lang)
    state = t("evidence.in", ctx.lang, count=view.live_count) if view.evidence_in else t("evidence.pending", ctx.lang)
    mark = ":white_check_mark:" if view.evidence_in else ":hourglass_flowing_sand:"
    lines = []
    if d.evidence_requirement:
        lines.append(f":paperclip: *{label}:* {to_mrkdwn(d.evidence_requirement)} — {mark} {state}")
    for piece in view.live_evidence[-EVIDENCE_SHOWN:]:
        lines.append("    • " + evidence_summary(piece, ctx.lang))
    return "\n".join(lines)


def evidence_summary(piece: Any, lang: str) -> str:
    """One line for a piece of evidence: a link, a file or the start of a text."""
    who = f"<@{piece.user_id}>"
    when = short_date(piece.created_at.date(), lang) if piece.created_at else ""
    if piece.kind == "file":
        target = (
            f"<{piece.permalink}|{escape(piece.file_name or piece.file_id or 'file')}>"
            if piece.permalink
            else escape(piece.file_name or "")
        )
    elif piece.kind == "link" and piece.url:
        target = f"<{piece.url}|{escape(clip(piece.url, 80))}>"
    else:
        target = "“" + escape(clip((piece.text or "").replace("\n", " "), 120)) + "”"
    return f"{target} — {who}, {when}"


def _summary(view: DeliverableView, ctx: Ctx, *, show_notes: bool) -> str:
    """Title, due, owners and items done, evidence, notes: the text of a deliverable's section."""
    d = view.deliverable
    number = f"#{d.number} · " if d.number is not None else ""
    ref = f" _({to_mrkdwn(d.ref)})_" if d.ref else ""
    section_row = view.section
    if view.is_done:
        when = f"✅ {t('deliverable.done', ctx.lang)}"
    else:
        due = due_text(d.due, ctx.today, ctx.lang, section_row.milestone if section_row else None)
        overdue = d.due is not None and d.due < ctx.today
        when = (":warning: " if overdue else ":calendar: ") + due
    done = sum(1 for item in view.items if item.done)
    lines = [f"*{number}{to_mrkdwn(d.title)}*{ref}  ·  {when}"]
    meta = ", ".join(view.role_names)
    if view.items:
        meta += ("  ·  " if meta else "") + t("deliverable.items_done", ctx.lang, done=done, total=len(view.items))
    if meta:
        lines.append(f"_{meta}_")
    evidence = evidence_lines(view, ctx)
    if evidence:
        lines.append(evidence)
    if show_notes and d.notes:
        note = "\n".join(to_mrkdwn(n) for n in d.notes)
        lines.append(clip(note, 600))
    return "\n".join(lines)


def deliverable_unit(view: DeliverableView, ctx: Ctx, *, interactive: bool = True, show_notes: bool = True) -> Unit:
    """A deliverable: title, due, owners, evidence; then its checkboxes and the evidence button."""
    unit = Unit([section(_summary(view, ctx, show_notes=show_notes), block_id=f"d:{view.id}")])
    if not interactive or view.is_done:
        return unit
    elements: list[dict[str, Any]] = checkbox_elements(f"tick:{view.id}", view.items)
    if view.deliverable.evidence_requirement or not view.items:
        elements.append(button(t("evidence.button", ctx.lang), f"evidence:open:{view.id}", str(view.id)))
    unit.blocks += actions(elements, f"a:{view.id}")
    return unit


def unit_size(outline: Outline, *, interactive: bool) -> int:
    """How many blocks `deliverable_unit` draws for a deliverable (without its group header)."""
    if not interactive or outline.is_done:
        return 1
    elements = -(-outline.items // CHECKBOX_OPTIONS) + (1 if outline.asks_evidence or not outline.items else 0)
    return 1 + -(-elements // ACTIONS_ELEMENTS)


def today_units(lists: dict[str, list[ChecklistItem]], ctx: Ctx, *, interactive: bool = True) -> list[Unit]:
    """The per-role lists for today: a title and checkboxes."""
    units = []
    for role, items in lists.items():
        if not items:
            continue
        key = items[0].today_role_key or role
        title = f"*:clipboard: {t('today.title', ctx.lang, role=to_mrkdwn(role))}*"
        if interactive:
            unit = Unit(
                [section(title, block_id=f"today:{key}"), *actions(checkbox_elements("today", items), f"ta:{key}")]
            )
        else:
            marks = "\n".join(f"{'☑' if i.done else '☐'} {to_mrkdwn(i.text)}" for i in items)
            unit = Unit([section(f"{title}\n{marks}")])
        units.append(unit)
    return units


def mentions(members: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Role key -> its people as Slack mentions (`roster.members_by_role`), joined once for all the lines naming it."""
    return {key: mention_all(people) for key, people in members.items() if people}


def owners_text(view: DeliverableView | DeliverableTally, mentioned: Mapping[str, str], ctx: Ctx) -> str:
    """People of the deliverable's roles as mentions (`mentions`), or the role itself where nobody is assigned."""
    parts = []
    for owner in view.owners:
        people = mentioned.get(owner.role_key)
        if people:
            parts.append(f"{people} ({to_mrkdwn(owner.role)})")
        else:
            parts.append(f"*{to_mrkdwn(owner.role)}*")
    return ", ".join(parts) or t("digest.nobody", ctx.lang)


def blocker_line(view: DeliverableView | DeliverableTally, mentioned: Mapping[str, str], ctx: Ctx) -> str:
    """One line of the digest or `blockers`: title, owners (`mentions`), due, evidence state."""
    d = view.deliverable
    number = f"#{d.number} " if d.number is not None else ""
    due = due_text(d.due, ctx.today, ctx.lang, view.section.milestone if view.section else None)
    mark = ":white_check_mark:" if view.evidence_in else ":hourglass_flowing_sand:"
    evidence = (
        t("evidence.in", ctx.lang, count=view.live_count) if view.evidence_in else t("evidence.pending", ctx.lang)
    )
    return (
        f"• *{number}{to_mrkdwn(d.title)}* — {owners_text(view, mentioned, ctx)} · {due} · "
        f"{view.items_done}/{view.items_total} · {mark} {evidence}"
    )
