"""Plan views -> Block Kit. Pure: no Slack calls, no database.

Limits (Slack's): 50 blocks in a message, 100 in a modal or Home tab, 10 options in a checkboxes
element, 25 elements in an actions block, 75 characters in an option, 3,000 in a section, 150 in a
header. Every builder here stays inside them, paging or trimming rather than failing.

Each checkboxes element carries, in its action_id, which of its options were ticked when it was
drawn (`tick:<deliverable>:<chunk>:<mask>`). A click is then compared with that, not with the
database, so two people ticking different items of one deliverable at once both stick, and a
repeated request changes nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.document.plan import PRIORITY_ORDER
from bot.i18n import due_text, t
from storage.deliverable_views import EVIDENCE_SHOWN, DeliverableTally, DeliverableView
from storage.models import ChecklistItem
from storage.shape_cache import Outline

Block = dict[str, Any]

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
CHECKBOX_OPTIONS = 10
ACTIONS_ELEMENTS = 25
OPTION_TEXT = 75
SECTION_TEXT = 3000
HEADER_TEXT = 150

PRIORITY_EMOJI = {"blocker": "🔴", "high": "🟡", "normal": "🟢"}


@dataclass
class Ctx:
    """What every builder needs to know about the reader."""

    lang: str
    today: date
    user_id: str | None = None
    evidence_label: str | None = None  # the document's own word ("Entregar"); None: the reader's language


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


def clip(text: str, limit: int) -> str:
    """Cut `text` to `limit` characters, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def md(text: str) -> str:
    """The document's markdown in Slack's mrkdwn: `**bold**` -> `*bold*`."""
    return text.replace("**", "*")


