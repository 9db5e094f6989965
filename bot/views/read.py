"""Reading what a surface draws, into the read models of bot.views.models: the only module of bot.views that
queries (with reminder_controls.apply_control, which stores a person's choice).

A surface reads in one session, then draws from what it read. A paged checklist reads in two steps with the
page chosen in between (bot.views.pages): first the outlines (`person_checklist`, `role_checklist`), then the
rows of only the deliverables on that page (`page_units`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import cast

from sqlmodel import Session

from bot.config import Settings
from bot.document.plan import PRIORITY_ORDER
from bot.i18n import choose_language, plan_language_matters
from bot.schedule.rules import next_reminder, reminder_day, reminder_key
from bot.tracking import people
from bot.views.models import (
    Blockers,
    Ctx,
    DigestRead,
    Home,
    PersonChecklist,
    Reader,
    ReminderState,
    RoleChecklist,
    Status,
)
from storage import deliverable_views, deliveries, open_deliverables, plans, roster
from storage.models import ChecklistItem, Person, Plan
from storage.shape_cache import Outline, PlanShape, plan_shape

PERSON_SURFACES = ("mine", "reminder", "home")
CONTROLLED = ("reminder", "home")  # where a person manages their daily reminder


def reader(
    *, session: Session, settings: Settings, plan: Plan | None, team_id: str, user_id: str | None, now: datetime
) -> Reader:
    """A person's language and local date, from what Slack told us about them."""
    found = people.profile(session=session, team_id=team_id, user_id=user_id, now=now) if user_id else None
    return _reader(found, settings=settings, plan=plan, user_id=user_id, now=now)


def _reader(
    found: people.Profile | None, *, settings: Settings, plan: Plan | None, user_id: str | None, now: datetime
) -> Reader:
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
    """What drawing needs of the reader."""
    # The document's own evidence word reads naturally only in the document's language.
    label = plan.evidence_label if plan and plan.language == who.lang else None
    return Ctx(lang=who.lang, today=who.today, user_id=who.user_id, evidence_label=label)


def urgency(view: deliverable_views.DeliverableView | Outline) -> tuple[int, bool, date, int]:
    """Blockers first; within a priority, the soonest due (overdue first), then dateless ones in document order."""
    d = view.deliverable if isinstance(view, deliverable_views.DeliverableView) else view
    return PRIORITY_ORDER.get(d.priority, 9), d.due is None, d.due or date.max, d.position


def ranked(shape: PlanShape) -> tuple[Outline, ...]:
    """The shape's outlines in the order checklists draw them (`urgency`), sorted once per shape."""
    return cast(
        "tuple[Outline, ...]",
        shape.derived("ranked", lambda s: tuple(sorted(s.outlines.values(), key=urgency))),
    )


def today_lists(items: list[ChecklistItem]) -> dict[str, list[ChecklistItem]]:
    lists: dict[str, list[ChecklistItem]] = defaultdict(list)
    for item in items:
        lists[item.today_role or ""].append(item)
    return dict(lists)


# --- checklists ----------------------------------------------------------------------------------------


