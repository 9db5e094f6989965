"""The team's active plan and what an import writes and reads back: its sections, today's lists and roles."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from storage.models import ChecklistItem, Deliverable, DeliverableOwner, Plan, Section

# Every drawing runs these: built once, with bound parameters (see storage/__init__.py).
_ACTIVE_PLAN = (
    select(Plan)
    .where(Plan.team_id == bindparam("team_id"), col(Plan.active).is_(True))
    .order_by(col(Plan.id).desc())
    .limit(1)
)
_TODAY_ITEMS = (
    select(ChecklistItem)
    .where(
        ChecklistItem.plan_id == bindparam("plan_id"),
        col(ChecklistItem.deliverable_id).is_(None),
        col(ChecklistItem.archived).is_(False),
    )
    .order_by(col(ChecklistItem.position))
)
_TODAY_ITEMS_OF_ROLES = _TODAY_ITEMS.where(col(ChecklistItem.today_role_key).in_(bindparam("keys", expanding=True)))


def active_plan(*, session: Session, team_id: str) -> Plan | None:
    """The team's current plan, if a document was imported."""
    return session.exec(_ACTIVE_PLAN, params={"team_id": team_id}).first()


def sections_of(*, session: Session, plan_id: int) -> list[Section]:
    """A plan's sections in document order."""
    return list(session.exec(select(Section).where(Section.plan_id == plan_id).order_by(col(Section.position))))


def today_items(*, session: Session, plan_id: int, role_keys: Iterable[str] | None = None) -> list[ChecklistItem]:
    """The per-role lists for today in document order, optionally only these roles'."""
    if role_keys is None:
        return list(session.exec(_TODAY_ITEMS, params={"plan_id": plan_id}))
    keys = list(role_keys)
    if not keys:
        return []
    return list(session.exec(_TODAY_ITEMS_OF_ROLES, params={"plan_id": plan_id, "keys": keys}))


def plan_roles(*, session: Session, plan_id: int) -> dict[str, str]:
    """Every role of a plan, owners of deliverables first, then today's lists: key -> name as first written."""
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
