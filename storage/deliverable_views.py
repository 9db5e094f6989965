"""Deliverables with what is shown next to them (section, owners, items, evidence): whole, or as a page draws them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import BindParameter, bindparam, func
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from storage.models import ChecklistItem, Deliverable, DeliverableOwner, Evidence, Plan, Section
from storage.plans import sections_of
from storage.shape_cache import plan_shape

EVIDENCE_SHOWN = 5  # pieces of evidence drawn under a deliverable: the latest live ones


@dataclass
class DeliverableView:
    """A deliverable with everything shown next to it, loaded in a fixed number of queries."""

    deliverable: Deliverable
    section: Section | None
    owners: list[DeliverableOwner] = field(default_factory=list)
    items: list[ChecklistItem] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    # Read for drawing (`read_views`): `evidence` holds only the latest live pieces, and this is how many are live.
    live_total: int | None = None

    @property
    def id(self) -> int:
        assert self.deliverable.id is not None
        return self.deliverable.id

    @property
    def role_names(self) -> list[str]:
        return [owner.role for owner in self.owners]

    @property
    def live_evidence(self) -> list[Evidence]:
        return [piece for piece in self.evidence if piece.withdrawn_at is None]

    @property
    def evidence_in(self) -> bool:
        return self.deliverable.evidence_done or bool(self.live_evidence)

    @property
    def is_done(self) -> bool:
        return self.deliverable.status == "done"

    @property
    def items_done(self) -> int:
        return sum(1 for item in self.items if item.done)

    @property
    def items_total(self) -> int:
        return len(self.items)

    @property
    def live_count(self) -> int:
        return self.live_total if self.live_total is not None else len(self.live_evidence)


@dataclass(frozen=True)
class DeliverableTally:
    """A deliverable as one line of `blockers` shows it: its row, section and owners, and counts of its items
    and evidence instead of their rows (`read_tallies`)."""

    deliverable: Deliverable
    section: Section | None
    owners: list[DeliverableOwner]
    items_done: int
    items_total: int
    live_count: int

    @property
    def evidence_in(self) -> bool:
        return self.deliverable.evidence_done or self.live_count > 0


def _by_deliverable(rows: Iterable[Any]) -> defaultdict[int, list[Any]]:
    grouped: defaultdict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.deliverable_id or 0].append(row)
    return grouped


def load_views(
    *,
    session: Session,
    plan_id: int,
    deliverable_ids: Iterable[int] | None = None,
    open_only: bool = True,
) -> list[DeliverableView]:
    """Deliverables of a plan in document order with their section, owners, items and every piece of evidence."""
    query = select(Deliverable).where(Deliverable.plan_id == plan_id, col(Deliverable.archived).is_(False))
    if open_only:
        query = query.where(Deliverable.status == "open")
    if deliverable_ids is not None:
        query = query.where(col(Deliverable.id).in_(list(deliverable_ids)))
    deliverables = session.exec(query.order_by(col(Deliverable.position))).all()
    if not deliverables:
        return []
    ids = [d.id for d in deliverables]
    sections = {s.id: s for s in sections_of(session=session, plan_id=plan_id)}
    owners = _by_deliverable(
        session.exec(
            select(DeliverableOwner)
            .where(col(DeliverableOwner.deliverable_id).in_(ids))
            .order_by(col(DeliverableOwner.position))
        )
    )
    items = _by_deliverable(session.exec(_items_of(ids)))
    evidence = _by_deliverable(
        session.exec(select(Evidence).where(col(Evidence.deliverable_id).in_(ids)).order_by(col(Evidence.id)))
    )
    return [
        DeliverableView(
            deliverable=d,
            section=sections.get(d.section_id),
            owners=owners[d.id or 0],
            items=items[d.id or 0],
            evidence=evidence[d.id or 0],
        )
        for d in deliverables
    ]


def _items_of(deliverables: Sequence[int | None] | BindParameter[Any]) -> SelectOfScalar[ChecklistItem]:
    """The items (not archived) of these deliverables, in document order."""
    return (
        select(ChecklistItem)
        .where(col(ChecklistItem.deliverable_id).in_(deliverables), col(ChecklistItem.archived).is_(False))
        .order_by(col(ChecklistItem.position))
    )


# A page is drawn on every `mine`, reminder, Home tab and tick: its statements are built once, with bound
# parameters, and their rows are read as plain rows, never changed (see storage/__init__.py).
_ON_THE_PAGE = (  # the plan's deliverables (not archived) among the page's ids
    col(Deliverable.plan_id) == bindparam("plan_id"),
    col(Deliverable.archived).is_(False),
    col(Deliverable.id).in_(bindparam("ids", expanding=True)),
)
_PAGE_DELIVERABLES = (
    select(
        Deliverable,
        select(Evidence.id).where(Evidence.deliverable_id == Deliverable.id).exists().label("has_evidence"),
    )
    .where(*_ON_THE_PAGE)
    .order_by(col(Deliverable.position), col(Deliverable.id))
)
_PAGE_ITEMS = _items_of(bindparam("ids", expanding=True))
# Live pieces ranked by id alone, then only the shown ones read whole: with 200 pieces on each of a page's
# deliverables, 5.6–6.5 ms against 11.7–13.0 ranking whole rows (bench.evidence_pages; commit 9ca89bf).
_LIVE_RANKED = (
    select(
        Evidence.id,
        func.row_number()
        .over(partition_by=col(Evidence.deliverable_id), order_by=col(Evidence.id).desc())
        .label("from_latest"),
        func.count().over(partition_by=col(Evidence.deliverable_id)).label("live"),
    )
    .where(col(Evidence.deliverable_id).in_(bindparam("ids", expanding=True)), col(Evidence.withdrawn_at).is_(None))
    .subquery()
)
_LATEST_EVIDENCE = (
    select(Evidence, _LIVE_RANKED.c.live)
    .join(_LIVE_RANKED, col(Evidence.id) == _LIVE_RANKED.c.id)
    .where(_LIVE_RANKED.c.from_latest <= EVIDENCE_SHOWN)
    .order_by(col(Evidence.id))
)


def read_views(*, session: Session, plan: Plan, deliverable_ids: Sequence[int]) -> list[DeliverableView]:
    """The deliverables of one page, open or done, in document order, with what a drawing shows of them.

    Sections and owners come from the plan's shape; of the evidence, only the latest `EVIDENCE_SHOWN` live pieces
    of each deliverable and how many are live (a deliverable may gather hundreds over a launch). Read-only rows
    with the models' attributes.
    """
    ids = list(deliverable_ids)
    if not ids:
        return []
    shape = plan_shape(session=session, plan=plan)
    connection = session.connection()
    deliverables = connection.execute(_PAGE_DELIVERABLES, {"plan_id": plan.id, "ids": ids}).all()
    items = _by_deliverable(connection.execute(_PAGE_ITEMS, {"ids": ids}).all())
    # Most open deliverables have no evidence yet: a page of them asks for none. `mine` p50 2.6 -> 2.4 ms on
    # SQLite, 3.1-3.2 -> 3.0 on PostgreSQL (bench.profile_requests, 400 requests, two runs each).
    handed_in = any(d.has_evidence for d in deliverables)
    evidence = _by_deliverable(latest_evidence(session=session, deliverable_ids=ids) if handed_in else [])
    return [
        DeliverableView(
            deliverable=cast(Deliverable, d),
            section=shape.sections.get(d.section_id),
            owners=shape.owners.get(d.id, []),
            items=items[d.id],
            evidence=evidence[d.id],
            live_total=evidence[d.id][0].live if evidence[d.id] else 0,
        )
        for d in deliverables
    ]


def latest_evidence(*, session: Session, deliverable_ids: Sequence[int]) -> Sequence[Any]:
    """The latest `EVIDENCE_SHOWN` live pieces of each deliverable, oldest first, each with how many its
    deliverable has live (`live`): read-only rows, as `read_views` reads them."""
    return session.connection().execute(_LATEST_EVIDENCE, {"ids": list(deliverable_ids)}).all()


def _count_items(*, done: bool | None = None) -> Any:
    """How many items (not archived, and done or not when `done` is given) the deliverable of the row has."""
    counted = select(func.count()).where(
        ChecklistItem.deliverable_id == Deliverable.id, col(ChecklistItem.archived).is_(False)
    )
    if done is not None:
        counted = counted.where(ChecklistItem.done == done)
    return counted.scalar_subquery()


_TALLIES = (
    select_columns(  # SQLModel's `select` is typed for up to four columns
        # Only what a line shows (`blocker_line`), not the whole row: `blockers` drawn alone in process (two pages
        # of 40 lines) p50 2.61–2.78 -> 2.42–2.53 ms
        col(Deliverable.id),
        col(Deliverable.section_id),
        col(Deliverable.number),
        col(Deliverable.title),
        col(Deliverable.due),
        col(Deliverable.evidence_done),
        _count_items(done=True).label("items_done"),
        _count_items().label("items_total"),
        select(func.count())
        .where(Evidence.deliverable_id == Deliverable.id, col(Evidence.withdrawn_at).is_(None))
        .scalar_subquery()
        .label("live_count"),
    )
    .where(*_ON_THE_PAGE)
    .order_by(col(Deliverable.position), col(Deliverable.id))
)


def read_tallies(*, session: Session, plan: Plan, deliverable_ids: Sequence[int]) -> list[DeliverableTally]:
    """Deliverables with counts of their items (done, all) and live evidence, in document order, for lines that
    show counts only (`blockers`): one query, no item or evidence rows. Read-only rows, as `read_views`."""
    ids = list(deliverable_ids)
    if not ids:
        return []
    shape = plan_shape(session=session, plan=plan)
    rows = session.connection().execute(_TALLIES, {"plan_id": plan.id, "ids": ids})
    return [
        DeliverableTally(
            deliverable=cast(Deliverable, row),
            section=shape.sections.get(row.section_id),
            owners=shape.owners.get(row.id, []),
            items_done=row.items_done,
            items_total=row.items_total,
            live_count=row.live_count,
        )
        for row in rows
    ]
