"""Read models: what a surface is drawn from, read in one session (bot.views.read) before any block is built.

Plain dataclasses, no session: the drawing modules take these (and storage's row views, `DeliverableView`,
`DeliverableTally`, `Outline`, `Progress`) and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from storage.deliverable_views import DeliverableView
from storage.models import ChecklistItem, Plan, Section
from storage.open_deliverables import Progress
from storage.shape_cache import Outline


@dataclass
class Reader:
    """Who is looking, in which language, on which day of their own calendar."""

    user_id: str | None
    lang: str
    today: date
    tz: str


@dataclass
class Ctx:
    """What every builder needs to know about the reader."""

    lang: str
    today: date
    user_id: str | None = None
    evidence_label: str | None = None  # the document's own word ("Entregar"); None: the reader's language


@dataclass(frozen=True)
class ReminderState:
    """When a person's reminders come, as their controls show it."""

    day: date  # the day it is for them
    at: time  # their reminder's local time of day
    tz: str
    upcoming: datetime  # when the next reminder comes
    paused_until: date | None  # only a pause that is still ahead


@dataclass
class PersonChecklist:
    """A person's checklist (`mine`, their reminder, the Home tab) before its page is chosen."""

    ctx: Ctx
    plan: Plan | None
    role_keys: list[str]
    outlines: list[Outline]  # their open deliverables, in the order they are drawn
    today: dict[str, list[ChecklistItem]]  # role -> today's items
    role_names: str = ""  # the plan's roles: read only for someone who plays none
    controls: ReminderState | None = None  # where a person manages their reminder


@dataclass
class RoleChecklist:
    """One role's checklist before its page is chosen; `role` is None when the plan has no such role."""

    ctx: Ctx
    plan: Plan | None
    asked: str  # the role as the person wrote it
    role_key: str
    role: str | None  # as the document writes it
    roles: list[str] = field(default_factory=list)  # every role of the plan, to say which exist
    outlines: list[Outline] = field(default_factory=list)
    today: dict[str, list[ChecklistItem]] = field(default_factory=dict)


@dataclass
class Status:
    """The plan's progress per section and per owner."""

    ctx: Ctx
    plan: Plan | None
    progress: Progress | None = None


@dataclass
class Home:
    """The Home tab: the person's checklist, and the team's progress per section."""

    checklist: PersonChecklist
    sections: list[tuple[Section, int, int]] = field(default_factory=list)


@dataclass
class Blockers:
    """Open blockers, before their lines are read: ids in document order and the people of each role."""

    ctx: Ctx
    plan: Plan | None
    ids: list[int] = field(default_factory=list)
    members: dict[str, list[str]] = field(default_factory=dict)  # role key -> people (read only when any is open)


@dataclass
class DigestRead:
    """Everything a digest is drawn from: the plan's deliverables (open and done), members, progress."""

    ctx: Ctx
    plan: Plan
    views: list[DeliverableView]  # every deliverable, in document order
    blockers: list[DeliverableView]  # open blockers
    overdue: list[DeliverableView]  # other open deliverables past due
    members: dict[str, list[str]]  # role key -> people
    sections: list[tuple[Section, int, int]]
