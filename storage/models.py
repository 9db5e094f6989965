"""Every table of the app.

Times are timezone-aware UTC (`utcnow()`; SQLModel's UTCDateTime keeps them so on SQLite and
PostgreSQL alike); they are turned into a person's own timezone only when shown.

Nothing a team wrote is ever deleted: deliverables and items that leave the document are archived,
evidence is withdrawn, and every change lands in `AuditEntry`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Now, as the aware UTC datetime every table stores."""
    return datetime.now(UTC)


class Plan(SQLModel, table=True):
    """One imported version of a team's deliverables document; one is active per team."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True)
    title: str
    heading: str = Field(default="", sa_column_kwargs={"server_default": ""})  # the title as written, emoji kept
    doc_date: date | None = None
    updated: date | None = None
    language: str = "es"
    evidence_label: str = "Entregar"
    intro: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    source_name: str = ""
    source_sha256: str = ""
    version: int = 1
    active: bool = Field(default=True, index=True)
    imported_at: datetime = Field(default_factory=utcnow)
    imported_by: str = "cli"


class Section(SQLModel, table=True):
    """A priority section of a plan (or its completed / today / other block)."""

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    position: int
    title: str
    priority: str = "normal"
    deadline: str | None = None
    due: date | None = None
    milestone: str | None = None
    kind: str = "deliverables"
    heading: str = ""
    body: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))


class Deliverable(SQLModel, table=True):
    """A deliverable with its evidence requirement; its owners and items live in their own tables."""

    __table_args__ = (Index("ix_deliverable_plan_open", "plan_id", "archived", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    section_id: int | None = Field(default=None, foreign_key="section.id")
    position: int
    number: int | None = None
    title: str
    ref: str | None = None
    priority: str = "normal"
    due: date | None = None
    status: str = "open"  # open | done
    archived: bool = False
    evidence_requirement: str | None = None
    evidence_done: bool = False  # ticked in the document, or when evidence is handed in
    notes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    detail: str | None = None
    owner_heading: str | None = None
    completed_at: datetime | None = None
    completed_by: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class DeliverableOwner(SQLModel, table=True):
    """A role that owns a deliverable (`SRE / Security` gives two rows)."""

    deliverable_id: int = Field(foreign_key="deliverable.id", primary_key=True)
    role_key: str = Field(primary_key=True, index=True)  # normalised: "sre", "dev lead"
    role: str  # as written: "SRE", "Dev Lead"
    position: int = 0


class ChecklistItem(SQLModel, table=True):
    """A tickable line: of a deliverable, or of a role's list for today (`deliverable_id` empty)."""

    __table_args__ = (Index("ix_item_today", "plan_id", "today_role_key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    deliverable_id: int | None = Field(default=None, foreign_key="deliverable.id", index=True)
    today_role_key: str | None = None
    today_role: str | None = None
    position: int
    depth: int = 0
    text: str
    done: bool = False
    done_by: str | None = None
    done_at: datetime | None = None
    archived: bool = False


class Evidence(SQLModel, table=True):
    """Something handed in for a deliverable: a link, a text or a Slack file; text is masked."""

    id: int | None = Field(default=None, primary_key=True)
    deliverable_id: int = Field(foreign_key="deliverable.id", index=True)
    user_id: str
    kind: str  # link | text | file
    url: str | None = None
    text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    file_id: str | None = None
    file_name: str | None = None
    file_type: str | None = None
    permalink: str | None = None
    masked_kinds: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    source: str = "slack"
    created_at: datetime = Field(default_factory=utcnow)
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None


class RoleMember(SQLModel, table=True):
    """A Slack user who plays a role of the document in a team."""

    __table_args__ = (UniqueConstraint("team_id", "role_key", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True)
    role_key: str = Field(index=True)
    role: str
    user_id: str = Field(index=True)
    source: str = "manual"  # manual | usergroup
    created_at: datetime = Field(default_factory=utcnow)


class Person(SQLModel, table=True):
    """A Slack user as the bot knows them: timezone, language, reminder preferences."""

    team_id: str = Field(primary_key=True)
    user_id: str = Field(primary_key=True)
    name: str | None = None
    tz: str | None = None
    locale: str | None = None
    language: str | None = None  # es | en, from the Slack locale; None: the document's language
    refreshed_at: datetime | None = None
    reminder_time: str | None = None  # HH:MM overriding REMINDER_TIME
    paused_until: date | None = None  # no reminders on days before this date
    skip_date: date | None = None  # no reminder on this one day


class AuditEntry(SQLModel, table=True):
    """Who changed what, when, and from where. Never updated, never deleted."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str  # Slack user id, or "cli" / "import" / "clock"
    action: str  # item.tick, item.untick, evidence.add, plan.import, role.assign, ...
    target_type: str
    target_id: int | None = None
    source: str = "cli"  # cli | slack:dm | slack:mine | slack:home | slack:modal | clock
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Delivery(SQLModel, table=True):
    """One DM or digest the clock owes, recorded before it is sent so it is sent once."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)  # "{team}:{kind}:{recipient}:{day}"
    team_id: str = Field(index=True)
    kind: str  # reminder | digest
    recipient: str  # user id or channel
    day: date = Field(index=True)
    status: str = "pending"  # pending | sent | failed | skipped
    channel: str | None = None
    ts: str | None = None
    attempts: int = 0
    claimed_by: str | None = None  # the lease holder making the current attempt (see bot.slack.sending)
    last_error: str | None = None
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class Lease(SQLModel, table=True):
    """A named lock with an expiry: `clock` (one clock process works at a time), `run:<holder>` (a sender lives)."""

    name: str = Field(primary_key=True)
    holder: str
    expires_at: datetime
