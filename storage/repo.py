"""Queries: small keyword-only functions that take the session."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import String, bindparam, false, func
from sqlalchemy import cast as sa_cast
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.models import (
    AuditEntry,
    ChecklistItem,
    Deliverable,
    DeliverableOwner,
    Evidence,
    Person,
    Plan,
    RoleMember,
    Section,
    utcnow,
)
from storage.shapes import Outline, PlanShape, plan_shape


def role_key(role: str) -> str:
    """Normalise a role name for matching: `Dev  Lead`, `dev lead` and `@dev-lead` are one role."""
    cleaned = role.strip().lstrip("@").replace("-", " ").replace("_", " ")
    return " ".join(cleaned.casefold().split())


# --- plans -----------------------------------------------------------------------------------------


_ACTIVE = (col(Plan.team_id) == bindparam("team_id"), col(Plan.active).is_(True))
_ACTIVE_PLAN = select(Plan).where(*_ACTIVE).order_by(col(Plan.id).desc()).limit(1)


def active_plan(*, session: Session, team_id: str) -> Plan | None:
    """The team's current plan, if a document was imported."""
    return session.exec(_ACTIVE_PLAN, params={"team_id": team_id}).first()


@dataclass(frozen=True)
class Head:
    """What drawing a person's checklist starts from: the team's active plan, the person's role keys and the
    plan's open deliverables, read in one round trip (`head`)."""

    plan: Plan | None
    role_keys: list[str]
    open_ids: set[int]


_SEPARATOR = "\x1f"  # between role keys or members: a role's name may hold a comma, never a control character


def _aggregate(dialect: str, column: Any, separator: str) -> Any:
    """A comma- (or otherwise) separated string of a column's values: PostgreSQL's string_agg, SQLite's group_concat."""
    if dialect == "postgresql":
        return func.string_agg(sa_cast(column, String), separator)
    return func.group_concat(column, separator)


def _done(plan_id: Any) -> tuple[Any, ...]:
    """Where a plan's deliverable is done (the (plan, archived, status) index): the rest of its shape is open."""
    return (
        col(Deliverable.plan_id) == plan_id,
        col(Deliverable.archived).is_(False),
        col(Deliverable.status) == "done",
    )


def _still_open(shape: PlanShape, done: str | None) -> set[int]:
    """The plan's open deliverables: those of its shape (every one not archived) but the done ones.

    Only an import archives or adds deliverables, and an import makes a new shape, so the shape and the done
    ids read with the same plan row cover them all. A plan early in its launch has few done: their ids are
    cheaper to read and convert than the open ones (the same cost when all are done).
    """
    return set(shape.outlines).difference(_id_set(done))


def _id_set(found: str | None) -> set[int]:
    """Ids aggregated by `_aggregate` with commas, as integers."""
    return {int(did) for did in found.split(",")} if found else set()


def _head(dialect: str) -> Any:
    roles = (
        sa_select(_aggregate(dialect, col(RoleMember.role_key), _SEPARATOR))
        .where(col(RoleMember.team_id) == bindparam("team_id"), col(RoleMember.user_id) == bindparam("user_id"))
        .scalar_subquery()
    )
    done = sa_select(_aggregate(dialect, col(Deliverable.id), ",")).where(*_done(col(Plan.id))).scalar_subquery()
    return (
        sa_select(Plan, roles.label("role_keys"), done.label("done_ids"))
        .where(*_ACTIVE)
        .order_by(col(Plan.id).desc())
        .limit(1)
    )


_DIALECTS = ("postgresql", "sqlite")  # statements built per dialect: its aggregate function differs
_HEADS = {dialect: _head(dialect) for dialect in _DIALECTS}


def head(*, session: Session, team_id: str, user_id: str) -> Head:
    """`active_plan`, `roles_of_user` and `open_ids` in one statement (no plan: no roles are read)."""
    dialect = session.get_bind().dialect.name
    found = session.execute(_HEADS[dialect], {"team_id": team_id, "user_id": user_id}).first()
    if found is None:
        return Head(plan=None, role_keys=[], open_ids=set())
    plan, keys, done = found
    return Head(
        plan=plan,
        role_keys=keys.split(_SEPARATOR) if keys else [],
        open_ids=_still_open(plan_shape(session=session, plan=plan), done),
    )


def sections_of(*, session: Session, plan_id: int) -> list[Section]:
    return list(session.exec(select(Section).where(Section.plan_id == plan_id).order_by(col(Section.position))))