def person_checklist(
    *,
    session: Session,
    settings: Settings,
    team_id: str,
    user_id: str,
    now: datetime,
    surface: str = "mine",
    head: open_deliverables.Head | None = None,
    person: Person | None = None,
) -> PersonChecklist:
    """A person's open deliverables (outlines) and today's lists, and their reminder's state where they manage it.

    `head`: the plan, the person's roles and the open deliverables, when the caller already read them.
    `person`: their row, when the caller already read it (the reminder job); else what we know of them is read.
    """
    reminder = surface == "reminder"
    head = head or open_deliverables.head(session=session, team_id=team_id, user_id=user_id)
    plan, keys = head.plan, head.role_keys
    if person is not None:
        who = _reader(
            people.Profile(person.tz, person.language), settings=settings, plan=plan, user_id=user_id, now=now
        )
    else:
        who = reader(session=session, settings=settings, plan=plan, team_id=team_id, user_id=user_id, now=now)
    found = PersonChecklist(ctx=ctx_for(who, plan), plan=plan, role_keys=keys, outlines=[], today={})
    if plan is None or plan.id is None:
        return found
    if not keys:
        if not reminder:
            found.role_names = ", ".join(plan_shape(session=session, plan=plan).roles.values())
        return found
    found.outlines = open_deliverables.outlines_for_roles(
        session=session, plan=plan, role_keys=keys, still_open=head.open_ids, ranked=ranked
    )
    todays = plans.today_items(session=session, plan_id=plan.id, role_keys=keys)
    if reminder:  # a reminder lists only what is still to do
        todays = [item for item in todays if not item.done]
    found.today = today_lists(todays)
    if surface in CONTROLLED and (found.outlines or any(found.today.values())):
        found.controls = reminder_state(
            session=session,
            settings=settings,
            team_id=team_id,
            user_id=user_id,
            now=now,
            in_reminder=reminder,
            person=person,
        )
    return found


def role_checklist(
    *, session: Session, settings: Settings, team_id: str, role: str, now: datetime, user_id: str | None = None
) -> RoleChecklist:
    """One role's open deliverables (outlines) and today's list."""
    plan = plans.active_plan(session=session, team_id=team_id)
    who = reader(session=session, settings=settings, plan=plan, team_id=team_id, user_id=user_id, now=now)
    key = roster.role_key(role)
    found = RoleChecklist(ctx=ctx_for(who, plan), plan=plan, asked=role, role_key=key, role=None)
    if plan is None or plan.id is None:
        return found
    roles = plan_shape(session=session, plan=plan).roles
    found.roles = list(roles.values())
    if key not in roles:
        return found
    found.role = roles[key]
    found.outlines = open_deliverables.outlines_for_roles(session=session, plan=plan, role_keys=[key], ranked=ranked)
    found.today = today_lists(plans.today_items(session=session, plan_id=plan.id, role_keys=[key]))
    return found


def page_units(
    *, session: Session, plan: Plan | None, deliverable_ids: list[int]
) -> list[deliverable_views.DeliverableView]:
    """The deliverables one page draws (done ones too: one may have been completed since its outline was read)."""
    if plan is None or not deliverable_ids:
        return []
    return deliverable_views.read_views(session=session, plan=plan, deliverable_ids=deliverable_ids)


def home(*, session: Session, settings: Settings, team_id: str, user_id: str, now: datetime) -> Home:
    """The Home tab's checklist and the team's progress, from one read of the plan and the person's roles."""
    head = open_deliverables.head(session=session, team_id=team_id, user_id=user_id)
    checklist = person_checklist(
        session=session, settings=settings, team_id=team_id, user_id=user_id, now=now, surface="home", head=head
    )
    found = Home(checklist=checklist)
    if head.plan is not None and head.plan.id is not None:
        found.sections = open_deliverables.progress(session=session, plan=head.plan, still_open=head.open_ids).sections
    return found


# --- reminders -----------------------------------------------------------------------------------------


def settled_today(*, session: Session, team_id: str, user_id: str, day: date) -> bool:
    """Whether today's reminder was sent (or settled with nothing to send)."""
    row = deliveries.delivery(session=session, key=reminder_key(team_id, user_id, day))
    return row is not None and row.status in deliveries.DONE


def reminder_state(
    *,
    session: Session,
    settings: Settings,
    team_id: str,
    user_id: str,
    now: datetime,
    in_reminder: bool = False,
    person: Person | None = None,
) -> ReminderState:
    """When the person's next reminder comes, and whether they paused them.

    Drawn in today's reminder itself (`in_reminder`), "next" means the one after it. `person`: their row,
    when the caller already read it.
    """
    person = person or roster.person(session=session, team_id=team_id, user_id=user_id)
    day = reminder_day(person, settings, now)
    sent = in_reminder or settled_today(session=session, team_id=team_id, user_id=user_id, day=day.day)
    paused = person.paused_until if person is not None and person.paused_until is not None else None
    return ReminderState(
        day=day.day,
        at=day.at,
        tz=day.tz,
        upcoming=next_reminder(person, settings, now, sent_today=sent),
        paused_until=paused if paused is not None and paused > day.day else None,
    )


