"""What each person sees: their checklist, a role's, the Home tab, the plan's status and its blockers.

Each surface is read (bot.views.read), then drawn (bot.views.surfaces, pure), in one session: the functions
here only put the two in order. A paged checklist reads its outlines, chooses the page, reads the rows of
that page's deliverables, and draws. Handlers, jobs and the `preview` command all come through here, so a DM,
`mine`, the Home tab and the preview agree.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.config import Settings
from bot.views import blocks, read, surfaces
from bot.views.blocks import Block, Page
from bot.views.deliverables import blocker_line, mentions
from bot.views.pages import PageChoice, draw_page
from storage import open_deliverables
from storage.models import Person, Plan

BLOCKER_LINES_READ = 40  # blockers read at a time: only as many as the message can show (a long plan has hundreds)


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
    found = read.person_checklist(
        session=session, settings=settings, team_id=team_id, user_id=user_id, now=now, surface=surface, head=head
    )
    chosen = surfaces.choose_person_page(
        found, surface=surface, page=page, max_blocks=max_blocks, extra_head=extra_head
    )
    return _drawn(session, found.plan, chosen)


def reminder(
    *,
    session: Session,
    settings: Settings,
    team_id: str,
    user_id: str,
    now: datetime,
    person: Person | None,
    escalated: bool,
) -> Page | None:
    """Today's reminder for one owner (`person`: their row, as the job read it); None when nothing is open.

    `escalated`: they own a blocker overdue past ESCALATE_AFTER_DAYS, which the digest mentions them for.
    """
    found = read.person_checklist(
        session=session,
        settings=settings,
        team_id=team_id,
        user_id=user_id,
        now=now,
        surface="reminder",
        person=person,
    )
    lead = (surfaces.escalation_lead(found, settings.escalate_after_days),) if escalated else ()
    return _drawn(session, found.plan, surfaces.choose_person_page(found, surface="reminder", extra_head=lead))


def _drawn(session: Session, plan: Plan | None, chosen: PageChoice | Page | None) -> Page | None:
    """Read the deliverables on the chosen page, and draw it; what was said instead of a page passes through."""
    if not isinstance(chosen, PageChoice):
        return chosen
    return draw_page(chosen, read.page_units(session=session, plan=plan, deliverable_ids=chosen.wanted))


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
    found = read.role_checklist(
        session=session, settings=settings, team_id=team_id, role=role, now=now, user_id=user_id
    )
    chosen = surfaces.choose_role_page(found, page=page, max_blocks=max_blocks, interactive=interactive)
    drawn = _drawn(session, found.plan, chosen)
    assert drawn is not None  # only reminders come back empty
    return drawn


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


def home_view(
    *, session: Session, settings: Settings, team_id: str, user_id: str, now: datetime, page: int = 1
) -> dict[str, object]:
    """The Home tab: the person's checklist (as in `mine`) and the team's progress per section."""
    found = read.home(session=session, settings=settings, team_id=team_id, user_id=user_id, now=now)
    progress = surfaces.home_progress(found)
    chosen = surfaces.choose_person_page(
        found.checklist, surface="home", page=page, max_blocks=blocks.VIEW_BLOCKS - len(progress)
    )
    mine = _drawn(session, found.checklist.plan, chosen)
    assert mine is not None  # only reminders come back empty
    return surfaces.home_tab(mine, progress)


def status(
    *, session: Session, settings: Settings, team_id: str, now: datetime, user_id: str | None = None
) -> list[Block]:
    """Progress per section and per owner."""
    found = read.status(session=session, settings=settings, team_id=team_id, now=now, user_id=user_id)
    return surfaces.status_blocks(found)


def blockers(
    *, session: Session, settings: Settings, team_id: str, now: datetime, user_id: str | None = None
) -> list[Block]:
    """Open blockers with owners and how overdue they are.

    Their lines are read and drawn a batch at a time until the message is full: a long plan has hundreds.
    """
    found = read.blockers(session=session, settings=settings, team_id=team_id, now=now, user_id=user_id)
    lines: list[str] = []
    if found.plan is not None:
        mentioned = mentions(found.members)
        for start in range(0, len(found.ids), BLOCKER_LINES_READ):
            batch = found.ids[start : start + BLOCKER_LINES_READ]
            tallies = read.blocker_tallies(session=session, plan=found.plan, deliverable_ids=batch)
            lines += [blocker_line(tally, mentioned, found.ctx) for tally in tallies]
            if surfaces.fills_message(lines):  # the sections that will show are complete
                break
    return surfaces.blockers_blocks(found, lines)
