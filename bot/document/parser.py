"""The reading of a deliverables document's markdown structure into a Plan. Pure: no Slack, no database.

Headings make the frame: the shallowest level below the title holds the sections, deeper headings
(and a bold line or a short `...:` line right before a list of boxes) are groups, roles or dated
phases, and none of them carries past a heading of its own level or higher. The work inside is read
by bot.document.entries; bot.document.settle decides what is left once everything has been seen.
"""

from __future__ import annotations

import re

from bot.document import lines, owners
from bot.document.dates import heading_due
from bot.document.deadlines import parse_date, resolve_deadline
from bot.document.entries import EntryReader
from bot.document.markdown import Block, read_blocks
from bot.document.plan import Language, Plan, RoleList, Section, SectionKind
from bot.document.priorities import heading_priority
from bot.document.reading import Head
from bot.document.settle import SectionDraft, settle_plan
from bot.document.tables import read_table
from bot.document.vocabulary import (
    DATE_LABELS,
    DUE_LABELS,
    OWNER_LABELS,
    TODAY_SUFFIX,
    UPDATED_LABELS,
    clean_title,
    detect_language,
    is_completed_heading,
    is_today_heading,
    strip_emoji,
)

_TRAILING_PARENTHETICAL = re.compile(r"\s*\(([^()]*)\)\s*$")
_LEADING_NUMBER = re.compile(r"^\d+[.)]\s+")
_BOX_LINE = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+\[[ xX]\]", re.M)
_FRONT_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")
_BOLD_LINE = re.compile(r"^(\*\*|__)(?P<text>[^*_\n]{2,120}?)(?:\1\s*:?|:\1)\s*$")
_COLON_LINE = re.compile(r"^(?P<text>[^\n:]{3,60}):\s*$")


