"""Mask secrets and personal data in evidence text before it is stored, shown or logged.

What counts as sensitive, and where it starts and ends, is `bot.masking.detectors`' business;
this module replaces it, explains it to the person, and keeps it out of logs.

Each value is replaced by `[REDACTED:<kind>]`: ASCII, language-neutral, greppable, and stable,
so masking masked text changes nothing. Only the value goes: the keyword of `password=...` and
the scheme, user and host of `postgres://user:...@host/db` stay, because they tell a reviewer
what the evidence was about.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bot.masking.detectors import DETECTORS, Finding

__all__ = [
    "KINDS",
    "Finding",
    "MaskResult",
    "MaskingFilter",
    "describe",
    "mask",
    "mask_log_record",
    "placeholder",
]

# Every kind `mask` reports. Which one wins when two overlap is the order of `DETECTORS`.
KINDS = (
    "private_key",
    "slack_token",
    "openai_key",
    "aws_key",
    "jwt",
    "connection_string",
    "password",
    "generic_secret",
    "email",
    "iban",
    "bank_account",
    "credit_card",
    "national_id",
    "phone",
)


def placeholder(kind: str) -> str:
    """Return the text that replaces a value of this kind."""
    return f"[REDACTED:{kind}]"


_PLACEHOLDER = re.compile(r"\[REDACTED:[a-z_]+\]")
_MAX_PASSES = 4  # one pass is the rule; a third is rare, a fourth never seen


@dataclass(frozen=True)
class MaskResult:
    """The masked text and what was taken out of it."""

    text: str
    findings: tuple[Finding, ...]

    @property
    def masked(self) -> bool:
        return bool(self.findings)

    @property
    def kinds(self) -> list[str]:
        """Distinct kinds, in order of first appearance."""
        return list(dict.fromkeys(f.kind for f in self.findings))


def mask(text: str) -> MaskResult:
    """Replace every secret and personal value in `text` with its placeholder."""
    # Placeholders already in the text stay as they are. Detectors read a copy where they are
    # blanked out, so they neither match inside one (`[REDACTED:password]: x1` is no
    # `password: x1`) nor treat one as part of a longer value.
    kept = [m.span() for m in _PLACEHOLDER.finditer(text)] if "[REDACTED:" in text else []
    shadow = _blank(text, kept)
    starts, ends = [s for s, _ in kept], [e for _, e in kept]  # claimed spans, sorted, disjoint
    taken: list[Finding] = []
    # Blanking a value changes what its neighbours look like (in `ana@example.com4111111111111111`
    # the card touches a letter until the address goes), so look again until nothing new turns
    # up: that is what makes masking masked text a no-op.
    for _ in range(_MAX_PASSES):
        found_now = []
        for detect in DETECTORS:
            for found in detect(shadow):
                i = bisect.bisect_right(starts, found.start)
                if (
                    found.start < found.end
                    and (i == 0 or ends[i - 1] <= found.start)
                    and (i == len(starts) or found.end <= starts[i])
                ):
                    starts.insert(i, found.start)
                    ends.insert(i, found.end)
                    found_now.append(found)
        if not found_now:
            break
        taken += found_now
        shadow = _blank(shadow, [(f.start, f.end) for f in found_now])
    if not taken:
        return MaskResult(text, ())
    taken.sort(key=lambda f: f.start)
    pieces, cursor = [], 0
    for f in taken:
        pieces += [text[cursor : f.start], placeholder(f.kind)]
        cursor = f.end
    pieces.append(text[cursor:])
    return MaskResult("".join(pieces), tuple(taken))


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Return `text` with the spans overwritten by NULs, keeping every offset."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = "\0" * (end - start)
    return "".join(chars)


_NOUNS: dict[str, dict[str, tuple[str, str]]] = {
    "es": {
        "slack_token": ("token de Slack", "tokens de Slack"),
        "openai_key": ("clave de OpenAI", "claves de OpenAI"),
        "aws_key": ("clave de AWS", "claves de AWS"),
        "private_key": ("clave privada", "claves privadas"),
        "password": ("contraseña", "contraseñas"),
        "connection_string": ("credencial de conexión", "credenciales de conexión"),
        "jwt": ("token JWT", "tokens JWT"),
        "generic_secret": ("secreto", "secretos"),
        "email": ("email", "emails"),
        "credit_card": ("número de tarjeta", "números de tarjeta"),
        "iban": ("IBAN", "IBAN"),
        "bank_account": ("número de cuenta bancaria", "números de cuenta bancaria"),
        "national_id": ("documento de identidad", "documentos de identidad"),
        "phone": ("teléfono", "teléfonos"),
    },
    "en": {
        "slack_token": ("Slack token", "Slack tokens"),
        "openai_key": ("OpenAI key", "OpenAI keys"),
        "aws_key": ("AWS key", "AWS keys"),
        "private_key": ("private key", "private keys"),
        "password": ("password", "passwords"),
        "connection_string": ("connection-string credential", "connection-string credentials"),
        "jwt": ("JWT", "JWTs"),
        "generic_secret": ("secret", "secrets"),
        "email": ("email", "emails"),
        "credit_card": ("card number", "card numbers"),
        "iban": ("IBAN", "IBANs"),
        "bank_account": ("bank account number", "bank account numbers"),
        "national_id": ("ID document number", "ID document numbers"),
        "phone": ("phone number", "phone numbers"),
    },
}


def describe(kinds: Iterable[str], language: str = "es") -> str:
    """Tell the person, in Spanish or English, what was masked and why ("" if nothing was).

    Pass one kind per masked value, `[f.kind for f in result.findings]`, so counts are right.
    `language` is "es" (or any "es-*" locale); anything else gets English.
    """
    counts = Counter(kinds)
    if not counts:
        return ""
    spanish = language.lower().startswith("es")
    nouns = _NOUNS["es" if spanish else "en"]
    parts = [f"{n} {nouns.get(kind, (kind, kind))[n != 1]}" for kind, n in counts.items()]
    listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {'y' if spanish else 'and'} {parts[-1]}"
    if spanish:
        verb = "Se ocultó" if counts.total() == 1 else "Se ocultaron"
        return f"{verb} {listed} antes de guardar tu evidencia: no guardamos secretos ni datos personales."
    return f"We masked {listed} before saving your evidence: we don't store secrets or personal data."


class MaskingFilter(logging.Filter):
    """Mask secrets and personal data in every record that passes through.

    Attach it to handlers rather than loggers: a logger's filters do not see records
    propagated from its children.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        mask_log_record(record)
        return True


def mask_log_record(record: logging.LogRecord) -> None:
    """Mask the message, arguments, traceback and stack text of `record` in place."""
    # Format first: a secret can hide in the str() of any argument, not only in str ones.
    try:
        message, broken = record.getMessage(), False
    except Exception:  # a bad format string must neither break the caller nor leak its arguments
        message, broken = f"{record.msg} {record.args!r}", True
    masked = mask(message).text
    if broken or masked != message:
        record.msg, record.args = masked, ()
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask(record.exc_text).text
    if record.stack_info:
        record.stack_info = mask(record.stack_info).text
