"""The plan: what a deliverables document says, as plain dataclasses.

Data flows one way: document -> parser (bot.document.read) -> Plan -> importer -> database.
Nothing here knows about Slack or the database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from bot.i18n import LocalizedError

Priority = Literal["blocker", "high", "normal"]
Status = Literal["open", "done"]
Language = Literal["es", "en"]
SectionKind = Literal["deliverables", "completed", "today", "other"]

PRIORITY_ORDER: dict[str, int] = {"blocker": 0, "high": 1, "normal": 2}


@dataclass
class Item:
    """One checklist line (`- [ ] text`)."""

    text: str
    done: bool = False
    depth: int = 0  # nesting level below the deliverable, 0 for a top-level item
    line: int = 0  # 1-based line in the source document (0 when not from a document)


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


@dataclass
class RoleList:
    """A per-role list for today (`### QA (Hoy)`)."""

    role: str
    items: list[Item] = field(default_factory=list)
    heading: str = ""
    line: int = 0


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

    @property
    def roles(self) -> list[str]:
        """Every role named by a deliverable or a today list, in first-seen order."""
        seen: dict[str, None] = {}
        for deliverable in self.deliverables:
            for role in deliverable.owners:
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
