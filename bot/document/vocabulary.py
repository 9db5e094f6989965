"""The words and markers deliverables documents use, in Spanish and English.

Shared by the parser (to recognise them) and the exporter (to write them back).
"""

from __future__ import annotations

import functools
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
    r"|done|completed|finished|closed|concluid[oa]s?|feit[oa]s?)\b"
)
_TODAY_SECTION_WORDS = re.compile(r"\b(por rol|by role|per role|checklist rapido|quick checklist)\b")
TODAY_SUFFIX = re.compile(r"\s*\((hoy|today|hoje)\)\s*$", re.IGNORECASE)

# Field labels, as regex alternatives; matched case-insensitively before a colon.
DATE_LABELS = r"fecha|date|fecha del documento|data"
UPDATED_LABELS = (
    r"[úu]ltima actualizaci[óo]n|actualizado|last updated|last update|updated|[úu]ltima atualiza[çc][ãa]o|atualizado"
)
EVIDENCE_LABELS = (
    r"entregar|entregable|entrega|evidencia|evid[êe]ncia|evidence|deliverable|deliver|proof|prueba"
    r"|validation|validaci[óo]n|valida[çc][ãa]o"
)
OWNER_LABELS = r"owners?|responsables?|respons[áa]ve(?:l|is)|assignees?|assigned to|asignad[oa]s?(?: a)?|donos?"
DUE_LABELS = r"due(?: date)?|vence|vencimiento|fecha l[íi]mite|deadline|plazo|prazo|data limite|eta|target date"
PRIORITY_LABELS = r"prioridad|priority|prioridade"

# Table columns, by what their header says (folded, without emoji or emphasis).
ITEM_COLUMNS = frozenset(
    ("item", "items", "tarea", "tareas", "task", "tasks", "tarefa", "tarefas", "entregable", "deliverable",
     "entrega", "descripcion", "description", "descricao", "accion", "action", "acao", "titulo", "title",
     "que", "what", "paso", "step", "requisito", "requirement", "criterio", "check", "verificacion")
)  # fmt: skip
OWNER_COLUMNS = frozenset(
    ("owner", "owners", "responsable", "responsables", "responsavel", "dono", "assignee", "asignado",
     "quien", "who", "rol", "role", "papel", "equipo", "team", "area")
)  # fmt: skip
DUE_COLUMNS = frozenset(
    ("due", "due date", "fecha", "fecha limite", "vence", "vencimiento", "prazo", "data", "data limite",
     "deadline", "eta", "date", "plazo", "target", "cuando", "when")
)  # fmt: skip
STATUS_COLUMNS = frozenset(("status", "estado", "situacao", "state", "done", "hecho", "ok", "listo", "feito"))
SIGNATURE_COLUMNS = frozenset(("firma", "signature", "assinatura", "sign-off", "sign off", "aprobado", "approved"))
REF_COLUMNS = frozenset(("#", "id", "no", "nº", "n°", "num", "numero", "ref", "codigo", "code"))
# A heading or item that asks for approvals: a box there that is a role (`QA **Due ...**`) is that role's.
SIGNOFF_WORDS = ("sign-off", "signoff", "sign off", "aprobacion", "aprovac", "approval", "firma", "assinatura")
# A heading that introduces per-role lists (`#### Tareas por Rol:`) is no title for the work under it.
BY_ROLE_WORDS = ("por rol", "by role", "per role", "por papel")
PRIORITY_COLUMNS = frozenset(("prioridad", "priority", "prioridade", "tipo", "type", "severidad", "severity"))
BOX_CELLS = {"☐": False, "□": False, "[ ]": False, "☑": True, "☑️": True, "☒": True, "[x]": True, "[X]": True}

