"""Due dates wherever a team writes them: after a due word or 📅, in a due column, under a heading.

Only the candidate text found after a due marker (`(due 2025-03-10)`, `by March 28`, `vence: 15/03`,
`antes del 15 de marzo`, `📅 2025-03-30`, `prazo: 10/04`) is read, never a whole line. The seed's
forms (ISO dates, `7 de diciembre de 2025`, `48h`, `5 días`, `Antes del Canary`) are read by
bot.document.deadlines as before; anything else goes to dateparser in Spanish, English and Portuguese,
with the document's date as the reference for a date without a year. What cannot be read is
reported, and stays in the text as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from bot.document.deadlines import parse_date, resolve_deadline
from bot.document.vocabulary import DUE_LABELS, fold

# A due marker, then the candidate: up to a closing parenthesis, a separator or the end.
_MARKER = re.compile(
    rf"(?:(?<![\w])(?:{DUE_LABELS}|by|antes del?|até|ate|before|hasta el|para el)\b\s*:?|📅|🗓️?)\s*"
    r"(?P<text>[^()|;—–\n]{1,60}?)\s*(?=$|[)|;—–\n]|,\s|\s+-\s|\*\*)",
    re.I,
)
# A cheap first look for a due word or 📅: most lines have none, and skip the full pattern.
_HINT = re.compile(rf"(?:{DUE_LABELS}|by|antes|até|ate|before|hasta|para el)\b|📅|🗓", re.I)
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\$[A-Z_]{3,}|\bY{2,4}[-/]M{1,2}[-/]D{1,2}\b|_{3,}|\[[^\]]*fecha[^\]]*\]", re.I)
_NOT_YET = re.compile(r"^(tbd|tba|n/?a|pendiente|por definir|a definir|sin fecha|no date|none|-+|\?+)$", re.I)
_DURATION = re.compile(
    r"^~?\d{1,3}(?:\s*(?:-|–|a|to)\s*\d{1,3})?\s*(?:h|hrs?|horas?|hours?|d|d[íi]as?|days?|semanas?|weeks?)"
    r"(?:\s+(?:h[áa]biles|laborables|business|working))?$",
    re.I,
)
_RANGE = re.compile(r"\s+(?:-|–|—|a|al|to|até)\s+")
_WEEKDAY_PREFIX = re.compile(r"^(?:[A-Za-zÀ-ÿ]+,\s*)")


@dataclass(frozen=True)
class DueText:
    """A due date as written and as read: `due` is None when the text could not be read as one."""

    text: str
    due: date | None
    readable: bool = True


def due_in(text: str, *, base: date | None, language: str) -> DueText | None:
    """Find the due date an item or title names after a due marker; None when it names none."""
    if not _HINT.search(text) or not _MARKER.search(text):
        return None
    for match in _MARKER.finditer(text):
        candidate = match.group("text").strip(" .:*_`")
        if not candidate or not re.search(r"\d|[A-Za-z]{3,}", candidate):
            continue
        found = read_due(candidate, base=base, language=language)
        if found is not None:
            return found
    return None


def read_due(text: str, *, base: date | None, language: str, prefer: str = "future") -> DueText | None:
    """Read a due text (a field's value, a column's cell): a date, a relative deadline, or unreadable.

    None when the text says nothing about a date at all (`TBD`, `Pendiente`, words only).
    """
    text = " ".join(text.replace("**", "").split()).strip(" .:")
    if not text or _NOT_YET.match(text):
        return None
    if _PLACEHOLDER.search(text):
        return DueText(text, None, readable=False)
    day_first = language != "en"
    found = parse_date(text, day_first=day_first)
    if found:
        return DueText(text, found)
    deadline = resolve_deadline(text, base, day_first=day_first)
    if deadline and deadline.due:
        return DueText(text, deadline.due)
    read = _dateparser(_last_of_range(text), base, language, prefer)
    if read:
        return DueText(text, read)
    if deadline and deadline.milestone is None and deadline.due is None:
        return DueText(text, None)  # a relative deadline in a document without a date: nothing to count from
    return DueText(text, None, readable=False) if re.search(r"\d", text) else None


def heading_due(text: str, *, base: date | None, language: str, prefer: str = "future") -> date | None:
    """The date a heading or the line under it is about: `Monday, Jan 6`, `2025-11-06`, `22 - 28 de
    Septiembre de 2025` (the end of a range), `(3 días)`; None for a heading that names no date."""
    words = " ".join(re.sub(r"[*_`📅🗓️]", " ", text).split())
    parenthetical = re.search(r"\(([^()]*)\)\s*$", words)
    core = re.sub(r"\([^()]*\)", " ", words).strip(" .:-")
    if re.search(r"\d", core) and len(core) <= 60:
        for segment in dict.fromkeys([core, *re.split(r"\s+[-–—]\s+|:\s+", core)]):
            found = _date_in_heading(segment.strip(" .:-"), base, language, prefer)
            if found:
                return found
    if parenthetical and _DURATION.match(parenthetical.group(1).strip()):
        deadline = resolve_deadline(parenthetical.group(1), base, day_first=language != "en")
        return deadline.due if deadline else None
    return None


def _date_in_heading(words: str, base: date | None, language: str, prefer: str) -> date | None:
    found = parse_date(words, day_first=language != "en")
    if found:
        return found
    if not _looks_like_a_date(words):
        return None
    return _dateparser(re.sub(r"\b\d{1,2}-(\d{1,2})/", r"\1/", _last_of_range(words)), base, language, prefer)


def _looks_like_a_date(text: str) -> bool:
    """A heading that is a date (`Monday, Jan 6`, `23-24/Out`), not a title with a number (`Sprint 2`)."""
    tokens = re.findall(r"[A-Za-zÀ-ÿ]+", fold(text))
    folded = fold(text)
    shaped = re.search(r"\d{1,4}[/.-]\d{1,2}|\b\d{1,2}\s*(?:de\s+)?[a-z]{3}|\b[a-z]{3,9}\.?\s+\d{1,2}\b", folded)
    return bool(shaped) and len(tokens) <= 6


def _last_of_range(text: str) -> str:
    """`22 - 28 de Septiembre de 2025` -> `28 de Septiembre de 2025`; `29 Sep - 5 Oct de 2025` -> `5 Oct de 2025`."""
    parts = _RANGE.split(text)
    last = _WEEKDAY_PREFIX.sub("", parts[-1]) if len(parts) > 1 else text
    if len(parts) > 1 and not re.search(r"[A-Za-zÀ-ÿ]{3,}", last):
        return text  # `10 - 12` alone: not a range of dates
    return last


@lru_cache(maxsize=1024)
def _dateparser(text: str, base: date | None, language: str, prefer: str = "future") -> date | None:
    """Read a date with dateparser; a date without a year is the first one after `base` (`prefer="future"`,
    from the document's date) or the last one before it (`"past"`, from a target date)."""
    import dateparser

    languages = [language, *(other for other in ("es", "en", "pt") if other != language)]
    reference = datetime.combine(base or date.today(), datetime.min.time())
    settings = {
        "RELATIVE_BASE": reference,
        "PREFER_DATES_FROM": prefer,
        "DATE_ORDER": "MDY" if language == "en" else "DMY",
        "REQUIRE_PARTS": ["day", "month"],
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        found = dateparser.parse(text, languages=languages, settings=settings)
    except (ValueError, OverflowError, TypeError):
        return None
    return found.date() if found else None
