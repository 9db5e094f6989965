"""Tables of work: each row with a box cell, or with an item and an owner or status column, is a deliverable.

Columns are known by their header (Owner/Responsable/Dono, Due/Fecha/Vence/Prazo, Status/Estado,
Prioridad/Tipo, `#`), whatever their order. A `☐`/`☑` cell is that document's checkbox; a status of
`✅` (or `Done`, `Hecho`, `Feito`) is a done row without a box. A table of anything else (a roster,
milestones, figures) is kept as text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.document import lines, owners
from bot.document.dates import due_in
from bot.document.markdown import Block, Row
from bot.document.priorities import cell_priority, own_priority
from bot.document.vocabulary import (
    BOX_CELLS,
    DUE_COLUMNS,
    ITEM_COLUMNS,
    OWNER_COLUMNS,
    PRIORITY_COLUMNS,
    REF_COLUMNS,
    STATUS_COLUMNS,
    clean_title,
    fold,
    strip_emoji,
)

if TYPE_CHECKING:
    from bot.document.entries import EntryReader

_DONE = re.compile(
    r"^(?:✅|✔|☑|\[x\]|(?:done|hecho|completad[oa]|completo|feito|conclu[ií]d[oa]|ok|s[ií]|yes)\b)", re.I
)
_BLANK = re.compile(r"^[\s_\-—–.]*$")


@dataclass
class Columns:
    item: int | None = None
    owner: int | None = None
    due: int | None = None
    status: int | None = None
    priority: int | None = None
    ref: int | None = None
    box: int | None = None


def read_table(reader: EntryReader, block: Block) -> None:
    """Read a table's rows as deliverables, or keep the table as text when it is not a table of work."""
    if len(block.rows) < 2:
        reader.keep_lines(block.line, block.end)
        return
    columns = _columns(block.rows[0].cells, block.rows[1:])
    if columns.box is None and (columns.item is None or (columns.owner is None and columns.status is None)):
        reader.keep_lines(block.line, block.end)
        return
    reader.end_text()
    for row in block.rows[1:]:
        _row(reader, row, columns)
    reader.deliverable = None


def _columns(header: list[str], rows: Sequence[Row]) -> Columns:
    found = Columns()
    for index, cell in enumerate(header):
        name = fold(strip_emoji(cell)).replace("*", "").replace("_", " ").strip(" :")
        for attribute, names in (
            ("item", ITEM_COLUMNS), ("owner", OWNER_COLUMNS), ("due", DUE_COLUMNS), ("status", STATUS_COLUMNS),
            ("priority", PRIORITY_COLUMNS), ("ref", REF_COLUMNS),
        ):  # fmt: skip
            if getattr(found, attribute) is None and (name in names or name.split(" ")[0] in names):
                setattr(found, attribute, index)
                break
    for index in range(len(header)):
        if any(_box(row.cells[index]) is not None for row in rows if index < len(row.cells)):
            found.box = index
            break
    return found


def _box(cell: str) -> bool | None:
    """A box cell's state: True ticked, False open, None when the cell is not a box."""
    text = cell.strip()
    for glyph, ticked in BOX_CELLS.items():
        if text == glyph or text.startswith(glyph + " "):
            return ticked
    return None


def _row(reader: EntryReader, row: Row, columns: Columns) -> None:
    cells = row.cells

    def cell(index: int | None) -> str:
        return cells[index].strip() if index is not None and index < len(cells) else ""

    title = cell(columns.item) or cell(columns.owner)
    if _BLANK.match(clean_title(title)):
        return
    head = lines.deliverable_head(None, title)
    head.title = head.title or clean_title(title)
    owner = cell(columns.owner)
    if owner and not _BLANK.match(owner):
        head.owners = owners.label_owners(clean_title(owner))
    elif head.owners is None:
        named = owners.item_owners(title, named_above=bool(reader.context_owners()[0]))
        reader.note_bare_name(title, named)
        head.owners = named or None
    due = cell(columns.due)
    inline = None
    if due and not _BLANK.match(due.replace("/", "")):
        head.due_text = due
    elif head.due_text is None and (inline := due_in(title, base=None, language=reader.plan.language)):
        head.due_text = inline.text  # `Review due 2025-03-10` in a table without a due column
    head.ref = cell(columns.ref) or head.ref
    box = _box(cell(columns.box)) if columns.box is not None else None
    deliverable = reader.new_deliverable(None, head, row.line, checkbox=box is not None)
    reader.facts[id(deliverable)].due_visible = inline is not None
    if box is not None:
        deliverable.status = "done" if box else "open"
    else:
        deliverable.status = "done" if _DONE.match(cell(columns.status)) else "open"
    priority = cell_priority(cell(columns.priority)) if columns.priority is not None else None
    priority = priority or own_priority(title)  # `Review P0` in a table without a priority column
    if priority:
        reader.facts[id(deliverable)].priority = priority
