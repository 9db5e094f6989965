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
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.i18n import t, tn
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


# Each kind counted in the reader's language ("1 contraseña", "2 contraseñas"), one literal key per kind so
# `make translations` finds them all.
_COUNTED: dict[str, Callable[[int, str], str]] = {
    "slack_token": lambda n, lang: tn("mask.kind.slack_token", n, lang),
    "openai_key": lambda n, lang: tn("mask.kind.openai_key", n, lang),
    "aws_key": lambda n, lang: tn("mask.kind.aws_key", n, lang),
    "private_key": lambda n, lang: tn("mask.kind.private_key", n, lang),
    "password": lambda n, lang: tn("mask.kind.password", n, lang),
    "connection_string": lambda n, lang: tn("mask.kind.connection_string", n, lang),
    "jwt": lambda n, lang: tn("mask.kind.jwt", n, lang),
    "generic_secret": lambda n, lang: tn("mask.kind.generic_secret", n, lang),
    "email": lambda n, lang: tn("mask.kind.email", n, lang),
    "credit_card": lambda n, lang: tn("mask.kind.credit_card", n, lang),
    "iban": lambda n, lang: tn("mask.kind.iban", n, lang),
    "bank_account": lambda n, lang: tn("mask.kind.bank_account", n, lang),
    "national_id": lambda n, lang: tn("mask.kind.national_id", n, lang),
    "phone": lambda n, lang: tn("mask.kind.phone", n, lang),
}


def describe(kinds: Iterable[str], language: str = "es") -> str:
    """Tell the person, in Spanish or English, what was masked and why ("" if nothing was).

    Pass one kind per masked value, `[f.kind for f in result.findings]`, so counts are right.
    `language` is "es" (or any "es-*" locale); anything else gets English.
    """
    counts = Counter(kinds)
    if not counts:
        return ""
    lang = "es" if language.lower().startswith("es") else "en"
    parts = [_COUNTED[kind](n, lang) if kind in _COUNTED else f"{n} {kind}" for kind, n in counts.items()]
    listed = parts[0] if len(parts) == 1 else t("mask.list", lang, items=", ".join(parts[:-1]), last=parts[-1])
    return tn("mask.summary", counts.total(), lang, listed=listed)


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