class DocumentParser(EntryReader):
    """Read one document's text (already decoded and repaired) into a Plan: `DocumentParser(text, path).parse()`."""

    def __init__(self, text: str, path: str) -> None:
        super().__init__()
        self.path = path
        self.source = text.split("\n")
        self.blocks = read_blocks(text)
        self.front = _front_matter(self.blocks)
        said = self.front.get("language", "").lower()
        body = "\n".join(self.source[self.blocks[0].end :]) if self.front else text  # front matter keys are English
        language: Language = said if said in ("es", "en", "pt") else detect_language(body)  # type: ignore[assignment]
        self.plan = Plan(title="", language=language)
        self.plan.evidence_label = ""
        self.day_first = self.plan.language != "en"
        self.trust_headings = self.front.get("owners", "").lower() in ("headings", "heading")
        self.boxes_are_deliverables = self.front.get("deliverables", "").lower() in ("checkboxes", "boxes", "checkbox")
        self.plan.assignees = [a for a in re.split(r"\s*,\s*", self.front.get("assignees", "").strip("[]'\" ")) if a]
        headings = [block for block in self.blocks if block.kind == "heading"]
        self.title_block, self.section_level = self._heading_levels(headings, text)
        self.drafts: list[SectionDraft] = []
        self.current: SectionDraft | None = None
        self.section_owners: list[str] = []
        self.section_heading: str | None = None
        self.started = False  # a section or deliverable began: the header zone is over
        self.consumed: set[int] = set()  # lines read as the document's date (left out of "other" sections)
        self.document_due: str | None = None  # `**Target Date:** 01 de novembro de 2025` in the header

    # -- the pass over the document -------------------------------------------------------------

    def parse(self) -> Plan:
        if self.front.get("date"):
            self.plan.date = parse_date(self.front["date"], day_first=self.day_first)
        if self.title_block is None and self.front.get("title"):
            self.plan.title = self.plan.heading = self.front["title"]
        for index, block in enumerate(self.blocks):
            following = self.blocks[index + 1] if index + 1 < len(self.blocks) else None
            self._block(block, following)
        self.end_text()
        return settle_plan(self)

    def _block(self, block: Block, following: Block | None) -> None:
        kind = block.kind
        if kind == "front_matter":
            self.consumed.update(range(block.line, block.end))
            self.readings.update(dict.fromkeys(range(block.line, block.end), "front_matter"))
        elif kind == "hr":
            self.end_text()
        elif kind == "heading":
            self._heading(block)
        elif kind == "paragraph":
            self._paragraph(block, following)
        elif kind == "list":
            self.read_list(block)
        elif kind == "table":
            self.read_table(block)
        elif kind == "quote" and _BOX_LINE.search("\n".join(self.source[block.line : block.end]).replace(">", " ")):
            for index, child in enumerate(block.children):
                self._block(child, block.children[index + 1] if index + 1 < len(block.children) else None)
        else:
            self.keep_lines(block.line, block.end, fenced=kind in ("fence", "code"))
        self.previous = block

    def _heading_levels(self, headings: list[Block], text: str) -> tuple[Block | None, int | None]:
        """Find the title heading and the level of section headings in this document.

        One `#` heading is the title; several are phases (sections), unless the first holds no work.
        """
        structural = [head for head in headings if not self._is_date_heading(head.text)]
        title = structural[0] if structural and structural[0].level == 1 else None
        firsts = [head for head in structural if head.level == 1]
        if title is not None and len(firsts) > 1:
            between = "\n".join(self.source[title.end : firsts[1].line])
            if _BOX_LINE.search(between):
                title = None
        rest = [head for head in structural if head is not title and not lines.numbered(head.text)]
        levels = sorted({head.level for head in rest})
        return title, levels[0] if levels else None

    # -- headings ---------------------------------------------------------------------------------

    def _heading(self, block: Block) -> None:
        self.end_text()
        text = block.text.strip()
        if self._date_heading(text, block.line):
            return
        if block is self.title_block:
            self.readings[block.line] = "title"
            self.plan.heading = text
            self.plan.title = clean_title(text)
            return
        number = lines.numbered(text)
        if not number and (self.section_level is None or block.level <= self.section_level):
            self._start_section(text, block)
            return
        self.close_heads(block.level)
        if number:
            self.start_numbered_heading(number[0], number[1], block)
        else:
            self._sub_heading(text, block)

    def _start_section(self, text: str, block: Block) -> None:
        title = _LEADING_NUMBER.sub("", strip_emoji(text))  # `Review (48h) 🔴` has its deadline last too
        deadline = _TRAILING_PARENTHETICAL.search(title)
        if deadline:
            title = title[: deadline.start()]
        kind: SectionKind = "deliverables"
        if is_completed_heading(text) and not self._holds_boxes(block):
            kind = "completed"  # a ✅ heading over boxes ticks none of them: those sections are work
        elif is_today_heading(text):
            kind = "today"
        priority, says_priority = heading_priority(text) if kind == "deliverables" else ("normal", False)
        deadline_text = deadline.group(1).strip() if deadline else None
        if deadline_text and resolve_deadline(deadline_text, None):
            says_priority = True
        section = Section(
            title=clean_title(title),
            priority=priority,
            deadline=deadline_text,
            kind=kind,
            heading=text,
            line=block.line + 1,
            level=block.level,
        )
        draft = SectionDraft(section, self.source[block.line].rstrip(), says_priority, block.line)
        draft.completed_heading = is_completed_heading(text)
        draft.body_start = block.end
        self._open_section(draft)
        self.readings[block.line] = "section"
        trust = self.trust_headings
        role = owners.heading_owners(_strip_parenthetical(text), trust=trust) if kind == "deliverables" else None
        if role:  # `## Release Lead tasks`, `## CNCF staff tasks`: the whole section is theirs
            self.section_owners, self.section_heading = role, text

    def open_implicit_section(self, section: Section) -> None:
        section.level = self.section_level or 2  # written back at the level of the sections after it
        heads = self.heads  # a bold line before the first heading still names its list
        draft = SectionDraft(section, None, False, section.line - 1)
        draft.body_start = draft.line  # no heading: its first line is its own
        self._open_section(draft)
        self.heads = heads

    def read_table(self, block: Block) -> None:
        read_table(self, block)

    def _holds_boxes(self, heading: Block) -> bool:
        later = (b for b in self.blocks if b.kind == "heading" and b.line > heading.line)
        after = [b.line for b in later if b.level <= heading.level]
        text = "\n".join(self.source[heading.end : after[0] if after else len(self.source)])
        return bool(_BOX_LINE.search(text)) or "☐" in text

    def _open_section(self, draft: SectionDraft) -> None:
        self.drafts.append(draft)
        self.current = draft
        self.started = True
        self.section_owners, self.section_heading = [], None
        self.heads = []
        self.deliverable = self.role_list = None

    def _sub_heading(self, text: str, block: Block) -> None:
        today = TODAY_SUFFIX.search(text)
        if today or (self.current and self.current.section.kind == "today"):
            role = clean_title(TODAY_SUFFIX.sub("", text))
            self.role_list = RoleList(role=role, heading=text, line=block.line + 1)
            self.readings[block.line] = "today"
            self.plan.today.append(self.role_list)
            if self.current:
                self.current.has_today = True
            return
        head = self._head(text, block.level + 0.0, block.line)
        # Kept as text only below `##`: written back, a `##` line would read as a section.
        head.pending = self.source[block.line].rstrip() if block.level >= 3 and "#" in self.source[block.line] else None
        self.push_head(head)

    def _head(self, text: str, level: float, line: int, *, pseudo: bool = False) -> Head:
        label = lines.match_label(text, OWNER_LABELS)
        if label:
            role: list[str] | None = owners.label_owners(label[1])
        else:
            role = owners.heading_owners(text, trust=self.trust_headings, one_role=pseudo)
        priority, says = heading_priority(text)
        return Head(
            text=text,
            level=level,
            line=line,
            owners=role,
            priority=priority if says else None,
            due_source=text,
            pseudo=pseudo,
        )

    def _date_heading(self, text: str, line: int) -> bool:
        """Read `## Fecha: 2025-12-07` style headings; tell whether this was one."""
        return self._is_date_heading(text) and self._date_line(text, line)

    def _is_date_heading(self, text: str) -> bool:
        return bool(lines.match_label(text, DATE_LABELS) or lines.match_label(text, UPDATED_LABELS))

    def _date_line(self, line: str, index: int) -> bool:
        """Read a date or last-updated line into the plan; tell whether this was one."""
        if ":" not in line:
            return False
        updated = lines.match_label(line, UPDATED_LABELS)
        if updated and (found := parse_date(updated[1], day_first=self.day_first)):
            self.plan.updated = found
            self.consumed.add(index)
            self.readings[index] = "date"
            return True
        header = lines.match_label(line, DATE_LABELS)
        if header and self.plan.date is None and not self.started:
            found = parse_date(header[1], day_first=self.day_first)
            if found:
                self.plan.date = found
                self.consumed.add(index)
                self.readings[index] = "date"
                return True
        return False

    # -- paragraphs -------------------------------------------------------------------------------

    def _paragraph(self, block: Block, following: Block | None) -> None:
        if self._pseudo_heading(block, following):
            return
        after_heading = self.previous is not None and self.previous.kind == "heading"
        if after_heading and self.heads and heading_due(block.text, base=None, language=self.plan.language) is not None:
            self.heads[-1].due_source = block.text  # `**📅 22 - 28 de Septiembre de 2025**` under a phase heading
        for offset, text in enumerate(block.text.split("\n")):
            index = block.line + offset
            if self._date_line(text, index):
                continue
            if self.deliverable is not None and self.read_field(text.strip(), checked=None, line=index):
                continue
            if not any(draft.deliverables for draft in self.drafts):
                self._document_owner(text, index)
            if self.deliverable is None and self._heading_owner(text, index):
                continue
            self.keep_lines(index, index + 1)

    def _pseudo_heading(self, block: Block, following: Block | None) -> bool:
        """A bold line or a short `...:` line right before a list of boxes is a heading one level down."""
        if following is None or following.kind != "list" or "\n" in block.text.strip():
            return False
        if self.role_list is not None or not _BOX_LINE.search("\n".join(self.source[following.line : following.end])):
            return False
        match = _BOLD_LINE.match(block.text.strip()) or _COLON_LINE.match(block.text.strip())
        if not match or lines.match_label(block.text.strip(), OWNER_LABELS + "|" + DATE_LABELS):
            return False
        level = (self.heads[-1].level if self.heads else float(self.section_level or 1)) + 0.5
        self.end_text()
        self.close_heads(level)
        self.push_head(self._head(match.group("text").strip(" :"), level, block.line, pseudo=True))
        self.keep_lines(block.line, block.end)
        self.end_text()
        return True

    def _heading_owner(self, text: str, index: int) -> bool:
        """`**Owner**: Billing team` right under a heading: the work under that heading is theirs."""
        found = lines.match_label(text.strip(), OWNER_LABELS)
        if not found or (not self.heads and (self.current is None or self.current.heading_line is None)):
            return False
        named = owners.label_owners(found[1])
        if self.heads:
            self.heads[-1].named = named
        else:
            self.section_owners, self.section_heading = named, None
            if self.current is not None:
                self.current.named = named  # the document's owner, if this section turns out to hold no work
        self.readings[index] = "owner"
        return True

    def _document_owner(self, text: str, index: int) -> None:
        """`**Owner:** Technical Lead` before any deliverable is the document's own owner; `**Target Date:** ...`
        its own due date, for the work that names none."""
        due = lines.match_label(text.strip(), DUE_LABELS)
        if due and self.document_due is None:
            self.document_due = due[1]
            self.readings[index] = "due"
        found = lines.match_label(text.strip(), OWNER_LABELS)
        header = self.current is None or self.current.heading_line is None
        if found and header and not self.plan.owners:
            self.plan.owners = owners.label_owners(found[1])
            self.readings[index] = "owner"


def _front_matter(blocks: list[Block]) -> dict[str, str]:
    """The front matter's top-level `key: value` pairs (no YAML library: only flat keys are read)."""
    if not blocks or blocks[0].kind != "front_matter":
        return {}
    found = {}
    for line in blocks[0].text.split("\n"):
        match = _FRONT_KEY.match(line)
        if match:
            found[match.group(1).lower()] = match.group(2).strip().strip("'\"")
    return found


def _strip_parenthetical(text: str) -> str:
    return _TRAILING_PARENTHETICAL.sub("", text)
