"""What each person sees: their checklist, a role's, the plan's status and its blockers.

Queries the database through storage/ and hands the results to bot.views.blocks. Handlers, jobs and
the `preview` command all come through here, so a DM, `mine`, the Home tab and the preview agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from sqlmodel import Session

from bot.config import Settings
from bot.i18n import choose_language, plan_language_matters, t
from bot.tracking import people
from bot.views import blocks
from bot.views.blocks import Block, Ctx, Page
from bot.views.reminder_controls import control_blocks
from storage import deliverable_views, open_deliverables, plans, roster
from storage.models import ChecklistItem, Plan
from storage.shape_cache import Outline, PlanShape, plan_shape


@dataclass
class Reader:
    """Who is looking, in which language, on which day of their own calendar."""

    user_id: str | None
    lang: str
    today: date
    tz: str


def reader(
    *, session: Session, settings: Settings, plan: Plan | None, team_id: str, user_id: str | None, now: datetime
) -> Reader:
    """A person's language and local date, from what Slack told us about them."""
    found = people.profile(session=session, team_id=team_id, user_id=user_id, now=now) if user_id else None
    tz = (found.tz if found else None) or settings.timezone
    lang = choose_language(
        person_language=found.language if found else None,
        setting=settings.language,
        plan_language=plan.language if plan else None,
    )
    return Reader(user_id=user_id, lang=lang, today=roster.today_local(now, tz), tz=tz)


def language(*, session: Session, settings: Settings, team_id: str, user_id: str, now: datetime) -> str:
    """The language this person reads, as `reader` chooses it; the plan is read only when its language decides."""
    found = people.profile(session=session, team_id=team_id, user_id=user_id, now=now)
    person = found.language if found else None
    plan = None
    if plan_language_matters(person_language=person, setting=settings.language):
        plan = plans.active_plan(session=session, team_id=team_id)
    return choose_language(
        person_language=person, setting=settings.language, plan_language=plan.language if plan else None
    )


def ctx_for(who: Reader, plan: Plan | None) -> Ctx:
    # The document's own evidence word reads naturally only in the document's language.
    label = plan.evidence_label if plan and plan.language == who.lang else None
    return Ctx(lang=who.lang, today=who.today, user_id=who.user_id, evidence_label=label)


def today_lists(items: list[ChecklistItem]) -> dict[str, list[ChecklistItem]]:
    lists: dict[str, list[ChecklistItem]] = defaultdict(list)
    for item in items:
        lists[item.today_role or ""].append(item)
    return dict(lists)


def role_names(*, session: Session, plan: Plan) -> str:
    return ", ".join(plan_shape(session=session, plan=plan).roles.values())


def user_checklist(
    *,
    session: Session,
    settings: Settings,
    team_id: str,
    user_id: str,
    now: datetime,
    page: int = 1,
    surface: str = "mine",
    max_blocks: int = blocks.MESSAGE_BLOCKS,
    extra_head: tuple[Block, ...] = (),
    head: open_deliverables.Head | None = None,
) -> Page | None:
    """A person's open deliverables and today's lists; for a reminder, None when nothing is open for them.

    `head`: the plan, the person's roles and the open deliverables, when the caller already read them.
    """
    reminder = surface == "reminder"
    head = head or open_deliverables.head(session=session, team_id=team_id, user_id=user_id)
    plan, keys = head.plan, head.role_keys
    who = reader(session=session, settings=settings, plan=plan, team_id=team_id, user_id=user_id, now=now)
    if plan is None or plan.id is None:
        return None if reminder else only_text(t("plan.none", who.lang))
    if not keys:
        return (
            None
            if reminder
            else only_text(t("mine.unassigned", who.lang, roles=role_names(session=session, plan=plan)))
        )
    outlines = open_deliverables.outlines_for_roles(
        session=session, plan=plan, role_keys=keys, still_open=head.open_ids, ranked=ranked
    )
    todays = plans.today_items(session=session, plan_id=plan.id, role_keys=keys)
    if reminder:  # a reminder lists only what is still to do
        todays = [item for item in todays if not item.done]
    today = today_lists(todays)
    if not outlines and not any(today.values()):
        return None if reminder else only_text(t("mine.nothing", who.lang))
    intro = t("reminder.intro" if reminder else "mine.intro", who.lang, user=user_id, count=len(outlines))
    if surface in ("reminder", "home"):  # where a person manages their daily reminder
        extra_head = (
            *extra_head,
            *control_blocks(
                session=session,
                settings=settings,
                team_id=team_id,
                user_id=user_id,
                lang=who.lang,
                now=now,
                in_reminder=reminder,
            ),
        )
    return blocks.outlined_checklist_page(
        outlines,
        loader(session, plan),
        today,
        ctx_for(who, plan),
        intro=intro,
        surface=surface,
        page=page,
        max_blocks=max_blocks,
        extra_head=extra_head,
    )


