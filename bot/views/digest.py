"""The blockers digest: what is blocking, what is overdue, progress, and what changed since last time.

Read once (`read.digest`), then drawn from what was read (`digest_of`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.config import Settings
from bot.i18n import t, tn
from bot.views import blocks, read
from bot.views.blocks import Block
from bot.views.deliverables import blocker_line, mentions
from bot.views.models import DigestRead
from bot.views.mrkdwn import to_mrkdwn, to_plain
from storage.deliverable_views import DeliverableView


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


def snapshot_of(views: list[DeliverableView], today: date) -> dict[str, Any]:
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
            new_overdue.append(to_mrkdwn(now["title"]))
        if now["done"] and not before["done"]:
            completed.append(to_mrkdwn(now["title"]))
    lines = []
    if ticked:
        lines.append("• " + tn("digest.ticked", ticked, lang))
    if evidence:
        lines.append("• " + tn("digest.evidence", evidence, lang))
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
    found = read.digest(session=session, settings=settings, team_id=team_id, now=now)
    return digest_of(found, settings, previous=previous, summary_lines=summary_lines) if found else None


def late_owners(view: DeliverableView, found: DigestRead, settings: Settings) -> tuple[list[str], int]:
    """The people of a blocker overdue past ESCALATE_AFTER_DAYS (none when it is not), and how many working
    days late it is."""
    due = view.deliverable.due
    late = working_days_between(due, found.ctx.today, settings.workday_numbers) if due else 0
    if not due or late <= settings.escalate_after_days:
        return [], late
    return sorted({uid for o in view.owners for uid in found.members.get(o.role_key, [])}), late


def escalated_users(found: DigestRead, settings: Settings) -> set[str]:
    """Owners of blockers overdue past ESCALATE_AFTER_DAYS: the digest mentions them, and so does their DM."""
    return {uid for view in found.blockers for uid in late_owners(view, found, settings)[0]}


def digest_of(
    found: DigestRead, settings: Settings, *, previous: dict[str, Any] | None, summary_lines: int = 8
) -> Digest:
    """The digest drawn from what was read: a summary message, and the rest of the lines in its thread."""
    ctx, lang = found.ctx, found.ctx.lang
    mentioned = mentions(found.members)
    blocker_lines = []
    for view in found.blockers:
        line = blocker_line(view, mentioned, ctx)
        people, late = late_owners(view, found, settings)
        if people:
            line += "\n    " + t("digest.escalated", lang, mentions=blocks.mention_all(people), days=late)
        blocker_lines.append(line)
    snapshot = snapshot_of(found.views, ctx.today)
    summary_text = _counts(found)
    summary = _summary(found, summary_text, blocker_lines[:summary_lines])
    if previous is not None:
        changed = changes_lines(previous, snapshot, lang) or [t("digest.no_changes", lang)]
        summary += blocks.lines_to_sections(changed, t("digest.changes", lang))
    detail: list[Block] = []
    if blocker_lines[summary_lines:]:
        detail += blocks.lines_to_sections(blocker_lines[summary_lines:], t("blockers.title", lang))
    if found.overdue:
        overdue_lines = [blocker_line(v, mentioned, ctx) for v in found.overdue]
        detail += blocks.lines_to_sections(overdue_lines, t("digest.overdue", lang))
    thread = [detail[start : start + blocks.MESSAGE_BLOCKS] for start in range(0, len(detail), blocks.MESSAGE_BLOCKS)]
    if thread:
        summary.append(blocks.context(t("digest.details", lang)))
    return Digest(
        text=f"{t('digest.title', lang)}: {summary_text}",
        summary=summary[: blocks.MESSAGE_BLOCKS],
        thread=thread,
        snapshot=snapshot,
        escalated_users=escalated_users(found, settings),
    )


def _counts(found: DigestRead) -> str:
    """`2 open blockers · 3 overdue · 4/10 deliverables done`."""
    lang, today = found.ctx.lang, found.ctx.today
    done = sum(1 for v in found.views if v.is_done)
    late = len(found.overdue) + sum(1 for v in found.blockers if v.deliverable.due and v.deliverable.due < today)
    return " · ".join(
        (
            tn("digest.open_blockers", len(found.blockers), lang),
            tn("digest.overdue_count", late, lang),
            t("digest.done_of", lang, done=done, total=len(found.views)),
        )
    )


def _summary(found: DigestRead, counts: str, blocker_lines: list[str]) -> list[Block]:
    """The title, the counts, the first blockers and the progress per section."""
    lang = found.ctx.lang
    summary: list[Block] = [
        blocks.header(f"🚨 {t('digest.title', lang)} — {to_plain(found.plan.title)}"),
        blocks.section(counts),
    ]
    if blocker_lines:
        summary += blocks.lines_to_sections(blocker_lines, t("blockers.title", lang))
    else:
        summary.append(blocks.section(t("blockers.none", lang)))
    progress = blocks.progress_lines((s.title, done, total) for s, done, total in found.sections)
    summary += blocks.lines_to_sections(progress, t("digest.progress", lang))
    return summary
