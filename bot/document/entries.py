"""The work in a document: lists of deliverables, checklist items, fields and notes, as the parser meets them.

Every task box outside code and HTML comments becomes something to tick, whatever holds it:
- a numbered entry (`1. **Title**`, the seed's) is a deliverable, the boxes under it its items;
- a box list right under a heading (or a bold line) makes that heading the deliverable and the boxes
  its items, at any depth: a titled group of steps reads in Slack as one checklist with one number;
- boxes that stand on their own (a bold title, boxes or their own `Owner:`/`ETA:`/`Evidence:` lines
  under them, or no heading above them at all) are deliverables, with the boxes nested under them as
  items; a list is read one way or the other as a whole, so its order stays the document's;
- a table row with a box cell, or with an item and an owner or status column, is a deliverable.
A box's state is its own: `[x]` done, `[ ]` open, whatever a heading or the text around says.
"""

from __future__ import annotations

import re

from bot.document import lines, owners
from bot.document.dates import due_in
from bot.document.markdown import Block, ListItem
from bot.document.plan import Deliverable, Item, Section
from bot.document.priorities import own_priority
from bot.document.reading import Facts, Head, ReadingState, short
from bot.document.vocabulary import (
    BY_ROLE_WORDS,
    DONE_MARKERS,
    DUE_LABELS,
    EVIDENCE_LABELS,
    OWNER_LABELS,
    PRIORITY_LABELS,
    SIGNOFF_WORDS,
    WORDS,
    fold,
)
from bot.i18n import N_

_FIELD_LABELS = f"{OWNER_LABELS}|{DUE_LABELS}|{EVIDENCE_LABELS}|{PRIORITY_LABELS}"
_ODD_BOX = re.compile(r"^\[[^\[\]xX ]\]\s")  # `[>] in progress`, `[!] blocked`: a box markdown does not know


class EntryReader(ReadingState):
    """The reading of lists: deliverables, items, fields and notes, as the parser meets them."""

    def read_list(self, block: Block) -> None:
        if self.role_list is not None:
            self._today_items(block, self.role_list.items, 0)
            return
        kind = self.current.section.kind if self.current else None
        pending_text = bool(self.text_lines) and self.previous is not None and self.previous.end == block.line
        numbered = block.ordered and kind not in ("today",) and not pending_text
        own = self._boxes_stand_alone(block)
        # `- ✅ **Runbook**` right under a ✅ heading is a completed entry, whether or not boxes sit beside it;
        # under a sub-heading of its own (`### Criterios de Aprobación`) a ✅ bullet is a criterion, not work done.
        under_done_heading = self.current is not None and self.current.completed_heading and not self.heads
        completed = kind == "completed" or under_done_heading
        for item in block.items:
            # In a completed section every bullet is a completed entry (the seed's); beside boxes under a ✅
            # heading only a `- ✅ **X**` or `- **X**` bullet is.
            entry = kind == "completed" or (item.number is None and _completed_entry(item.text))
            if item.box is None and completed and entry:
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
        if any(child.kind == "list" and _has_boxes(child) for item in boxes for child in item.children):
            return True  # a box with boxes under it is a deliverable with its checklist, and so are its siblings
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
            written = self.source[head.line].rstrip()
            if head.kept is not None and written in head.kept:
                head.kept.remove(written)  # kept as text before its boxes came: it is the deliverable now
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
        for above in self.heads:
            above.pending = None  # a heading above work is structure, written back as such
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
            self.note_bare_name(first, named)
        inline = due_in(first, base=None, language=self.plan.language) if head.due_text is None else None
        head.due_text = inline.text if inline else head.due_text
        deliverable = self.new_deliverable(item.number, head, item.line, checkbox=True, kind="box")
        self.facts[id(deliverable)].due_visible = inline is not None
        deliverable.status = "done" if item.box else "open"
        if head.done and not item.box:
            self.warn(item.line, N_("document.warn.claims_done"), text=short(first))
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
        self.note_bare_name(item.text, entry.owners)
        if self._signoff_context(target, parent) and (role := owners.signoff_owner(item.text)):
            entry.owners = [role]
        if inline := due_in(item.text, base=None, language=self.plan.language):
            self.facts[id(target)].item_dues.append((entry, inline.text))
        if not item.box and any(mark in item.text for mark in DONE_MARKERS):
            self.warn(item.line, N_("document.warn.claims_done"), text=short(item.text))
        target.items.append(entry)
        self.readings[item.line] = "item"
        self.end_text()
        self._children(item, target, depth + 1, parent=item.text)

    def note_bare_name(self, text: str, named: list[str]) -> None:
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
        field = self.deliverable is not None and self.read_field(first, checked=None, line=item.line)
        if not field and ("☐" in first or "☑" in first or _ODD_BOX.match(first)):
            self.warn(item.line, N_("document.warn.odd_box"), text=short(first))
        if not field and not self.work_seen:
            self._roster(item)
        nested = [child for child in item.children if child.kind == "list" and _has_boxes(child)]
        own_end = min((child.line for child in nested), default=item.end)
        self.keep_lines(item.line + 1 if field else item.line, own_end)
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
    return any(word in words for word in SIGNOFF_WORDS)


def _says_by_role(text: str) -> bool:
    return any(words in fold(text) for words in BY_ROLE_WORDS)
