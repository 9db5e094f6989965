"""Find fenced code blocks, whose lines are text whatever they look like (`- [ ]` included)."""

from __future__ import annotations

import bisect

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.document.lines import heading


def fenced_lines(text_lines: list[str]) -> set[int]:
    """Return the 0-based indices of the lines inside fenced code blocks, fences included.

    markdown-it decides what is a fence (lists, indentation, unclosed fences), but parsing a whole
    big document with it costs more than everything else together. So only the stretches between
    two headings that hold a fence-like line are parsed; a fence running into the next heading
    means that heading was code, and the stretch grows past it.
    """
    candidates = [i for i, line in enumerate(text_lines) if line.lstrip()[:3] in ("```", "~~~")]
    if not candidates:
        return set()
    markdown = MarkdownIt("commonmark").disable("inline")
    starts = [i for i, line in enumerate(text_lines) if line.startswith("#") and heading(line)]
    bounds = sorted({0, *starts, len(text_lines)})
    fenced: set[int] = set()
    segment = 0
    while segment < len(bounds) - 1:
        start, end = bounds[segment], bounds[segment + 1]
        next_candidate = bisect.bisect_left(candidates, start)
        if next_candidate == len(candidates) or candidates[next_candidate] >= end:
            segment += 1
            continue
        while True:
            stretch = text_lines[start:end]
            fences = [token for token in markdown.parse("\n".join(stretch)) if token.type == "fence"]
            if not fences or _is_closed(fences[-1], stretch) or end == len(text_lines):
                break
            segment += 1
            end = bounds[segment + 1]
        for token in fences:
            fenced.update(range(start + token.map[0], start + token.map[1]) if token.map else ())
        segment += 1
    return fenced


def _is_closed(fence: Token, text_lines: list[str]) -> bool:
    """Tell whether a fence token ends with a closing fence (else it may run past the stretch)."""
    if not fence.map or fence.map[1] - fence.map[0] < 2:
        return False
    closing = text_lines[fence.map[1] - 1].strip()
    return len(closing) >= len(fence.markup) and set(closing) == {fence.markup[0]}
