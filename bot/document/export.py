"""Write a plan back as a markdown deliverables document, in the document's own style.

`parse_document(render_markdown(plan))` gives back the same plan: title, date, sections, deliverables
with their owners, items, ticks, evidence, refs, due dates, status and notes, and the today lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.document.owners import heading_owners, item_owners, quote_role
from bot.document.plan import Deliverable, Item, Plan, RoleList, Section
from bot.document.priorities import own_priority
from bot.document.vocabulary import (
    COMPLETED_MARKER,
    DEFAULT_MARKER,
    OWNER_WORD,
    PRIORITY_MARKERS,
    PRIORITY_WORD,
    TODAY_MARKER,
    TODAY_SUFFIX,
    WORDS,
    Words,
    clean_title,
    detect_language,
    first_emoji,
    is_completed_heading,
    priority_of,
    split_roles,
)

RULE = "---"
_TRAILING_PARENTHETICAL = re.compile(r"\s*\([^()]*\)\s*$")


def render_markdown(plan: Plan, *, evidence_links: dict[int, list[str]] | None = None) -> str:
    """Render `plan` as markdown; `evidence_links` (deliverable index -> lines) go under its evidence."""
    words = WORDS[plan.language]
    links = evidence_links or {}
    blocks: list[str] = []
    heading = plan.heading if plan.heading and clean_title(plan.heading) == plan.title else plan.title
    if heading:
        blocks.append(f"# {heading}")
    if plan.date:
        blocks.append(f"## {words.date}: {plan.date.isoformat()}")
    for block in plan.intro:
        blocks.extend([RULE, block] if block.startswith("## ") and blocks else [block])
    written: set[int] = set()
    sections = _sections_to_write(plan, words)
    for section in sections:
        if blocks:  # a rule first in the file would open front matter
            blocks.append(RULE)
        blocks.append(f"{'#' * section.level} {_section_heading(section)}")
        blocks.extend(section.body)
        if section.kind == "today":
            blocks.extend(_today_blocks(plan.today, words))
            continue
        indexed = _section_deliverables(plan, section, sections, written)
        blocks.extend(_deliverable_blocks(indexed, section, plan, words, links))
    if plan.updated:
        blocks.extend([RULE, f"**{words.updated}**: {plan.updated.isoformat()}"])
    body = "\n\n".join(blocks) + "\n"
    return _front_matter(plan, body) + body


def _front_matter(plan: Plan, body: str) -> str:
    """What the written text cannot say by itself: the assignees, and the language when its words would not tell."""
    keys = [f"assignees: {', '.join(plan.assignees)}"] if plan.assignees else []
    if detect_language(body) != plan.language:
        keys.append(f"language: {plan.language}")
    return "---\n" + "\n".join(keys) + "\n---\n\n" if keys else ""


def _section_deliverables(
    plan: Plan, section: Section, sections: list[Section], written: set[int]
) -> list[tuple[int, Deliverable]]:
    """The deliverables of `section`: by title, and when two sections share one, the next run in document order."""
    indexed = [(i, d) for i, d in enumerate(plan.deliverables) if d.section == section.title and i not in written]
    if section.kind == "other" or sum(s.title == section.title for s in sections) > 1:
        run: list[tuple[int, Deliverable]] = []
        for index, deliverable in indexed:
            if run and index != run[-1][0] + 1:
                break
            run.append((index, deliverable))
        indexed = [] if section.kind == "other" else run
    written.update(index for index, _ in indexed)
    return indexed


def _sections_to_write(plan: Plan, words: Words) -> list[Section]:
    """Return the plan's sections plus any its deliverables or today lists need but lack."""
    sections = list(plan.sections)
    known = {section.title for section in sections}
    for deliverable in plan.deliverables:
        if deliverable.section not in known:
            known.add(deliverable.section)
            sections.append(Section(title=deliverable.section, priority=deliverable.priority))
    if plan.today and not any(section.kind == "today" for section in sections):
        sections.append(Section(title=words.today, kind="today"))
    return sections


def _section_heading(section: Section) -> str:
    """Return a section heading with its marker and deadline, keeping the author's marker if it fits."""
    if section.kind == "other" or (section.kind == "deliverables" and is_completed_heading(section.heading)):
        return section.heading or section.title  # a ✅ heading over boxes: as written, so it reads back the same
    marker = first_emoji(section.heading)
    if section.kind == "completed":
        marker = COMPLETED_MARKER
    elif section.kind == "today":
        marker = TODAY_MARKER
    deadline = f" ({section.deadline})" if section.deadline else ""
    text = f"{section.title}{deadline}"
    if section.kind != "deliverables" or (marker and PRIORITY_MARKERS.get(marker[0]) == section.priority):
        pass  # the author's marker still says the right priority
    elif section.heading and not marker and priority_of(text)[0] == section.priority:
        pass  # the author wrote no marker and the words alone say it
    else:
        marker = DEFAULT_MARKER[section.priority]
    return f"{marker} {text}" if marker else text


