"""A plan's JSON seen as the entries a person reads and ticks, for the document tests to assert on.

The contract (issue 21) lets the parser choose some structure: a flat list of boxes may be one deliverable
per box or a heading with items. These tests assert what a reader sees whatever the choice: each entry
with its line, text, box, state, owners, due date and priority. An item that names no owner or date of
its own has its deliverable's (its role's, in a today list), as the reader understands it.

Boxes are found in the source by a simple scan of our own, so that the expected lines never come from
the parser under test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The real documents of ../shared/realdocs: other people's text, never copied into the project.
REALDOCS = Path(os.environ.get("REALDOCS_DIR") or Path(__file__).resolve().parents[2] / "shared" / "realdocs")

_LIST_BOX = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+\[([ xX])\]")
_CELL_BOX = re.compile(r"^(?:\[([ xX])\]|(☐)|(☑))$")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_OWNER_SEPARATORS = re.compile(r"\s*(?:/|\+|,|&|\band\b|\by\b|\be\b)\s*")


@dataclass(frozen=True)
class Entry:
    """One deliverable, item or today item of a plan, as the reader sees it."""

    line: int
    text: str
    kind: str  # "deliverable", "item" or "today"
    checkbox: bool
    done: bool
    owners: frozenset[str]  # owner_key()s: its own, else its deliverable's or role's
    due: str | None  # its own, else its deliverable's
    priority: str | None  # its deliverable's


def owner_key(name: str) -> str:
    """Return how owners compare: case-insensitive, `@` optional, spaces collapsed."""
    return " ".join(name.replace("@", " ").casefold().split())


def owner_parts(name: str) -> set[str]:
    """Return the owner_key()s of a combined owner: `QA/Security`, `Dev + QA`, `Ana, Luis`, `PO and RM`."""
    return {owner_key(part) for part in _OWNER_SEPARATORS.split(name) if owner_key(part)}


def entries(plan: dict[str, Any]) -> list[Entry]:
    """Return every deliverable, item and today item of `plan` (its JSON), in document order."""
    found: list[Entry] = []
    for deliverable in plan.get("deliverables", []):
        owners = frozenset(owner_key(name) for name in deliverable.get("owners") or [])
        due = deliverable.get("due")
        priority = deliverable.get("priority")
        found.append(
            Entry(
                line=deliverable.get("line", 0),
                text=deliverable.get("title", ""),
                kind="deliverable",
                checkbox=bool(deliverable.get("checkbox", False)),
                done=deliverable.get("status") == "done",
                owners=owners,
                due=due,
                priority=priority,
            )
        )
        found.extend(_items(deliverable.get("items", []), "item", owners, due, priority))
    for role_list in plan.get("today", []):
        role = frozenset({owner_key(role_list.get("role", ""))} - {""})
        found.extend(_items(role_list.get("items", []), "today", role, None, None))
    return sorted(found, key=lambda entry: entry.line)


def _items(
    items: Iterable[dict[str, Any]], kind: str, owners: frozenset[str], due: str | None, priority: str | None
) -> Iterable[Entry]:
    for item in items:
        own = frozenset(owner_key(name) for name in item.get("owners") or [])
        yield Entry(
            line=item.get("line", 0),
            text=item.get("text", ""),
            kind=kind,
            checkbox=bool(item.get("checkbox", False)),
            done=bool(item.get("done", False)),
            owners=own or owners,
            due=item.get("due") or due,
            priority=priority,
        )


def tickable(plan: dict[str, Any]) -> list[Entry]:
    """Return the entries the document wrote a box for: what a person can tick."""
    return [entry for entry in entries(plan) if entry.checkbox]


def entry_at(plan: dict[str, Any], line: int) -> Entry:
    """Return the entry starting on `line` (the tickable one if two claim it)."""
    here = [entry for entry in entries(plan) if entry.line == line]
    assert here, f"no entry starts on line {line}; entries start on {[e.line for e in entries(plan)]}"
    return next((entry for entry in here if entry.checkbox), here[0])


def due_on(plan_entries: list[Entry], line: int) -> set[str | None]:
    """Return the due dates of the entries starting on `line`, or of the last one starting before it."""
    here = {entry.due for entry in plan_entries if entry.line == line}
    if here:
        return here
    before = [entry for entry in plan_entries if 0 < entry.line < line]
    return {max(before, key=lambda entry: entry.line).due} if before else set()


def reported_owners(plan: dict[str, Any]) -> list[str]:
    """Return every owner name the plan reports: deliverables', items' and today lists' roles."""
    names: list[str] = []
    for deliverable in plan.get("deliverables", []):
        names.extend(deliverable.get("owners") or [])
        for item in deliverable.get("items", []):
            names.extend(item.get("owners") or [])
    for role_list in plan.get("today", []):
        names.append(role_list.get("role", ""))
        for item in role_list.get("items", []):
            names.extend(item.get("owners") or [])
    return [name for name in names if name]


def warning_lines(plan: dict[str, Any]) -> set[int]:
    """Return the lines the plan's warnings point at."""
    return {warning.get("line") for warning in plan.get("warnings") or []}


@dataclass(frozen=True)
class Boxes:
    """Where a document wrote task boxes: list items `- [ ]`, `1. [x]`, and table cells `[ ]`, `☐`, `☑`."""

    lines: tuple[int, ...]
    ticked: tuple[int, ...]


def scan_boxes(text: str) -> Boxes:
    """Find the box lines of `text`, outside front matter, fenced code and HTML comments."""
    lines = text.split("\n")
    start = _after_front_matter(lines)
    boxes: list[int] = []
    ticked: list[int] = []
    fence: str | None = None
    in_comment = False
    for number, line in enumerate(lines[start:], start=start + 1):
        stripped = line.strip()
        if in_comment:
            in_comment = "-->" not in line
            continue
        if fence:
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
            continue
        opening = _FENCE.match(line)
        if opening:
            fence = opening.group(1)
            continue
        if stripped.startswith("<!--"):
            in_comment = "-->" not in stripped[4:]
            continue
        state = _box_state(line)
        if state is not None:
            boxes.append(number)
            if state:
                ticked.append(number)
    return Boxes(tuple(boxes), tuple(ticked))


def _after_front_matter(lines: list[str]) -> int:
    if lines and lines[0].strip() == "---":
        for index, line in enumerate(lines[1:], start=1):
            if line.strip() == "---":
                return index + 1
    return 0


def _box_state(line: str) -> bool | None:
    """Return whether the box on `line` is ticked, or None when the line holds no box."""
    item = _LIST_BOX.match(line)
    if item:
        return item.group(1) in "xX"
    if line.lstrip().startswith("|"):
        for cell in line.strip().strip("|").split("|"):
            box = _CELL_BOX.match(cell.strip())
            if box:
                return bool(box.group(3)) or (box.group(1) or " ") in "xX"
    return None
