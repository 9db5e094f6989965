"""A document's markdown structure: headings, paragraphs, lists, tables and the rest, with their lines.

markdown-it (CommonMark, plus tables and front matter from mdit-py-plugins) decides what each line is:
a `- [ ]` inside a fence or an HTML comment is code or a comment, a `---` under a paragraph makes a
heading, a lazy line continues its item. Inline markup is left unparsed: on a 2,000-deliverable
document it costs twice the block parse (0.7 s against 0.33 s), and the parser needs only the source
text of each paragraph. So the task-list rule is the tasklists plugin's own, applied here to that
text: a list item whose first paragraph opens with `[ ]`, `[x]` or `[X]`.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt, parser_block
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

_NEEDS = {"table": "|", "html_block": "<", "blockquote": ">"}
_BOX = re.compile(r"^\[([ xX])\](?:[ \t]+|$)")


@dataclass(slots=True)
class Block:
    """One block of the document. `line` and `end` are 0-based: the block covers lines [line, end)."""

    kind: str  # heading, paragraph, list, table, fence, code, html, hr, quote, front_matter
    line: int
    end: int
    text: str = ""  # a heading's or paragraph's source text; html, code and front matter as written
    level: int = 0  # a heading's level
    ordered: bool = False  # a list's kind
    # Shared empty tuples by default: a document has tens of thousands of paragraphs, which hold none of these.
    items: Sequence[ListItem] = ()  # a list's items
    rows: Sequence[Row] = ()  # a table's rows, the header row first
    children: Sequence[Block] = ()  # a block quote's blocks


@dataclass(slots=True)
class ListItem:
    """A list item: its marker, its own checkbox (None without one) and the blocks inside it."""

    line: int
    end: int
    number: int | None  # 3 for `3. text`
    box: bool | None  # True ticked, False open, None no checkbox
    text: str  # its first paragraph, after the checkbox ("" when it opens with something else)
    children: Sequence[Block] = ()  # every block inside, the first paragraph too


@dataclass(slots=True)
class Row:
    line: int
    cells: list[str]


class _NoDebug:
    """Stands in for markdown-it's per-rule loggers, which only ever log at debug level."""

    def debug(self, *args: object, **kwargs: object) -> None:
        return None


def _without_debug_logging() -> None:
    """Every block rule of markdown-it calls `LOGGER.debug(...)` on every line it tries: 264,000 calls on the
    2,000-deliverable benchmark, 75 ms of a 330 ms parse (bench.parse_bench), for messages nobody reads."""
    import markdown_it.rules_block as rules

    for info in pkgutil.iter_modules(rules.__path__):
        module = importlib.import_module(f"markdown_it.rules_block.{info.name}")
        if isinstance(getattr(module, "LOGGER", None), logging.Logger):
            setattr(module, "LOGGER", _NoDebug())  # noqa: B010  (mypy cannot see the modules' LOGGER)
    if isinstance(getattr(parser_block, "LOGGER", None), logging.Logger):
        setattr(parser_block, "LOGGER", _NoDebug())  # noqa: B010


@cache
def _markdown(unused: frozenset[str] = frozenset()) -> MarkdownIt:
    """A block-level CommonMark parser with tables and front matter, without the rules in `unused`."""
    _without_debug_logging()
    # Link reference definitions are not needed (a stray one stays a paragraph): ~6% of the parse.
    parser = MarkdownIt("commonmark").enable("table").use(front_matter_plugin).disable(["inline", "reference"])
    return parser.disable(list(unused)) if unused else parser


def read_blocks(text: str) -> list[Block]:
    """Return the top-level blocks of a markdown text."""
    # A rule is tried at the start of every line; one that needs a character the text lacks cannot match
    # (a table needs `|`, HTML `<`, a quote `>`): ~40 ms of a 330 ms parse on the benchmark's document.
    unused = frozenset(rule for rule, mark in _NEEDS.items() if mark not in text)
    tokens = _markdown(unused).parse(text)
    blocks, _ = _blocks(tokens, 0, "")
    return blocks


def _blocks(tokens: list[Token], index: int, closing: str) -> tuple[list[Block], int]:
    """Read blocks from `index` until the token type `closing` (or the end); return them and where it stopped."""
    blocks: list[Block] = []
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == closing:
            return blocks, index
        start, end = token.map or (0, 0)
        if kind == "paragraph_open":  # the commonest block by far: kept short
            blocks.append(Block("paragraph", start, end, tokens[index + 1].content))
            index += 3
        elif kind == "heading_open":
            blocks.append(Block("heading", start, end, tokens[index + 1].content, int(token.tag[1])))
            index += 3
        elif kind in ("bullet_list_open", "ordered_list_open"):
            items, index = _list_items(tokens, index + 1)
            blocks.append(Block("list", start, end, ordered=kind == "ordered_list_open", items=items))
        elif kind == "blockquote_open":
            children, index = _blocks(tokens, index + 1, "blockquote_close")
            blocks.append(Block("quote", start, end, children=children))
            index += 1
        elif kind == "table_open":
            rows, index = _table_rows(tokens, index + 1, start)
            blocks.append(Block("table", start, end, rows=rows))
        else:
            name = {"code_block": "code", "html_block": "html"}.get(kind, kind)
            blocks.append(Block(name, start, end, text=token.content))
            index += 1
    return blocks, index


def _list_items(tokens: list[Token], index: int) -> tuple[list[ListItem], int]:
    items: list[ListItem] = []
    while tokens[index].type == "list_item_open":
        token = tokens[index]
        start, end = token.map if token.map else (0, 0)
        children, index = _blocks(tokens, index + 1, "list_item_close")
        number = int(token.info) if token.info.isdigit() else None
        item = ListItem(start, end, number, None, "", children)
        first = children[0] if children else None
        if first is not None and first.kind == "paragraph" and first.line == start:
            box = _BOX.match(first.text)
            item.box = None if box is None else box.group(1) != " "
            item.text = first.text[box.end() :] if box else first.text
        items.append(item)
        index += 1
    return items, index + 1  # past the list's closing token


def _table_rows(tokens: list[Token], index: int, line: int) -> tuple[list[Row], int]:
    rows: list[Row] = []
    while tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "tr_open":
            rows.append(Row(token.map[0] if token.map else line, []))
        elif token.type == "inline" and rows:
            rows[-1].cells.append(token.content.strip())
        index += 1
    return rows, index + 1
