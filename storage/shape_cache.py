"""What an import fixes about a plan, read once per worker per version of the document.

A plan's deliverables, their priorities, positions, due dates, evidence requirements, owners, sections
and how many items each has change only when a document is imported, and every import gives the plan a
new version. So each process keeps that *shape* per (plan, version, import time) and reads it again only
when a newer import shows up in the plan row it reads anyway. What people change (ticks, evidence,
statuses, role members) is never cached: it is read from the database on every request.

The cache is per engine (tests and workspaces with their own databases do not share) and bounded.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as select_columns
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from storage.models import ChecklistItem, Deliverable, DeliverableOwner, Plan, Section
from storage.plans import plan_roles, sections_of

IMPORTING = "deliverables.importing"  # set in session.info by a transaction that imports a plan
KEEP = 8  # plans (versions) kept per engine: a few workspaces, and the version being replaced


@dataclass(frozen=True)
class Outline:
    """What decides where a deliverable goes on a paged checklist and how many blocks it takes, without its rows."""

    id: int
    priority: str
    position: int
    items: int
    asks_evidence: bool
    is_done: bool
    due: date | None = None
    section_id: int | None = None


@dataclass(frozen=True)
class PlanShape:
    """The parts of one version of a plan that only an import changes. Read-only: shared by threads."""

    outlines: dict[int, Outline]  # every deliverable not archived, as if open
    owned: dict[str, frozenset[int]]  # role key -> deliverable ids
    sections: dict[int | None, Section]
    owners: dict[int, list[DeliverableOwner]]
    roles: dict[str, str] = field(default_factory=dict)  # role key -> name as written
    # What `status` counts: the deliverables of each section that lists them (in the document's order of
    # sections), and of each owner as written (in order of first appearance).
    in_section: dict[int, frozenset[int]] = field(default_factory=dict)
    of_owner: dict[str, frozenset[int]] = field(default_factory=dict)
    # What a caller derives from the shape alone, computed once per shape and then only read (see
    # `derived`): keyed by the caller's name for it.
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def derived(self, name: str, compute: Callable[[PlanShape], Any]) -> Any:
        """`compute(self)`, once per shape: two threads may both compute it the first time, with one result."""
        found = self.memo.get(name)
        if found is None:
            found = self.memo.setdefault(name, compute(self))
        return found


_lock = threading.Lock()
_reading = threading.Lock()
_shapes: weakref.WeakKeyDictionary[Engine, OrderedDict[tuple[Any, ...], PlanShape]] = weakref.WeakKeyDictionary()


def shape_key(plan: Plan) -> tuple[Any, ...]:
    imported: datetime | None = plan.imported_at
    return (plan.id, plan.version, imported.isoformat() if imported else None, plan.source_sha256)


def plan_shape(*, session: Session, plan: Plan) -> PlanShape:
    """The plan's shape, from this process's cache or read now (five queries)."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    key = shape_key(plan)
    cached = _cached(engine, key)
    if cached is not None:
        return cached
    if session.info.get(IMPORTING):
        return read_shape(session=session, plan=plan)  # inside the import that writes it: not committed, not kept
    with _reading:  # the first requests after a start or an import all want it: one thread reads, the rest wait
        cached = _cached(engine, key)
        if cached is not None:
            return cached
        shape = read_shape(session=session, plan=plan)
        for row in [*shape.sections.values(), *(o for group in shape.owners.values() for o in group)]:
            session.expunge(row)  # shared by every request of the process from now on: no session may own them
        with _lock:
            kept = _shapes.setdefault(engine, OrderedDict())
            kept[key] = shape
            while len(kept) > KEEP:
                kept.popitem(last=False)
    return shape


def _cached(engine: Engine, key: tuple[Any, ...]) -> PlanShape | None:
    with _lock:
        return _shapes.get(engine, OrderedDict()).get(key)


def warm(engine: Engine) -> int:
    """Read the shape of every team's active plan now (a worker, before it serves): how many plans."""
    with Session(engine, expire_on_commit=False) as session:
        plans = list(session.exec(select(Plan).where(col(Plan.active).is_(True))))
        for plan in plans:
            plan_shape(session=session, plan=plan)
    return len(plans)


def read_shape(*, session: Session, plan: Plan) -> PlanShape:
    """Read what an import fixed about a plan (five queries)."""
    assert plan.id is not None
    outlines = _outlines(session=session, plan_id=plan.id)
    owners = _owners(session=session, plan_id=plan.id)
    sections: dict[int | None, Section] = {s.id: s for s in sections_of(session=session, plan_id=plan.id)}
    owned: dict[str, set[int]] = defaultdict(set)
    for did, group in owners.items():
        for owner in group:
            owned[owner.role_key].add(did)
    in_section: dict[int, set[int]] = {sid: set() for sid, s in sections.items() if sid and s.kind == "deliverables"}
    of_owner: dict[str, set[int]] = {}
    for did, outline in outlines.items():  # document order
        if outline.section_id in in_section:
            in_section[outline.section_id].add(did)
        for owner in owners.get(did, ()):
            of_owner.setdefault(owner.role, set()).add(did)
    return PlanShape(
        outlines=outlines,
        owned={key: frozenset(ids) for key, ids in owned.items()},
        sections=sections,
        owners=owners,
        roles=plan_roles(session=session, plan_id=plan.id),
        in_section={sid: frozenset(ids) for sid, ids in in_section.items() if ids},
        of_owner={role: frozenset(ids) for role, ids in of_owner.items()},
    )


def _outlines(*, session: Session, plan_id: int) -> dict[int, Outline]:
    """The plan's deliverables (not archived) in document order, as if open, with how many items each has.

    Plain rows of the columns an outline needs: as ORM objects, a shape of 2,000 deliverables took 100 ms to
    read instead of 34 (every process reads it after each import, while people wait for its first drawing).
    """
    connection = session.connection()
    items: dict[int, int] = dict(
        connection.execute(  # type: ignore[arg-type]
            select(ChecklistItem.deliverable_id, func.count())
            .where(
                ChecklistItem.plan_id == plan_id,
                col(ChecklistItem.deliverable_id).is_not(None),
                col(ChecklistItem.archived).is_(False),
            )
            .group_by(col(ChecklistItem.deliverable_id))
        ).all()
    )
    deliverables = connection.execute(
        select_columns(
            col(Deliverable.id),
            col(Deliverable.priority),
            col(Deliverable.position),
            col(Deliverable.evidence_requirement),
            col(Deliverable.due),
            col(Deliverable.section_id),
        )
        .where(col(Deliverable.plan_id) == plan_id, col(Deliverable.archived).is_(False))
        .order_by(col(Deliverable.position), col(Deliverable.id))
    )
    return {
        d.id: Outline(
            id=d.id,
            priority=d.priority,
            position=d.position,
            items=items.get(d.id, 0),
            asks_evidence=bool(d.evidence_requirement),
            is_done=False,
            due=d.due,
            section_id=d.section_id,
        )
        for d in deliverables
    }


def _owners(*, session: Session, plan_id: int) -> dict[int, list[DeliverableOwner]]:
    """The owners of the plan's deliverables (not archived), by deliverable, in document order."""
    owners: dict[int, list[DeliverableOwner]] = defaultdict(list)
    for owner in session.exec(
        select(DeliverableOwner)
        .join(Deliverable, col(Deliverable.id) == DeliverableOwner.deliverable_id)
        .where(Deliverable.plan_id == plan_id, col(Deliverable.archived).is_(False))
        .order_by(col(Deliverable.position), col(DeliverableOwner.position))
    ):
        owners[owner.deliverable_id].append(owner)
    return dict(owners)
