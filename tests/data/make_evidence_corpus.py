"""Write evidence_corpus.jsonl: realistic evidence strings, with and without sensitive values.

Every value is fake. Cards, IBANs, bank accounts and ID numbers are random digits with correct
check digits; phones are phonenumbers' example numbers and ranges set aside for fiction (US
555-01xx, UK 020 7946 0xxx); emails use reserved domains (example.com, .test); tokens are
random characters behind the real prefixes. The output is committed: rerun this script only
to change the corpus, then review the diff.

    /work/venv/bin/python tests/data/make_evidence_corpus.py
"""

from __future__ import annotations

import base64
import json
import random
import string
from collections.abc import Callable
from pathlib import Path

from stdnum import iban, luhn
from stdnum.es import ccc, dni, nie

rng = random.Random(20251207)
ALNUM = string.ascii_letters + string.digits


def chars(alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def digits(n: int) -> str:
    return chars(string.digits, n)


def card() -> str:
    prefix, length = rng.choice([("4", 16), ("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("37", 15)])
    number = prefix + digits(length - len(prefix) - 1)
    number += luhn.calc_check_digit(number)
    if length == 15:  # Amex is written 4-6-5
        groups = [number[:4], number[4:10], number[10:]]
    else:
        groups = [number[i : i + 4] for i in range(0, 16, 4)]
    return rng.choice([" ", "-", ""]).join(groups)


def spanish_ccc() -> str:
    number = digits(8) + "00" + digits(10)
    return number[:8] + ccc.calc_check_digits(number) + number[10:]


def spanish_iban() -> str:
    number = ccc.to_iban(spanish_ccc())
    return rng.choice([iban.format(number), number])


def foreign_iban() -> str:
    country, bban = rng.choice([("DE", digits(18)), ("NL", "ABNA" + digits(10)), ("GB", "NWBK" + digits(14))])
    number = country + iban.calc_check_digits(country + "00" + bban) + bban
    assert iban.is_valid(number), number
    return iban.format(number)


def bank_account() -> str:
    number = spanish_ccc()
    return rng.choice(
        [number, ccc.format(number), "-".join([number[:4], number[4:8], number[8:10], number[10:]])]
    )


def dni_number() -> str:
    number = digits(8)
    return number + dni.calc_check_digit(number)


def nie_number() -> str:
    number = rng.choice("XYZ") + digits(7)
    return number + nie.calc_check_digit(number)


def ssn_number() -> str:
    return f"{rng.randint(100, 665)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"


def email() -> str:
    name = rng.choice(["juan.perez", "maria.garcia", "l.fernandez", "ana_lopez", "j.smith", "qa+pii"])
    number = rng.choice(["", str(rng.randint(1, 99))])
    domain = rng.choice(["example.com", "example.org", "empresa.test", "mail.example.net"])
    return f"{name}{number}@{domain}"


PHONES = [
    "+34 612 34 56 78",
    "+34 612 345 678",
    "612 34 56 78",
    "612-345-678",
    "(+34) 612 345 678",
    "0034 612 345 678",
    "+34612345678",
    "810 12 34 56",
    "+34 810 123 456",
    "+1 201-555-0123",
    "+1 415 555 0199",
    "(202) 555-0143",
    "+44 20 7946 0123",
    "+44 20 7946 0958",
    "+33 6 12 34 56 78",
    "+49 1512 3456789",
    "+52 222 123 4567",
]


def phone() -> str:
    return rng.choice(PHONES)


def slack_token() -> str:
    return f"xox{rng.choice('bp')}-{digits(12)}-{digits(13)}-{chars(ALNUM, 24)}"


def openai_key() -> str:
    if rng.random() < 0.5:
        return f"sk-{chars(ALNUM, 20)}T3BlbkFJ{chars(ALNUM, 20)}"
    return f"sk-proj-{chars(ALNUM + '_-', 40)}T3BlbkFJ{chars(ALNUM + '_-', 40)}"


def aws_key_id() -> str:
    return "AKIA" + chars(string.ascii_uppercase + string.digits, 16)


def aws_secret() -> str:
    return chars(ALNUM + "/+", 40)


def private_key() -> str:
    label = rng.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY", "EC PRIVATE KEY"])
    body = "\n".join(chars(ALNUM + "+/", 64) for _ in range(rng.randint(2, 5)))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----"


def password() -> str:
    return (
        rng.choice(string.ascii_letters)
        + chars(ALNUM + "!#*_-+", rng.randint(7, 15))
        + rng.choice(string.digits)
    )


def url_password() -> str:
    return (
        rng.choice(string.ascii_letters)
        + chars(ALNUM + "._~-", rng.randint(8, 20))
        + rng.choice(string.digits)
    )


def b64url(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def jwt() -> str:
    header = b64url({"alg": "HS256", "typ": "JWT"})
    payload = b64url({"sub": digits(6), "role": rng.choice(["admin", "reviewer"]), "exp": 1765100000})
    return f"{header}.{payload}.{chars(ALNUM + '_-', 43)}"


def token40() -> str:
    return chars(string.ascii_lowercase, 2) + digits(2) + chars(ALNUM, 36)


def github_token() -> str:
    return "ghp_" + chars(ALNUM, 36)


def azure_key() -> str:
    return chars(ALNUM + "+/", 86) + "=="


def signing_secret() -> str:
    return chars("0123456789abcdef", 32)


# Slot name -> (kind reported by the masker, fake value factory).
SLOTS: dict[str, tuple[str, Callable[[], str]]] = {
    "card": ("credit_card", card),
    "iban": ("iban", spanish_iban),
    "foreign_iban": ("iban", foreign_iban),
    "ccc": ("bank_account", bank_account),
    "dni": ("national_id", dni_number),
    "nie": ("national_id", nie_number),
    "ssn": ("national_id", ssn_number),
    "email": ("email", email),
    "phone": ("phone", phone),
    "bare_phone": ("phone", lambda: "612345678"),
    "slack": ("slack_token", slack_token),
    "signing": ("slack_token", signing_secret),
    "openai": ("openai_key", openai_key),
    "aws_id": ("aws_key", aws_key_id),
    "aws_secret": ("aws_key", aws_secret),
    "private_key": ("private_key", private_key),
    "password": ("password", password),
    "url_password": ("password", url_password),
    "conn": ("connection_string", password),
    "azure_key": ("connection_string", azure_key),
    "jwt": ("jwt", jwt),
    "bearer": ("generic_secret", token40),
    "api_key": ("generic_secret", token40),
    "github": ("generic_secret", github_token),
}

SENSITIVE = Path(__file__).with_name("sensitive_templates.txt")
ORDINARY = Path(__file__).with_name("ordinary_evidence.txt")


def lines(path: Path) -> list[str]:
    """Read one evidence string per line; a literal \\n inside a line stands for a newline."""
    text = path.read_text(encoding="utf-8")
    return [ln.replace("\\n", "\n") for ln in text.splitlines() if ln.strip() and not ln.startswith("# ")]


def fill(template: str) -> dict[str, object]:
    sensitive: list[dict[str, str]] = []
    values: dict[str, str] = {}
    for _, slot, _, _ in string.Formatter().parse(template):
        if slot and slot not in values:
            kind, make = SLOTS[slot]
            values[slot] = make()
            sensitive.append({"kind": kind, "value": values[slot]})
    return {"text": template.format(**values), "sensitive": sensitive}


def main() -> None:
    rows = [fill(t) for t in lines(SENSITIVE)] + [{"text": t, "sensitive": []} for t in lines(ORDINARY)]
    out = Path(__file__).with_name("evidence_corpus.jsonl")
    with out.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} rows to {out}")


if __name__ == "__main__":
    main()
