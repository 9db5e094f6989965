"""What is decided once a whole document has been read: due dates, section kinds, owners, numbers, warnings.

Due dates wait for the end because the document's date may come last (`**Última actualización**`).
A section is prose, not work, when nothing in it can be ticked or names an owner, evidence or a ref
and its heading names no priority or deadline (`## Objetivos` + `1. ...`). Numbers are the document's
own while they are unique; repeated or missing ones get the next free numbers, in document order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from bot.document.dates import heading_due, read_due
from bot.document.deadlines import resolve_deadline
from bot.document.lines import is_rule
from bot.document.plan import Deliverable, DocumentError, Plan, Section
from bot.document.priorities import step_is_blocking
from bot.document.vocabulary import SHADOW_WORDS, WORDS, fold
from bot.i18n import N_, t

if TYPE_CHECKING:
    from bot.document.markdown import Block
    from bot.document.parser import DocumentParser

# A document that opens with prose and whose only work is a couple of boxes in one section among several of
# prose is a README's roadmap, not a plan.
MIN_BOXES = 3
MIN_WORK_SHARE = 0.5


@dataclass
class SectionDraft:
    """A section while it is read; whether it really is a deliverables section is decided at the end."""

    section: Section
    heading_line: str | None  # None for the implicit section of deliverables before any heading
    says_priority: bool  # the heading has a priority marker or words, or a deadline
    line: int  # 0-based line of its heading
    deliverables: list[Deliverable] = field(default_factory=list)
    has_today: bool = False
    heading_deliverable: Deliverable | None = None  # the section heading, when a box list right under it made it one
    completed_heading: bool = False  # the heading says done (✅, Completados), whatever its boxes say
    named: list[str] | None = None  # an `Owner:` line right under its heading
    body_start: int = 0  # 0-based line after its heading (a setext heading takes two lines)


def settle_plan(reader: DocumentParser) -> Plan:
    """Finish the plan: dates, kinds, owners from items, numbers, warnings; refuse what is not a plan."""
    plan = reader.plan
    plan.date = plan.date or plan.updated
    plan.evidence_label = plan.evidence_label or WORDS[plan.language].evidence
    ends = [draft.line for draft in reader.drafts[1:]] + [len(reader.source)] if reader.drafts else []
    fenced = _fenced_lines(reader.blocks)
    for draft, end in zip(reader.drafts, ends, strict=True):
        _settle_section(reader, draft, end, fenced)
    leading = True
    for draft in reader.drafts:
        section = draft.section
        leading = leading and section.kind == "other"
        if leading:
            # "Other" sections before the first real one are the document's introduction.
            plan.intro.extend([draft.heading_line] if draft.heading_line else [])
            plan.intro.extend(section.body)
            continue
        _unique_title(section, draft, plan.sections)
        plan.sections.append(section)
        plan.deliverables.extend(draft.deliverables)
    if not plan.deliverables or not _looks_like_a_plan(reader):
        raise DocumentError("document.no_deliverables", path=reader.path)
    _document_owners(reader)
    if len(reader.bare_names) < 2:  # one `(Lighthouse)` is a word in parentheses; `(Lud)`, `(Juli)` are people
        for named, name in reader.bare_names:
            named.remove(name)
    for deliverable in plan.deliverables:
        _owners_and_priority_from_items(reader, deliverable)
        _with_shadows(deliverable, plan.owners)
    _number(plan, reader)
    plan.warnings.sort(key=lambda warning: warning.line)
    return plan


def _settle_section(reader: DocumentParser, draft: SectionDraft, end: int, fenced: set[int]) -> None:
    """Resolve a section's due dates and decide its kind now that all of it has been read."""
    section, base, language = draft.section, reader.plan.date, reader.plan.language
    if section.deadline:
        deadline = resolve_deadline(section.deadline, base, day_first=language != "en")
        if deadline:
            section.due, section.milestone = deadline.due, deadline.milestone
    if section.due is None and section.milestone is None and section.heading:
        base_day, _, prefer = _reference(reader)
        # A dated section heading: `## Monday, Jan 6`, `## Lunes 10 de marzo`.
        section.due = heading_due(section.heading, base=base_day, language=language, prefer=prefer)
    for deliverable in draft.deliverables:
        _dates(reader, deliverable, section)
    _drop_empty_phases(reader, draft)
    if section.kind == "completed" and any(d.checkbox for d in draft.deliverables):
        section.kind = "deliverables"  # a ✅ heading does not tick the boxes under it
    if section.kind != "deliverables":
        return
    if draft.has_today and not draft.deliverables:
        section.kind = "today"
    elif not draft.says_priority and not any(map(_has_substance, draft.deliverables)):
        # A numbered list with no checklist, owner or evidence under a heading that names no
        # priority or deadline is prose ("## Objetivos" + "1. ..."), not work to track.
        section.kind = "other"
        section.body = _raw_blocks(reader, draft.body_start, end, fenced)
        draft.deliverables = []
        reader.plan.warnings = [w for w in reader.plan.warnings if not draft.line < w.line - 1 < end]


