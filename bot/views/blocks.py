"""Block Kit primitives, Slack's limits, and the action ids that describe the element they sit on. Pure.

Limits (Slack's): 50 blocks in a message, 100 in a modal or Home tab, 10 options in a checkboxes
element, 25 elements in an actions block, 75 characters in an option, 3,000 in a section, 150 in a
header. Every builder stays inside them, paging or trimming rather than failing.

Each checkboxes element carries, in its action_id, which of its options were ticked when it was
drawn (`tick:<deliverable>:<chunk>:<mask>`). A click is then compared with that, not with the
database, so two people ticking different items of one deliverable at once both stick, and a
repeated request changes nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.document.text import clip
from bot.tracking.ticks import TickAction
from bot.views.mrkdwn import cut_mrkdwn, to_mrkdwn, to_plain
from bot.views.mrkdwn import escape as escape  # handlers escape their own words with it
from storage.models import ChecklistItem

Block = dict[str, Any]

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
CHECKBOX_OPTIONS = 10
ACTIONS_ELEMENTS = 25
OPTION_TEXT = 75
SECTION_TEXT = 3000
HEADER_TEXT = 150


@dataclass
class Page:
    """One page of a paged list of blocks."""

    blocks: list[Block]
    page: int
    pages: int
    text: str = ""  # notification / fallback text


@dataclass
class Unit:
    """Blocks that must stay together on one page (a deliverable, a header with its first deliverable)."""

    blocks: list[Block] = field(default_factory=list)


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, HEADER_TEXT), "emoji": True}}


def section(text: str, **extra: Any) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_TEXT)}, **extra}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, SECTION_TEXT)}]}


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(text, 75), "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def actions(elements: Sequence[dict[str, Any]], block_id: str) -> list[Block]:
    """Actions blocks of at most 25 elements, each block's id `<block_id>:<index of its first element>`."""
    return [
        {
            "type": "actions",
            "block_id": f"{block_id}:{start}",
            "elements": list(elements[start : start + ACTIONS_ELEMENTS]),
        }
        for start in range(0, len(elements), ACTIONS_ELEMENTS)
    ]


def progress_bar(done: int, total: int, width: int = 10) -> str:
    """`▓▓▓▓░░░░░░ 40% (2/5)`."""
    share = done / total if total else 0.0
    filled = round(share * width)
    return f"`{'▓' * filled}{'░' * (width - filled)}` {round(share * 100)}% ({done}/{total})"


def progress_lines(rows: Iterable[tuple[str, int, int]]) -> list[str]:
    """`▓▓▓▓░░░░░░ 40% (2/5)  name` for each (name, done, all)."""
    return [f"{progress_bar(done, total)}  {to_mrkdwn(name)}" for name, done, total in rows]


def mention_all(user_ids: Iterable[str]) -> str:
    """People as Slack mentions, separated by spaces."""
    return " ".join(f"<@{uid}>" for uid in user_ids)


def lines_to_sections(lines: Sequence[str], title: str | None = None) -> list[Block]:
    """Pack lines into as few sections as Slack's 3,000 characters allow."""
    blocks: list[Block] = []
    current = f"*{title}*" if title else ""
    for line in lines:
        line = clip(line, SECTION_TEXT - 10)
        if current and len(current) + 1 + len(line) > SECTION_TEXT:
            blocks.append(section(current))
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        blocks.append(section(current))
    return blocks


# --- action ids that describe their element ---------------------------------------------------------


def _option(item: ChecklistItem) -> dict[str, Any]:
    text, cut = cut_mrkdwn(item.text, OPTION_TEXT, prefix="    " * item.depth)
    option: dict[str, Any] = {"text": {"type": "mrkdwn", "text": text}, "value": str(item.id)}
    if cut:
        option["description"] = {"type": "plain_text", "text": clip(to_plain(item.text), OPTION_TEXT)}
    return option


def checkbox_elements(prefix: str, items: Sequence[ChecklistItem]) -> list[dict[str, Any]]:
    """Checkboxes elements of at most 10 options, each naming its items and which were ticked when drawn.

    The action_id reads `<prefix>:<mask>:<id>.<id>...`: the element describes itself, so a click can be
    applied without trusting anything but the click (ephemeral messages come back without their blocks).
    """
    elements = []
    for start in range(0, len(items), CHECKBOX_OPTIONS):
        chunk = items[start : start + CHECKBOX_OPTIONS]
        options = [_option(item) for item in chunk]
        mask = sum(1 << i for i, item in enumerate(chunk) if item.done)
        ids = ".".join(str(item.id) for item in chunk)
        element: dict[str, Any] = {"type": "checkboxes", "action_id": f"{prefix}:{mask}:{ids}", "options": options}
        initial = [option for option, item in zip(options, chunk, strict=True) if item.done]
        if initial:
            element["initial_options"] = initial
        elements.append(element)
    return elements


def parse_tick_action_id(action_id: str) -> TickAction | None:
    """`tick:12:5:40.41.42` -> items 40, 41, 42 with 40 and 42 ticked before; None if it is not ours."""
    parts = action_id.split(":")
    if len(parts) < 3 or parts[0] not in ("tick", "today"):
        return None
    try:
        mask = int(parts[-2])
        ids = tuple(int(part) for part in parts[-1].split("."))
    except ValueError:
        return None
    return TickAction(item_ids=ids, before=frozenset(item for i, item in enumerate(ids) if mask >> i & 1))


def surface_of_block(block_id: str) -> tuple[str, int] | None:
    """The surface and page an actions block was drawn for (`mine|2|a:12:0` -> ("mine", 2))."""
    parts = block_id.split("|")
    if len(parts) < 3 or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1])