def escape(text: str) -> str:
    """Escape what Slack reads as markup in user-supplied text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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


def progress_bar(done: int, total: int, width: int = 10) -> str:
    """`▓▓▓▓░░░░░░ 40% (2/5)`."""
    share = done / total if total else 0.0
    filled = round(share * width)
    return f"`{'▓' * filled}{'░' * (width - filled)}` {round(share * 100)}% ({done}/{total})"


# --- checklists ---------------------------------------------------------------------------------------


def _option(item: ChecklistItem) -> dict[str, Any]:
    text = ("    " * item.depth) + md(escape(item.text))
    option: dict[str, Any] = {"text": {"type": "mrkdwn", "text": clip(text, OPTION_TEXT)}, "value": str(item.id)}
    if len(text) > OPTION_TEXT:
        option["description"] = {"type": "plain_text", "text": clip("…" + item.text[OPTION_TEXT - 1 :], OPTION_TEXT)}
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


@dataclass(frozen=True)
class TickAction:
    """A click on a checkboxes element: its items, and which of them were ticked before the click."""

    item_ids: tuple[int, ...]
    before: frozenset[int]


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


def evidence_lines(view: DeliverableView, ctx: Ctx) -> str:
    """The evidence requirement, its state, and what was handed in."""
    d = view.deliverable
    label = ctx.evidence_label or t("evidence.label", ctx.lang)
    state = t("evidence.in", ctx.lang, count=view.live_count) if view.evidence_in else t("evidence.pending", ctx.lang)
    mark = ":white_check_mark:" if view.evidence_in else ":hourglass_flowing_sand:"
    lines = []
    if d.evidence_requirement:
        lines.append(f":paperclip: *{label}:* {md(escape(d.evidence_requirement))} — {mark} {state}")
    for piece in view.live_evidence[-EVIDENCE_SHOWN:]:
        lines.append("    • " + evidence_summary(piece))
    return "\n".join(lines)


def evidence_summary(piece: Any) -> str:
    """One line for a piece of evidence: a link, a file or the start of a text."""
    who = f"<@{piece.user_id}>"
    when = piece.created_at.date().isoformat() if piece.created_at else ""
    if piece.kind == "file":
        target = (
            f"<{piece.permalink}|{escape(piece.file_name or piece.file_id or 'file')}>"
            if piece.permalink
            else escape(piece.file_name or "")
        )
    elif piece.kind == "link" and piece.url:
        target = f"<{piece.url}|{escape(clip(piece.url, 80))}>"
    else:
        target = "“" + escape(clip((piece.text or "").replace("\n", " "), 120)) + "”"
    return f"{target} — {who}, {when}"


def deliverable_unit(view: DeliverableView, ctx: Ctx, *, interactive: bool = True, show_notes: bool = True) -> Unit:
    """A deliverable: title, due, owners, evidence; then its checkboxes and the evidence button."""
    d = view.deliverable
    number = f"#{d.number} · " if d.number is not None else ""
    ref = f" _({escape(d.ref)})_" if d.ref else ""
    section_row = view.section
    if view.is_done:
        when = f"✅ {t('deliverable.done', ctx.lang)}"
    else:
        due = due_text(d.due, ctx.today, ctx.lang, section_row.milestone if section_row else None)
        overdue = d.due is not None and d.due < ctx.today
        when = (":warning: " if overdue else ":calendar: ") + due
    done = sum(1 for item in view.items if item.done)
    lines = [f"*{number}{md(escape(d.title))}*{ref}  ·  {when}"]
    meta = ", ".join(view.role_names)
    if view.items:
        meta += ("  ·  " if meta else "") + t("deliverable.items_done", ctx.lang, done=done, total=len(view.items))
    if meta:
        lines.append(f"_{meta}_")
    evidence = evidence_lines(view, ctx)
    if evidence:
        lines.append(evidence)
    if show_notes and d.notes:
        note = "\n".join(md(n) for n in d.notes)
        lines.append(clip(note, 600))
    unit = Unit([section("\n".join(lines), block_id=f"d:{view.id}")])
    if not interactive or view.is_done:
        return unit
    elements: list[dict[str, Any]] = checkbox_elements(f"tick:{view.id}", view.items)
    if d.evidence_requirement or not view.items:
        elements.append(button(t("evidence.button", ctx.lang), f"evidence:open:{view.id}", str(view.id)))
    for start in range(0, len(elements), ACTIONS_ELEMENTS):
        unit.blocks.append(
            {
                "type": "actions",
                "block_id": f"a:{view.id}:{start}",
                "elements": elements[start : start + ACTIONS_ELEMENTS],
            }
        )
    return unit


def today_units(lists: dict[str, list[ChecklistItem]], ctx: Ctx, *, interactive: bool = True) -> list[Unit]:
    """The per-role lists for today: a title and checkboxes."""
    units = []
    for role, items in lists.items():
        if not items:
            continue
        key = items[0].today_role_key or role
        title = section(f"*:clipboard: {t('today.title', ctx.lang, role=escape(role))}*", block_id=f"today:{key}")
        if interactive:
            elements = checkbox_elements("today", items)
            unit = Unit([title])
            for start in range(0, len(elements), ACTIONS_ELEMENTS):
                unit.blocks.append(
                    {
                        "type": "actions",
                        "block_id": f"ta:{key}:{start}",
                        "elements": elements[start : start + ACTIONS_ELEMENTS],
                    }
                )
        else:
            marks = "\n".join(f"{'☑' if i.done else '☐'} {md(escape(i.text))}" for i in items)
            unit = Unit([section(f"*:clipboard: {t('today.title', ctx.lang, role=escape(role))}*\n{marks}")])
        units.append(unit)
    return units


def urgency(view: DeliverableView | Outline) -> tuple[int, bool, date, int]:
    """Blockers first; within a priority, the soonest due (overdue first), then dateless ones in document order."""
    d = view.deliverable if isinstance(view, DeliverableView) else view
    return PRIORITY_ORDER.get(d.priority, 9), d.due is None, d.due or date.max, d.position


def layout(sizes: Sequence[int], *, max_blocks: int, head: int) -> list[list[int]]:
    """Which units (by index) go on each page, from how many blocks each takes: never split, in order."""
    room = max_blocks - head - 2  # a context line and a "more" button
    largest = max(room, 1)  # a unit larger than a page is cut to fit (the drawing cuts it too)
    page: list[int] = []
    pages = [page]
    used = 0
    for index, size in enumerate(sizes):  # every open deliverable of a person passes here: kept tight
        if size > largest:
            size = largest
        if page and used + size > room:
            page = []
            pages.append(page)
            used = 0
        page.append(index)
        used += size
    return pages


def finish_page(body: list[Block], *, page: int, pages: int, head: Sequence[Block], surface: str, ctx: Ctx) -> Page:
    """One page: the head, its units' blocks, and when there are more pages a context line and a "more" button."""
    blocks = [*head, *body]
    if pages > 1:
        blocks.append(context(t("mine.page", ctx.lang, page=page, pages=pages)))
        target = page + 1 if page < pages else 1
        more = button(f"{t('mine.more', ctx.lang)} ({target}/{pages})", "page", f"{surface}|{target}")
        blocks.append({"type": "actions", "block_id": "pager", "elements": [more]})
    return Page(blocks=blocks, page=page, pages=pages)


def surface_of_block(block_id: str) -> tuple[str, int] | None:
    """The surface and page an actions block was drawn for (`mine|2|a:12:0` -> ("mine", 2))."""
    parts = block_id.split("|")
    if len(parts) < 3 or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1])


