"""Who a piece of work belongs to, only where the text names them. Pure functions of one text.

A heading names an owner when it reads like a role or a team ("SRE / Security", "Backend team",
"QA Lead"), never when it reads like a topic or a step ("Functional Testing", "Rollback Steps").
An item names its own owner with a role prefix (`DEV/QA: ...`), a `[Release Lead]` prefix, a trailing
parenthetical (`(Dev 1)`, `(owner: @maria)`, `(product owner and release manager)`, `(Lud)`), an
`@handle` that is not someone to ping, or a role as the subject of its sentence
(`Branch Manager does mock release build.`).
"""

from __future__ import annotations

import re

from bot.document.vocabulary import (
    NOT_ALONE,
    NOT_NAMES,
    NOTIFY_WORDS,
    OWNER_LABELS,
    ROLE_NOUNS,
    ROLE_WORDS,
    TEAM_SUFFIXES,
    fold,
    split_roles,
    strip_emoji,
)

_HANDLE = re.compile(r"(?<![\w@/.])@[A-Za-z0-9][\w.\-/]*[A-Za-z0-9_]")
_PREFIX = re.compile(r"^\s*(?P<roles>[A-Za-z][\w &/+.-]{0,40}?)\s*:\s+(?=\S)")
_BRACKET = re.compile(r"^\s*\[(?P<roles>[^\]\[]{2,40})\](?!\()\s*")
_TRAILING = re.compile(r"\(([^()]{1,80})\)[\s.:;,]*$")
_LABELLED = re.compile(rf"^\s*(?:{OWNER_LABELS})\s*:\s*(?P<value>.+)$", re.I)
_JOINERS = re.compile(r"\s+(?:and|y|e|&)\s+|\s*/\s*|\s+\+\s+|\s*,\s*", re.I)
# `Branch Manager does ...`, `Release Notes Lead PRs ...`: a capitalised role of two words or more, then a verb.
_SUBJECT = re.compile(
    r"^(?:The\s+)?(?P<role>(?:[A-Z][\w-]*\s+){1,3}[A-Z][\w-]*)\s+(?P<verb>[a-z][a-z]+(?:s|es)|PRs|has)\b"
)
_AUDIENCE = re.compile(r"^(?:for|para|to|with|con|com|by|from|of|de|a)\s", re.I)  # `(for engineers/admins)`
_ROLE_NUMBER = re.compile(r"^(?P<role>.+?)\s+\d{1,2}$")
_NAME = re.compile(r"^[A-ZÁÉÍÓÚÑ][a-záéíóúñü]{1,14}$")


def reads_like_role(text: str) -> bool:
    """Tell whether `text` names a role, a team or a person rather than a topic or a step.

    Every part must be a role; a word that is no role alone (`IA`, `Docs`) may join one (`Backend Developer + IA`).
    """
    parts = _parts(text)
    return bool(parts) and all(_is_role(part, joined=True) for part in parts) and any(map(_is_role, parts))


def heading_owners(text: str, *, trust: bool = False, one_role: bool = False) -> list[str] | None:
    """The owners a heading names: all of it when it reads like a role (or `trust`), or a team in parentheses.

    ` / `, ` + ` and commas separate roles in a heading (`### Security + QA`); a bold line names `one_role`
    that may hold a ` + ` (`**Tech Lead + Backend Senior:**`).
    """
    words = _clean(text)
    bare = _strip_task_suffix(words)
    if bare and (trust or reads_like_role(bare)):
        if one_role:
            return [role.strip() for role in re.split(r"\s+[/&]\s+|\s*,\s*", bare)]
        return _quoted_roles(strip_emoji(text).replace("**", "")) or split_roles(bare)
    trailing = _TRAILING.search(words)
    if trailing and _team_like(trailing.group(1)):
        return [trailing.group(1).strip()]
    return None


def quote_role(role: str) -> str:
    """How the exporter writes a role that holds a separator (`Tech Lead + Backend Senior`): in backticks."""
    return f"`{role}`" if split_roles(role) != [role] else role


def _quoted_roles(text: str) -> list[str] | None:
    """A role in backticks is one role, whatever it holds: `### \\`Tech Lead + Backend Senior\\` / QA`."""
    if "`" not in text:
        return None
    roles: list[str] = []
    for part in re.split(r"\s+/\s+", text.strip(" *_:")):
        quoted = re.fullmatch(r"`([^`]+)`", part.strip())
        roles += [quoted.group(1).strip()] if quoted else split_roles(part)
    return roles


def label_owners(value: str) -> list[str]:
    """The owners of an `Owner:` line or column: `QA/Security` and `a + b` name two; a role in backticks is one."""
    if "`" in value:
        return [r for part in re.split(r"\s*,\s*", value) for r in (_quoted_roles(part) or label_owners(part))]
    roles: list[str] = []
    for part in split_roles(value):
        roles.extend(piece for piece in (p.strip() for p in part.split("/")) if piece)
    return [role for role in roles if role] if len(roles) > 1 else roles


