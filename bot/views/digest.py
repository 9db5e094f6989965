"""The blockers digest: what is blocking, what is overdue, progress, and what changed since last time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.config import Settings
from bot.i18n import t
from bot.views import blocks
from bot.views.blocks import Block
from bot.views.checklists import ctx_for, open_blockers, reader
from storage import deliverable_views, open_deliverables, plans, roster


@dataclass
class Digest:
    """A digest ready to post: a short message, its thread, and the state to compare with next time."""

    text: str
    summary: list[Block]
    thread: list[list[Block]] = field(default_factory=list)
    snapshot: dict[str, Any] = field(default_factory=dict)
    escalated_users: set[str] = field(default_factory=set)


def working_days_between(start: date, end: date, workdays: frozenset[int]) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
    days, current = 0, start
    # Whole weeks first, so a year-old due date costs no more than a few steps.
    weeks = max((end - start).days // 7 - 1, 0)
    days += weeks * len(workdays)
    current = start + timedelta(days=weeks * 7)
    while current < end:
        current += timedelta(days=1)
        if current.weekday() in workdays:
            days += 1
    return days


def snapshot_of(views: list[deliverable_views.DeliverableView], today: date) -> dict[str, Any]:
    """What the next digest compares with: per deliverable, ticks, evidence, overdue, done."""
    return {
        str(v.id): {
            "title": v.deliverable.title,
            "number": v.deliverable.number,
            "ticked": sum(1 for i in v.items if i.done),
            "evidence": len(v.live_evidence),
            "overdue": bool(v.deliverable.due and v.deliverable.due < today),
            "done": v.is_done,
        }
        for v in views
    }


def changes_lines(previous: dict[str, Any] | None, current: dict[str, Any], lang: str) -> list[str]:
    """`3 items ticked`, `1 piece of evidence handed in`, newly overdue, completed."""
    if previous is None:
        return []
    ticked = evidence = 0
    new_overdue, completed = [], []
    for key, now in current.items():
        before = previous.get(key)
        if before is None:
            continue
        ticked += max(now["ticked"] - before["ticked"], 0)
        evidence += max(now["evidence"] - before["evidence"], 0)
        if now["overdue"] and not before["overdue"]:
            new_overdue.append(now["title"])
        if now["done"] and not before["done"]:
            completed.append(now["title"])
    lines = []
    if ticked:
        lines.append("• " + t("digest.ticked", lang, count=ticked))
    if evidence:
        lines.append("• " + t("digest.evidence", lang, count=evidence))
    if completed:
        lines.append("• :white_check_mark: " + t("digest.done", lang, titles=", ".join(completed[:10])))
    if new_overdue:
        lines.append("• :warning: " + t("digest.new_overdue", lang, titles=", ".join(new_overdue[:10])))
    return lines


def build_digest(
    *,
    session: Session,
    settings: Settings,
    team_id: str,
    now: datetime,
    previous: dict[str, Any] | None,
    summary_lines: int = 8,
) -> Digest | None:
    """The digest for the team's active plan, or None when no plan is loaded."""
    plan = plans.active_plan(session=session, team_id=team_id)
    if plan is None or plan.id is None:
        return None
    who = reader(session=session, settings=settings, plan=plan, team_id=team_id, user_id=None, now=now)
    ctx = ctx_for(who, plan)
    lang = who.lang
    found, overdue = open_blockers(session=session, plan_id=plan.id, today=who.today)
    members = roster.members_by_role(session=session, team_id=team_id)
    mentioned = blocks.mentions(members)
    all_views = deliverable_views.load_views(session=session, plan_id=plan.id, open_only=False)
    done = sum(1 for v in all_views if v.is_done)
    late = len(overdue) + sum(1 for v in found if v.deliverable.due and v.deliverable.due < who.today)
    summary_text = " · ".join(
        (
            t("digest.open_blockers", lang, count=len(found)),
            t("digest.overdue_count", lang, count=late),
            t("digest.done_of", lang, done=done, total=len(all_views)),
        )
    )

    escalated: set[str] = set()
    blocker_lines = []
    for view in found:
        line = blocks.blocker_line(view, mentioned, ctx)
        due = view.deliverable.due
        late = working_days_between(due, who.today, settings.workday_numbers) if due else 0
        if due and late > settings.escalate_after_days:
            people = sorted({uid for o in view.owners for uid in members.get(o.role_key, [])})
            escalated.update(people)
            if people:
                line += "\n    " + t("digest.escalated", lang, mentions=blocks.mention_all(people), days=late)
        blocker_lines.append(line)
    overdue_lines = [blocks.blocker_line(v, mentioned, ctx) for v in overdue]

    snapshot = snapshot_of(all_views, who.today)
    change_lines = changes_lines(previous, snapshot, lang)
    progress = [
        f"{blocks.progress_bar(d, n)}  {blocks.escape(s.title)}"
        for s, d, n in open_deliverables.progress(
            session=session, plan=plan, still_open={v.id for v in all_views if v.deliverable.status == "open"}
        ).sections
    ]

    summary: list[Block] = [
        blocks.header(f"🚨 {t('digest.title', lang)} — {plan.title}"),
        blocks.section(summary_text),
    ]
    if blocker_lines:
        summary += blocks.lines_to_sections(blocker_lines[:summary_lines], t("blockers.title", lang))
    else:
        summary.append(blocks.section(t("blockers.none", lang)))
    summary += blocks.lines_to_sections(progress, t("digest.progress", lang))
    if previous is not None:
        summary += blocks.lines_to_sections(change_lines or [t("digest.no_changes", lang)], t("digest.changes", lang))

    thread: list[list[Block]] = []
    rest = blocker_lines[summary_lines:]
    detail: list[Block] = []
    if rest:
        detail += blocks.lines_to_sections(rest, t("blockers.title", lang))
    if overdue_lines:
        detail += blocks.lines_to_sections(overdue_lines, t("digest.overdue", lang))
    for start in range(0, len(detail), blocks.MESSAGE_BLOCKS):
        thread.append(detail[start : start + blocks.MESSAGE_BLOCKS])
    if thread:
        summary.append(blocks.context(t("digest.details", lang)))
    return Digest(
        text=f"{t('digest.title', lang)}: {summary_text}",
        summary=summary[: blocks.MESSAGE_BLOCKS],
        thread=thread,
        snapshot=snapshot,
        escalated_users=escalated,
    )
