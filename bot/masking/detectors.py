"""Find secrets and personal data in text: where each value starts and ends, and its kind.

Regexes only find candidates; well-kept detectors decide. Secrets come from detect-secrets'
plugin patterns (used directly: no scan machinery, no settings, no network), cards, IBANs,
bank accounts and ID documents must pass python-stdnum checksums, and phones must be valid for
phonenumbers. detect-secrets' high-entropy plugins are left out: they flag commit hashes,
digests and ids, which evidence is full of.

Spans cover the value only, never the name in front of it, so masking keeps the context.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import phonenumbers
from detect_secrets.plugins import keyword
from detect_secrets.plugins.aws import AWSKeyDetector
from detect_secrets.plugins.basic_auth import BasicAuthDetector
from detect_secrets.plugins.discord import DiscordBotTokenDetector
from detect_secrets.plugins.github_token import GitHubTokenDetector
from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
from detect_secrets.plugins.jwt import JwtTokenDetector
from detect_secrets.plugins.mailchimp import MailchimpDetector
from detect_secrets.plugins.pypi_token import PypiTokenDetector
from detect_secrets.plugins.sendgrid import SendGridDetector
from detect_secrets.plugins.slack import SlackDetector
from detect_secrets.plugins.square_oauth import SquareOAuthDetector
from detect_secrets.plugins.stripe import StripeDetector
from detect_secrets.plugins.twilio import TwilioKeyDetector
from stdnum import iban, luhn
from stdnum.es import ccc, dni, nie
from stdnum.us import ssn

__all__ = ["DETECTORS", "Detector", "Finding"]


@dataclass(frozen=True)
class Finding:
    """A sensitive value at `text[start:end]` of the text it was found in."""

    kind: str
    start: int
    end: int


Detector = Callable[[str], Iterator[Finding]]


# --- Secrets ------------------------------------------------------------------------------------


def _bounded(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """Return `pattern` anchored so it cannot start or end inside a longer word."""
    return re.compile(rf"(?<![A-Za-z0-9])(?:{pattern.pattern})(?![A-Za-z0-9])", pattern.flags)


def _spans(kind: str, patterns: Iterable[re.Pattern[str]], group: int = 0) -> Detector:
    def detect(text: str) -> Iterator[Finding]:
        for pattern in patterns:
            for m in pattern.finditer(text):
                yield Finding(kind, *m.span(group))

    return detect


# Slack's own prefixes are distinctive enough to mask even inside a longer word, which is
# what a log line glued together from pieces looks like. App-level tokens (xapp-) and signing
# secrets are not in detect-secrets; a signing secret needs its name nearby to be told apart
# from any other 32 hex digits.
_slack = _spans(
    "slack_token",
    [
        *SlackDetector.denylist,
        re.compile(r"xapp-\d+-[A-Z0-9]+-\d+-[a-z0-9]+", re.IGNORECASE),
    ],
)
_slack_signing_secret = _spans(
    "slack_token", [re.compile(r"(?i)signing[\s_-]?secret\W{1,4}([0-9a-f]{32})(?![0-9a-z])")], 1
)
# detect-secrets' OpenAIDetector pattern, with its open-ended `[A-Za-z0-9-_]*` prefix capped:
# uncapped, it backtracks quadratically over a long `sk-sk-sk-...T3BlbkFJ`. Project and
# service-account keys no longer carry the T3BlbkFJ marker at all.
_openai = _spans(
    "openai_key",
    [
        _bounded(re.compile(r"sk-[A-Za-z0-9_-]{0,100}?[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}")),
        re.compile(r"(?<![\w-])sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}"),
    ],
)
_aws_key_id = _spans("aws_key", [_bounded(AWSKeyDetector.denylist[0])])
_aws_secret = _spans(
    "aws_key",
    [
        AWSKeyDetector.denylist[1],
        re.compile(r"(?i)aws_?secret_?access_?key\W{1,4}([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])"),
    ],
    1,
)
# Prefixed tokens of other services: specific enough to need no keyword nearby.
_service_tokens = _spans(
    "generic_secret",
    [
        _bounded(p)
        for plugin in (
            GitHubTokenDetector,
            GitLabTokenDetector,
            StripeDetector,
            SendGridDetector,
            PypiTokenDetector,
            TwilioKeyDetector,
            MailchimpDetector,
            SquareOAuthDetector,
            DiscordBotTokenDetector,
        )
        for p in plugin.denylist
    ],
)
# detect-secrets has no `token` keyword. Written as a function: a lookahead-laden pattern
# goes quadratic on long runs of `a-a-a-...`.
_TOKEN_ASSIGNMENT = re.compile(r"(?i)(?:\bbearer\s+|token[\w-]{0,20}[\"']?\s*[:=]\s*[\"']?)([A-Za-z0-9._~+/=-]{16,})")


def _bearer(text: str) -> Iterator[Finding]:
    for m in _TOKEN_ASSIGNMENT.finditer(text):
        value = m.group(1)
        if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
            yield Finding("generic_secret", *m.span(1))


# detect-secrets' PrivateKeyDetector flags only the header line; the whole block has to go.
_PRIVATE_KEY = re.compile(
    r"-----BEGIN (?P<label>[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----.*?(?:-----END (?P=label)-----|\Z)",
    re.DOTALL,
)
_private_key = _spans("private_key", [_PRIVATE_KEY])


def _jwt(text: str) -> Iterator[Finding]:
    # detect-secrets' own pattern ends lazily and would leave the signature behind.
    for m in re.finditer(r"(?<![\w-])eyJ[\w=-]+\.[\w=-]+(?:\.[\w=+/-]*)?", text, re.ASCII):
        if JwtTokenDetector.is_formally_valid(m.group()):
            yield Finding("jwt", *m.span())


# Key=value;Key=value strings (ADO.NET, JDBC, Azure): the value ends at the next semicolon.
_CONNECTION_SECRET = re.compile(
    r"(?i)(?P<pre>;\s*)?\b(?:password|pwd|accountkey|sharedaccesskey|sharedsecret)\s*=\s*"
    r"(?P<value>[^;\s\"']+)(?P<post>;)?"
)


def _connection_string(text: str) -> Iterator[Finding]:
    for m in _CONNECTION_SECRET.finditer(text):
        if (m["pre"] or m["post"]) and _plausible(m["value"]):
            yield Finding("connection_string", *m.span("value"))


_URL_EMPTY_USER = re.compile(r"://:([^:/?#\[\]@!$&'()*+,;=\s]+)@")


def _url_password(text: str) -> Iterator[Finding]:
    # BasicAuthDetector needs a user; redis://:secret@host has none.
    for pattern in (*BasicAuthDetector.denylist, _URL_EMPTY_USER):
        for m in pattern.finditer(text):
            if _plausible(m.group(1)):
                yield Finding("password", *m.span(1))


# The keyword patterns detect-secrets applies to config files, code and YAML, all at once:
# evidence text is any of them. They run to the end of the line, so `_keyword` trims values.
_KEYWORD_PATTERNS = {
    **keyword.CONFIG_DENYLIST_REGEX_TO_GROUP,
    **keyword.GOLANG_DENYLIST_REGEX_TO_GROUP,
    **keyword.QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP,
}
_KEYWORD_HINT = re.compile(r"(?i)key|pass|pwd|secret|contrase")
_LONG_WORD = re.compile(r"\w{200,}")
_PASSWORD_WORD = re.compile(r"(?i)pass|pwd|contrase")
_NOT_A_SECRET = frozenset(
    {"true", "false", "none", "null", "nil", "yes", "no", "on", "off", "empty", "required"}
    | {"optional", "redacted", "masked", "hidden", "secret", "password", "set", "unset", "n/a"}
)


def _keyword(text: str) -> Iterator[Finding]:
    if not _KEYWORD_HINT.search(text):
        return
    # detect-secrets' `secret\w*` backtracks over the whole of a long word, once per keyword in
    # it; nothing that long is a variable name, so blank such words (offsets stay).
    text = _LONG_WORD.sub(lambda m: "\0" * len(m.group()), text)
    for pattern, group in _KEYWORD_PATTERNS.items():
        for m in pattern.finditer(text):
            start, end = m.span(group)
            quoted = start > 0 and text[start - 1] in "\"'`" and text[end : end + 1] == text[start - 1]
            if not quoted:
                end = start + len(re.split(r"[\s,;&]", text[start:end], maxsplit=1)[0].rstrip(".:)]}>"))
            value = text[start:end]
            # A bare `secrets: 0 found` or `password: rotated` is prose, not an assignment:
            # after an unquoted colon only a value with a digit in it counts.
            prose = pattern is keyword.FOLLOWED_BY_COLON_REGEX and not quoted
            if _plausible(value) and not (prose and not any(c.isdigit() for c in value)):
                said = text[m.start() : start] + text[end : m.end()]
                kind = "password" if _PASSWORD_WORD.search(said) else "generic_secret"
                yield Finding(kind, start, end)


def _plausible(value: str) -> bool:
    """Tell whether a value found after a secret-sounding name could be the secret itself."""
    return not (
        len(value) < 3
        or value.lower() in _NOT_A_SECRET
        or set(value.lower()) <= set("x*.-_")  # xxxx, ****, ...
        # counts, versions, dates: `secrets_found=0`, `detect-secrets==1.5.0`
        or re.fullmatch(r"[\d.:/,+-]+", value)
        # references and templates, not values: $DB_PASS, ${X}, {{ x }}, <password>, %(x)s
        or value[0] in "$%{<"
        or "://" in value
        or re.match(r"[\w.]+[(\[]", value)  # get_secret("db"), os.environ["X"]
    )


# --- Personal data ------------------------------------------------------------------------------

# Privacy first: the whole address goes, domain included. A domain can be as identifying as
# the name before it (juan@perez.dev), and "an email was here" is all a reviewer needs.
_EMAIL = re.compile(r"(?<![\w.%+-])\w[\w.%+-]*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?![\w-])")


def _email(text: str) -> Iterator[Finding]:
    for m in _EMAIL.finditer(text):
        # URL users (https://deploy@registry) and scp remotes (git@github.com:org/repo) are
        # accounts on a host, not mailboxes.
        if text[max(0, m.start() - 2) : m.start()] == "//" or re.match(r":[\w/~]", text[m.end() :]):
            continue
        yield Finding("email", *m.span())


_IBAN = re.compile(r"(?<![\w-])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![\w-])")


def _iban(text: str) -> Iterator[Finding]:
    for m in _IBAN.finditer(text):
        candidate = m.group()
        # A group of digits written after the IBAN may have been swallowed: drop it and retry.
        while candidate and not iban.is_valid(candidate):
            candidate = candidate.rpartition(" ")[0]
        if candidate:
            yield Finding("iban", m.start(), m.start() + len(candidate))


_CCC = re.compile(r"(?<![\w-])\d{4}(?P<s>[ -]?)\d{4}(?P=s)\d{2}(?P=s)\d{5}(?P=s)?\d{5}(?![\w-])")


def _bank_account(text: str) -> Iterator[Finding]:
    for m in _CCC.finditer(text):
        if ccc.is_valid(m.group()):
            yield Finding("bank_account", *m.span())


# 13 to 19 digits, maybe grouped by spaces or dashes, not part of a decimal, a path or an id.
_CARD = re.compile(r"(?<![\w.,/-])\d(?:[ -]?\d){12,18}(?!\w|[.,/-]\d)")
# Issuer prefixes and lengths: Luhn alone passes one random number in ten.
_CARD_ISSUERS = re.compile(
    r"4(?:\d{12}|\d{15}|\d{18})"  # Visa
    r"|(?:5[1-5]\d\d|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)\d{12}"  # Mastercard
    r"|3[47]\d{13}"  # American Express
    r"|(?:6011|64[4-9]\d|65\d\d|62\d\d|35(?:2[89]|[3-8]\d))\d{12,15}"  # Discover, UnionPay, JCB
    r"|3(?:0[0-5]|[689]\d)\d{11,16}"  # Diners
)
# How issuers print card numbers; other groupings are times, ports, counts side by side.
_CARD_GROUPS = {(4, 4, 4, 4), (4, 6, 5), (4, 6, 4), (4, 4, 4, 3), (4, 4, 4, 4, 3)}


def _credit_card(text: str) -> Iterator[Finding]:
    for m in _CARD.finditer(text):
        groups = re.split(r"[ -]", m.group())
        digits = "".join(groups)
        if (
            (len(groups) == 1 or tuple(map(len, groups)) in _CARD_GROUPS)
            and len(set(re.findall(r"[ -]", m.group()))) <= 1
            and _CARD_ISSUERS.fullmatch(digits)
            and luhn.is_valid(digits)
        ):
            yield Finding("credit_card", *m.span())


_NATIONAL_IDS = (
    (re.compile(r"(?<![\w.-])\d{2}(\.?)\d{3}\1\d{3}-?[A-Za-z](?![\w-])"), dni.is_valid),
    (re.compile(r"(?<![\w.-])[XYZxyz]-?\d{7}-?[A-Za-z](?![\w-])"), nie.is_valid),
    (re.compile(r"(?<![\w.-])\d{3}-\d{2}-\d{4}(?![\w-])"), ssn.is_valid),
)


def _national_id(text: str) -> Iterator[Finding]:
    for pattern, is_valid in _NATIONAL_IDS:
        for m in pattern.finditer(text):
            if is_valid(m.group().replace(".", "")):
                yield Finding("national_id", *m.span())


# Nine bare digits starting 6-9 are a valid Spanish number, and also a job id, a byte count or
# a PR number. A phone must look written as one (+34, 00, parentheses, digits in groups) or
# follow a word that says it is one, in the same clause and with no other number in between.
_PHONE_HINT = re.compile(r"\d[\d ()./-]{5,}\d")
_PHONE_WORD = re.compile(
    r"(?i)\b(?:tel[eé]fono|tel[fl]?|tlf|m[oó]vil|celular|phone|mobile|cell|whatsapp|sms|fax|llamar|call"
    r"|contacto|contact)\b\.?[^\d\n.;\0\[\]]{0,40}$"
)
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)


def _phone(text: str) -> Iterator[Finding]:
    if not _PHONE_HINT.search(text):
        return
    urls = [m.span() for m in _URL.finditer(text)]
    for m in phonenumbers.PhoneNumberMatcher(text, "ES", leniency=phonenumbers.Leniency.VALID):
        # Inside a URL it is an id; glued to another number (`04:00 2025.12`, `600123 199.99`)
        # it is part of a time, a date or a decimal.
        if (
            any(start <= m.start < end for start, end in urls)
            or re.search(r"\d[:.,/-]?$", text[max(0, m.start - 2) : m.start])
            or re.match(r"[:.,/-]?\d", text[m.end :])
        ):
            continue
        written_as_phone = m.raw_string[0] in "+(" or m.raw_string.startswith("00")
        grouped = re.fullmatch(r"\d{2,4}(?:[ -]\d{2,4})+", m.raw_string)
        if written_as_phone or grouped or _PHONE_WORD.search(text[max(0, m.start - 60) : m.start]):
            yield Finding("phone", m.start, m.end)


# In priority order: where two findings overlap, the earlier detector's wins (a Slack token
# after `password=` is a Slack token; a URL password is not also the start of an email).
DETECTORS: tuple[Detector, ...] = (
    _private_key,
    _slack,
    _slack_signing_secret,
    _openai,
    _aws_key_id,
    _aws_secret,
    _jwt,
    _service_tokens,
    _connection_string,
    _url_password,
    _keyword,
    _bearer,
    _email,
    _iban,
    _bank_account,
    _credit_card,
    _national_id,
    _phone,
)