def _unique_title(section: Section, draft: SectionDraft, before: list[Section]) -> None:
    """Two sections with one title (`## Review` twice) are told apart: `Review`, `Review 2`."""
    titles = {earlier.title for earlier in before}
    if section.kind == "other" or section.title not in titles:
        return
    count = 2
    while f"{section.title} {count}" in titles:
        count += 1
    section.title = f"{section.title} {count}"
    for deliverable in draft.deliverables:
        deliverable.section = section.title


def _dates(reader: DocumentParser, deliverable: Deliverable, section: Section) -> None:
    base, language, prefer = _reference(reader)
    facts = reader.facts[id(deliverable)]
    deliverable.due = section.due
    if deliverable.due is None and section.milestone is None and reader.document_due:
        whole = read_due(reader.document_due, base=base, language=language, prefer=prefer)
        deliverable.due = whole.due if whole else None
    for source in facts.heads:
        found = heading_due(source, base=base, language=language, prefer=prefer)
        if found:
            deliverable.due = found
            break
    if facts.due_text:
        own = read_due(facts.due_text, base=base, language=language, prefer=prefer)
        deliverable.due = own.due if own else None
        if own is not None and not own.readable:
            reader.warn(deliverable.line - 1, N_("document.warn.unreadable_date"), text=own.text)
            if not facts.due_visible:  # a `Due:` field or column it could not read stays in sight, as written
                deliverable.detail = " ".join(filter(None, [deliverable.detail, f"({own.text})"]))
    for item, text in facts.item_dues:
        found_due = read_due(text, base=base, language=language, prefer=prefer)
        if found_due is not None:
            item.due = found_due.due
            if not found_due.readable:
                reader.warn(item.line - 1, N_("document.warn.unreadable_date"), text=found_due.text)
    if facts.priority:
        deliverable.priority = facts.priority


def _drop_empty_phases(reader: DocumentParser, draft: SectionDraft) -> None:
    """`### 1. SECURITY REMEDIATION` whose boxes all sit under its own sub-headings is a phase, not a deliverable."""
    for deliverable in list(draft.deliverables):
        facts = reader.facts[id(deliverable)]
        empty = not deliverable.items and deliverable.evidence is None and facts.due_text is None
        if facts.kind != "numbered_heading" or not empty:
            continue
        if any(d.line > deliverable.line and _has_substance(d) for d in draft.deliverables):
            draft.deliverables.remove(deliverable)
            draft.section.body.extend(deliverable.notes)


def _reference(reader: DocumentParser) -> tuple[date | None, str, str]:
    """What a date without a year is read against: the document's date (the work comes after it), else its
    target date (the work comes before it); and the document's language."""
    language = reader.plan.language
    if reader.plan.date is not None or not reader.document_due:
        return reader.plan.date, language, "future"
    target = read_due(reader.document_due, base=None, language=language)
    return (target.due if target else None), language, "past"


def _has_substance(deliverable: Deliverable) -> bool:
    return bool(
        deliverable.items
        or deliverable.evidence is not None
        or deliverable.owners
        or deliverable.ref
        or deliverable.checkbox
    )


