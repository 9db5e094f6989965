"""The clock's bookkeeping: Delivery rows (what is owed, claimed, sent) and the clock lease.

Every write here is one short statement meant for its own short transaction, so concurrent senders
on SQLite wait milliseconds for each other, never for a Slack call.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from storage.db import insert_ignore
from storage.models import Delivery, Lease, utcnow

DONE = ("sent", "skipped")  # nothing more to do for these keys


def deliveries(*, session: Session, keys: Iterable[str]) -> dict[str, Delivery]:
    """The rows for these keys, by key."""
    wanted = list(dict.fromkeys(keys))
    found: dict[str, Delivery] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update((row.key, row) for row in session.exec(select(Delivery).where(col(Delivery.key).in_(chunk))))
    return found


def delivery(*, session: Session, key: str) -> Delivery | None:
    return session.exec(select(Delivery).where(Delivery.key == key)).first()


def claim_new(
    *,
    session: Session,
    key: str,
    team_id: str,
    kind: str,
    recipient: str,
    day: date,
    claimed_by: str | None = None,
    status: str = "pending",
    snapshot: dict[str, Any] | None = None,
) -> bool:
    """Record a delivery before it is sent (attempt 1), or settle it (`skipped`); False if the key exists."""
    return insert_ignore(
        session,
        Delivery,
        key=key,
        team_id=team_id,
        kind=kind,
        recipient=recipient,
        day=day,
        status=status,
        attempts=1 if status == "pending" else 0,
        claimed_by=claimed_by,
        snapshot=snapshot or {},
        created_at=utcnow(),
    )


def claim_again(*, session: Session, delivery_id: int, attempts_seen: int, claimed_by: str) -> bool:
    """Start the next attempt of an unfinished delivery; False if another sender moved it on first."""
    result = session.execute(
        update(Delivery)
        .where(
            col(Delivery.id) == delivery_id,
            col(Delivery.attempts) == attempts_seen,
            col(Delivery.status).in_(("pending", "failed")),
        )
        .values(attempts=attempts_seen + 1, status="pending", claimed_by=claimed_by)
    )
    return bool(getattr(result, "rowcount", 0))


def record(*, session: Session, key: str, **fields: Any) -> None:
    """Store what an attempt learnt: ts and channel, status, error, snapshot."""
    session.execute(update(Delivery).where(col(Delivery.key) == key).values(**fields))


def last_channel(*, session: Session, team_id: str, kind: str, recipient: str) -> str | None:
    """The conversation id a previous delivery to this recipient landed in (a DM's D... id)."""
    return session.exec(
        select(Delivery.channel)
        .where(
            Delivery.team_id == team_id,
            Delivery.kind == kind,
            Delivery.recipient == recipient,
            col(Delivery.channel).is_not(None),
        )
        .order_by(col(Delivery.id).desc())
    ).first()


def last_sent(*, session: Session, team_id: str, kind: str) -> Delivery | None:
    """The latest delivery of this kind that was sent (the previous digest, to compare with)."""
    return session.exec(
        select(Delivery)
        .where(Delivery.team_id == team_id, Delivery.kind == kind, Delivery.status == "sent")
        .order_by(col(Delivery.sent_at).desc(), col(Delivery.id).desc())
    ).first()


# --- the lease ----------------------------------------------------------------------------------------


def take_lease(*, session: Session, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew a lease: atomically, only if it expired or is already ours (a row is made on first use)."""
    taken = session.execute(
        update(Lease)
        .where(col(Lease.name) == name, or_(col(Lease.expires_at) <= now, col(Lease.holder) == holder))
        .values(holder=holder, expires_at=now + ttl)
    )
    if getattr(taken, "rowcount", 0):
        return True
    return insert_ignore(session, Lease, name=name, holder=holder, expires_at=now + ttl)


def release_lease(*, session: Session, name: str, holder: str, now: datetime) -> None:
    """Let the lease go now, if it is ours, so another clock can take over without waiting for it to expire."""
    session.execute(update(Lease).where(col(Lease.name) == name, col(Lease.holder) == holder).values(expires_at=now))


def lease_holder(*, session: Session, name: str, now: datetime) -> str | None:
    """Who holds the lease now, if anyone."""
    found = session.get(Lease, name)
    return found.holder if found is not None and found.expires_at > now else None


def holder_alive(*, session: Session, holder: str, now: datetime) -> bool:
    """Whether this holder still holds any lease: its claims belong to a live process."""
    return (
        session.exec(select(Lease.name).where(Lease.holder == holder, col(Lease.expires_at) > now)).first() is not None
    )
