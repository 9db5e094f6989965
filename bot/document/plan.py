"""The plan: what a deliverables document says, as plain dataclasses.

Data flows one way: document -> parser (bot.document.read) -> Plan -> importer -> database.
Nothing here knows about Slack or the database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from bot.i18n import LocalizedError, t

Priority = Literal["blocker", "high", "normal"]
Status = Literal["open", "done"]
Language = Literal["es", "en", "pt"]  # the document's language; the bot itself speaks es and en
SectionKind = Literal["deliverables", "completed", "today", "other"]

PRIORITY_ORDER: dict[str, int] = {"blocker": 0, "high": 1, "normal": 2}


@dataclass
class Item:
    """One checklist line (`- [ ] text`)."""

    text: str
    done: bool = False
    depth: int = 0  # nesting level below the deliverable, 0 for a top-level item
    line: int = 0  # 1-based line in the source document (0 when not from a document)
    checkbox: bool = True  # the document wrote a task box for it
    owners: list[str] = field(default_factory=list)  # named by the item's own text: `DEV:`, `(Lud)`, `@ana`
    due: date | None = None  # the item's own date: `(due 2025-03-10)`, `vence: 15/03`


@dataclass
class Section:
    """A `##` heading that groups deliverables (or holds the completed or today lists)."""

    title: str  # clean title without emoji and deadline: "BLOQUEADORES"
    priority: Priority = "normal"
    deadline: str | None = None  # the words in parentheses: "Acción Inmediata - 48h"
    due: date | None = None  # deadline relative to the document date, None for a milestone
    milestone: str | None = None  # "Canary" for "Antes del Canary"
    kind: SectionKind = "deliverables"
    heading: str = ""  # the heading as the author wrote it (repaired), without the leading #'s
    line: int = 0
    body: list[str] = field(default_factory=list)  # markdown blocks not under a deliverable (verbatim)
    level: int = 2  # its heading's level: `##` in the seed, `#` where each phase is a `#` heading


@dataclass
class Deliverable:
    """A numbered deliverable (or a completed entry) with its checklist and evidence line."""

    number: int | None
    title: str
    section: str  # Section.title
    priority: Priority = "normal"
    owners: list[str] = field(default_factory=list)  # role names, in document order
    due: date | None = None
    ref: str | None = None  # "Tarea #4"
    status: Status = "open"
    evidence: str | None = None  # what must be handed in: "Enlace al PR"
    evidence_done: bool = False  # the evidence line's own tick
    items: list[Item] = field(default_factory=list)  # without the evidence line
    notes: list[str] = field(default_factory=list)  # free markdown blocks kept verbatim (repaired)
    detail: str | None = None  # trailing text of a completed entry: "(`docs/runbook.md`) - Draft ..."
    owner_heading: str | None = None  # the owner heading as written: "SRE / Security"
    line: int = 0
    evidence_entries: list[str] = field(default_factory=list)  # sub-bullets of the evidence line
    checkbox: bool = False  # the document wrote a task box for the deliverable itself


@dataclass
class RoleList:
    """A per-role list for today (`### QA (Hoy)`)."""

    role: str
    items: list[Item] = field(default_factory=list)
    heading: str = ""
    line: int = 0


@dataclass
class ReadingWarning:
    """Something in the document that was not understood, or work that reaches nobody: where, and what."""

    line: int
    message: str  # in English, for the JSON; `text(lang)` for a reader
    key: str = ""
    values: dict[str, str | int] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        return t(self.key, lang, **self.values) if self.key else self.message


@dataclass
class Plan:
    """A whole deliverables document."""

    title: str
    date: date | None = None
    language: Language = "es"
    sections: list[Section] = field(default_factory=list)
    deliverables: list[Deliverable] = field(default_factory=list)
    today: list[RoleList] = field(default_factory=list)
    evidence_label: str = "Entregar"  # how this document introduces the evidence line
    intro: list[str] = field(default_factory=list)  # markdown blocks before the first section
    updated: datetime.date | None = None  # "**Última actualización**: ..." footer (`date` is a field here)
    heading: str = ""  # the title heading as written (repaired, emoji kept), without the leading #
    owners: list[str] = field(default_factory=list)  # the document's own owner (`**Owner:** Tech Lead`)
    assignees: list[str] = field(default_factory=list)  # front matter `assignees:`
    numbering: str | None = None  # how numbers were assigned when the document's own were not unique

    def __post_init__(self) -> None:
        # What was not understood or reaches nobody: about how this copy was read, not part of the plan itself,
        # so it is no field (a plan written back and read again is the same plan, with its own warnings).
        self.warnings: list[ReadingWarning] = []

    @property
    def roles(self) -> list[str]:
        """Every role named by a deliverable, an item or a today list, in first-seen order."""
        seen: dict[str, None] = {}
        for deliverable in self.deliverables:
            for role in deliverable.owners:
                seen.setdefault(role, None)
        for deliverable in self.deliverables:
            for item in deliverable.items:
                for role in item.owners:
                    seen.setdefault(role, None)
        for role_list in self.today:
            seen.setdefault(role_list.role, None)
        return list(seen)


class DocumentError(LocalizedError, ValueError):
    """A document that cannot be read as a deliverables document: what is wrong, and where."""

    def __init__(self, key: str, *, path: str = "<document>", line: int | None = None, **values: object) -> None:
        self.path = path
        self.line = line
        super().__init__(key, **values)

    def text(self, lang: str) -> str:
        """`path:line: what is wrong`, in `lang`."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {super().text(lang)}"