def _owners_and_priority_from_items(reader: DocumentParser, deliverable: Deliverable) -> None:
    """A deliverable that names no owner reaches the owners its items name; a blocking step makes it a blocker."""
    if not deliverable.owners:
        named = [owner for item in deliverable.items for owner in item.owners]
        deliverable.owners = list(dict.fromkeys(named)) or list(reader.plan.owners)  # else the document's owners
    if any(step_is_blocking(item.text) for item in deliverable.items):
        deliverable.priority = "blocker"
    if not deliverable.owners and deliverable.status == "open":
        reader.warn(deliverable.line - 1, N_("document.warn.no_owner"), title=deliverable.title)


def _document_owners(reader: DocumentParser) -> None:
    """`**Responsable:** DevOps + Tech Lead` under the subtitle, before any work: the whole document's owners."""
    plan = reader.plan
    for draft in reader.drafts:
        if draft.deliverables:
            break
        if draft.named and not plan.owners:
            plan.owners = list(draft.named)


def _with_shadows(deliverable: Deliverable, roster: list[str]) -> None:
    """The roster's `Release Lead Shadow: @ana` shares the work of the `Release Lead` it backs up."""
    for role in list(deliverable.owners):
        for other in roster:
            words = fold(other).split()
            if other not in deliverable.owners and words[-1] in SHADOW_WORDS and " ".join(words[:-1]) == fold(role):
                deliverable.owners.append(other)


def _number(plan: Plan, reader: DocumentParser) -> None:
    """Keep the document's numbers while unique; give the repeated and the missing ones the next free numbers."""
    # A completed entry (`- ✅ **Runbook**`) has no number; anything else can be named by one.
    entries = [d for d in plan.deliverables if not (d.number is None and reader.facts[id(d)].kind == "completed")]
    seen: set[int] = set()
    repeated: list[Deliverable] = []
    for deliverable in entries:
        if deliverable.number is None:
            continue
        if deliverable.number in seen:
            repeated.append(deliverable)
        seen.add(deliverable.number)
    following = max(seen, default=0) + 1
    first = following
    for deliverable in entries:
        if deliverable.number is None or deliverable in repeated:
            if deliverable in repeated:
                reader.warn(
                    deliverable.line - 1,
                    N_("document.warn.renumbered"),
                    written=deliverable.number or 0,
                    number=following,
                )
            deliverable.number = following
            following += 1
    if repeated:
        plan.numbering = t("document.numbering", "en", count=len(repeated), first=first, last=following - 1)


def _looks_like_a_plan(reader: DocumentParser) -> bool:
    plan = reader.plan
    if reader.boxes_are_deliverables:
        return True
    boxes = sum(d.checkbox for d in plan.deliverables) + sum(
        item.checkbox for d in plan.deliverables for item in d.items
    )
    if boxes >= MIN_BOXES or any(not d.checkbox and reader.facts[id(d)].kind != "heading" for d in plan.deliverables):
        return True
    if not plan.intro or any(draft.deliverables and draft.heading_line is None for draft in reader.drafts):
        return True  # it opens with work
    sections = [draft for draft in reader.drafts if draft.deliverables or draft.section.body]
    working = sum(1 for draft in sections if draft.deliverables)
    return working >= MIN_WORK_SHARE * len(sections)


def _raw_blocks(reader: DocumentParser, start: int, end: int, fenced: set[int]) -> list[str]:
    """The section's lines as written, in blank-line separated blocks: the body of a prose section."""
    blocks: list[str] = []
    current: list[str] = []
    for index in range(start, end):
        line = reader.source[index].rstrip()
        if index in reader.consumed:
            continue
        if index not in fenced and (not line.strip() or is_rule(line)):
            if current:
                blocks.append("\n".join(current))
            current = []
            continue
        current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


def _fenced_lines(blocks: Sequence[Block]) -> set[int]:
    found: set[int] = set()
    for block in blocks:
        if block.kind in ("fence", "code"):
            found.update(range(block.line, block.end))
        for child in block.children:
            found |= _fenced_lines([child])
        for item in block.items:
            found |= _fenced_lines(item.children)
    return found