# Who owns work: the last word of a role ("QA Lead", "Backend team"), words that are roles on their own
# ("SRE / Security", "DEV/QA"), and words that make an @handle someone to ping rather than the doer.
ROLE_NOUNS = frozenset(
    ("lead", "leads", "manager", "managers", "engineer", "engineers", "developer", "developers", "team", "teams",
     "writer", "writers", "owner", "owners", "admin", "admins", "administrator", "administrators", "director",
     "staff", "analyst", "analysts", "analista", "analistas", "architect", "arquitecto", "arquitecta", "designer",
     "designers", "tester", "testers", "maintainer", "maintainers", "master", "officer", "reviewer", "reviewers",
     "coordinator", "coordinador", "coordinadora", "specialist", "especialista", "champion", "captain", "shadow",
     "shadows", "lider", "jefe", "jefa", "ingeniero", "ingenieros", "desarrollador", "desarrolladores", "equipo",
     "equipe", "squad", "crew", "approver", "approvers", "gerente", "consultant", "consultor", "sponsor",
     "stakeholder", "operator", "operators", "responsable", "dev", "devs", "qa", "sre", "devops", "ops")
)  # fmt: skip
ROLE_WORDS = ROLE_NOUNS | frozenset(
    ("security", "seguridad", "seguranca", "backend", "frontend", "fullstack", "full", "stack", "ux", "ui", "ia",
     "ai", "ml", "ci", "cd", "product", "producto", "produto", "design", "diseno", "marketing", "legal", "support",
     "soporte", "suporte", "sales", "ventas", "infra", "platform", "finance", "hr", "rrhh", "it", "ti", "dba",
     "sysadmin", "cto", "ceo", "cfo", "cio", "ciso", "coo", "po", "pm", "tpm", "scrum", "tech", "senior", "junior",
     "sec", "secops", "netops", "release", "data", "docs", "mobile", "web", "cloud", "senior", "principal")
)  # fmt: skip
# Words that alone are not a role even though they may sit in one ("Release Lead" is a role, "Release" is not).
NOT_ALONE = frozenset(
    (
        "full",
        "stack",
        "release",
        "data",
        "docs",
        "mobile",
        "web",
        "cloud",
        "senior",
        "junior",
        "tech",
        "principal",
        "it",
        "ti",
        "ci",
        "cd",
        "ai",
        "ia",
        "ml",
        "design",
        "legal",
        "sales",
    )
)
# A role that backs up another (`Release Lead Shadow` for `Release Lead`) shares its work.
SHADOW_WORDS = frozenset(("shadow", "shadows", "backup", "deputy", "suplente", "adjunto", "adjunta", "substituto"))
TEAM_SUFFIXES = frozenset(("equipo", "team", "equipe", "squad", "grupo", "group", "staff"))
NOTIFY_WORDS = (
    "ping", "notify", "notificar", "notifica", "cc", "alert", "alertar", "avisar", "avisa", "tell", "inform",
    "informar", "contact", "contactar", "mention", "ask", "pedir", "pregunta", "with", "con", "com", "thanks",
    "gracias", "obrigado", "loop in", "escalate",
)  # fmt: skip
NOT_NAMES = frozenset(
    ("Optional", "Opcional", "Recommended", "Recomendado", "Required", "Requerido", "Obligatorio", "Draft",
     "Borrador", "Manual", "Auto", "Staging", "Production", "Prod", "Beta", "Alpha", "Mobile", "Desktop", "Web",
     "Done", "Hecho", "Pending", "Pendiente", "Blocked", "Bloqueado", "Critical", "Important", "Importante",
     "Urgent", "Urgente", "Hoy", "Today", "Hoje", "Yes", "No", "Si", "Linux", "Windows", "Mac", "Android",
     "Docker", "Kubernetes", "Helm", "Redis", "Postgres", "Azure", "Vercel", "Stripe", "Slack", "Email",
     "Sandbox", "Legacy", "Nuevo", "New", "Old", "Preview", "Mock", "Demo", "Example", "Ejemplo", "Ver", "See",
     "Total", "Parcial", "Partial", "Recurrente", "Opcionales", "Weekly", "Daily", "Semanal", "Diario")
)  # fmt: skip

_ROLE_SEPARATORS = re.compile(r"\s+[/+&]\s+|\s*,\s*")
_UNASSIGNED = re.compile(
    r"^(sin responsable|sin asignar|unassigned|no owner|nobody|nadie|pendiente|por asignar|tbd|tba|n/?a|none"
    r"|ninguno|sem responsavel|ninguem|-+|_+)$"
)

_SPANISH = frozenset(
    ("de", "la", "el", "los", "las", "del", "para", "con", "por", "que", "una", "hoy", "entregar",
     "pendientes", "fecha", "responsable", "dias", "semana", "antes", "ejecutar", "crear", "configurar")
)  # fmt: skip
_ENGLISH = frozenset(
    ("the", "and", "of", "to", "for", "with", "by", "is", "are", "today", "due", "owner", "days",
     "week", "before", "run", "create", "configure")
)  # fmt: skip
_PORTUGUESE = frozenset(
    ("nao", "em", "uma", "um", "sao", "voce", "tambem", "ate", "pelo", "pela", "ao", "aos", "seu", "sua", "isso",
     "do", "da", "dos", "das", "nos", "nas", "ou", "textos",
     "muito", "mais", "hoje", "prazo", "dono", "entrega", "concluido", "pendente", "semana", "dias", "antes")
)  # fmt: skip
_PORTUGUESE_LETTERS = re.compile(r"ção|ções|[ãõ]")
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
    "pt": Words("Data", "Última atualização", "CONCLUÍDOS", "CHECKLIST RÁPIDO POR PAPEL", "Hoje",
                "Prazo", "Sem responsável", "ENTREGAS", "Evidência"),
}  # fmt: skip
OWNER_WORD: dict[Language, str] = {"es": "Responsable", "en": "Owner", "pt": "Dono"}
PRIORITY_WORD: dict[Language, str] = {"es": "Prioridad", "en": "Priority", "pt": "Prioridade"}


@functools.lru_cache(maxsize=8192)  # the same headings, labels and words are folded again and again
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
    """Guess whether a document is Spanish, English or Portuguese from its common and structural words."""
    sample = text[:50_000]  # plenty to decide (~1,800 lines), and bounded for huge documents
    words = fold(sample)
    tokens = re.findall(r"[a-z]+", words)
    spanish = sum(token in _SPANISH for token in tokens) + 5 * len(_SPANISH_STRUCTURE.findall(words))
    english = sum(token in _ENGLISH for token in tokens) + 5 * len(_ENGLISH_STRUCTURE.findall(words))
    # ç, ã and õ are rare outside Portuguese; Spanish shares most of its little words.
    portuguese = sum(token in _PORTUGUESE for token in tokens) + 2 * len(_PORTUGUESE_LETTERS.findall(sample.lower()))
    if portuguese > max(spanish, english):
        return "pt"
    return "en" if english > spanish else "es"
