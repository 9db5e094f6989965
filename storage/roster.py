"""The team's roster: the people we know (what Slack told us about them) and the roles they play."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from storage.audit import audit
from storage.models import Person, RoleMember


def role_key(role: str) -> str:
    """Normalise a role name for matching: `Dev  Lead`, `dev lead` and `@dev-lead` are one role."""
    cleaned = role.strip().lstrip("@").replace("-", " ").replace("_", " ")
    return " ".join(cleaned.casefold().split())


def person(*, session: Session, team_id: str, user_id: str) -> Person | None:
    """What we know of one person, if anything."""
    return session.get(Person, (team_id, user_id))


def people(*, session: Session, team_id: str, user_ids: Iterable[str]) -> dict[str, Person]:
    """What we know of these people, by user id (those we know nothing of are left out)."""
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


def today_local(now: datetime, tz: str | None) -> date:
    """The date it is for someone in `tz` at `now`."""
    try:
        return now.astimezone(ZoneInfo(tz or "UTC")).date()
    except Exception:  # an unknown Slack timezone name must not break a view
        return now.date()


# Every checklist reads a person's roles, and every `blockers` and digest the team's members: built once, and
# read as plain rows (see storage/__init__.py).
_ROLES_OF_USER = select(RoleMember.role_key).where(
    RoleMember.team_id == bindparam("team_id"), RoleMember.user_id == bindparam("user_id")
)
_MEMBERS = (
    select(RoleMember.role_key, RoleMember.user_id)
    .where(RoleMember.team_id == bindparam("team_id"))
    .order_by(col(RoleMember.id))
)


def roles_of_user(*, session: Session, team_id: str, user_id: str) -> list[str]:
    """Role keys this person plays."""
    found = session.connection().execute(_ROLES_OF_USER, {"team_id": team_id, "user_id": user_id})
    return list(found.scalars())


def members_by_role(*, session: Session, team_id: str) -> dict[str, list[str]]:
    """Role key -> user ids in the order they were assigned; roles in the order of their first member."""
    members: defaultdict[str, list[str]] = defaultdict(list)
    for key, user_id in session.connection().execute(_MEMBERS, {"team_id": team_id}).all():
        members[key].append(user_id)
    return dict(members)


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
        session.flush()  # later reads of this transaction count them, those that do not autoflush too
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
