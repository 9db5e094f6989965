"""Dates and deadlines as documents write them: `2025-12-07`, `48h`, `48-72h`, `5 días`, `Antes del Canary`.

Relative deadlines count from the document date.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("enero", "january", "jan", "ene"),
            ("febrero", "february", "feb"),
            ("marzo", "march", "mar"),
            ("abril", "april", "apr", "abr"),
            ("mayo", "may"),
            ("junio", "june", "jun"),
            ("julio", "july", "jul"),
            ("agosto", "august", "aug", "ago"),
            ("septiembre", "setiembre", "september", "sep", "sept"),
            ("octubre", "october", "oct"),
            ("noviembre", "november", "nov"),
            ("diciembre", "december", "dec", "dic"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))

_ISO = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:\s+de)?\s+({_MONTH})\.?(?:\s+de|\s+del|,)?\s+(\d{{4}})\b", re.I)
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_NUMERIC = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")

_UNIT = (
    r"(?P<unit>h|hrs?|horas?|hours?|d|d[íi]as?|days?|semanas?|weeks?|wks?)"
    r"(?P<business>\s+(?:h[áa]biles|laborables|business|working))?"
)
_AMOUNT = re.compile(rf"\b(?:(?P<low>\d{{1,4}})\s*(?:-|–|—|a|to)\s*)?(?P<high>\d{{1,4}}|una?|one|a)\s*{_UNIT}\b", re.I)
_TODAY = re.compile(r"\b(hoy|today|inmediat[oa]|immediate(?:ly)?|asap)\b", re.I)
_TOMORROW = re.compile(r"\b(ma[ñn]ana|tomorrow)\b", re.I)
_MILESTONE = re.compile(
    r"\b(?:antes\s+(?:del|de\s+la|de\s+los|de\s+las|de)|before(?:\s+the)?|hasta\s+(?:el|la))\s+(?P<name>.+)$",
    re.I,
)


@dataclass(frozen=True)
class Deadline:
    """When something is due: a date, a named milestone with no date yet, or neither."""

    due: date | None = None
    milestone: str | None = None


def parse_date(text: str, *, day_first: bool = True) -> date | None:
    """Return the first calendar date written in `text`, or None.

    `dd/mm/yyyy` is read day first (Spanish) unless `day_first` is False (English documents).
    """
    for pattern, order in ((_ISO, "ymd"), (_DAY_MONTH_YEAR, "dMy"), (_MONTH_DAY_YEAR, "Mdy")):
        for match in pattern.finditer(text):
            found = _build_date(dict(zip(order, match.groups(), strict=True)))
            if found:
                return found
    for match in _NUMERIC.finditer(text):
        first, second, year = match.groups()
        day, month = (first, second) if day_first else (second, first)
        found = _build_date({"d": day, "m": month, "y": year})
        if found:
            return found
    return None


def _build_date(parts: dict[str, str]) -> date | None:
    month = _MONTHS[parts["M"].lower()] if "M" in parts else int(parts["m"])
    try:
        return date(int(parts["y"]), month, int(parts["d"]))
    except ValueError:
        return None


def resolve_deadline(text: str, base: date | None, *, day_first: bool = True) -> Deadline | None:
    """Read a deadline (`48h`, `48-72h`, `5 días`, `2025-12-10`, `Antes del Canary`) against `base`.

    Returns None when `text` says nothing about time. Ranges take the later bound; hours round up
    to whole days; relative deadlines have no due date when the document has no date.
    """
    absolute = parse_date(text, day_first=day_first)
    if absolute:
        return Deadline(due=absolute)
    days = _relative_days(text, base)
    if days is not None:
        return Deadline(due=base + timedelta(days=days) if base else None)
    milestone = _MILESTONE.search(text)
    if milestone:
        return Deadline(milestone=milestone.group("name").strip(" .:-–—"))
    return None


def _relative_days(text: str, base: date | None) -> int | None:
    amount = _AMOUNT.search(text)
    if amount:
        high = amount.group("high")
        count = int(high) if high.isdigit() else 1
        unit = amount.group("unit").lower()
        if unit.startswith("h"):
            return math.ceil(count / 24)
        if unit.startswith(("s", "w")):
            return 7 * count
        if amount.group("business") and base:
            return _business_days(base, count)
        return count
    if _TOMORROW.search(text):
        return 1
    if _TODAY.search(text):
        return 0
    return None


def _business_days(base: date, count: int) -> int:
    """Return how many calendar days `count` working days (Monday-Friday) after `base` are."""
    day, left = base, count
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return (day - base).days
