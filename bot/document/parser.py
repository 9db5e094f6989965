"""The line-by-line reading of a deliverables document. Pure: no Slack, no database.

A small state machine: the current section, owner heading, deliverable and today list decide what a
checklist line or a paragraph belongs to. Fenced code blocks (found by bot.document.fences) are
always kept as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.document import lines
from bot.document.deadlines import parse_date, resolve_deadline
from bot.document.fences import fenced_lines
from bot.document.lines import Bullet, Heading
from bot.document.plan import Deliverable, DocumentError, Item, Plan, RoleList, Section, SectionKind
from bot.document.vocabulary import (
    DATE_LABELS,
    DUE_LABELS,
    EVIDENCE_LABELS,
    OWNER_LABELS,
    TODAY_SUFFIX,
    UPDATED_LABELS,
    WORDS,
    clean_title,
    detect_language,
    is_completed_heading,
    is_today_heading,
    priority_of,
    split_roles,
)

_TRAILING_PARENTHETICAL = re.compile(r"\s*\(([^()]*)\)\s*$")
_LEADING_NUMBER = re.compile(r"^\d+[.)]\s+")


@dataclass
class _SectionDraft:
    """A section while it is read; whether it really is a deliverables section is decided at the end."""

    section: Section
    heading_line: str | None  # None for the implicit section of deliverables before any heading
    says_priority: bool  # the heading has a priority marker or words, or a deadline
    deliverables: list[Deliverable] = field(default_factory=list)
    raw_blocks: list[str] = field(default_factory=list)  # everything, for an "other" section
    has_today: bool = False


class _TextBlocks:
    """Collect consecutive text lines into blank-line separated blocks, each into its target list."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.target: list[str] | None = None

    def add(self, line: str, target: list[str]) -> None:
        if target is not self.target:
            self.end()
            self.target = target
        self.lines.append(line)

    def end(self) -> None:
        if self.lines and self.target is not None:
            self.target.append("\n".join(self.lines))
        self.lines = []


