"""Which deliverables are still open and whose they are: where a checklist starts, and progress counts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from storage.models import Deliverable, Plan, Section
from storage.plans import active_plan
from storage.roster import roles_of_user
from storage.shape_cache import Outline, PlanShape, plan_shape


@dataclass(frozen=True)
class Head:
    """What drawing a person's checklist starts from: the team's active plan, the person's role keys and the
    plan's open deliverables."""

    plan: Plan | None
    role_keys: list[str]
    open_ids: set[int]


def head(*, session: Session, team_id: str, user_id: str) -> Head:
    """The team's active plan, this person's roles and the plan's open deliverables (no plan: nothing more)."""
    plan = active_plan(session=session, team_id=team_id)
    if plan is None:
        return Head(plan=None, role_keys=[], open_ids=set())
    return Head(
        plan=plan,
        role_keys=roles_of_user(session=session, team_id=team_id, user_id=user_id),
        open_ids=open_ids(session=session, plan=plan),
    )


# Every drawing runs this one: built once, and read as plain rows (see storage/__init__.py).
_DONE_IDS = select(Deliverable.id).where(
    Deliverable.plan_id == bindparam("plan_id"), col(Deliverable.archived).is_(False), Deliverable.status == "done"
)


def open_ids(*, session: Session, plan: Plan) -> set[int]:
    """Ids of the plan's open deliverables: those of its shape (every one not archived) but the done ones.

    Only an import archives or adds deliverables, and an import makes a new shape. A plan early in its launch
    has few done: reading those instead of ~2,000 open ones took `status` from 3.4–3.8 to 1.3–1.4 ms p50
    (bench.profile_requests; commit 12e1b31). Never cached: what people change is read every time.
    """
    done = session.connection().execute(_DONE_IDS, {"plan_id": plan.id}).scalars()
    return set(plan_shape(session=session, plan=plan).outlines).difference(done)


def outlines_for_roles(
    *,
    session: Session,
    plan: Plan,
    role_keys: Iterable[str],
    still_open: set[int] | None = None,
    ranked: Callable[[PlanShape], Sequence[Outline]] | None = None,
) -> list[Outline]:
    """The open deliverables owned by any of these roles, in document order or in the order `ranked` puts the
    shape's outlines.

    Owners, priorities and item counts come from the plan's shape; which deliverables are still open is read
    now, or given (`head`).
    """
    keys = set(role_keys)
    shape = plan_shape(session=session, plan=plan)
    owned: set[int] = set().union(*(shape.owned.get(key, frozenset()) for key in keys)) if keys else set()
    if not owned:
        return []
    if still_open is None:
        still_open = open_ids(session=session, plan=plan)
    shown = owned.intersection(still_open)
    among = ranked(shape) if ranked is not None else shape.outlines.values()
    return [outline for outline in among if outline.id in shown]


@dataclass
class Progress:
    """How far a plan is: (name, done deliverables, all deliverables) per section and per owner, in document order."""

    sections: list[tuple[Section, int, int]]
    owners: list[tuple[str, int, int]]  # role as first written


def progress(*, session: Session, plan: Plan, still_open: set[int]) -> Progress:
    """Done and all deliverables per section (those that list deliverables) and per owner role.

    Which deliverable belongs where comes from the plan's shape; which are open the caller read already
    (`head`, or the views the digest loaded).
    """
    shape = plan_shape(session=session, plan=plan)

    def counted(ids: frozenset[int]) -> tuple[int, int]:
        return len(ids) - len(ids & still_open), len(ids)

    return Progress(
        sections=[(shape.sections[sid], *counted(ids)) for sid, ids in shape.in_section.items()],
        owners=[(role, *counted(ids)) for role, ids in shape.of_owner.items()],
    )