def ranked(shape: PlanShape) -> tuple[Outline, ...]:
    """The shape's outlines in the order checklists draw them (`blocks.urgency`), sorted once per shape."""
    return cast(
        "tuple[Outline, ...]",
        shape.derived("ranked", lambda s: tuple(sorted(s.outlines.values(), key=blocks.urgency))),
    )


def loader(session: Session, plan: Plan) -> Callable[[list[int]], list[deliverable_views.DeliverableView]]:
    """Load the deliverables of one page (done ones too: one may have been completed since its outline was read)."""
    return lambda ids: deliverable_views.read_views(session=session, plan=plan, deliverable_ids=ids)


def only_text(text: str) -> Page:
    return Page(blocks=[blocks.section(text)], page=1, pages=1, text=text)


def role_checklist(
    *,
    session: Session,
    settings: Settings,
    team_id: str,
    role: str,
    now: datetime,
    user_id: str | None = None,
    page: int = 1,
    max_blocks: int = blocks.MESSAGE_BLOCKS,
    interactive: bool = True,
) -> Page:
    """One role's open deliverables and today's list."""
    plan = plans.active_plan(session=session, team_id=team_id)
    who = reader(session=session, settings=settings, plan=plan, team_id=team_id, user_id=user_id, now=now)
    if plan is None or plan.id is None:
        return only_text(t("plan.none", who.lang))
    key = roster.role_key(role)
    roles = plan_shape(session=session, plan=plan).roles
    if key not in roles:
        return only_text(t("role.unknown", who.lang, role=role, roles=", ".join(roles.values())))
    outlines = open_deliverables.outlines_for_roles(session=session, plan=plan, role_keys=[key], ranked=ranked)
    today = today_lists(plans.today_items(session=session, plan_id=plan.id, role_keys=[key]))
    intro = f"*{t('mine.role_title', who.lang, role=blocks.escape(roles[key]))}* ({len(outlines)})"
    return blocks.outlined_checklist_page(
        outlines,
        loader(session, plan),
        today,
        ctx_for(who, plan),
        intro=intro,
        surface=f"role:{key}",
        page=page,
        max_blocks=max_blocks,
        interactive=interactive,
    )


def draw(
    surface: str, *, session: Session, settings: Settings, team_id: str, user_id: str, now: datetime, page: int = 1
) -> Page | None:
    """Draw a message surface again (`mine`, `reminder`, `role:<key>`), after a click or for another page."""
    if surface.startswith("role:"):
        return role_checklist(
            session=session, settings=settings, team_id=team_id, role=surface[5:], now=now, user_id=user_id, page=page
        )
    return user_checklist(
        session=session,
        settings=settings,
        team_id=team_id,
        user_id=user_id,
        now=now,
        page=page,
        surface=surface if surface in ("mine", "reminder") else "mine",
    )


