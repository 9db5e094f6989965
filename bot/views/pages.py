"""Paged checklists, in two pure steps around one read: `choose_page` lays the pages out from outlines
(how many blocks each deliverable takes, without its rows) and says which deliverables the page shows;
the caller reads those (`read.page_units`); `draw_page` draws them. A long plan costs what one page costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.i18n import t
from bot.views.blocks import MESSAGE_BLOCKS, Block, Page, Unit, button, context, section
from bot.views.deliverables import deliverable_unit, priority_header, today_units, unit_size
from bot.views.models import Ctx
from storage.deliverable_views import DeliverableView
from storage.models import ChecklistItem
from storage.shape_cache import Outline


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


@dataclass
class PageChoice:
    """One page of a checklist, chosen from outlines: what it shows, before the deliverables' rows are read."""

    ctx: Ctx
    intro: str
    surface: str
    interactive: bool
    head: list[Block]
    todays: list[Unit]  # today's lists, drawn: they come first and need no further reading
    outlines: Sequence[Outline]
    headed: list[bool]  # per outline: whether its priority's header goes over it
    shown: list[int]  # units on this page: today's lists first, then outlines (offset by len(todays))
    page: int
    pages: int
    room: int  # blocks a unit may take on a page

    @property
    def wanted(self) -> list[int]:
        """The deliverables this page draws: the only ones whose rows need reading."""
        return [self.outlines[i - len(self.todays)].id for i in self.shown if i >= len(self.todays)]


def choose_page(
    outlines: Sequence[Outline],
    today: dict[str, list[ChecklistItem]],
    ctx: Ctx,
    *,
    intro: str,
    surface: str,
    page: int = 1,
    max_blocks: int = MESSAGE_BLOCKS,
    extra_head: Sequence[Block] = (),
    interactive: bool = True,
) -> PageChoice:
    """Lay the checklist out in pages of `max_blocks` and pick `page` (clamped to the pages there are).

    `outlines` come in the order they are drawn (`read.urgency`): callers filter a ranking sorted once per import.
    """
    todays = today_units(today, ctx, interactive=interactive)
    sizes = [len(unit.blocks) for unit in todays]
    headed: list[bool] = []
    current = None
    for outline in outlines:  # each priority's header sticks to its first deliverable
        opens_group = outline.priority != current
        headed.append(opens_group)
        current = outline.priority
        sizes.append(unit_size(outline, interactive=interactive) + opens_group)
    head = [section(intro), *extra_head]
    pages = layout(sizes, max_blocks=max_blocks, head=len(head))
    page = min(max(page, 1), len(pages))
    return PageChoice(
        ctx=ctx,
        intro=intro,
        surface=surface,
        interactive=interactive,
        head=head,
        todays=todays,
        outlines=outlines,
        headed=headed,
        shown=pages[page - 1],
        page=page,
        pages=len(pages),
        room=max(max_blocks - len(head) - 2, 1),
    )


def draw_page(chosen: PageChoice, units: Sequence[DeliverableView]) -> Page:
    """The chosen page, from the rows of its deliverables (`chosen.wanted`, as read)."""
    views = {view.id: view for view in units}
    skip = len(chosen.todays)
    body: list[Block] = []
    for index in chosen.shown:
        if index < skip:
            unit = chosen.todays[index]
        else:
            outline = chosen.outlines[index - skip]
            if outline.id not in views:  # archived by a re-import since the outline was read
                continue
            unit = deliverable_unit(views[outline.id], chosen.ctx, interactive=chosen.interactive)
            if chosen.headed[index - skip]:
                unit.blocks = [priority_header(outline.priority, chosen.ctx), *unit.blocks]
        body.extend(unit.blocks[: chosen.room])
    surface = chosen.surface
    result = finish_page(body, page=chosen.page, pages=chosen.pages, head=chosen.head, surface=surface, ctx=chosen.ctx)
    result.blocks[0] = {**result.blocks[0], "block_id": f"view|{surface}|{result.page}"}
    for index, block in enumerate(result.blocks[1:], start=1):
        if block.get("type") == "actions" and block.get("block_id") != "pager":
            result.blocks[index] = {**block, "block_id": f"{surface}|{result.page}|{block['block_id']}"}
    result.text = chosen.intro
    return result


def finish_page(body: list[Block], *, page: int, pages: int, head: Sequence[Block], surface: str, ctx: Ctx) -> Page:
    """One page: the head, its units' blocks, and when there are more pages a context line and a "more" button."""
    blocks = [*head, *body]
    if pages > 1:
        blocks.append(context(t("mine.page", ctx.lang, page=page, pages=pages)))
        target = page + 1 if page < pages else 1
        more = button(f"{t('mine.more', ctx.lang)} ({target}/{pages})", "page", f"{surface}|{target}")
        blocks.append({"type": "actions", "block_id": "pager", "elements": [more]})
    return Page(blocks=blocks, page=page, pages=pages)


def only_text(text: str) -> Page:
    """A page of one section: what a checklist says when it has nothing to list."""
    return Page(blocks=[section(text)], page=1, pages=1, text=text)
