"""The audit log: who changed what, when and from where. Entries are only ever added."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.models import AuditEntry, utcnow


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
    """A team's entries, oldest first, optionally of one action only."""
    query = select(AuditEntry).where(AuditEntry.team_id == team_id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(session.exec(query.order_by(col(AuditEntry.id))))