def status(
    *, session: Session, settings: Settings, team_id: str, now: datetime, user_id: str | None = None
) -> list[Block]:
    """Progress per section and per owner."""
    head = open_deliverables.head(session=session, team_id=team_id, user_id=user_id or "")
    plan = head.plan
    who = reader(session=session, settings=settings, plan=plan, team_id=team_id, user_id=user_id, now=now)
    if plan is None or plan.id is None:
        return [blocks.section(t("plan.none", who.lang))]
    progress = open_deliverables.progress(session=session, plan=plan, still_open=head.open_ids)
    sections = [(s.title, done, total) for s, done, total in progress.sections]
    return blocks.status_blocks(sections, progress.owners, ctx_for(who, plan), plan.title)


def open_blockers(
    *, session: Session, plan_id: int, today: date
) -> tuple[list[deliverable_views.DeliverableView], list[deliverable_views.DeliverableView]]:
    """Open blocker deliverables, and the other open deliverables that are overdue."""
    views = deliverable_views.load_views(session=session, plan_id=plan_id)
    blockers_ = [v for v in views if v.deliverable.priority == "blocker"]
    overdue = [
        v for v in views if v.deliverable.priority != "blocker" and v.deliverable.due and v.deliverable.due < today
    ]
    return blockers_, overdue


def blockers(
    *, session: Session, settings: Settings, team_id: str, now: datetime, user_id: str | None = None
) -> list[Block]:
    """Open blockers with owners and how overdue they are."""
    head = open_deliverables.head(session=session, team_id=team_id, user_id=user_id or "")
    plan = head.plan
    who = reader(session=session, settings=settings, plan=plan, team_id=team_id, user_id=user_id, now=now)
    if plan is None or plan.id is None:
        return [blocks.section(t("plan.none", who.lang))]
    outlines = plan_shape(session=session, plan=plan).outlines.values()  # in document order
    found = [o.id for o in outlines if o.priority == "blocker" and o.id in head.open_ids]
    ctx = ctx_for(who, plan)
    if not found:
        return [blocks.section(t("blockers.none", who.lang))]
    mentioned = blocks.mentions(roster.members_by_role(session=session, team_id=team_id))
    lines: list[str] = []
    sections: list[Block] = []
    for start in range(0, len(found), 40):  # only as many as the message can show: a long plan has hundreds
        views = deliverable_views.read_tallies(session=session, plan=plan, deliverable_ids=found[start : start + 40])
        lines += [blocks.blocker_line(v, mentioned, ctx) for v in views]
        sections = blocks.lines_to_sections(lines)
        if len(sections) >= blocks.MESSAGE_BLOCKS:  # the sections that will show are complete
            break
    return [blocks.header(f"🔴 {t('blockers.title', who.lang)} ({len(found)})"), *sections][: blocks.MESSAGE_BLOCKS]


def home_view(
    *, session: Session, settings: Settings, team_id: str, user_id: str, now: datetime, page: int = 1
) -> dict[str, object]:
    """The Home tab: the person's checklist (as in `mine`) and the team's progress per section."""
    head = open_deliverables.head(session=session, team_id=team_id, user_id=user_id)  # read once for both parts
    plan = head.plan
    who = reader(session=session, settings=settings, plan=plan, team_id=team_id, user_id=user_id, now=now)
    progress: list[Block] = []
    if plan is not None and plan.id is not None:
        rows = [
            f"{blocks.progress_bar(done, total)}  {blocks.escape(s.title)}"
            for s, done, total in open_deliverables.progress(
                session=session, plan=plan, still_open=head.open_ids
            ).sections
        ]
        progress = [
            blocks.divider(),
            *blocks.lines_to_sections(rows, f"📊 {t('status.title', who.lang)} — {plan.title}"),
        ]
    mine = user_checklist(
        session=session,
        settings=settings,
        team_id=team_id,
        user_id=user_id,
        now=now,
        page=page,
        surface="home",
        max_blocks=blocks.VIEW_BLOCKS - len(progress),
        head=head,
    )
    assert mine is not None  # only reminders come back empty
    return {"type": "home", "blocks": [*mine.blocks, *progress][: blocks.VIEW_BLOCKS]}
