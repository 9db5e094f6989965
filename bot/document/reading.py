"""What the parser knows while it reads: the headings in force, the open deliverable, text kept as notes.

Shared by the reading of lists (bot.document.entries) and tables (bot.document.tables); the parser
(bot.document.parser) owns the sections and the plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.document import lines, owners
from bot.document.markdown import Block
from bot.document.plan import Deliverable, Item, Plan, Priority, ReadingWarning, RoleList
from bot.document.priorities import cell_priority
from bot.document.vocabulary import DUE_LABELS, EVIDENCE_LABELS, OWNER_LABELS, PRIORITY_LABELS, fold
from bot.i18n import t

if TYPE_CHECKING:
    from bot.document.settle import SectionDraft


@dataclass
class Head:
    """A heading below the section level (or a bold line before a box list), while it is in force."""

    text: str
    level: float
    line: int  # 0-based
    owners: list[str] | None  # the roles it names, None when it is a topic or a step
    priority: Priority | None  # the priority it states, None when it states none
    due_source: str | None  # its text, or the date line under it
    pseudo: bool = False
    deliverable: Deliverable | None = None  # the deliverable its box list made of it
    named: list[str] | None = None  # the owners an `Owner:` line right under it names
    pending: str | None = None  # its line as written, kept as text if text (not work) comes under it
    kept: list[str] | None = None  # where that line went, to take it back if work comes under it after all


@dataclass
class Facts:
    """What settling needs to know about a deliverable beyond the dataclass: where its dates came from."""

    kind: str  # numbered, numbered_heading, heading, box, row or completed: how the document wrote it
    due_text: str | None = None  # its own `Due:` value or inline due
    heads: list[str] = field(default_factory=list)  # the due sources of the headings above, innermost first
    priority: Priority | None = None  # stated by its own text, cell or field
    item_dues: list[tuple[Item, str]] = field(default_factory=list)
    signoff: bool | None = None  # whether its heading or title asks for sign-offs (worked out once)
    due_visible: bool = False  # its due text is still in its title (an inline `📅 ...`, `by ...`)


class ReadingState:
    """The state of one reading, and what every part of it does with text, warnings, headings and fields."""

    plan: Plan
    source: list[str]
    current: SectionDraft | None
    section_owners: list[str]
    section_heading: str | None
    boxes_are_deliverables: bool
    started: bool

    def __init__(self) -> None:
        self.heads: list[Head] = []
        self.deliverable: Deliverable | None = None
        self.deliverable_kind = ""  # numbered, heading, box or row: how the open deliverable was written
        self.role_list: RoleList | None = None
        self.previous: Block | None = None
        self.facts: dict[int, Facts] = {}
        self.text_lines: list[str] = []
        self.text_target: list[str] | None = None
        self.text_last = -1
        self.readings: dict[int, str] = {}  # 0-based line -> what it was read as, for `check`
        self.work_seen = False
        self.bare_names: list[tuple[list[str], str]] = []  # owner lists that got a `(Lud)`-style name, and the name

    # -- text kept as written -----------------------------------------------------------------------

    def keep_lines(self, start: int, end: int, *, fenced: bool = False) -> None:
        """Keep source lines, in blank-line separated blocks, as the open deliverable's notes, the section's body
        or the introduction."""
        if self.deliverable is None and any(head.pending for head in self.heads):
            self._keep_heading_lines()
        target = self._text_target()
        if self.text_lines and any(not self.source[i].strip() for i in range(self.text_last + 1, start)):
            self.end_text()  # a blank line between two blocks (a fence ends at its closing line)
        for index in range(start, end):
            line = self.source[index].rstrip()
            if not fenced and (not line.strip() or lines.is_rule(line)):
                self.end_text()
                continue
            if target is not self.text_target:
                self.end_text()
                self.text_target = target
            self.text_lines.append(line)
            self.text_last = index
            self.readings.setdefault(index, "note" if self.deliverable is not None else "text")

    def _keep_heading_lines(self) -> None:
        """A heading with text and no work under it (`### Criterios de Aprobación`) stays, as written, with its text."""
        for head in self.heads:
            if head.pending:
                self.end_text()
                target = self._text_target()
                target.append(head.pending)
                head.kept, head.pending = target, None

    def end_text(self) -> None:
        if self.text_lines and self.text_target is not None:
            self.text_target.append("\n".join(self.text_lines))
        self.text_lines = []

    def _text_target(self) -> list[str]:
        if self.deliverable is not None:
            return self.deliverable.notes
        if self.current is not None:
            return self.current.section.body
        return self.plan.intro

    def warn(self, line: int, key: str, **values: str | int) -> None:
        self.plan.warnings.append(ReadingWarning(line + 1, t(key, "en", **values), key, dict(values)))

    # -- headings in force ----------------------------------------------------------------------------

    def push_head(self, head: Head) -> None:
        self.heads.append(head)
        self.readings[head.line] = "owner" if head.owners is not None else "section"
        self.deliverable = None

    def close_heads(self, level: float) -> None:
        """A heading of `level` ends every group, role and phase at that level or deeper."""
        while self.heads and self.heads[-1].level >= level:
            self.heads.pop()
        self.deliverable = self.role_list = None

    def context_owners(self) -> tuple[list[str], str | None]:
        """The owners named above: the innermost role heading, else a role section."""
        for head in reversed(self.heads):
            if head.named is not None:
                return list(head.named), None
            if head.owners is not None:
                return list(head.owners), head.text
        return list(self.section_owners), self.section_heading

    # -- fields ----------------------------------------------------------------------------------------

    def read_field(self, text: str, *, checked: bool | None, line: int) -> bool:
        """Read an evidence, owner, due or priority line of the open deliverable; tell whether it was one."""
        deliverable = self.deliverable
        if deliverable is None or ":" not in text:
            return False
        evidence = lines.match_label(text, EVIDENCE_LABELS)
        if evidence and deliverable.evidence is None:
            deliverable.evidence = evidence[1]
            deliverable.evidence_done = bool(checked)
            self.plan.evidence_label = self.plan.evidence_label or evidence[0]
            self.readings[line] = "evidence"
        elif checked is not None:
            return False
        elif found := lines.match_label(text, OWNER_LABELS):
            deliverable.owners = owners.label_owners(found[1])
            deliverable.owner_heading = None
            self.readings[line] = "owner"
        elif found := lines.match_label(text, DUE_LABELS):
            self.facts[id(deliverable)].due_text = found[1]
            self.readings[line] = "due"
        elif (found := lines.match_label(text, PRIORITY_LABELS)) and (level := _priority_word(found[1])):
            self.facts[id(deliverable)].priority = level
            self.readings[line] = "priority"
        else:
            return False
        self.end_text()
        return True


def _priority_word(text: str) -> Priority | None:
    """`Priority: blocker` as the exporter writes it, else whatever a priority column would say."""
    words = fold(text).strip()
    exact: dict[str, Priority] = {"blocker": "blocker", "high": "high", "normal": "normal"}
    return exact.get(words) or cell_priority(text)


def short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:59] + "…"
