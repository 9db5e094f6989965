"""Read single lines of a deliverables document: headings, checklist items, deliverable titles, fields.

Pure functions of one line; the document-level state lives in bot.document.read.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from bot.document.vocabulary import DONE_MARKERS, DUE_LABELS, OWNER_LABELS, split_roles

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])[ \t]*(?:\1[ \t]*){2,}$")
_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?P<bullet>[-*+]|\d{1,9}[.)])(?:[ \t]+(?P<rest>.*))?$")
_CHECKBOX = re.compile(r"^\[(?P<mark>[ xX])\](?:[ \t]+(?P<text>.*))?$")
_NUMBERED = re.compile(r"^(?P<number>\d{1,9})[.)][ \t]+(?P<rest>.+)$")
_BOLD = re.compile(r"^(?P<pre>[^*_]*?)(?P<fence>\*\*|__)(?P<title>.+?)(?P=fence)(?P<rest>.*)$")
_PARENTHETICAL = re.compile(r"\s*\(([^()]*)\)")
_REF = re.compile(r"#\d+|\b[A-Z][A-Z0-9]+-\d+\b")
_DOTTED_REF = re.compile(r"\d{1,3}(?:\.\d{1,3})+")  # a table's `1.2.3` row id
_FIELD_LABEL = re.compile(
    rf"(?:^|(?<=[\s—–|·,;(]))[*_]{{0,2}}(?P<label>{OWNER_LABELS}|{DUE_LABELS})[*_]{{0,2}}\s*:[*_]{{0,2}}\s*",
    re.I,
)
_TRAILING_SEPARATORS = " \t—–-|·,;:"


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Bullet:
    indent: int  # columns, tabs counted as 4
    number: int | None  # 3 for `3. text`, None for `-`, `*`, `+`
    checked: bool | None  # None when the bullet has no checkbox
    text: str  # after the bullet (and the checkbox)


@dataclass
class DeliverableHead:
    """What a deliverable's own line says: `8. **Worker/Queue** (Tarea #4) — Owner: SRE ✅`."""

    number: int | None
    title: str
    ref: str | None = None
    owners: list[str] | None = None  # None when the line names no owner
    due_text: str | None = None
    done: bool = False
    detail: str | None = None


def indent_of(whitespace: str) -> int:
    return len(whitespace.expandtabs(4))


def heading(line: str) -> Heading | None:
    """Return the ATX heading on `line`, if it is one."""
    match = _HEADING.match(line)
    if not match:
        return None
    return Heading(len(match.group(1)), (match.group(2) or "").strip())


def is_rule(line: str) -> bool:
    return bool(_RULE.match(line))


def bullet(line: str) -> Bullet | None:
    """Return the list item on `line` (`- x`, `* [ ] x`, `1. [x] x`), if it is one."""
    match = _BULLET.match(line)
    if not match or match.group("rest") is None:
        return None
    rest = match.group("rest").rstrip()
    indent = indent_of(match.group("indent"))
    marker = match.group("bullet")
    number = int(marker[:-1]) if marker[0].isdigit() else None
    box = _CHECKBOX.match(rest)
    if box and box.group("text"):
        return Bullet(indent, number, box.group("mark") != " ", box.group("text").rstrip())
    return Bullet(indent, number, None, rest)


def numbered(text: str) -> tuple[int, str] | None:
    """Split a heading's `8. **Title**` into (8, `**Title**`)."""
    match = _NUMBERED.match(text.strip())
    return (int(match.group("number")), match.group("rest")) if match else None


def match_label(text: str, labels: str) -> tuple[str, str] | None:
    """Split `**Label**: value` into (label as written, value) when the label is one of `labels`."""
    match = _label_pattern(labels).match(text.strip())
    return (match.group(1), match.group(2).strip()) if match else None


@functools.cache
def _label_pattern(labels: str) -> re.Pattern[str]:
    return re.compile(rf"^[*_]{{0,2}}({labels})[*_]{{0,2}}\s*:[*_]{{0,2}}(?:\s+|$)(.*)$", re.I)


def deliverable_head(number: int | None, text: str) -> DeliverableHead:
    """Read a deliverable's title line: bold or plain title, ref, owner and due fields, done marker."""
    head = DeliverableHead(number, "")
    bold = _BOLD.match(text)
    if bold and not bold.group("pre").strip(" " + "".join(DONE_MARKERS)):
        head.title = bold.group("title").strip()
        leftover, done = _take_fields(head, bold.group("rest"))
        head.detail = leftover.removeprefix(":").strip() or None
        head.done = done or any(mark in bold.group("pre") for mark in DONE_MARKERS)
        label = head.title.removesuffix(":").strip()
        if head.title.endswith(":") and head.detail and head.ref is None and _REF.fullmatch(label):
            head.ref, head.title, head.detail = label, head.detail, None  # `**CRIT-001:** Fix the injection`
    else:
        head.title, head.done = _take_fields(head, text)
    return head


def _take_fields(head: DeliverableHead, text: str) -> tuple[str, bool]:
    """Move refs, owner and due fields out of `text` into `head`; return what is left and done-ness."""
    done = False
    for mark in DONE_MARKERS:
        if mark in text:
            done = True
            text = text.replace(mark, "")

    def parenthetical(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        if _FIELD_LABEL.match(inner):
            _fields_into(head, inner)
            return ""
        if head.ref is None and (_REF.search(inner) or _DOTTED_REF.fullmatch(inner)):
            head.ref = inner
            return ""
        return match.group()

    text = _PARENTHETICAL.sub(parenthetical, text)
    first = _FIELD_LABEL.search(text)
    if first:
        _fields_into(head, text[first.start() :])
        text = text[: first.start()].rstrip(_TRAILING_SEPARATORS)
    return text.strip(), done


def _fields_into(head: DeliverableHead, text: str) -> None:
    """Read `Owner: A / B — Due: 2025-12-10` style fields into `head`."""
    labels = list(_FIELD_LABEL.finditer(text))
    for index, label in enumerate(labels):
        end = labels[index + 1].start() if index + 1 < len(labels) else len(text)
        value = text[label.end() : end].strip(_TRAILING_SEPARATORS + "()")
        if re.fullmatch(OWNER_LABELS, label.group("label"), re.I):
            head.owners = split_roles(value)
        else:
            head.due_text = value