def item_owners(text: str, *, named_above: bool = False) -> list[str]:
    """The owners an item's own text names, in the order written; [] when it names none.

    Under a role heading a bare parenthetical is who to ask, not who does it (`Solicitar reviews
    (Backend Lead + SRE)`): it names an owner there only with a label (`(owner: @maria)`).
    """
    text = text.split("\n", 1)[0]
    text = (text if text.isascii() else strip_emoji(text)).replace("**", "").replace("__", "")
    found: list[str] = []
    prefix = (_BRACKET.match(text) if text.startswith("[") else None) or (
        _PREFIX.match(text) if ":" in text[:45] else None
    )
    if prefix and (reads_like_role(prefix.group("roles")) or _shouted(prefix.group("roles"))):
        found += label_owners(prefix.group("roles"))
    trailing = _TRAILING.search(text) if ")" in text[-4:] else None
    if trailing:
        found += _parenthetical_owners(trailing.group(1), labelled_only=named_above)
    if not found and any(word.lower() in ROLE_NOUNS for word in text.split(None, 5)[:5]):
        subject = _SUBJECT.match(text)  # only when a role noun opens the sentence: the pattern is not cheap
        if subject and _ends_with_role_noun(subject.group("role")):
            found.append(subject.group("role"))
    found += [handle for handle in _owning_handles(text) if handle not in found]
    return list(dict.fromkeys(found))


def bare_name(text: str) -> str | None:
    """The first name an item ends with in parentheses (`... (Lud)`), if that is how it names its owner."""
    first = text.split("\n", 1)[0]
    trailing = _TRAILING.search(strip_emoji(first)) if ")" in first[-4:] else None
    inner = trailing.group(1).strip() if trailing else ""
    return inner if _NAME.match(inner) and inner not in NOT_NAMES and not _is_role(inner) else None


def roster_role(text: str) -> str | None:
    """`Release Lead Shadow: (at)USERNAME`, `QA: @ana`: a line that says who plays a role; the role."""
    match = re.match(r"^\s*(?P<role>[^:]{2,40}):\s*(?:@|\(at\)|<@)", text)
    return match.group("role").strip(" *_") if match and reads_like_role(match.group("role")) else None


def signoff_owner(text: str) -> str | None:
    """The role a sign-off line names (`QA **Due ...**`, `Business Owner`), if the line is a role."""
    words = _clean(re.split(r"\*\*|__|:|\s[-–—]\s", text.strip(" *_"), maxsplit=1)[0])
    return words if words and reads_like_role(words) else None


def _parenthetical_owners(inner: str, *, labelled_only: bool) -> list[str]:
    labelled = _LABELLED.match(inner.split(",")[0].split(";")[0])
    if labelled:
        return label_owners(labelled.group("value"))
    if labelled_only:
        return []
    if _AUDIENCE.match(inner.strip()):
        return []  # who it is for, not who does it
    parts = [part.strip() for part in _JOINERS.split(inner) if part.strip()]
    if parts and all(_is_role(part) or (_NAME.match(part) and part not in NOT_NAMES) for part in parts):
        return parts
    return []


def _owning_handles(text: str) -> list[str]:
    """@handles that name who does the item: not the ones after `ping`, `notify`, `cc`, `with`..."""
    handles: list[str] = []
    if "@" not in text:
        return handles
    for match in _HANDLE.finditer(text):
        before = fold(text[: match.start()])
        if not any(re.search(rf"\b{word}\b", before) for word in NOTIFY_WORDS):
            handles.append(match.group())
    return handles


def _parts(text: str) -> list[str]:
    return [part for part in (p.strip(" *_:") for p in _JOINERS.split(_clean(text))) if part]


def _is_role(part: str, *, joined: bool = False) -> bool:
    if part.startswith("@") and len(part) > 1:
        return True
    numbered = _ROLE_NUMBER.match(part)
    words = fold(numbered.group("role") if numbered else part).replace("-", " ").split()
    if not words or len(words) > 5:
        return False
    if all(word in ROLE_WORDS for word in words) and (joined or not all(word in NOT_ALONE for word in words)):
        return True
    return _ends_with_role_noun(part)


def _ends_with_role_noun(text: str) -> bool:
    words = fold(text).replace("-", " ").split()
    return bool(words) and len(words) <= 5 and (words[-1] in ROLE_NOUNS or words[0] in TEAM_SUFFIXES)


def _team_like(text: str) -> bool:
    words = fold(text).split()
    return any(word in TEAM_SUFFIXES or word in ROLE_NOUNS for word in words) and len(words) <= 4


def _shouted(text: str) -> bool:
    """`DEV`, `QA`, `DEV/DOCS`: a short all-capitals prefix is a role."""
    return all(re.fullmatch(r"[A-Z]{2,6}", part.strip()) for part in re.split(r"[/+&,]", text))


def _strip_task_suffix(text: str) -> str:
    """`Release Lead tasks` -> `Release Lead`; `Tareas del Backend` stays as it is."""
    return re.sub(r"\s+(tasks?|to-?dos?|checklist|duties|tareas|tarefas|items?)$", "", text, flags=re.I).strip()


def _clean(text: str) -> str:
    return strip_emoji(text).replace("**", "").replace("__", "").replace("`", "").strip(" \t*_:-—–")
