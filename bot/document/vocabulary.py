"""The words and markers deliverables documents use, in Spanish and English.

Shared by the parser (to recognise them) and the exporter (to write them back).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.document.plan import Language, Priority

# Emoji and the joiners, selectors and tags that build emoji sequences.
EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\ufe0e\ufe0f\u200d\u20e3\U000e0020-\U000e007f]+"
)

PRIORITY_MARKERS: dict[str, Priority] = {
    "🔴": "blocker", "🚨": "blocker", "⛔": "blocker", "🛑": "blocker", "❗": "blocker",
    "🟠": "high", "🟡": "high", "⚠": "high",
    "🟢": "normal", "🔵": "normal", "⚪": "normal", "🟣": "normal", "⚫": "normal",
}  # fmt: skip
DEFAULT_MARKER: dict[Priority, str] = {"blocker": "🔴", "high": "🟡", "normal": "🟢"}
DONE_MARKERS = ("✅", "✔️", "✔", "☑️", "☑")
COMPLETED_MARKER = "✅"
TODAY_MARKER = "📋"

_BLOCKER_WORDS = re.compile(r"\b(bloqueador\w*|bloqueante\w*|blockers?|blocking|critic\w*)\b")
_HIGH_WORDS = re.compile(r"\b(high|alta|alto|urgent\w*|importante?s?|important)\b")
_COMPLETED_WORDS = re.compile(
    r"\b(completad[oa]s?|hech[oa]s?|terminad[oa]s?|finalizad[oa]s?|cerrad[oa]s?"
    r"|done|completed|finished|closed)\b"
)
_TODAY_SECTION_WORDS = re.compile(r"\b(por rol|by role|per role|checklist rapido|quick checklist)\b")
TODAY_SUFFIX = re.compile(r"\s*\((hoy|today)\)\s*$", re.IGNORECASE)

# Field labels, as regex alternatives; matched case-insensitively before a colon.
DATE_LABELS = r"fecha|date|fecha del documento"
UPDATED_LABELS = r"[úu]ltima actualizaci[óo]n|actualizado|last updated|last update|updated"
EVIDENCE_LABELS = r"entregar|entregable|evidencia|evidence|deliverable"
OWNER_LABELS = r"owners?|responsables?|assignees?|asignad[oa]s?(?: a)?"
DUE_LABELS = r"due(?: date)?|vence|vencimiento|fecha l[íi]mite|deadline|plazo"

_ROLE_SEPARATORS = re.compile(r"\s+[/+&]\s+|\s*,\s*")
_UNASSIGNED = re.compile(r"^(sin responsable|sin asignar|unassigned|no owner|nobody|nadie)$")

_SPANISH = frozenset(
    ("de", "la", "el", "los", "las", "del", "para", "con", "por", "que", "una", "hoy", "entregar",
     "pendientes", "fecha", "responsable", "dias", "semana", "antes", "ejecutar", "crear", "configurar")
)  # fmt: skip
_ENGLISH = frozenset(
    ("the", "and", "of", "to", "for", "with", "by", "is", "are", "today", "due", "owner", "days",
     "week", "before", "run", "create", "configure")
)  # fmt: skip
# Structural words weigh more than prose: they are what the exporter writes.
_SPANISH_STRUCTURE = re.compile(r"\b(fecha|entregar|evidencia|hoy|vence|completados)\b")
_ENGLISH_STRUCTURE = re.compile(r"\b(date|deliverable|evidence|today|due|done|last updated)\b")


@dataclass(frozen=True)
class Words:
    """What the exporter writes for one language."""

    date: str
    updated: str
    completed: str
    today: str
    today_suffix: str
    due: str
    unassigned: str
    section: str
    evidence: str


WORDS: dict[Language, Words] = {
    "es": Words("Fecha", "Última actualización", "COMPLETADOS", "CHECKLIST RÁPIDO POR ROL", "Hoy",
                "Vence", "Sin responsable", "ENTREGABLES", "Entregar"),
    "en": Words("Date", "Last updated", "Done", "Today by role", "Today",
                "Due", "Unassigned", "Deliverables", "Evidence"),
}  # fmt: skip


def fold(text: str) -> str:
    """Lowercase `text` and drop its accents, for keyword matching."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def strip_emoji(text: str) -> str:
    """Remove emoji from `text` and tidy the spaces they leave."""
    return " ".join(EMOJI.sub(" ", text).split())


def clean_title(text: str) -> str:
    """Return a heading's words without emoji, emphasis or surrounding separators."""
    return strip_emoji(text).replace("**", "").replace("__", "").strip(" \t*_-—–:")


def first_emoji(text: str) -> str | None:
    """Return the first emoji sequence in `text`, without variation selectors."""
    match = EMOJI.search(text)
    return match.group().replace("\ufe0f", "").replace("\ufe0e", "") if match else None


def priority_of(heading: str) -> tuple[Priority, bool]:
    """Return a heading's priority and whether the heading said so (marker or words)."""
    marker = first_emoji(heading)
    for char in marker or "":
        if char in PRIORITY_MARKERS:
            return PRIORITY_MARKERS[char], True
    words = fold(heading)
    if _BLOCKER_WORDS.search(words):
        return "blocker", True
    if _HIGH_WORDS.search(words):
        return "high", True
    return "normal", False


def is_completed_heading(heading: str) -> bool:
    """Tell whether a section heading announces the completed deliverables."""
    marker = first_emoji(heading) or ""
    return any(mark in marker for mark in DONE_MARKERS) or bool(_COMPLETED_WORDS.search(fold(heading)))


def is_today_heading(heading: str) -> bool:
    """Tell whether a section heading announces the per-role list for today."""
    words = fold(strip_emoji(heading))
    return bool(_TODAY_SECTION_WORDS.search(words)) or words in ("hoy", "today", "para hoy", "for today")


def split_roles(text: str) -> list[str]:
    """Split an owner text into roles: ` / `, ` + `, ` & ` and commas separate, `Dev/CI` does not."""
    text = strip_emoji(text).replace("**", "").replace("`", "").strip(" *_:")
    if _UNASSIGNED.match(fold(text)):
        return []
    return [role.strip(" *_") for role in _ROLE_SEPARATORS.split(text) if role.strip(" *_")]


def detect_language(text: str) -> Language:
    """Guess whether a document is Spanish or English from its common and structural words."""
    words = fold(text[:200_000])  # plenty to decide, and bounded for huge documents
    tokens = re.findall(r"[a-z]+", words)
    spanish = sum(token in _SPANISH for token in tokens) + 5 * len(_SPANISH_STRUCTURE.findall(words))
    english = sum(token in _ENGLISH for token in tokens) + 5 * len(_ENGLISH_STRUCTURE.findall(words))
    return "en" if english > spanish else "es"