def _deliverable_blocks(
    indexed: list[tuple[int, Deliverable]],
    section: Section,
    plan: Plan,
    words: Words,
    links: dict[int, list[str]],
) -> Iterator[str]:
    owner_heading: str | None = None
    for position, (index, deliverable) in enumerate(indexed, start=1):
        wanted, owner_line = _owner_heading(deliverable)
        if wanted is None and owner_heading is not None and not owner_line:
            wanted = words.unassigned  # an explicit "no owner" heading, not the previous owner's
        if wanted is not None and wanted != owner_heading:
            yield f"{'#' * min(section.level + 1, 6)} {wanted}"  # one level below its section
            owner_heading = wanted
        entries = deliverable.evidence_entries + [
            link for link in links.get(index, []) if link not in deliverable.evidence_entries
        ]
        yield _deliverable_text(deliverable, section, plan, words, entries, position, owner_line=owner_line)
        yield from deliverable.notes


def _owner_heading(deliverable: Deliverable) -> tuple[str | None, bool]:
    """The owner heading to write over the deliverable, or (None, True) for an `Owner:` line under it instead:
    a heading names owners only when it reads like a role (`### Kim` would read as a topic)."""
    named_by_items = list(dict.fromkeys(owner for item in deliverable.items for owner in item.owners))
    if not deliverable.owners or deliverable.owners == named_by_items:
        return None, False  # nobody, or whoever its items name: they say it again when read back
    if deliverable.checkbox and (own := item_owners(deliverable.title)):
        # Its title names its owners: under no owner heading it says them again (`Review @maria (Dev 1)`);
        # when it names someone else (`Review @maria` in QA's row), an Owner line says who.
        return None, own != deliverable.owners
    written = deliverable.owner_heading
    if not (written and split_roles(_TRAILING_PARENTHETICAL.sub("", written)) == deliverable.owners):
        written = " / ".join(quote_role(owner) for owner in deliverable.owners)
    if heading_owners(_TRAILING_PARENTHETICAL.sub("", written)) == deliverable.owners:
        return written, False
    return None, True


def _deliverable_text(
    deliverable: Deliverable,
    section: Section,
    plan: Plan,
    words: Words,
    entries: list[str],
    position: int,
    *,
    owner_line: bool = False,
) -> str:
    """Return the deliverable's title line, checklist, evidence line, owner, due and priority lines."""
    # A completed entry (`- ✅ **Runbook**`): in a completed section, or beside boxes under a ✅ heading.
    unnumbered_done = deliverable.number is None and deliverable.status == "done" and not deliverable.checkbox
    completed_entry = section.kind == "completed" or unnumbered_done
    number = deliverable.number if deliverable.number is not None else position
    bullet = "- " if completed_entry and deliverable.number is None else f"{number}. "
    done = "✅ " if deliverable.status == "done" or completed_entry else ""
    if deliverable.checkbox:
        done = "[x] " if deliverable.status == "done" else "[ ] "
    fence = "__" if "**" in deliverable.title and "__" not in deliverable.title else "**"  # bold around bold
    title = f"{bullet}{done}{fence}{deliverable.title}{fence}"
    if deliverable.ref:
        title += f" ({deliverable.ref})"
    if deliverable.detail:
        title += f" {deliverable.detail}"
    pad = " " * len(bullet)
    lines = [title, *_item_lines(deliverable.items, pad)]
    if deliverable.evidence is not None or entries:
        tick = "x" if deliverable.evidence_done else " "
        evidence = f" {deliverable.evidence}" if deliverable.evidence else ""
        lines.append(f"{pad}- [{tick}] {plan.evidence_label}:{evidence}")
        lines.extend(f"{pad}  - {entry}" for entry in entries)
    if owner_line:
        lines.append(f"{pad}- {OWNER_WORD[plan.language]}: {', '.join(map(quote_role, deliverable.owners))}")
    if deliverable.due and deliverable.due != section.due:
        lines.append(f"{pad}- {words.due}: {deliverable.due.isoformat()}")
    stated = own_priority(deliverable.title)
    if (deliverable.priority != section.priority or stated not in (None, deliverable.priority)) and not completed_entry:
        lines.append(f"{pad}- {PRIORITY_WORD[plan.language]}: {deliverable.priority}")
    return "\n".join(lines)


def _item_lines(items: list[Item], pad: str) -> Iterator[str]:
    for item in items:
        yield f"{pad}{'  ' * item.depth}- [{'x' if item.done else ' '}] {item.text}"


def _today_blocks(role_lists: list[RoleList], words: Words) -> Iterator[str]:
    for role_list in role_lists:
        heading = role_list.heading
        if not heading or clean_title(TODAY_SUFFIX.sub("", heading)) != role_list.role:
            heading = f"{role_list.role} ({words.today_suffix})"
        yield "\n".join([f"### {heading}", *_item_lines(role_list.items, "")])