# --- the read model used by every view -----------------------------------------------------------


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
    and evidence instead of their rows (`read_tallies`). Read-only."""

    deliverable: Deliverable
    section: Section | None
    owners: list[DeliverableOwner]
    items_done: int
    items_total: int
    live_count: int

    @property
    def evidence_in(self) -> bool:
        return self.deliverable.evidence_done or self.live_count > 0


def load_views(
    *,
    session: Session,
    plan_id: int,
    deliverable_ids: Iterable[int] | None = None,
    open_only: bool = True,
) -> list[DeliverableView]:
    """Deliverables of a plan in document order with sections, owners, items and evidence (ORM objects)."""
    query = select(Deliverable).where(Deliverable.plan_id == plan_id, col(Deliverable.archived).is_(False))
    if open_only:
        query = query.where(Deliverable.status == "open")
    ids: list[int] | None = None
    if deliverable_ids is not None:
        ids = list(deliverable_ids)
        if not ids:
            return []
        query = query.where(col(Deliverable.id).in_(ids))
    deliverables = list(session.exec(query.order_by(col(Deliverable.position))))
    if not deliverables:
        return []
    wanted = [d.id for d in deliverables]
    sections = {s.id: s for s in sections_of(session=session, plan_id=plan_id)}
    owners: dict[int, list[DeliverableOwner]] = defaultdict(list)
    items: dict[int, list[ChecklistItem]] = defaultdict(list)
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    for chunk in _chunks(wanted, 900):
        for owner in session.exec(
            select(DeliverableOwner)
            .where(col(DeliverableOwner.deliverable_id).in_(chunk))
            .order_by(col(DeliverableOwner.position))
        ):
            owners[owner.deliverable_id].append(owner)
        for item in session.exec(
            select(ChecklistItem)
            .where(col(ChecklistItem.deliverable_id).in_(chunk), col(ChecklistItem.archived).is_(False))
            .order_by(col(ChecklistItem.position))
        ):
            assert item.deliverable_id is not None
            items[item.deliverable_id].append(item)
        for piece in session.exec(
            select(Evidence).where(col(Evidence.deliverable_id).in_(chunk)).order_by(col(Evidence.id))
        ):
            evidence[piece.deliverable_id].append(piece)
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


# Statements built once: composing a select costs more than running it on a page of rows. Only the columns a
# drawing shows: every other column (a date to parse, a JSON to decode) would cost on each of a page's rows.
_DRAWN_DELIVERABLE = [
    col(c)
    for c in (
        Deliverable.id,
        Deliverable.section_id,
        Deliverable.position,
        Deliverable.number,
        Deliverable.title,
        Deliverable.ref,
        Deliverable.priority,
        Deliverable.due,
        Deliverable.status,
        Deliverable.evidence_requirement,
        Deliverable.evidence_done,
        Deliverable.notes,
    )
]
_DRAWN_ITEM = [
    col(c)
    for c in (
        ChecklistItem.id,
        ChecklistItem.deliverable_id,
        ChecklistItem.position,
        ChecklistItem.depth,
        ChecklistItem.text,
        ChecklistItem.done,
        ChecklistItem.today_role_key,
        ChecklistItem.today_role,
    )
]
_DRAWN_EVIDENCE = [
    col(c)
    for c in (
        Evidence.id,
        Evidence.deliverable_id,
        Evidence.user_id,
        Evidence.kind,
        Evidence.url,
        Evidence.text,
        Evidence.file_id,
        Evidence.file_name,
        Evidence.permalink,
        Evidence.created_at,
        Evidence.withdrawn_at,
    )
]
_ANY_EVIDENCE = (  # most open deliverables have none yet: their page needs no evidence query
    sa_select(col(Evidence.id))
    .where(col(Evidence.deliverable_id) == col(Deliverable.id))
    .exists()
    .label("has_evidence")
)
_PAGE_DELIVERABLES = sa_select(*_DRAWN_DELIVERABLE, _ANY_EVIDENCE).where(
    col(Deliverable.plan_id) == bindparam("plan_id"),
    col(Deliverable.archived).is_(False),
    col(Deliverable.id).in_(bindparam("ids", expanding=True)),
)
_PAGE_ITEMS = (
    sa_select(*_DRAWN_ITEM)
    .where(
        col(ChecklistItem.deliverable_id).in_(bindparam("ids", expanding=True)),
        col(ChecklistItem.archived).is_(False),
    )
    .order_by(col(ChecklistItem.position))
)
EVIDENCE_SHOWN = 5  # pieces of evidence drawn under a deliverable: the latest live ones
# Live pieces ranked by id alone, and only the drawn ones read whole: a deliverable with many pieces costs a
# ranking of ids, not a read of every text and link it gathered.
_LIVE_RANKED = (
    sa_select(
        col(Evidence.id).label("ranked_id"),
        func.row_number()
        .over(partition_by=col(Evidence.deliverable_id), order_by=col(Evidence.id).desc())
        .label("from_latest"),
        func.count().over(partition_by=col(Evidence.deliverable_id)).label("live"),
    )
    .where(col(Evidence.deliverable_id).in_(bindparam("ids", expanding=True)), col(Evidence.withdrawn_at).is_(None))
    .subquery()
)
_PAGE_EVIDENCE = (
    sa_select(*_DRAWN_EVIDENCE, _LIVE_RANKED.c.live)
    .join_from(_LIVE_RANKED, Evidence, col(Evidence.id) == _LIVE_RANKED.c.ranked_id)
    .where(_LIVE_RANKED.c.from_latest <= EVIDENCE_SHOWN)
    .order_by(col(Evidence.id))
)


def read_views(*, session: Session, plan: Plan, deliverable_ids: Sequence[int]) -> list[DeliverableView]:
    """`load_views` of a few deliverables (a page) for drawing only: open or done, in document order.

    Sections and owners come from the plan's shape; deliverables, items and evidence are read now as plain
    rows (two queries, three when any of them has evidence; no ORM objects): read-only views with the same
    attributes, never to be changed. Of the evidence, only what is drawn: the latest `EVIDENCE_SHOWN` live
    pieces of each deliverable and how many are live (a deliverable may gather hundreds over a launch).
    """
    if not deliverable_ids:
        return []
    shape = plan_shape(session=session, plan=plan)
    connection = session.connection()
    ids = list(deliverable_ids)
    rows = sorted(
        connection.execute(_PAGE_DELIVERABLES, {"plan_id": plan.id, "ids": ids}), key=lambda d: (d.position, d.id)
    )
    items: dict[int, list[Any]] = defaultdict(list)
    for item in connection.execute(_PAGE_ITEMS, {"ids": ids}):
        items[item.deliverable_id].append(item)
    evidence: dict[int, list[Any]] = defaultdict(list)
    live: dict[int, int] = {}
    # Asked for the whole page's ids, like its items: one statement text per page size. A text per subset
    # of ids with evidence grew each connection's cache of prepared statements (memory, in scenario B).
    if any(d.has_evidence for d in rows):
        for piece in connection.execute(_PAGE_EVIDENCE, {"ids": ids}):
            evidence[piece.deliverable_id].append(piece)
            live[piece.deliverable_id] = piece.live
    return [
        DeliverableView(
            deliverable=cast(Deliverable, d),
            section=shape.sections.get(d.section_id),
            owners=shape.owners.get(d.id, []),
            items=items[d.id],
            evidence=evidence[d.id],
            live_total=live.get(d.id, 0),
        )
        for d in rows
    ]


def _items_of(deliverable: Any) -> tuple[Any, ...]:
    """Where an item counts for a deliverable (a row's id, or a bound id): not archived."""
    return (col(ChecklistItem.deliverable_id) == deliverable, col(ChecklistItem.archived).is_(False))


def _live_evidence_of(deliverable: Any) -> tuple[Any, ...]:
    """Where a piece of evidence counts for a deliverable: not withdrawn."""
    return (col(Evidence.deliverable_id) == deliverable, col(Evidence.withdrawn_at).is_(None))


_LINE_DELIVERABLE = [  # what a line of `blockers` shows of the deliverable's own row (`blocks.blocker_line`)
    col(c)
    for c in (
        Deliverable.id,
        Deliverable.section_id,
        Deliverable.number,
        Deliverable.title,
        Deliverable.due,
        Deliverable.evidence_done,
    )
]
_PAGE_TALLIES = (
    sa_select(
        *_LINE_DELIVERABLE,
        sa_select(func.count()).where(*_items_of(col(Deliverable.id))).scalar_subquery().label("items_total"),
        sa_select(func.count())
        .where(*_items_of(col(Deliverable.id)), col(ChecklistItem.done).is_(True))
        .scalar_subquery()
        .label("items_done"),
        sa_select(func.count()).where(*_live_evidence_of(col(Deliverable.id))).scalar_subquery().label("live_count"),
    )
    .where(
        col(Deliverable.plan_id) == bindparam("plan_id"),
        col(Deliverable.archived).is_(False),
        col(Deliverable.id).in_(bindparam("ids", expanding=True)),
    )
    .order_by(col(Deliverable.position), col(Deliverable.id))
)


def read_tallies(*, session: Session, plan: Plan, deliverable_ids: Sequence[int]) -> list[DeliverableTally]:
    """Deliverables (the columns a line shows) with counts of their items (done, all) and live evidence, in
    document order: one query, no item or evidence rows. For lines that show counts only (`blockers`)."""
    if not deliverable_ids:
        return []
    shape = plan_shape(session=session, plan=plan)
    rows = session.connection().execute(_PAGE_TALLIES, {"plan_id": plan.id, "ids": list(deliverable_ids)})
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


def outlines_for_roles(
    *,
    session: Session,
    plan: Plan,
    role_keys: Iterable[str],
    still_open: set[int] | None = None,
    ranked: Callable[[PlanShape], Sequence[Outline]] | None = None,
) -> list[Outline]:
    """The open deliverables owned by any of these roles, as `load_views` would find them, in document order,
    or in the order `ranked` puts the shape's outlines.

    Owners, priorities and item counts come from the plan's shape (cached per import); which deliverables
    are still open is read now (one query: what people change is never cached), or given, read with the plan
    (`head`).
    """
    keys = set(role_keys)
    shape = plan_shape(session=session, plan=plan)
    owned: set[int] = set().union(*(shape.owned.get(key, frozenset()) for key in keys)) if keys else set()
    if not owned:
        return []
    if still_open is None:
        still_open = open_ids(session=session, plan=plan)
    # Filtering keeps the order: the shape's (document order), or the ranking's.
    shown = owned.intersection(still_open)
    among = ranked(shape) if ranked is not None else shape.outlines.values()
    return [outline for outline in among if outline.id in shown]


def _chunks(values: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


_DONE_IDS = {
    dialect: sa_select(_aggregate(dialect, col(Deliverable.id), ",")).where(*_done(bindparam("plan_id")))
    for dialect in _DIALECTS
}


def open_ids(*, session: Session, plan: Plan) -> set[int]:
    """Ids of the plan's open deliverables: its shape's but the done ones, read from the (plan, archived,
    status) index as one aggregated row.

    Read on every drawing, never cached: a thousand one-column rows cost more to fetch and convert, one by
    one, than the query itself; a single comma-separated string does not.
    """
    connection = session.connection()
    done = connection.execute(_DONE_IDS[connection.dialect.name], {"plan_id": plan.id}).scalar()
    return _still_open(plan_shape(session=session, plan=plan), done)


def today_items(*, session: Session, plan_id: int, role_keys: Iterable[str] | None = None) -> list[ChecklistItem]:
    """The per-role lists for today, optionally only these roles'."""
    query = select(ChecklistItem).where(
        ChecklistItem.plan_id == plan_id,
        col(ChecklistItem.deliverable_id).is_(None),
        col(ChecklistItem.archived).is_(False),
    )
    if role_keys is not None:
        keys = list(role_keys)
        if not keys:
            return []
        query = query.where(col(ChecklistItem.today_role_key).in_(keys))
    return list(session.exec(query.order_by(col(ChecklistItem.position))))


_TODAY_FOR_ROLES = (
    sa_select(*_DRAWN_ITEM)
    .where(
        col(ChecklistItem.plan_id) == bindparam("plan_id"),
        col(ChecklistItem.deliverable_id).is_(None),
        col(ChecklistItem.archived).is_(False),
        col(ChecklistItem.today_role_key).in_(bindparam("keys", expanding=True)),
    )
    .order_by(col(ChecklistItem.position))
)


def read_today_items(*, session: Session, plan_id: int, role_keys: Iterable[str]) -> list[ChecklistItem]:
    """`today_items` of these roles for drawing only: plain read-only rows with the items' attributes."""
    keys = list(role_keys)
    if not keys:
        return []
    rows = session.connection().execute(_TODAY_FOR_ROLES, {"plan_id": plan_id, "keys": keys})
    return cast(list[ChecklistItem], list(rows))


def plan_roles(*, session: Session, plan_id: int) -> dict[str, str]:
    """Every role of a plan: key -> name as written."""
    roles: dict[str, str] = {}
    for key, name in session.exec(
        select(DeliverableOwner.role_key, DeliverableOwner.role)
        .join(Deliverable, col(Deliverable.id) == DeliverableOwner.deliverable_id)
        .where(Deliverable.plan_id == plan_id, col(Deliverable.archived).is_(False))
        .order_by(col(Deliverable.position), col(DeliverableOwner.position))
    ):
        roles.setdefault(key, name)
    for item in today_items(session=session, plan_id=plan_id):
        if item.today_role_key and item.today_role:
            roles.setdefault(item.today_role_key, item.today_role)
    return roles


# --- people and roles -----------------------------------------------------------------------------


_ROLES_OF_USER = sa_select(col(RoleMember.role_key)).where(
    col(RoleMember.team_id) == bindparam("team_id"), col(RoleMember.user_id) == bindparam("user_id")
)


_OWNS = (
    sa_select(col(DeliverableOwner.role_key))
    .where(
        col(DeliverableOwner.deliverable_id) == bindparam("deliverable_id"),
        col(DeliverableOwner.role_key).in_(_ROLES_OF_USER),
    )
    .limit(1)
)


def owns(*, session: Session, team_id: str, user_id: str, deliverable_id: int) -> bool:
    """Whether this person plays one of the deliverable's roles (one query)."""
    found = session.connection().execute(
        _OWNS, {"team_id": team_id, "user_id": user_id, "deliverable_id": deliverable_id}
    )
    return found.first() is not None


def locked_deliverable(
    *, session: Session, deliverable_id: int, team_id: str | None = None, user_id: str | None = None
) -> tuple[Deliverable | None, bool]:
    """A deliverable about to change, locked until the transaction ends, and whether `user_id` plays one of its
    roles (False when no user is given): one query.

    Every write that may complete or reopen a deliverable (a tick, a hand-in, a withdrawal) takes this lock
    before it counts what is done, so two of them on one deliverable count one after the other: on
    PostgreSQL a `FOR UPDATE` on its row (two people ticking its last two items at once would otherwise each
    count the other's item as open, and neither would mark it done); SQLite has one writer at a time already.
    """
    owns: Any = _OWNS.exists() if user_id is not None else false()
    query = (
        sa_select(Deliverable, owns.label("owns"))
        .where(col(Deliverable.id) == bindparam("deliverable_id"))
        .with_for_update(of=Deliverable)
    )
    row = session.execute(query, {"deliverable_id": deliverable_id, "team_id": team_id, "user_id": user_id}).first()
    return (row[0], bool(row[1])) if row is not None else (None, False)


_ONE: Any = bindparam("deliverable_id")  # one deliverable, by id
_COMPLETION = sa_select(
    sa_select(func.count()).where(*_items_of(_ONE)).scalar_subquery().label("items"),
    sa_select(func.count()).where(*_items_of(_ONE), col(ChecklistItem.done).is_(False)).scalar_subquery().label("open"),
    sa_select(col(Evidence.id)).where(*_live_evidence_of(_ONE)).exists().label("evidence"),
)


def completion(*, session: Session, deliverable_id: int) -> tuple[int, int, bool]:
    """A deliverable's items (all, still open) and whether any evidence is in, in one query, after the session's
    pending changes are flushed (a tick or a hand-in of the same transaction counts)."""
    items, still_open, evidence = session.execute(_COMPLETION, {"deliverable_id": deliverable_id}).one()
    return items, still_open, bool(evidence)


def roles_of_user(*, session: Session, team_id: str, user_id: str) -> list[str]:
    """Role keys this person plays."""
    rows = session.connection().execute(_ROLES_OF_USER, {"team_id": team_id, "user_id": user_id})
    return [key for (key,) in rows]


def _members(dialect: str) -> Any:
    """Each role's members as one row of `id:user` pairs (string_agg and group_concat promise no order)."""
    pair = sa_cast(col(RoleMember.id), String) + ":" + col(RoleMember.user_id)
    return (
        sa_select(col(RoleMember.role_key), _aggregate(dialect, pair, _SEPARATOR))
        .where(col(RoleMember.team_id) == bindparam("team_id"))
        .group_by(col(RoleMember.role_key))
    )


_MEMBERS = {dialect: _members(dialect) for dialect in _DIALECTS}


def members_by_role(*, session: Session, team_id: str) -> dict[str, list[str]]:
    """Role key -> user ids, in the order they were assigned.

    Read on every `blockers` and digest: a team's few hundred members come as one row per role, which costs far
    less to fetch than a row each (an id ends at the first colon; no user id holds a control character)."""
    connection = session.connection()
    roles = []
    for key, pairs in connection.execute(_MEMBERS[connection.dialect.name], {"team_id": team_id}):
        split = (pair.partition(":") for pair in pairs.split(_SEPARATOR))
        assigned = sorted((int(number), user) for number, _, user in split)
        roles.append((assigned[0][0], key, [user for _, user in assigned]))
    return {key: users for _, key, users in sorted(roles)}  # roles in the order of their first member too


def assign_role(
    *, session: Session, team_id: str, role: str, user_ids: Sequence[str], actor: str, source: str = "manual"
) -> list[str]:
    """Give a role to people; returns the user ids that were not in it yet."""
    key = role_key(role)
    existing = set(
        session.exec(select(RoleMember.user_id).where(RoleMember.team_id == team_id, RoleMember.role_key == key))
    )
    added = [uid for uid in dict.fromkeys(user_ids) if uid not in existing]
    for uid in added:
        session.add(
            RoleMember(team_id=team_id, role_key=key, role=role.strip().lstrip("@"), user_id=uid, source=source)
        )
    if added:
        audit(
            session=session,
            team_id=team_id,
            actor=actor,
            action="role.assign",
            target_type="role",
            source="cli" if actor == "cli" else "slack",
            detail={"role": role, "users": added},
        )
        session.flush()  # reads of members later in this transaction (`members_by_role`, no autoflush) count them
    return added


def unassign_role(*, session: Session, team_id: str, role: str, user_id: str, actor: str) -> bool:
    """Take a role away from one person."""
    member = session.exec(
        select(RoleMember).where(
            RoleMember.team_id == team_id,
            RoleMember.role_key == role_key(role),
            RoleMember.user_id == user_id,
        )
    ).first()
    if member is None:
        return False
    session.delete(member)
    audit(
        session=session,
        team_id=team_id,
        actor=actor,
        action="role.unassign",
        target_type="role",
        detail={"role": role, "user": user_id},
    )
    return True


def person(*, session: Session, team_id: str, user_id: str) -> Person | None:
    return session.get(Person, (team_id, user_id))


def people(*, session: Session, team_id: str, user_ids: Iterable[str]) -> dict[str, Person]:
    ids = list(set(user_ids))
    if not ids:
        return {}
    found = session.exec(select(Person).where(Person.team_id == team_id, col(Person.user_id).in_(ids)))
    return {p.user_id: p for p in found}


def upsert_person(*, session: Session, team_id: str, user_id: str, **fields: Any) -> Person:
    """Create or update what we know of a person."""
    found = person(session=session, team_id=team_id, user_id=user_id) or Person(team_id=team_id, user_id=user_id)
    for name, value in fields.items():
        setattr(found, name, value)
    session.add(found)
    return found


# --- audit ------------------------------------------------------------------------------------------


def audit(
    *,
    session: Session,
    team_id: str,
    actor: str,
    action: str,
    target_type: str,
    target_id: int | None = None,
    source: str = "cli",
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Record a change."""
    entry = AuditEntry(
        team_id=team_id,
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        source=source,
        detail=detail or {},
        at=at or utcnow(),
    )
    session.add(entry)
    return entry


def audit_entries(*, session: Session, team_id: str, action: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.team_id == team_id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(session.exec(query.order_by(col(AuditEntry.id))))


@dataclass
class Progress:
    """How far a plan is: (name, done deliverables, all deliverables) per section and per owner, in document order."""

    sections: list[tuple[Section, int, int]]
    owners: list[tuple[str, int, int]]  # role as first written


def progress(*, session: Session, plan: Plan, still_open: set[int]) -> Progress:
    """Done and all deliverables per section (those that list deliverables) and per owner role.

    Which deliverable belongs where comes from the plan's shape (cached per import); which are open the caller
    read already (`head`, or the views the digest loaded): no row per deliverable and owner.
    """
    shape = plan_shape(session=session, plan=plan)

    def counted(ids: frozenset[int]) -> tuple[int, int]:
        return len(ids) - len(ids & still_open), len(ids)

    return Progress(
        sections=[(shape.sections[sid], *counted(ids)) for sid, ids in shape.in_section.items()],
        owners=[(role, *counted(ids)) for role, ids in shape.of_owner.items()],
    )


def today_local(now: datetime, tz: str | None) -> date:
    """The date it is for someone in `tz` at `now`."""
    from zoneinfo import ZoneInfo

    try:
        return now.astimezone(ZoneInfo(tz or "UTC")).date()
    except Exception:  # an unknown Slack timezone name must not break a view
        return now.date()
