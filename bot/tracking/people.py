"""People and roles as Slack knows them: timezone and language from users.info, roles from user groups."""

from __future__ import annotations

import logging
import threading
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from bot.i18n import language_of
from storage import plans, roster
from storage.db import session_scope
from storage.models import Person, Plan, RoleMember

log = logging.getLogger("deliverables.people")

REFRESH_AFTER = timedelta(days=1)
KEEP_PROFILE = timedelta(minutes=10)  # how long a process trusts what it read of a person's timezone and language


@dataclass(frozen=True)
class Profile:
    """What every view needs of a person: where they are and what they read."""

    tz: str | None
    language: str | None


_profiles_lock = threading.Lock()
_profiles: weakref.WeakKeyDictionary[Engine, dict[tuple[str, str], tuple[Profile, datetime]]] = (
    weakref.WeakKeyDictionary()
)


def _cached(engine: Engine, team_id: str, user_id: str, now: datetime) -> Profile | None:
    with _profiles_lock:
        found = _profiles.get(engine, {}).get((team_id, user_id))
    return found[0] if found is not None and now < found[1] else None


def _keep(engine: Engine, person: Person, now: datetime) -> Profile:
    profile = Profile(tz=person.tz, language=person.language)
    if person.refreshed_at is not None and now - person.refreshed_at < REFRESH_AFTER:
        # Only what users.info told us today; kept at most KEEP_PROFILE, so another process's refresh shows soon.
        until = min(person.refreshed_at + REFRESH_AFTER, now + KEEP_PROFILE)
        with _profiles_lock:
            _profiles.setdefault(engine, {})[(person.team_id, person.user_id)] = (profile, until)
    return profile


def profile(*, session: Session, team_id: str, user_id: str, now: datetime) -> Profile | None:
    """A person's timezone and language: from this process's memory when it read them lately, else the database."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    cached = _cached(engine, team_id, user_id, now)
    if cached is not None:
        return cached
    found = roster.person(session=session, team_id=team_id, user_id=user_id)
    return _keep(engine, found, now) if found is not None else None


def ensure_person(*, client: WebClient, session: Session, team_id: str, user_id: str, now: datetime) -> Person:
    """What we know of a person, asking Slack (users.info) when we never did or it is a day old."""
    known = roster.person(session=session, team_id=team_id, user_id=user_id)
    if known is not None and known.refreshed_at is not None and now - known.refreshed_at < REFRESH_AFTER:
        return known
    try:
        user = client.users_info(user=user_id, include_locale=True)["user"]
    except SlackApiError as exc:
        log.warning("users.info failed", extra={"user": user_id, "error": exc.response.get("error")})
        return known or roster.upsert_person(session=session, team_id=team_id, user_id=user_id)
    return roster.upsert_person(
        session=session,
        team_id=team_id,
        user_id=user_id,
        name=user.get("real_name") or user.get("name"),
        tz=user.get("tz"),
        locale=user.get("locale"),
        language=language_of(user.get("locale")),
        refreshed_at=now,
    )


def sync_usergroups(*, client: WebClient, session: Session, team_id: str, plan: Plan) -> dict[str, list[str]]:
    """Give each role of the plan the members of the Slack user group whose handle matches it (`@sre` -> SRE).

    Only members that came from a user group are replaced; people assigned by hand stay.
    """
    assert plan.id is not None
    roles = plans.plan_roles(session=session, plan_id=plan.id)
    try:
        groups = client.usergroups_list(include_disabled=False)["usergroups"]
    except SlackApiError as exc:
        log.warning("usergroups.list failed", extra={"error": exc.response.get("error")})
        return {}
    synced: dict[str, list[str]] = {}
    for group in groups:
        key = roster.role_key(group.get("handle") or "")
        if key not in roles:
            continue
        try:
            users = client.usergroups_users_list(usergroup=group["id"])["users"]
        except SlackApiError as exc:
            log.warning(
                "usergroups.users.list failed", extra={"group": group.get("handle"), "error": exc.response.get("error")}
            )
            continue
        manual = set(
            session.exec(
                select(RoleMember.user_id).where(
                    RoleMember.team_id == team_id, RoleMember.role_key == key, RoleMember.source == "manual"
                )
            )
        )
        session.exec(
            delete(RoleMember).where(
                col(RoleMember.team_id) == team_id,
                col(RoleMember.role_key) == key,
                col(RoleMember.source) == "usergroup",
            )
        )
        for uid in users:
            if uid not in manual:
                session.add(RoleMember(team_id=team_id, role_key=key, role=roles[key], user_id=uid, source="usergroup"))
        synced[roles[key]] = list(users)
    session.flush()
    return synced


class GroupSync:
    """Sync user groups at most every few minutes per team (usergroups.list is a Tier 2 method)."""

    every = timedelta(minutes=5)

    def __init__(self) -> None:
        self._last: dict[str, datetime] = {}

    def maybe(
        self, *, client: WebClient, session: Session, team_id: str, plan: Plan, now: datetime
    ) -> dict[str, list[str]]:
        last = self._last.get(team_id)
        if last is not None and now - last < self.every:
            return {}
        self._last[team_id] = now
        return sync_usergroups(client=client, session=session, team_id=team_id, plan=plan)


def remember_person(*, client: WebClient, engine: Engine, team_id: str, user_id: str, now: datetime) -> None:
    """`ensure_person` in a transaction of its own, so two first requests of a new person at once both succeed.

    The loser of that race finds the row the winner stored (from the same users.info answer) next time it reads.
    """
    if _cached(engine, team_id, user_id, now) is not None:
        return  # read from the database lately, and it was fresh then: no query, no users.info
    try:
        with session_scope(engine) as session:
            person = ensure_person(client=client, session=session, team_id=team_id, user_id=user_id, now=now)
        _keep(engine, person, now)
    except IntegrityError:
        log.info("profile stored concurrently", extra={"kind": "people", "user": user_id})