class DocumentParser:
    """Read one document's text (already decoded and repaired) into a Plan: `DocumentParser(text, path).parse()`."""

    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.lines = text.split("\n")
        self.fenced = fenced_lines(self.lines)
        language = detect_language(text)
        self.day_first = language == "es"
        self.plan = Plan(title="", language=language, evidence_label="")
        self.headings = self._find_headings()
        self.title_index, self.section_level, self.owner_level = self._heading_levels()
        self.drafts: list[_SectionDraft] = []
        self.current: _SectionDraft | None = None
        self.owners: list[str] = []
        self.owner_heading: str | None = None
        self.deliverable: Deliverable | None = None
        self.deliverable_indent = 0
        self.role_list: RoleList | None = None
        self.item_depths: list[int] = []  # indents of the open nesting levels of checklist items
        self.evidence_indent: int | None = None  # set right after an evidence line
        self.due_texts: dict[int, str] = {}  # id(deliverable) -> its own `Due:` text
        self.started = False  # a section or deliverable began: the header zone is over
        self.text = _TextBlocks()
        self.raw = _TextBlocks()

    # -- the pass over the document -------------------------------------------------------------

    def parse(self) -> Plan:
        for index, raw_line in enumerate(self.lines):
            line = raw_line.rstrip()
            number = index + 1
            if index in self.fenced:
                self._keep_raw(line)
                self._keep_text(line)
            elif not line.strip() or lines.is_rule(line):
                self._end_blocks()
            elif index in self.headings:
                self._heading(self.headings[index], index, line)
            elif not self._date_line(line):
                self._keep_raw(line)
                item = lines.bullet(line)
                if item:
                    self._bullet(item, line, number)
                else:
                    self._paragraph(line)
        return self._finish()

    def _end_blocks(self) -> None:
        self.text.end()
        self.raw.end()
        self.evidence_indent = None

    def _keep_raw(self, line: str) -> None:
        """Keep every line of a section verbatim, in case it turns out to be an "other" section."""
        if self.current:
            self.raw.add(line, self.current.raw_blocks)

    def _keep_text(self, line: str) -> None:
        """Keep a line that is not structure: as a deliverable's notes, a section's body or intro."""
        if self.deliverable:
            target = self.deliverable.notes
        elif self.current:
            target = self.current.section.body
        else:
            target = self.plan.intro
        self.text.add(line, target)

    def _find_headings(self) -> dict[int, Heading]:
        found = {}
        for index, line in enumerate(self.lines):
            if "#" in line[:4] and index not in self.fenced:
                head = lines.heading(line)
                if head:
                    found[index] = head
        return found

    def _heading_levels(self) -> tuple[int | None, int | None, int | None]:
        """Find the title heading and the levels of section and owner headings in this document."""
        indices = [i for i, head in self.headings.items() if not self._is_date_heading(head)]
        title = indices[0] if indices and self.headings[indices[0]].level == 1 else None
        structural = [self.headings[i] for i in indices if i != title]
        levels = sorted({head.level for head in structural if not lines.numbered(head.text)})
        section_level = levels[0] if levels else None
        return title, section_level, levels[1] if len(levels) > 1 else None

    # -- headings ---------------------------------------------------------------------------------

    def _heading(self, head: Heading, index: int, line: str) -> None:
        self._end_blocks()
        if self._date_heading(head):
            return
        if index == self.title_index:
            self.plan.heading = head.text
            self.plan.title = clean_title(head.text)
            return
        number = lines.numbered(head.text)
        if not number and (self.section_level is None or head.level <= self.section_level):
            self._start_section(head.text, line, index + 1)
            return
        self._keep_raw(line)
        if number:
            self._start_deliverable(number[0], number[1], index + 1, indent=0)
        elif head.level == self.owner_level:
            self._owner_or_role_heading(head.text, index + 1)
        else:
            self._keep_text(line)  # a heading below the owner level is part of the notes

    def _start_section(self, text: str, line: str, number: int) -> None:
        title = _LEADING_NUMBER.sub("", text)
        deadline = _TRAILING_PARENTHETICAL.search(title)
        if deadline:
            title = title[: deadline.start()]
        kind: SectionKind = "deliverables"
        if is_completed_heading(text):
            kind = "completed"
        elif is_today_heading(text):
            kind = "today"
        priority, says_priority = priority_of(text) if kind == "deliverables" else ("normal", False)
        deadline_text = deadline.group(1).strip() if deadline else None
        if deadline_text and resolve_deadline(deadline_text, None):
            says_priority = True
        section = Section(
            title=clean_title(title),
            priority=priority,
            deadline=deadline_text,
            kind=kind,
            heading=text,
            line=number,
        )
        self._open_section(_SectionDraft(section, line, says_priority))

    def _open_section(self, draft: _SectionDraft) -> None:
        self.drafts.append(draft)
        self.current = draft
        self.started = True
        self.owners, self.owner_heading = [], None
        self.deliverable = self.role_list = None

    def _owner_or_role_heading(self, text: str, number: int) -> None:
        self.deliverable = self.role_list = None
        today = TODAY_SUFFIX.search(text)
        if today or (self.current and self.current.section.kind == "today"):
            role = clean_title(TODAY_SUFFIX.sub("", text))
            self.role_list = RoleList(role=role, heading=text, line=number)
            self.item_depths = []
            self.plan.today.append(self.role_list)
            if self.current:
                self.current.has_today = True
            return
        label = lines.match_label(text, OWNER_LABELS)
        owners = label[1] if label else _TRAILING_PARENTHETICAL.sub("", text)
        self.owners, self.owner_heading = split_roles(owners), text

    def _date_heading(self, head: Heading) -> bool:
        """Read `## Fecha: 2025-12-07` style headings; tell whether this was one."""
        return self._is_date_heading(head) and self._date_line(head.text)

    def _is_date_heading(self, head: Heading) -> bool:
        return bool(lines.match_label(head.text, DATE_LABELS) or lines.match_label(head.text, UPDATED_LABELS))

    def _date_line(self, line: str) -> bool:
        """Read a date or last-updated line into the plan; tell whether this was one."""
        if ":" not in line:
            return False
        updated = lines.match_label(line, UPDATED_LABELS)
        if updated and (found := parse_date(updated[1], day_first=self.day_first)):
            self.plan.updated = found
            return True
        header = lines.match_label(line, DATE_LABELS)
        if header and self.plan.date is None and not self.started:
            found = parse_date(header[1], day_first=self.day_first)
            if found:
                self.plan.date = found
                return True
        return False

    # -- list items and paragraphs ----------------------------------------------------------------

    def _bullet(self, item: Bullet, line: str, number: int) -> None:
        kind = self.current.section.kind if self.current else None
        if self.role_list is not None:
            if item.checked is None:
                self._keep_text(line)
            else:
                self._add_item(self.role_list.items, item, number)
            return
        top_level = self.deliverable is None or item.indent <= self.deliverable_indent
        starts_entry = top_level and item.indent <= 3 and not self.text.lines
        if starts_entry and kind == "completed":
            self._start_deliverable(item.number, item.text, number, indent=item.indent, done=True)
        elif starts_entry and item.number is not None and item.checked is None and kind != "today":
            self._start_deliverable(item.number, item.text, number, indent=item.indent)
        elif self.deliverable is None:
            self._keep_text(line)
        elif self.evidence_indent is not None and item.checked is None and item.indent > self.evidence_indent:
            self.deliverable.evidence_entries.append(item.text)
        elif not self._field(item.text, checked=item.checked, indent=item.indent):
            if item.checked is None:
                self._keep_text(line)
            else:
                self._add_item(self.deliverable.items, item, number)

    def _paragraph(self, line: str) -> None:
        stripped = line.strip()
        if self.deliverable is None or not self._field(stripped, checked=None, indent=0):
            self._keep_text(line)

    def _field(self, text: str, *, checked: bool | None, indent: int) -> bool:
        """Read an evidence, owner or due line of the current deliverable; tell whether it was one."""
        assert self.deliverable is not None
        if ":" not in text:
            return False
        evidence = lines.match_label(text, EVIDENCE_LABELS)
        if evidence and self.deliverable.evidence is None:
            self.deliverable.evidence = evidence[1]
            self.deliverable.evidence_done = bool(checked)
            self.plan.evidence_label = self.plan.evidence_label or evidence[0]
            self.evidence_indent = indent
        elif checked is not None:
            return False
        elif owners := lines.match_label(text, OWNER_LABELS):
            self.deliverable.owners = split_roles(owners[1])
            self.deliverable.owner_heading = None
        elif due := lines.match_label(text, DUE_LABELS):
            self.due_texts[id(self.deliverable)] = due[1]
        else:
            return False
        self.text.end()
        return True

    def _add_item(self, items: list[Item], item: Bullet, number: int) -> None:
        """Append a checklist item; its depth follows the indentation relative to its siblings."""
        while self.item_depths and self.item_depths[-1] > item.indent:
            self.item_depths.pop()
        if not self.item_depths or self.item_depths[-1] < item.indent:
            self.item_depths.append(item.indent)
        items.append(Item(item.text, bool(item.checked), depth=len(self.item_depths) - 1, line=number))

    # -- deliverables -----------------------------------------------------------------------------

    def _start_deliverable(self, number: int | None, text: str, line: int, *, indent: int, done: bool = False) -> None:
        self.text.end()
        if self.current is None:
            implicit = Section(title=WORDS[self.plan.language].section, line=line)
            self._open_section(_SectionDraft(implicit, heading_line=None, says_priority=False))
        assert self.current is not None
        section = self.current.section
        head = lines.deliverable_head(number, text)
        deliverable = Deliverable(
            number=head.number,
            title=head.title,
            section=section.title,
            priority=section.priority,
            owners=list(self.owners) if head.owners is None else head.owners,
            ref=head.ref,
            status="done" if done or head.done else "open",
            detail=head.detail,
            owner_heading=self.owner_heading if head.owners is None else None,
            line=line,
        )
        if head.due_text:
            self.due_texts[id(deliverable)] = head.due_text
        self.current.deliverables.append(deliverable)
        self.deliverable, self.deliverable_indent = deliverable, indent
        self.item_depths = []
        self.evidence_indent = None

    # -- the end: deadlines, section kinds, checks ------------------------------------------------

    def _finish(self) -> Plan:
        self._end_blocks()
        plan = self.plan
        plan.date = plan.date or plan.updated
        plan.evidence_label = plan.evidence_label or WORDS[plan.language].evidence
        for draft in self.drafts:
            self._settle(draft)
        leading = True
        for draft in self.drafts:
            section = draft.section
            leading = leading and section.kind == "other"
            if leading:
                # "Other" sections before the first real one are the document's introduction.
                plan.intro.extend([draft.heading_line] if draft.heading_line else [])
                plan.intro.extend(section.body)
                continue
            plan.sections.append(section)
            plan.deliverables.extend(draft.deliverables)
        if not plan.deliverables:
            raise DocumentError("document.no_deliverables", path=self.path)
        return plan

    def _settle(self, draft: _SectionDraft) -> None:
        """Resolve a section's due dates and decide its kind now that all of it has been read."""
        section, base = draft.section, self.plan.date
        if section.deadline:
            deadline = resolve_deadline(section.deadline, base, day_first=self.day_first)
            if deadline:
                section.due, section.milestone = deadline.due, deadline.milestone
        for deliverable in draft.deliverables:
            deliverable.due = section.due
            if due_text := self.due_texts.get(id(deliverable)):
                own = resolve_deadline(due_text, base, day_first=self.day_first)
                deliverable.due = own.due if own else None
        if section.kind != "deliverables":
            return
        if draft.has_today and not draft.deliverables:
            section.kind = "today"
        elif not draft.says_priority and not any(map(_has_substance, draft.deliverables)):
            # A numbered list with no checklist, owner or evidence under a heading that names no
            # priority or deadline is prose ("## Objetivos" + "1. ..."), not work to track.
            section.kind = "other"
            section.body = draft.raw_blocks
            draft.deliverables = []


def _has_substance(deliverable: Deliverable) -> bool:
    return bool(
        deliverable.items
        or deliverable.evidence is not None
        or deliverable.owners
        or deliverable.ref
        or deliverable.status == "done"
    )
