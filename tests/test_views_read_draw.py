"""Read, then draw: a surface reads what it needs into read models, and Block Kit is built from those alone.

A paged checklist reads its outlines, chooses the page, reads the rows of that page's deliverables only, and
draws; nothing that builds blocks takes a session or queries.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.views import (
    blocks,
    checklists,
    deliverables,
    digest,
    modals,
    models,
    pages,
    read,
    reminder_controls,
    render_text,
    surfaces,
)
from storage import db, roster
from tests.e2e import NOW, import_seed

DRAWING = (blocks, deliverables, pages, surfaces, models, modals, render_text)
T = TypeVar("T")


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements run on `engine` inside the block."""
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def queries(engine: Engine, work: Callable[[], T]) -> tuple[T, int]:
    with statements(engine) as seen:
        result = work()
    return result, len(seen)


def functions(module: ModuleType) -> list[Callable[..., object]]:
    return [f for _, f in inspect.getmembers(module, inspect.isfunction) if f.__module__ == module.__name__]


def test_what_builds_blocks_never_takes_a_session() -> None:
    drawing = [f for module in DRAWING for f in functions(module)]
    drawing += [reminder_controls.control_blocks, reminder_controls.when_text, digest.digest_of]
    assert len(drawing) > 40
    for function in drawing:
        assert "session" not in inspect.signature(function).parameters, function.__qualname__
    for function in functions(read):  # the reading, on its side, builds no blocks
        returned = str(inspect.signature(function).return_annotation)
        assert not re.search(r"\b(Block|Page)\b", returned), function.__qualname__


def test_a_page_reads_only_its_own_deliverables_and_draws_without_a_query(engine: Engine, settings: Settings) -> None:
    import_seed(engine, settings)
    with db.session_scope(engine) as session:
        roster.assign_role(session=session, team_id=settings.team_id, role="SRE", user_ids=["USRE"], actor="cli")
    with db.read_scope(engine) as session:
        found = read.person_checklist(
            session=session, settings=settings, team_id=settings.team_id, user_id="USRE", now=NOW
        )
        chosen = surfaces.choose_person_page(found, surface="mine", page=2, max_blocks=16)
        assert isinstance(chosen, pages.PageChoice) and chosen.page == 2 and chosen.pages >= 2
        outline_ids = [outline.id for outline in found.outlines]
        assert chosen.wanted and set(chosen.wanted) < set(outline_ids)
        units = read.page_units(session=session, plan=found.plan, deliverable_ids=chosen.wanted)
        assert [unit.id for unit in units] != [] and {unit.id for unit in units} == set(chosen.wanted)
        drawn, spent = queries(engine, lambda: pages.draw_page(chosen, units))
        assert spent == 0
        whole = checklists.user_checklist(
            session=session, settings=settings, team_id=settings.team_id, user_id="USRE", now=NOW, page=2, max_blocks=16
        )
    assert whole is not None and json.dumps(drawn.blocks) == json.dumps(whole.blocks)
    assert (drawn.page, drawn.pages, drawn.text) == (whole.page, whole.pages, whole.text)


def test_status_blockers_and_the_digest_are_drawn_from_what_was_read(engine: Engine, settings: Settings) -> None:
    import_seed(engine, settings)
    team = settings.team_id
    with db.read_scope(engine) as session:
        status = read.status(session=session, settings=settings, team_id=team, now=NOW)
        found = read.blockers(session=session, settings=settings, team_id=team, now=NOW)
        assert found.plan is not None and found.ids
        tallies = read.blocker_tallies(session=session, plan=found.plan, deliverable_ids=found.ids)
        digest_read = read.digest(session=session, settings=settings, team_id=team, now=NOW)
        assert digest_read is not None
        expected = (
            checklists.status(session=session, settings=settings, team_id=team, now=NOW),
            checklists.blockers(session=session, settings=settings, team_id=team, now=NOW),
            digest.build_digest(session=session, settings=settings, team_id=team, now=NOW, previous=None),
        )

    def draw_all() -> tuple[object, ...]:
        mentioned = deliverables.mentions(found.members)
        lines = [deliverables.blocker_line(tally, mentioned, found.ctx) for tally in tallies]
        return (
            surfaces.status_blocks(status),
            surfaces.blockers_blocks(found, lines),
            digest.digest_of(digest_read, settings, previous=None),
        )

    drawn, spent = queries(engine, draw_all)
    assert spent == 0
    assert drawn == expected
