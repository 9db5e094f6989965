"""The team's active plan and what an import writes and reads back: its sections, today's lists and roles."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from storage.models import ChecklistItem, Deliverable, DeliverableOwner, Plan, Section


def active_plan(*, session: Session, team_id: str) -> Plan | None:
    """The team's current plan, if a document was imported."""
    query = select(Plan).where(Plan.team_id == team_id, col(Plan.active).is_(True))
    return session.exec(query.order_by(col(Plan.id).desc()).limit(1)).first()


def sections_of(*, session: Session, plan_id: int) -> list[Section]:
    """A plan's sections in document order."""
    return list(session.exec(select(Section).where(Section.plan_id == plan_id).order_by(col(Section.position))))


def today_items(*, session: Session, plan_id: int, role_keys: Iterable[str] | None = None) -> list[ChecklistItem]:
    """The per-role lists for today in document order, optionally only these roles'."""
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
