"""Each process keeps what an import fixed about a plan (its shape); what another process changes (a tick, a
deliverable done or reopened, a new import) shows in this one's very next drawing."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.config import Settings
from bot.tracking.ticks import TickAction, apply_click
from bot.views import checklists
from storage import db, deliverable_views, open_deliverables, plans, roster
from storage.models import ChecklistItem, Deliverable
from tests.conftest import TEAM
from tests.e2e import NOW
from tests.test_importer import load, sample_plan


@pytest.fixture
def other(settings: Settings) -> Iterator[Engine]:
    """A second process's engine on the same database: its own connections and its own caches."""
    engine = db.make_engine(settings.database_url)
    yield engine
    engine.dispose()


def mine(engine: Engine, settings: Settings, user: str = "USRE") -> str:
    with db.session_scope(engine) as session:
        page = checklists.user_checklist(session=session, settings=settings, team_id=TEAM, user_id=user, now=NOW)
    assert page is not None
    return json.dumps(page.blocks, ensure_ascii=False)


def tick_all(engine: Engine, title: str, done: bool) -> None:
    with db.session_scope(engine) as session:
        deliverable = session.exec(select(Deliverable).where(Deliverable.title == title)).one()
        ids = tuple(
            i.id or 0
            for i in session.exec(
                select(ChecklistItem).where(
                    ChecklistItem.deliverable_id == deliverable.id, col(ChecklistItem.archived).is_(False)
                )
            )
        )
        before = frozenset(ids) if not done else frozenset()
        apply_click(
            session=session,
            team_id=TEAM,
            user_id="UADMIN",
            action=TickAction(item_ids=ids, before=before),
            selected=ids if done else (),
            is_admin=True,
            source="slack",
        )


def tick_one(session: Session, text: str, *, user_id: str) -> None:
    """Tick one item as `user_id` would in Slack (UADMIN is an admin)."""
    item = session.exec(select(ChecklistItem).where(ChecklistItem.text == text)).one()
    apply_click(
        session=session,
        team_id=TEAM,
        user_id=user_id,
        action=TickAction(item_ids=(item.id or 0,), before=frozenset()),
        selected=(item.id or 0,),
        is_admin=user_id == "UADMIN",
        source="slack",
    )


