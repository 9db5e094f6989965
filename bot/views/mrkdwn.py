"""A document's markdown as Slack mrkdwn or plain text: the one place document text is escaped. Pure.

Only inline markdown is read (markdown-it's inline rules), because a title, an item or a note is a line of
text, not a document: `[text](url)` becomes `<url|text>` (http and https only), `**bold**` `*bold*`,
`*em*` `_em_`, code spans stay, HTML comments are dropped. Everything else is text, with `&`, `<` and `>`
escaped, so `<!channel>`, `<!here>` or `<@U…>` written in a document reaches Slack as text and pings no one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from markdown_it import MarkdownIt
from markdown_it.token import Token

ELLIPSIS = "…"
_SCHEMES = ("http://", "https://")
_MARKS = {"strong": "*", "em": "_"}


@dataclass(frozen=True)
class Piece:
    """A run of mrkdwn that is never cut inside: a word, a space, a code span, a link, or a mark."""

    text: str
    kind: str  # "word", "space", "open", "close"


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark")


@lru_cache(maxsize=1)
def _notes_parser() -> MarkdownIt:
    """Only what spans lines in a note: fenced code and HTML comments. Lists and headings stay the lines they are."""
    return MarkdownIt("zero", {"html": True}).enable(["fence", "html_block"])


def escape(text: str) -> str:
    """Escape what Slack reads as markup (`&`, `<`, `>`)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _inline(text: str) -> list[Token]:
    tokens = _parser().parseInline(text)
    return list(tokens[0].children or []) if tokens else []


def _is_comment(token: Token) -> bool:
    return token.type == "html_inline" and token.content.startswith("<!--")


def _link_target(href: str) -> str | None:
    """The url as Slack may read it inside `<…|…>`, or None when it is not http(s)."""
    if not href.lower().startswith(_SCHEMES):
        return None
    # `|`, `<` and `>` end or split Slack's link: encoded, a url cannot carry a second target or label.
    return escape(quote(href, safe=":/?#[]@!$&'()*+,;=%~-._"))


def _words(text: str) -> list[Piece]:
    """Text split into words and the spaces between them, escaped."""
    pieces: list[Piece] = []
    word = ""
    for char in text:
        if char.isspace():
            if word:
                pieces.append(Piece(escape(word), "word"))
                word = ""
            pieces.append(Piece(char, "space"))
        else:
            word += char
    if word:
        pieces.append(Piece(escape(word), "word"))
    return pieces


def _label(tokens: Sequence[Token]) -> str:
    """A link's label: its mrkdwn on one line, without a `|` that could be taken for the separator."""
    # Slack has no escape for `|`; a lookalike keeps the label whole whatever reads the separator.
    return "".join(piece.text for piece in _pieces(tokens)).replace("\n", " ").replace("|", "∣")


def _link(tokens: Sequence[Token], start: int) -> tuple[list[Piece], int]:
    """The link opened at `start`, as one piece (its label alone when its target is not http(s)); and where it ends."""
    depth, end = 0, start
    for end in range(start, len(tokens)):
        depth += tokens[end].nesting if tokens[end].type.startswith("link_") else 0
        if depth == 0:
            break
    target = _link_target(str(tokens[start].attrGet("href") or ""))
    inner = tokens[start + 1 : end]
    if target is None:
        return _pieces(inner), end + 1
    label = _label(inner) or target
    return [Piece(f"<{target}|{label}>", "word")], end + 1


def _pieces(tokens: Sequence[Token]) -> list[Piece]:
    """Inline tokens as mrkdwn pieces."""
    pieces: list[Piece] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "link_open":
            drawn, index = _link(tokens, index)
            pieces += drawn
            continue
        if kind in ("text", "text_special"):
            pieces += _words(token.content)
        elif kind == "code_inline":
            pieces.append(Piece(f"`{escape(token.content)}`", "word"))
        elif kind in ("softbreak", "hardbreak"):
            pieces.append(Piece("\n", "space"))
        elif kind.endswith("_open") and kind[:-5] in _MARKS:
            pieces.append(Piece(_MARKS[kind[:-5]], "open"))
        elif kind.endswith("_close") and kind[:-6] in _MARKS:
            pieces.append(Piece(_MARKS[kind[:-6]], "close"))
        elif not _is_comment(token):  # an image's alt text; other HTML as the text it was written as
            pieces += _words(token.content)
        index += 1
    return pieces


def _line(line: str) -> str:
    """One line as mrkdwn, its indentation kept (a note's sub-points)."""
    body = line.lstrip()
    return line[: len(line) - len(body)] + "".join(piece.text for piece in _pieces(_inline(body))).rstrip()


def to_mrkdwn(text: str) -> str:
    """A document's markdown as Slack mrkdwn; a note's lines stay lines, its fenced code a code block."""
    if "\n" not in text:
        return _line(text).strip()
    lines, drawn, done = text.split("\n"), [], 0
    for token in _notes_parser().parse(text):
        if token.type not in ("fence", "html_block") or token.map is None:
            continue
        start, end = token.map
        drawn += [_line(line) for line in lines[done:start]]
        if token.type == "fence":
            drawn.append(f"```{escape(token.info)}\n{escape(token.content)}```")
        elif not token.content.startswith("<!--"):
            drawn += [_line(line) for line in lines[start:end]]
        done = end
    drawn += [_line(line) for line in lines[done:]]
    return "\n".join(drawn).strip()


def to_plain(text: str) -> str:
    """A document's markdown as plain text, for Slack's plain_text fields: marks and comments gone, links as labels."""
    parts: list[str] = []
    for token in _inline(text):
        if token.type in ("text", "text_special", "code_inline", "image") or (
            token.type == "html_inline" and not _is_comment(token)
        ):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts).strip()


def cut_mrkdwn(text: str, limit: int, *, prefix: str = "") -> tuple[str, bool]:
    """`prefix` and the document's markdown as mrkdwn within `limit` characters, and whether it was cut.

    A cut falls between words, never inside a code span or a link, closes the marks left open, and ends in `…`.
    """
    pieces = _pieces(_inline(text))
    whole = prefix + "".join(piece.text for piece in pieces).strip()
    if len(whole) <= limit:
        return whole, False
    best, drawn, opened = "", prefix, list[str]()
    for piece in pieces:
        if piece.kind == "space" and drawn.strip():
            candidate = drawn.rstrip() + "".join(reversed(opened)) + ELLIPSIS
            if len(candidate) > limit:
                break
            best = candidate
        drawn += piece.text
        if piece.kind == "open":
            opened.append(piece.text)
        elif piece.kind == "close" and opened:
            opened.pop()
    if not best:  # one word longer than the limit: plain text has no span to break
        plain, room = to_plain(text), limit - len(prefix) - len(ELLIPSIS)
        while room > 0 and len(escape(plain[:room])) > limit - len(prefix) - len(ELLIPSIS):
            room -= 1  # escaping lengthened it
        best = prefix + escape(plain[: max(room, 0)]) + ELLIPSIS
    return best, True
