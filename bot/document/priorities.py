"""How urgent a piece of work is, from what its text says: P0–P3, MoSCoW, 🔴🟠🟡🟢, blocker words.

`heading_priority` reads a section or group heading the way the seed's sections are read (a marker,
else words), plus P-levels and MoSCoW. `own_priority` reads a deliverable's own title, cell or field,
and only answers when the text says so unmistakably: a P-level, a marker, or a blocker word.
"""

from __future__ import annotations

import re

from bot.document.plan import Priority
from bot.document.vocabulary import EMOJI, PRIORITY_MARKERS, fold, priority_of

_LEVEL = re.compile(r"(?<![\w-])p([0-3])(?![\w-])")
_LEVELS: dict[str, Priority] = {"0": "blocker", "1": "high", "2": "normal", "3": "normal"}
_MOSCOW = re.compile(r"^\W*(must|should|could|nice)[\s-]+(?:have|to[\s-]+have)\b")
_MOSCOW_LEVELS: dict[str, Priority] = {"must": "blocker", "should": "high", "could": "normal", "nice": "normal"}
# A blocker word on its own (`master-blocking tests` and `release-blocker issues` talk about other things).
_BLOCKING = re.compile(
    r"(?<![\w-])(blockers?|blocking|bloqueante\w*|bloqueador\w*|go\s*/\s*no[- ]go|showstopper)(?![\w-])"
)
_SHOUTED_BLOCKING = re.compile(
    r"(?<![\w-])(?:BLOCKING|BLOCKERS?|BLOQUEANTE|BLOQUEADOR|P0)(?![\w-])|^\W*🔴|(?i:go\s*/\s*no[- ]go)"
)
# A priority word stated as one: after a dash, in parentheses or after "priority" (`— Critical`, `prioridad Alta`).
_STATED = re.compile(
    r"(?:[—–]|\s-\s|\(|\bprioridad\b|\bpriority\b|\bprioridade\b)\s*:?\s*"
    r"(critic\w*|urgent\w*|alta|alto|high|media|medio|medium|baja|bajo|low|baixa)\b"
)
_STATED_LEVELS: dict[str, Priority] = {"alta": "high", "alto": "high", "high": "high"}
_WORDS: tuple[tuple[re.Pattern[str], Priority], ...] = (
    (re.compile(r"\b(critic\w*|urgent\w*|alta|alto|high|importante?s?|important)\b"), "high"),
    (re.compile(r"\b(media|medio|medium|normal|baja|bajo|low|baixa|recomendad\w*|recommended|nice)\b"), "normal"),
)


def heading_priority(heading: str) -> tuple[Priority, bool]:
    """A heading's priority and whether the heading said one (marker, P-level, MoSCoW or words)."""
    words = fold(heading)
    level = _LEVEL.search(words)
    moscow = _MOSCOW.search(words)
    markers = [PRIORITY_MARKERS[c] for marker in EMOJI.findall(heading) for c in marker if c in PRIORITY_MARKERS]
    if markers:
        return markers[0], True  # `🔴 BLOQUEADORES`, and `Review ✅ 🔴`: the first priority marker, wherever it is
    if moscow:
        return _MOSCOW_LEVELS[moscow.group(1)], True
    if level:
        return _LEVELS[level.group(1)], True
    return priority_of(heading)


def own_priority(text: str) -> Priority | None:
    """The priority a title, cell or field states outright; None when it states none."""
    for marker in EMOJI.findall(text):  # `Review ✅ 🔴`: the marker need not be the first emoji
        for char in marker:
            if char in PRIORITY_MARKERS:
                return PRIORITY_MARKERS[char]
    words = fold(text)
    level = _LEVEL.search(words)
    if level:
        return _LEVELS[level.group(1)]
    if _BLOCKING.search(words):
        return "blocker"
    stated = _STATED.search(words)
    if stated:
        word = stated.group(1)
        return (
            "blocker"
            if word.startswith("critic")
            else _STATED_LEVELS.get(word, "high" if word.startswith("urgent") else "normal")
        )
    return None


def step_is_blocking(text: str) -> bool:
    """A step that says it blocks (`/ BLOCKING for all further activity`, `P0`, `🔴 ...`, a go/no-go) makes
    its deliverable a blocker; a step that merely mentions blocking tests does not."""
    return bool(_SHOUTED_BLOCKING.search(text))


def cell_priority(text: str) -> Priority | None:
    """A priority column's cell: a marker or a P-level, else its word (`Alta`, `Medium`, `Crítico`)."""
    found = own_priority(text)
    if found:
        return found
    words = fold(text)
    for pattern, priority in _WORDS:
        if pattern.search(words):
            return priority
    return None