def unit_size(outline: Outline, *, interactive: bool) -> int:
    """How many blocks `deliverable_unit` draws for a deliverable (without its group header)."""
    if not interactive or outline.is_done:
        return 1
    elements = -(-outline.items // CHECKBOX_OPTIONS) + (1 if outline.asks_evidence or not outline.items else 0)
    return 1 + -(-elements // ACTIONS_ELEMENTS)


def outlined_checklist_page(
    outlines: Sequence[Outline],
    load: Callable[[list[int]], Sequence[DeliverableView]],
    today: dict[str, list[ChecklistItem]],
    ctx: Ctx,
    *,
    intro: str,
    surface: str,
    page: int = 1,
    max_blocks: int = MESSAGE_BLOCKS,
    extra_head: Sequence[Block] = (),
    interactive: bool = True,
) -> Page:
    """`checklist_page` drawing only the page asked for: pages are laid out from outlines (sizes), and only
    the deliverables on that page are loaded (`load(ids)`) and drawn. A long plan costs what one page costs.

    `outlines` come in the order they are drawn (`urgency`): callers filter a ranking sorted once per import.
    """
    todays = today_units(today, ctx, interactive=interactive)
    sizes = [len(unit.blocks) for unit in todays]
    headed: list[bool] = []
    current = None
    for outline in outlines:  # as grouped_units: each priority's header sticks to its first deliverable
        opens_group = outline.priority != current
        headed.append(opens_group)
        current = outline.priority
        sizes.append(unit_size(outline, interactive=interactive) + opens_group)
    head = [section(intro), *extra_head]
    pages = layout(sizes, max_blocks=max_blocks, head=len(head))
    page = min(max(page, 1), len(pages))
    shown = pages[page - 1]
    wanted = [outlines[i - len(todays)].id for i in shown if i >= len(todays)]
    views = {view.id: view for view in load(wanted)} if wanted else {}
    room = max(max_blocks - len(head) - 2, 1)
    body: list[Block] = []
    for index in shown:
        if index < len(todays):
            unit = todays[index]
        else:
            outline = outlines[index - len(todays)]
            if outline.id not in views:  # archived by a re-import since the outline was read
                continue
            unit = deliverable_unit(views[outline.id], ctx, interactive=interactive)
            if headed[index - len(todays)]:
                title = f"{PRIORITY_EMOJI.get(outline.priority, '⚪')} {t('priority.' + outline.priority, ctx.lang)}"
                unit.blocks = [header(title), *unit.blocks]
        body.extend(unit.blocks[:room])
    result = finish_page(body, page=page, pages=len(pages), head=head, surface=surface, ctx=ctx)
    result.blocks[0] = {**result.blocks[0], "block_id": f"view|{surface}|{result.page}"}
    for index, block in enumerate(result.blocks[1:], start=1):
        if block.get("type") == "actions" and block.get("block_id") != "pager":
            result.blocks[index] = {**block, "block_id": f"{surface}|{result.page}|{block['block_id']}"}
    result.text = intro
    return result


# --- status, blockers, digest ---------------------------------------------------------------------------


def status_blocks(
    sections: Sequence[tuple[str, int, int]], owners: Sequence[tuple[str, int, int]], ctx: Ctx, title: str
) -> list[Block]:
    """Progress per section and per owner, with text progress bars."""
    blocks: list[Block] = [header(f"📊 {t('status.title', ctx.lang)} — {title}")]
    rows = [f"{progress_bar(done, total)}  {escape(name)}" for name, done, total in sections]
    blocks.append(section(f"*{t('status.by_section', ctx.lang)}*\n" + "\n".join(rows)))
    owner_rows = [f"{progress_bar(done, total)}  {escape(name)}" for name, done, total in owners]
    for start in range(0, len(owner_rows), 30):
        heading = f"*{t('status.by_owner', ctx.lang)}*\n" if start == 0 else ""
        blocks.append(section(heading + "\n".join(owner_rows[start : start + 30])))
    return blocks[:MESSAGE_BLOCKS]


def mention_all(user_ids: Iterable[str]) -> str:
    """People as Slack mentions, separated by spaces."""
    return " ".join(f"<@{uid}>" for uid in user_ids)


def mentions(members: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Role key -> its people as Slack mentions (`roster.members_by_role`), joined once for all the lines naming it."""
    return {key: mention_all(people) for key, people in members.items() if people}


def owners_text(view: DeliverableView | DeliverableTally, mentioned: Mapping[str, str], ctx: Ctx) -> str:
    """People of the deliverable's roles as mentions (`mentions`), or the role itself where nobody is assigned."""
    parts = []
    for owner in view.owners:
        people = mentioned.get(owner.role_key)
        if people:
            parts.append(f"{people} ({escape(owner.role)})")
        else:
            parts.append(f"*{escape(owner.role)}*")
    return ", ".join(parts) or t("digest.nobody", ctx.lang)


def blocker_line(view: DeliverableView | DeliverableTally, mentioned: Mapping[str, str], ctx: Ctx) -> str:
    """One line of the digest or `blockers`: title, owners (`mentions`), due, evidence state."""
    d = view.deliverable
    number = f"#{d.number} " if d.number is not None else ""
    due = due_text(d.due, ctx.today, ctx.lang, view.section.milestone if view.section else None)
    mark = ":white_check_mark:" if view.evidence_in else ":hourglass_flowing_sand:"
    evidence = (
        t("evidence.in", ctx.lang, count=view.live_count) if view.evidence_in else t("evidence.pending", ctx.lang)
    )
    return (
        f"• *{number}{md(escape(d.title))}* — {owners_text(view, mentioned, ctx)} · {due} · "
        f"{view.items_done}/{view.items_total} · {mark} {evidence}"
    )


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