# --- status, blockers, digest ----------------------------------------------------------------------------


def status(*, session: Session, settings: Settings, team_id: str, now: datetime, user_id: str | None = None) -> Status:
    """The plan's progress per section and per owner."""
    head = open_deliverables.head(session=session, team_id=team_id, user_id=user_id or "")
    plan = head.plan
    who = reader(session=session, settings=settings, plan=plan, team_id=team_id, user_id=user_id, now=now)
    found = Status(ctx=ctx_for(who, plan), plan=plan)
    if plan is not None and plan.id is not None:
        found.progress = open_deliverables.progress(session=session, plan=plan, still_open=head.open_ids)
    return found


def blockers(
    *, session: Session, settings: Settings, team_id: str, now: datetime, user_id: str | None = None
) -> Blockers:
    """The open blockers' ids in document order, and who plays each role: their lines are read by the message's
    worth (`blocker_tallies`)."""
    head = open_deliverables.head(session=session, team_id=team_id, user_id=user_id or "")
    plan = head.plan
    who = reader(session=session, settings=settings, plan=plan, team_id=team_id, user_id=user_id, now=now)
    found = Blockers(ctx=ctx_for(who, plan), plan=plan)
    if plan is None or plan.id is None:
        return found
    outlines = plan_shape(session=session, plan=plan).outlines.values()  # in document order
    found.ids = [o.id for o in outlines if o.priority == "blocker" and o.id in head.open_ids]
    if found.ids:
        found.members = roster.members_by_role(session=session, team_id=team_id)
    return found


def blocker_tallies(
    *, session: Session, plan: Plan, deliverable_ids: list[int]
) -> list[deliverable_views.DeliverableTally]:
    """Some of the blockers as their lines show them: counts of items and evidence, not their rows."""
    return deliverable_views.read_tallies(session=session, plan=plan, deliverable_ids=deliverable_ids)


def split_blockers(
    views: list[deliverable_views.DeliverableView], today: date
) -> tuple[list[deliverable_views.DeliverableView], list[deliverable_views.DeliverableView]]:
    """Blocker deliverables, and the other deliverables that are overdue."""
    found = [v for v in views if v.deliverable.priority == "blocker"]
    overdue = [
        v for v in views if v.deliverable.priority != "blocker" and v.deliverable.due and v.deliverable.due < today
    ]
    return found, overdue


def open_blockers(
    *, session: Session, plan_id: int, today: date
) -> tuple[list[deliverable_views.DeliverableView], list[deliverable_views.DeliverableView]]:
    """Open blocker deliverables, and the other open deliverables that are overdue."""
    return split_blockers(deliverable_views.load_views(session=session, plan_id=plan_id), today)


def digest(*, session: Session, settings: Settings, team_id: str, now: datetime) -> DigestRead | None:
    """What the digest for the team's active plan is drawn from, or None when no plan is loaded."""
    plan = plans.active_plan(session=session, team_id=team_id)
    if plan is None or plan.id is None:
        return None
    who = reader(session=session, settings=settings, plan=plan, team_id=team_id, user_id=None, now=now)
    views = deliverable_views.load_views(session=session, plan_id=plan.id, open_only=False)
    still_open = [v for v in views if v.deliverable.status == "open"]
    found, overdue = split_blockers(still_open, who.today)
    return DigestRead(
        ctx=ctx_for(who, plan),
        plan=plan,
        views=views,
        blockers=found,
        overdue=overdue,
        members=roster.members_by_role(session=session, team_id=team_id),
        sections=open_deliverables.progress(session=session, plan=plan, still_open={v.id for v in still_open}).sections,
    )
