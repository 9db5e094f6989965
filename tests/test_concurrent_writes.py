"""Two writes on one deliverable at the same moment: each counts what the other did, so it ends done.

Two owners tick a deliverable's last two items in the same instant, or one ticks its last item while the
other hands in its evidence. Each write counts what is done before it commits; counted side by side, each
would see the other's part as still open and neither would mark the deliverable done. The second write to
reach the deliverable must wait for the first and count it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.document.plan import Deliverable as PlannedDeliverable
from bot.document.plan import Item, Plan, Section
from bot.tracking.evidence import hand_in
from bot.tracking.ticks import TickAction, apply_click
from storage.models import ChecklistItem, Deliverable
from tests.jobs_support import load_team

TEAM = "T0LOCAL"
Write = Callable[[Session], object]


def plan() -> Plan:
    return Plan(
        title="Launch",
        date=date(2025, 10, 1),
        language="en",
        sections=[Section(title="BLOCKERS", priority="blocker")],
        deliverables=[
            PlannedDeliverable(
                number=1,
                title="Release notes",
                section="BLOCKERS",
                priority="blocker",
                owners=["Dev Lead", "SRE"],
                items=[Item("Draft"), Item("Review")],
            ),
            PlannedDeliverable(
                number=2,
                title="Final PR",
                section="BLOCKERS",
                priority="blocker",
                owners=["Dev Lead", "SRE"],
                evidence="Link to the PR",
                items=[Item("Open the PR")],
            ),
        ],
    )


@pytest.fixture
def team(engine: Engine) -> Iterator[Engine]:
    load_team(engine, plan())
    yield engine


def item_id(engine: Engine, wording: str) -> int:
    with Session(engine) as session:
        found = session.exec(select(ChecklistItem).where(ChecklistItem.text == wording)).one()
        assert found.id is not None
        return found.id


def tick(engine: Engine, user: str, wording: str) -> Write:
    target = item_id(engine, wording)

    def write(session: Session) -> object:
        action = TickAction(item_ids=(target,), before=frozenset())
        return apply_click(
            session=session, team_id=TEAM, user_id=user, action=action, selected=[target], is_admin=False, source="t"
        )

    return write


def hand_in_link(engine: Engine, user: str, number: int) -> Write:
    with Session(engine) as session:
        target = session.exec(select(Deliverable).where(Deliverable.number == number)).one().id
    assert target is not None

    def write(session: Session) -> object:
        return hand_in(
            session=session,
            team_id=TEAM,
            deliverable_id=target,
            user_id=user,
            is_admin=False,
            link="https://git.example.com/pr/1",
        )

    return write


def someone_waits_on_a_lock(engine: Engine) -> bool:
    if engine.dialect.name != "postgresql":
        return True  # SQLite: the second writer waits for the first one's commit at its first write anyway
    with engine.connect() as connection:
        waiting = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
        ).scalar_one()
    return bool(waiting)


def side_by_side(engine: Engine, first: Write, second: Write) -> None:
    """`first` runs and stays uncommitted while `second` runs in another thread; then `first` commits."""
    errors: list[BaseException] = []
    with Session(engine) as one:
        first(one)

        def run_second() -> None:
            try:
                with Session(engine) as other:
                    second(other)
                    other.commit()
            except BaseException as exc:  # reported by the test below
                errors.append(exc)

        thread = threading.Thread(target=run_second)
        thread.start()
        deadline = time.monotonic() + 10
        while thread.is_alive() and not someone_waits_on_a_lock(engine) and time.monotonic() < deadline:
            time.sleep(0.01)
        one.commit()
    thread.join(timeout=30)
    assert not thread.is_alive() and errors == []


def status_of(engine: Engine, number: int) -> str:
    with Session(engine) as session:
        return session.exec(select(Deliverable).where(Deliverable.number == number)).one().status


def test_two_owners_ticking_the_last_two_items_at_once_complete_it(team: Engine) -> None:
    side_by_side(team, tick(team, "UMAD", "Draft"), tick(team, "UBOG", "Review"))
    assert status_of(team, 1) == "done"


def test_the_last_tick_and_the_evidence_at_once_complete_it(team: Engine) -> None:
    side_by_side(team, tick(team, "UBOG", "Open the PR"), hand_in_link(team, "UMAD", 2))
    assert status_of(team, 2) == "done"


def test_the_evidence_and_the_last_tick_at_once_complete_it(team: Engine) -> None:
    side_by_side(team, hand_in_link(team, "UMAD", 2), tick(team, "UBOG", "Open the PR"))
    assert status_of(team, 2) == "done"
