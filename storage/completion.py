"""What a tick or a hand-in checks before it changes a deliverable: who may, its lock, and what is still to do."""

from __future__ import annotations

from typing import Any

from sqlalchemy import false, func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from storage.models import ChecklistItem, Deliverable, DeliverableOwner, Evidence, RoleMember


def _roles_played(*, deliverable_id: int, team_id: str | None, user_id: str | None) -> SelectOfScalar[str]:
    """The deliverable's owner roles that this person plays."""
    plays = select(RoleMember.role_key).where(RoleMember.team_id == team_id, RoleMember.user_id == user_id)
    return select(DeliverableOwner.role_key).where(
        DeliverableOwner.deliverable_id == deliverable_id, col(DeliverableOwner.role_key).in_(plays)
    )


def owns(*, session: Session, team_id: str, user_id: str, deliverable_id: int) -> bool:
    """Whether this person plays one of the deliverable's roles (one query)."""
    played = _roles_played(deliverable_id=deliverable_id, team_id=team_id, user_id=user_id)
    return session.exec(played.limit(1)).first() is not None


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
    owner: Any = false()
    if user_id is not None:
        owner = _roles_played(deliverable_id=deliverable_id, team_id=team_id, user_id=user_id).exists()
    found = session.exec(
        select(Deliverable, owner).where(Deliverable.id == deliverable_id).with_for_update(of=Deliverable)
    ).first()
    return (found[0], bool(found[1])) if found is not None else (None, False)


def completion(*, session: Session, deliverable_id: int) -> tuple[int, int, bool]:
    """A deliverable's items (all, still open) and whether any evidence is in, in one query, after the session's
    pending changes are flushed (a tick or a hand-in of the same transaction counts)."""
    items = select(func.count()).where(
        ChecklistItem.deliverable_id == deliverable_id, col(ChecklistItem.archived).is_(False)
    )
    still_open = items.where(col(ChecklistItem.done).is_(False))
    evidence = select(Evidence.id).where(
        Evidence.deliverable_id == deliverable_id, col(Evidence.withdrawn_at).is_(None)
    )
    total, undone, handed_in = session.exec(
        select(items.scalar_subquery(), still_open.scalar_subquery(), evidence.exists())
    ).one()
    return total, undone, bool(handed_in)
