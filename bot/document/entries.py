"""The work in a document: lists of deliverables, checklist items, fields and notes, as the parser meets them.

Every task box outside code and HTML comments becomes something to tick, whatever holds it:
- a numbered entry (`1. **Title**`, the seed's) is a deliverable, the boxes under it its items;
- a box list right under a heading (or a bold line) makes that heading the deliverable and the boxes
  its items, at any depth: a titled group of steps reads in Slack as one checklist with one number;
- boxes that stand on their own (a bold title, their own `Owner:`/`ETA:`/`Evidence:` lines, or no
  heading above them at all) are deliverables, with the boxes nested under them as items;
- a table row with a box cell, or with an item and an owner or status column, is a deliverable.
A box's state is its own: `[x]` done, `[ ]` open, whatever a heading or the text around says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.document import lines, owners
from bot.document.dates import due_in
from bot.document.markdown import Block, ListItem
from bot.document.plan import Deliverable, Item, Plan, Priority, ReadingWarning, RoleList, Section
from bot.document.priorities import cell_priority, own_priority
from bot.document.vocabulary import (
    DONE_MARKERS,
    DUE_LABELS,
    EVIDENCE_LABELS,
    OWNER_LABELS,
    PRIORITY_LABELS,
    WORDS,
    fold,
)
from bot.i18n import N_, t

if TYPE_CHECKING:
    from bot.document.settle import SectionDraft

_FIELD_LABELS = f"{OWNER_LABELS}|{DUE_LABELS}|{EVIDENCE_LABELS}|{PRIORITY_LABELS}"
_SIGNOFF = ("sign-off", "signoff", "sign off", "aprobacion", "aprovac", "approval", "firma", "assinatura")
_BY_ROLE = ("por rol", "by role", "per role", "por papel")


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


@dataclass
class Facts:
    """What settling needs to know about a deliverable beyond the dataclass: where its dates came from."""

    kind: str  # numbered, heading, box or row: how the document wrote it
    due_text: str | None = None  # its own `Due:` value or inline due
    heads: list[str] = field(default_factory=list)  # the due sources of the headings above, innermost first
    priority: Priority | None = None  # stated by its own text, cell or field
    item_dues: list[tuple[Item, str]] = field(default_factory=list)
    signoff: bool | None = None  # whether its heading or title asks for sign-offs (worked out once)


class EntryReader:
    """The part of the parser that reads lists and tables; the parser owns the headings and the plan."""

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
            if head.owners is not None:
                return list(head.owners), head.text
        return list(self.section_owners), self.section_heading

    # -- lists -----------------------------------------------------------------------------------------

    def read_list(self, block: Block) -> None:
        if self.role_list is not None:
            self._today_items(block, self.role_list.items, 0)
            return
        kind = self.current.section.kind if self.current else None
        pending_text = bool(self.text_lines) and self.previous is not None and self.previous.end == block.line
        numbered = block.ordered and kind not in ("today",) and not pending_text
        own = self._boxes_stand_alone(block)
        for item in block.items:
            if item.box is None and kind == "completed" and _completed_entry(item.text):
                self._start_numbered(item, done=True)
            elif item.box is None and numbered and item.number is not None:
                self._start_numbered(item)
            elif item.box is not None and (own or kind == "completed"):
                self._start_box_deliverable(item)
            elif item.box is not None:
                self._box_item(item, self._box_target(), 0)
            else:
                self._plain_item(item, 0)

    def _boxes_stand_alone(self, block: Block) -> bool:
        """Whether this list's top-level boxes are deliverables of their own rather than a heading's items."""
        boxes = [item for item in block.items if item.box is not None]
        if not boxes:
            return False
        if self.boxes_are_deliverables:
            return True
        if any(item.text.lstrip().startswith(("**", "__")) or self._has_fields(item) for item in boxes):
            return True
        if self.deliverable is not None and self.deliverable_kind in ("numbered", "heading"):
            return False
        return not self.heads and (self.current is None or self.current.heading_line is None)

    def _has_fields(self, item: ListItem) -> bool:
        for child in item.children[1:]:
            texts = [sub.text for sub in child.items if sub.box is None] if child.kind == "list" else []
            texts += child.text.split("\n") if child.kind == "paragraph" else []
            if any(lines.match_label(text.strip(), _FIELD_LABELS) for text in texts):
                return True
        return False

    def _box_target(self) -> Deliverable | None:
        """The deliverable simple boxes belong to: the open one, else the heading right above them."""
        if self.deliverable is not None and self.deliverable_kind in ("numbered", "heading"):
            return self.deliverable
        head = self.heads[-1] if self.heads else None
        if head is None and (self.current is None or self.current.heading_line is None):
            return None
        if head is not None and head.deliverable is not None:
            deliverable = head.deliverable
        elif head is None and self.current is not None and self.current.heading_deliverable is not None:
            deliverable = self.current.heading_deliverable
        else:
            deliverable = self._heading_deliverable(head)
        self.end_text()
        self.deliverable, self.deliverable_kind = deliverable, "heading"
        return deliverable

    def _heading_deliverable(self, head: Head | None) -> Deliverable:
        if self.current is None:
            line = (head.line if head else 0) + 1
            self.open_implicit_section(Section(title=WORDS[self.plan.language].section, line=line))
        assert self.current is not None
        topics = [h for h in reversed(self.heads) if h.owners is None and not _says_by_role(h.text)]
        title_text = topics[0].text if topics else self.current.section.heading or self.current.section.title
        line = head.line if head is not None else self.current.line
        parsed = lines.deliverable_head(None, title_text)
        if not topics:
            parsed.title = self.current.section.title
        deliverable = self.new_deliverable(None, parsed, line, checkbox=False, kind="heading")
        if head is not None:
            head.deliverable = deliverable
        else:
            self.current.heading_deliverable = deliverable
        return deliverable

    def new_deliverable(
        self, number: int | None, head: lines.DeliverableHead, line: int, *, checkbox: bool, kind: str = "row"
    ) -> Deliverable:
        if self.current is None:
            implicit = Section(title=WORDS[self.plan.language].section, line=line + 1)
            self.open_implicit_section(implicit)
        assert self.current is not None
        self.end_text()
        section = self.current.section
        named, heading = self.context_owners()
        deliverable = Deliverable(
            number=number,
            title=head.title,
            section=section.title,
            priority=section.priority,
            owners=named if head.owners is None else head.owners,
            ref=head.ref,
            detail=head.detail,
            owner_heading=heading if head.owners is None else None,
            line=line + 1,
            checkbox=checkbox,
        )
        facts = Facts(kind, head.due_text, [h.due_source for h in reversed(self.heads) if h.due_source])
        facts.priority = next((h.priority for h in reversed(self.heads) if h.priority), None)
        self.facts[id(deliverable)] = facts
        self.current.deliverables.append(deliverable)
        self.started = self.work_seen = True
        self.readings[line] = "deliverable"
        return deliverable

    def open_implicit_section(self, section: Section) -> None:
        """Open the section of deliverables that come before any section heading (the parser's to do)."""
        raise NotImplementedError

    def _start_numbered(self, item: ListItem, *, done: bool = False) -> None:
        first, _, rest = item.text.partition("\n")
        head = lines.deliverable_head(item.number, first)
        kind = "completed" if done else "numbered"
        deliverable = self.new_deliverable(head.number, head, item.line, checkbox=False, kind=kind)
        deliverable.status = "done" if done or head.done else "open"
        own = own_priority(first)
        if own and not done:
            self.facts[id(deliverable)].priority = own
        self.deliverable, self.deliverable_kind = deliverable, "numbered"
        if rest:
            self.keep_lines(item.line + 1, item.line + 1 + rest.count("\n") + 1)
        self._children(item, deliverable, 0)

    def start_numbered_heading(self, number: int, text: str, block: Block) -> None:
        """`### 3. Ship the API (Owner: Backend)`: a deliverable whose items follow."""
        head = lines.deliverable_head(number, text)
        deliverable = self.new_deliverable(head.number, head, block.line, checkbox=False, kind="numbered_heading")
        deliverable.status = "done" if head.done else "open"
        self.deliverable, self.deliverable_kind = deliverable, "heading"
        self.push_head(Head(text, block.level, block.line, None, None, text, deliverable=deliverable))
        self.deliverable = deliverable

    def _start_box_deliverable(self, item: ListItem) -> None:
        first, _, rest = item.text.partition("\n")
        head = lines.deliverable_head(item.number, first)
        if head.owners is None:
            named = owners.item_owners(first, named_above=bool(self.context_owners()[0]))
            head.owners = named or None
            self._note_bare_name(first, named)
        if head.due_text is None and (inline := due_in(first, base=None, language=self.plan.language)):
            head.due_text = inline.text
        deliverable = self.new_deliverable(item.number, head, item.line, checkbox=True, kind="box")
        deliverable.status = "done" if item.box else "open"
        if head.done and not item.box:
            self.warn(item.line, N_("document.warn.claims_done"), text=_short(first))
        own = own_priority(first)
        if own:
            self.facts[id(deliverable)].priority = own
        self.deliverable, self.deliverable_kind = deliverable, "box"
        if rest:
            self.keep_lines(item.line + 1, item.line + 1 + rest.count("\n") + 1)
        self._children(item, deliverable, 0)

    def _children(self, item: ListItem, deliverable: Deliverable, depth: int, parent: str = "") -> None:
        """Read what is nested in a deliverable's (or an item's) list item: items, fields, notes."""
        for child in item.children:
            if child.kind == "paragraph" and child.line == item.line:
                continue  # the item's own text
            if child.kind == "list":
                for sub in child.items:
                    if sub.box is not None:
                        self._box_item(sub, deliverable, depth, parent)
                    else:
                        self._plain_item(sub, depth)
            elif child.kind == "paragraph":
                for offset, text in enumerate(child.text.split("\n")):
                    if not self.read_field(text.strip(), checked=None, line=child.line + offset):
                        self.keep_lines(child.line + offset, child.line + offset + 1)
            else:
                self.keep_lines(child.line, child.end, fenced=child.kind in ("fence", "code"))

    def _box_item(self, item: ListItem, target: Deliverable | None, depth: int, parent: str = "") -> None:
        if target is None:
            self._start_box_deliverable(item)
            return
        if self.read_field(item.text.strip(), checked=item.box, line=item.line):
            for child in item.children[1:]:
                for sub in child.items if child.kind == "list" else []:
                    if sub.box is None:
                        target.evidence_entries.append(sub.text)
                    else:
                        self._box_item(sub, target, depth)
            return
        named_above = bool(target.owners) or bool(self.context_owners()[0])
        entry = Item(item.text.rstrip(), bool(item.box), depth=depth, line=item.line + 1)
        entry.owners = owners.item_owners(item.text, named_above=named_above)
        self._note_bare_name(item.text, entry.owners)
        if self._signoff_context(target, parent) and (role := owners.signoff_owner(item.text)):
            entry.owners = [role]
        if inline := due_in(item.text, base=None, language=self.plan.language):
            self.facts[id(target)].item_dues.append((entry, inline.text))
        if not item.box and any(mark in item.text for mark in DONE_MARKERS):
            self.warn(item.line, N_("document.warn.claims_done"), text=_short(item.text))
        target.items.append(entry)
        self.readings[item.line] = "item"
        self.end_text()
        self._children(item, target, depth + 1, parent=item.text)

    def _note_bare_name(self, text: str, named: list[str]) -> None:
        name = owners.bare_name(text)
        if name and name in named:
            self.bare_names.append((named, name))

    def _signoff_context(self, target: Deliverable, parent: str) -> bool:
        """Under a sign-off heading or item, a box that is a role (`QA **Due ...**`) is that role's approval."""
        facts = self.facts[id(target)]
        if facts.signoff is None:
            texts = [target.title, *(head.text for head in self.heads[-2:])]
            facts.signoff = _says_signoff(" ".join(texts))
        return facts.signoff or (bool(parent) and _says_signoff(parent))

    def _plain_item(self, item: ListItem, depth: int) -> None:
        """A bullet without a box: a field of the open deliverable, a note, or the parent of boxes."""
        first = item.text.strip()
        if self.deliverable is not None and self.read_field(first, checked=None, line=item.line):
            return
        if "☐" in first or "☑" in first:
            self.warn(item.line, N_("document.warn.odd_box"), text=_short(first))
        if not self.work_seen:
            self._roster(item)
        nested = [child for child in item.children if child.kind == "list" and _has_boxes(child)]
        if not nested:
            self.keep_lines(item.line, item.end)
            return
        own_end = min(child.line for child in nested)
        self.keep_lines(item.line, own_end)
        for child in item.children:
            if child.line < own_end:
                continue
            if child.kind == "list":
                for sub in child.items:
                    if sub.box is not None:
                        target = self.deliverable if self.deliverable_kind in ("numbered", "heading", "box") else None
                        self._box_item(sub, target or self._box_target(), depth)
                    else:
                        self._plain_item(sub, depth)
            else:
                self.keep_lines(child.line, child.end, fenced=child.kind in ("fence", "code"))

    def _roster(self, item: ListItem) -> None:
        """`* Release Lead: (at)USERNAME` before any work: a role of the document, with who plays it."""
        role = owners.roster_role(item.text)
        if role and role not in self.plan.owners:
            self.plan.owners.append(role)
        for child in item.children:
            for sub in child.items if child.kind == "list" else []:
                self._roster(sub)

    def _today_items(self, block: Block, items: list[Item], depth: int) -> None:
        for item in block.items:
            if item.box is None:
                self.keep_lines(item.line, item.end)
                continue
            items.append(Item(item.text.rstrip(), bool(item.box), depth=depth, line=item.line + 1))
            self.readings[item.line] = "item"
            for child in item.children:
                if child.kind == "list":
                    self._today_items(child, items, depth + 1)

    # -- fields -----------------------------------------------------------------------------------------

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


def _completed_entry(text: str) -> bool:
    """`✅ **Runbook** ...` or `**Runbook**` in a completed section; other bullets there are notes."""
    words = text.lstrip()
    return words.startswith(("**", "__")) or any(words.startswith(mark) for mark in DONE_MARKERS)


def _has_boxes(block: Block) -> bool:
    return any(
        item.box is not None or any(_has_boxes(c) for c in item.children if c.kind == "list") for item in block.items
    )


def _says_signoff(text: str) -> bool:
    words = fold(text)
    return any(word in words for word in _SIGNOFF)


def _says_by_role(text: str) -> bool:
    return any(words in fold(text) for words in _BY_ROLE)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:59] + "…"
