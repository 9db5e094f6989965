"""Ticking items: who may, what a click changes, and when a deliverable is done."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from storage import audit, completion, roster
from storage.models import ChecklistItem, Deliverable, DeliverableOwner, utcnow


@dataclass(frozen=True)
class TickAction:
    """A click on a checkboxes element: its items, and which of them were ticked before the click."""

    item_ids: tuple[int, ...]
    before: frozenset[int]


@dataclass
class TickResult:
    """What a click did."""

    allowed: bool = True
    gone: bool = False  # the items are no longer in the plan
    changed: list[ChecklistItem] = field(default_factory=list)
    completed: list[Deliverable] = field(default_factory=list)
    reopened: list[Deliverable] = field(default_factory=list)
    denied_title: str | None = None
    denied_owners: list[str] = field(default_factory=list)


def owners_of(session: Session, deliverable_id: int) -> list[DeliverableOwner]:
    return list(
        session.exec(
            select(DeliverableOwner)
            .where(DeliverableOwner.deliverable_id == deliverable_id)
            .order_by(col(DeliverableOwner.position))
        )
    )


def may_act_on(session: Session, *, team_id: str, user_id: str, deliverable_id: int, is_admin: bool) -> bool:
    """Owners (people of any of the deliverable's roles) and admins may tick and hand in evidence."""
    return is_admin or completion.owns(session=session, team_id=team_id, user_id=user_id, deliverable_id=deliverable_id)


def apply_click(
    *,
    session: Session,
    team_id: str,
    user_id: str,
    action: TickAction,
    selected: Iterable[int],
    is_admin: bool,
    source: str,
) -> TickResult:
    """Apply one click: only the items whose state the click changed, set to their new state.

    Setting an absolute state (not toggling) makes a repeated request harmless, and comparing with the
    element's own prior state (not the database) keeps a neighbour's concurrent tick.
    """
    wanted = _changed_by(action, set(selected))
    items = {
        i.id: i
        for i in session.exec(
            select(ChecklistItem).where(
                col(ChecklistItem.id).in_(list(action.item_ids)), col(ChecklistItem.archived).is_(False)
            )
        )
    }
    result = TickResult()
    if not items:
        result.gone = True
        return result
    sample = next(iter(items.values()))
    if not _allowed(session, team_id=team_id, user_id=user_id, item=sample, is_admin=is_admin, result=result):
        return result
    touched: set[int] = set()
    for item_id, done in wanted.items():
        item = items.get(item_id)
        if item is None or item.done == done:
            continue
        _set_item(session, item, done=done, team_id=team_id, actor=user_id, source=source)
        result.changed.append(item)
        if item.deliverable_id is not None:
            touched.add(item.deliverable_id)
    session.flush()
    for deliverable_id in sorted(touched):  # locked in one order, so two clicks never deadlock
        refresh_status(
            session, team_id=team_id, deliverable_id=deliverable_id, actor=user_id, source=source, result=result
        )
    return result


def _changed_by(action: TickAction, now_selected: set[int]) -> dict[int, bool]:
    """The items whose state this click changed, with their new state."""
    return {
        item_id: item_id in now_selected
        for item_id in action.item_ids
        if (item_id in now_selected) != (item_id in action.before)
    }


def _set_item(session: Session, item: ChecklistItem, *, done: bool, team_id: str, actor: str, source: str) -> None:
    """Tick or untick one item, with who and when, and audit it."""
    item.done, item.done_by, item.done_at = done, actor, utcnow() if done else None
    session.add(item)
    audit.audit(
        session=session,
        team_id=team_id,
        actor=actor,
        action="item.tick" if done else "item.untick",
        target_type="item",
        target_id=item.id,
        source=source,
        detail={"text": item.text, "deliverable_id": item.deliverable_id, "today_role": item.today_role},
    )


def _allowed(
    session: Session, *, team_id: str, user_id: str, item: ChecklistItem, is_admin: bool, result: TickResult
) -> bool:
    if item.deliverable_id is not None:
        if may_act_on(session, team_id=team_id, user_id=user_id, deliverable_id=item.deliverable_id, is_admin=is_admin):
            return True
        deliverable = session.get(Deliverable, item.deliverable_id)
        result.denied_title = deliverable.title if deliverable else None
        result.denied_owners = [o.role for o in owners_of(session, item.deliverable_id)]
    else:
        if is_admin or item.today_role_key in roster.roles_of_user(session=session, team_id=team_id, user_id=user_id):
            return True
        result.denied_title = item.today_role
        result.denied_owners = [item.today_role or ""]
    result.allowed = False
    return False


def refresh_status(
    session: Session,
    *,
    team_id: str,
    deliverable_id: int,
    actor: str,
    source: str,
    result: TickResult | None = None,
    locked: Deliverable | None = None,
) -> str:
    """Mark a deliverable done when every item is ticked and its evidence is in; reopen it otherwise.

    Counts after locking the deliverable (`completion.locked_deliverable`; `locked` when the caller already did), so
    a concurrent tick or hand-in on it is counted, not missed."""
    deliverable = locked or completion.locked_deliverable(session=session, deliverable_id=deliverable_id)[0]
    if deliverable is None:
        return "open"
    items, still_open, evidence = completion.completion(session=session, deliverable_id=deliverable_id)
    has_evidence = deliverable.evidence_done or evidence
    evidence_ok = deliverable.evidence_requirement is None or has_evidence
    complete = still_open == 0 and evidence_ok and (items > 0 or has_evidence)
    finishing = complete and deliverable.status != "done"
    reopening = not complete and deliverable.status == "done" and deliverable.number is not None
    if finishing or reopening:
        deliverable.status = "done" if finishing else "open"
        deliverable.completed_at, deliverable.completed_by = (utcnow(), actor) if finishing else (None, None)
        audit.audit(
            session=session,
            team_id=team_id,
            actor=actor,
            action="deliverable.done" if finishing else "deliverable.reopen",
            target_type="deliverable",
            target_id=deliverable_id,
            source=source,
            detail={"title": deliverable.title},
        )
        if result:
            (result.completed if finishing else result.reopened).append(deliverable)
    session.add(deliverable)
    return deliverable.status