@pytest.fixture
def plan_for_sre(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        load(session, sample_plan())
        roster.assign_role(session=session, team_id=TEAM, role="SRE", user_ids=["USRE"], actor="cli")
        session.commit()


@pytest.mark.usefixtures("plan_for_sre")
def test_a_deliverable_done_elsewhere_leaves_the_list_and_comes_back_when_reopened(
    engine: Engine, other: Engine, settings: Settings
) -> None:
    first = mine(engine, settings)
    assert "Playbooks" in first and "Secrets in the secret manager" in first

    tick_all(other, "Playbooks", done=True)  # another worker completes it
    after = mine(engine, settings)
    assert "Playbooks" not in after
    assert "Secrets in the secret manager" in after

    tick_all(other, "Playbooks", done=False)  # and reopens it
    assert "Playbooks" in mine(engine, settings)


@pytest.mark.usefixtures("plan_for_sre")
def test_a_new_import_elsewhere_is_drawn_at_once(engine: Engine, other: Engine, settings: Settings) -> None:
    assert "Playbooks" in mine(engine, settings)

    edited = copy.deepcopy(sample_plan())
    edited.deliverables[2].title = "Playbooks for on-call"
    edited.deliverables[2].priority = "blocker"
    edited.deliverables[1].owners = ["Security"]  # no longer the SRE's
    with Session(other, expire_on_commit=False) as session:
        load(session, edited)

    drawn = mine(engine, settings)
    assert "Playbooks for on-call" in drawn
    assert "Secrets in the secret manager" not in drawn


@pytest.mark.usefixtures("plan_for_sre")
def test_a_tick_elsewhere_shows_on_the_next_drawing(engine: Engine, other: Engine, settings: Settings) -> None:
    """Ticks are never cached: only what imports fix is."""
    assert '"initial_options"' not in mine(engine, settings)
    with db.session_scope(other) as session:
        tick_one(session, "Provision LOG_TOKEN", user_id="USRE")
    assert '"initial_options"' in mine(engine, settings)


def progress_lines(engine: Engine, settings: Settings) -> tuple[list[str], list[str]]:
    """`status` as a person reads it: the rows under "By section" and under "By owner"."""
    with db.session_scope(engine) as session:
        drawn = checklists.status(session=session, settings=settings, team_id=TEAM, now=NOW, user_id="USRE")
    by_section, by_owner = (block["text"]["text"].split("\n")[1:] for block in drawn[1:3])
    return by_section, by_owner


@pytest.mark.usefixtures("plan_for_sre")
def test_status_counts_what_is_done_elsewhere_per_section_and_owner(
    engine: Engine, other: Engine, settings: Settings
) -> None:
    """Sections and owners come from the plan's shape; which deliverables are done is read on every request."""
    by_section, by_owner = progress_lines(engine, settings)
    assert [line.split("  ", 1)[1] for line in by_section] == ["BLOCKERS", "DOCS"]
    assert [line.split("  ", 1)[1] for line in by_owner] == ["Dev Lead", "SRE", "Security"]
    assert all("(0/" in line for line in by_section + by_owner)

    tick_all(other, "Secrets in the secret manager", done=True)  # another worker completes one
    by_section, by_owner = progress_lines(engine, settings)
    assert by_section[0].endswith("(1/2)  BLOCKERS") and by_section[1].endswith("(0/1)  DOCS")
    assert by_owner[0].endswith("(0/1)  Dev Lead") and by_owner[1].endswith("(1/2)  SRE")
    assert by_owner[2].endswith("(1/1)  Security")

    edited = copy.deepcopy(sample_plan())
    del edited.deliverables[0]  # a re-import drops the Dev Lead's deliverable: it no longer counts anywhere
    with Session(other, expire_on_commit=False) as session:
        load(session, edited)
    by_section, by_owner = progress_lines(engine, settings)
    assert "(1/1)" in by_section[0] and [line.split("  ", 1)[1] for line in by_owner] == ["SRE", "Security"]
    with db.session_scope(engine) as session:
        view = checklists.home_view(session=session, settings=settings, team_id=TEAM, user_id="USRE", now=NOW)
    assert "(1/1)  BLOCKERS" in json.dumps(view, ensure_ascii=False)  # the Home tab's progress agrees


def blocker_text(engine: Engine, settings: Settings) -> str:
    with db.session_scope(engine) as session:
        drawn = checklists.blockers(session=session, settings=settings, team_id=TEAM, now=NOW, user_id="USRE")
    return json.dumps(drawn, ensure_ascii=False)


@pytest.mark.usefixtures("plan_for_sre")
def test_blockers_count_items_and_live_evidence_as_the_digest_does(
    engine: Engine, other: Engine, settings: Settings
) -> None:
    """`blockers` reads counts (one query), the digest reads rows: a line reads the same either way."""
    from bot.tracking import evidence
    from bot.views.deliverables import blocker_line, mentions
    from bot.views.read import ctx_for, open_blockers, reader

    first_drawn = blocker_text(engine, settings)
    assert "0/2 · :hourglass_flowing_sand:" in first_drawn and "(2)" in first_drawn  # the count of open blockers
    assert first_drawn.index("Final PR approved") < first_drawn.index("Secrets in the secret manager")  # document order
    with db.session_scope(other) as session:
        tick_one(session, "Open the PR", user_id="UADMIN")
        first = session.exec(select(Deliverable).where(Deliverable.title == "Final PR approved")).one()
        for link in ("https://example.com/pr/1", "https://example.com/pr/2"):
            handed = evidence.hand_in(
                session=session, team_id=TEAM, deliverable_id=first.id or 0, user_id="UADMIN", is_admin=True, link=link
            )
    with db.session_scope(other) as session:
        evidence.withdraw(
            session=session, team_id=TEAM, evidence_id=handed.pieces[0].id or 0, user_id="UADMIN", is_admin=True
        )

    drawn = blocker_text(engine, settings)
    assert "1/2 · :white_check_mark:" in drawn and "0/2 · :hourglass_flowing_sand:" in drawn  # the other blocker
    with db.session_scope(engine) as session:
        plan = plans.active_plan(session=session, team_id=TEAM)
        assert plan is not None and plan.id is not None
        who = reader(session=session, settings=settings, plan=plan, team_id=TEAM, user_id="USRE", now=NOW)
        found, _ = open_blockers(session=session, plan_id=plan.id, today=who.today)
        mentioned = mentions(roster.members_by_role(session=session, team_id=TEAM))
        lines = [blocker_line(view, mentioned, ctx_for(who, plan)) for view in found]
    assert len(lines) == 2 and all(json.dumps(line, ensure_ascii=False)[1:-1] in drawn for line in lines)


def test_head_reads_the_plan_a_persons_roles_and_the_open_deliverables_at_once(engine: Engine) -> None:
    with db.session_scope(engine) as session:
        nothing = open_deliverables.head(session=session, team_id=TEAM, user_id="USRE")
    assert nothing.plan is None and nothing.role_keys == [] and nothing.open_ids == set()

    with Session(engine, expire_on_commit=False) as session:
        load(session, sample_plan())
        for role in ("SRE", "Release, QA"):  # a role's name may hold a comma
            roster.assign_role(session=session, team_id=TEAM, role=role, user_ids=["USRE"], actor="cli")
        session.commit()
    tick_all(engine, "Playbooks", done=True)
    with db.session_scope(engine) as session:
        found = open_deliverables.head(session=session, team_id=TEAM, user_id="USRE")
        stranger = open_deliverables.head(session=session, team_id=TEAM, user_id="USTRANGER")
        plan = plans.active_plan(session=session, team_id=TEAM)
        assert plan is not None
        titles = {d.id: d.title for d in session.exec(select(Deliverable))}
    assert found.plan is not None and found.plan.id == plan.id
    assert sorted(found.role_keys) == ["release, qa", "sre"]
    assert sorted(titles[did] for did in found.open_ids) == ["Final PR approved", "Secrets in the secret manager"]
    assert stranger.role_keys == [] and stranger.open_ids == found.open_ids


@pytest.mark.usefixtures("plan_for_sre")
def test_a_deliverable_dropped_from_the_document_elsewhere_is_no_longer_open(
    engine: Engine, other: Engine, settings: Settings
) -> None:
    """Open deliverables are the plan's (its shape) but the done ones: a re-import in another process that drops
    one (archived, its status still open) takes it off at once, and one done before stays done."""
    with db.session_scope(engine) as session:
        before = open_deliverables.head(session=session, team_id=TEAM, user_id="USRE")
        titles = {d.id: d.title for d in session.exec(select(Deliverable))}
    assert sorted(titles[did] for did in before.open_ids) == [
        "Final PR approved",
        "Playbooks",
        "Secrets in the secret manager",
    ]
    assert "Playbooks" in mine(engine, settings) and "Secrets in the secret manager" in mine(engine, settings)
    tick_all(other, "Playbooks", done=True)
    edited = copy.deepcopy(sample_plan())
    dropped = edited.deliverables.pop(1)
    assert dropped.title == "Secrets in the secret manager"
    with Session(other, expire_on_commit=False) as session:
        load(session, edited)

    with db.session_scope(engine) as session:
        after = open_deliverables.head(session=session, team_id=TEAM, user_id="USRE")
        titles = {d.id: d.title for d in session.exec(select(Deliverable))}
        gone = session.exec(select(Deliverable).where(Deliverable.title == dropped.title)).one()
    assert gone.archived and gone.status == "open"
    assert sorted(titles[did] for did in after.open_ids) == ["Final PR approved"]
    drawn = mine(engine, settings)  # the SRE owned both
    assert dropped.title not in drawn and "Playbooks" not in drawn


@pytest.mark.usefixtures("plan_for_sre")
def test_a_page_shows_how_many_pieces_are_live_and_the_latest_five(engine: Engine, settings: Settings) -> None:
    """A page reads only the evidence it draws (the latest live pieces and a count): it reads as a drawing of
    every row would, however many pieces a deliverable gathered."""
    from bot.i18n import t
    from bot.tracking import evidence
    from bot.views.deliverables import evidence_lines
    from bot.views.read import ctx_for, reader

    with db.session_scope(engine) as session:
        roster.assign_role(session=session, team_id=TEAM, role="Dev Lead", user_ids=["UDEV"], actor="cli")
        pr = session.exec(select(Deliverable).where(Deliverable.title == "Final PR approved")).one()
        runs = [
            evidence.hand_in(
                session=session,
                team_id=TEAM,
                deliverable_id=pr.id or 0,
                user_id="UADMIN",
                is_admin=True,
                link=f"https://example.com/run/{n}",
            )
            for n in range(8)
        ]
    with db.session_scope(engine) as session:  # one of the latest is withdrawn
        evidence.withdraw(
            session=session, team_id=TEAM, evidence_id=runs[6].pieces[0].id or 0, user_id="UADMIN", is_admin=True
        )

    drawn = mine(engine, settings, user="UDEV")
    assert t("evidence.in", "en", count=7) in drawn
    assert [n for n in range(8) if f"example.com/run/{n}|" in drawn] == [2, 3, 4, 5, 7]
    with db.session_scope(engine) as session:  # the same lines as from all of its rows
        plan = plans.active_plan(session=session, team_id=TEAM)
        assert plan is not None and plan.id is not None
        (full,) = deliverable_views.load_views(session=session, plan_id=plan.id, deliverable_ids=[pr.id or 0])
        assert len(full.evidence) == 8
        who = reader(session=session, settings=settings, plan=plan, team_id=TEAM, user_id="UDEV", now=NOW)
        lines = evidence_lines(full, ctx_for(who, plan))
    assert json.dumps(lines, ensure_ascii=False)[1:-1] in drawn
