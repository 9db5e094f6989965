"""Every user-facing text, in Spanish and English, from the gettext catalogs in `locales/`.

The catalogs' message ids are keys (`due.overdue`, `digest.ticked`), not English sentences: code, both
catalogs and tests name a message the same way, rewording English touches no code, and Spanish, the
language the documents are written in, is not a translation of the English. `locales/en` holds the English
text a translator reads next to each key. A plural key is its own `msgid_plural` (pybabel's keyword `tn:1,1`):
the forms themselves, and how many there are, come from each catalog's `Plural-Forms`.

Both catalogs are compiled in memory when the first text is needed, once per process (~20 ms), so a fresh
clone, the tests and the Docker image need no build step and no `.mo` file is committed. `make translations`
extracts the keys from the code into `locales/messages.pot` and merges them into both catalogs.

Numbers and dates filled into a text are written by Babel the reader's way: `1,234` / `1.234`,
`Dec 12` / `12 dic`.
"""

from __future__ import annotations

import gettext
import io
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

Lang = str  # "es" | "en"
LANGUAGES = ("es", "en")
# A document in a language the bot does not speak: the bot's words are in the closest one it does.
READS_AS = {"pt": "es"}
# Next to the packages, in a checkout and in an install alike (pyproject ships it as package data).
LOCALES = Path(__file__).resolve().parent.parent / "locales"


def t(key: str, lang: Lang, **values: object) -> str:
    """The text for `key` in `lang` (English where a language has none), filled in."""
    return _fill(_translations(lang).gettext(key), lang, values)


def tn(key: str, n: int, lang: Lang, **values: object) -> str:
    """The form of `key` the catalog's Plural-Forms picks for `n`, filled in; `{count}` is `n` unless given."""
    return _fill(_translations(lang).ngettext(key, key, n), lang, {"count": n, **values})


def N_(key: str) -> str:
    """Mark a key that code chooses at run time, so `make translations` still finds it; return it as it is."""
    return key


# Babel takes ~6 µs a number and a page fills in a few per deliverable: on the load benchmark
# (bench.profile_requests) `/deliverables blockers` took 3.3 ms (p50) uncached against 2.4 ms with
# hand-formatted numbers, and 2.5 ms cached. The same small counts come back on every page.
@lru_cache(maxsize=4096)
def number(value: float, lang: Lang, *, decimals: int | None = None) -> str:
    """`1,234` in English, `1.234` in Spanish: as Babel writes numbers for the reader; `decimals` fixes how many
    digits follow the point."""
    pattern = None if decimals is None else "#,##0." + "0" * decimals
    return format_decimal(value, pattern, locale=_locale(lang))


def short_date(day: date, lang: Lang) -> str:
    """`Dec 12` / `12 dic`, for a date inside a line."""
    return format_skeleton("MMMd", day, locale=_locale(lang))


def long_date(day: date, lang: Lang) -> str:
    """`December 12` / `12 de diciembre`, for a date a sentence is about."""
    return format_skeleton("MMMMd", day, locale=_locale(lang))


def weekday(day: date, lang: Lang) -> str:
    """`Friday` / `viernes`."""
    return format_date(day, "EEEE", locale=_locale(lang))


def _fill(text: str, lang: Lang, values: dict[str, object]) -> str:
    if not values:
        return text
    return text.format(**{name: _written(value, lang) for name, value in values.items()})


def _written(value: object, lang: Lang) -> object:
    """Numbers as the reader writes them; anything else as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(value, lang)
    return value


@cache
def _locale(lang: Lang) -> Locale:
    return Locale.parse(lang if lang in LANGUAGES else "en")


def _translations(lang: Lang) -> gettext.NullTranslations:
    return _catalogs()[lang if lang in LANGUAGES else "en"]


@cache
def _catalogs() -> dict[Lang, gettext.NullTranslations]:
    """Both catalogs, compiled in memory once per process: English behind Spanish, and a KeyError behind English."""
    english = _compile("en")
    english.add_fallback(_Unknown())
    spanish = _compile("es")
    spanish.add_fallback(english)
    return {"es": spanish, "en": english}


def _compile(lang: Lang) -> Translations:
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=lang)
    mo = io.BytesIO()
    write_mo(mo, catalog)  # leaves out empty and fuzzy translations, so the fallback answers for them
    mo.seek(0)
    return Translations(mo)


class _Unknown(gettext.NullTranslations):
    """The end of the fallback chain: a key in no catalog is a bug, not a text to show."""

    def gettext(self, message: str) -> str:
        raise KeyError(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        raise KeyError(msgid1)


def language_of(locale: str | None) -> str | None:
    """`es-ES` -> `es`; None for a language we do not speak."""
    if not locale:
        return None
    code = locale.replace("_", "-").split("-")[0].lower()
    return code if code in ("es", "en") else None


class LocalizedError(Exception):
    """A problem a person is told about: an i18n key and its values. `str()` is the English text; `text(lang)`
    is what they read."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(self.text("en"))

    def text(self, lang: Lang) -> str:
        return t(self.key, lang, **self.values)


def default_language(setting: str, plan_language: str | None) -> str:
    """What someone we know nothing about reads (the command line, a preview): LANGUAGE, else the document's."""
    return choose_language(person_language=None, setting=setting, plan_language=plan_language)


def choose_language(*, person_language: str | None, setting: str, plan_language: str | None) -> str:
    """A person's own language, else the configured one, else the document's."""
    if person_language in LANGUAGES:
        return person_language
    if setting in LANGUAGES:
        return setting
    plan_language = READS_AS.get(plan_language or "", plan_language)
    return plan_language if plan_language in LANGUAGES else "en"


def plan_language_matters(*, person_language: str | None, setting: str) -> bool:
    """Whether `choose_language` would look at the document's language: callers can skip reading the plan."""
    return person_language not in LANGUAGES and setting not in LANGUAGES


def due_text(due: date | None, today: date, lang: Lang, milestone: str | None = None) -> str:
    """`vence mañana`, `3 días de retraso`, `antes de Canary`."""
    if due is None:
        return t("due.milestone", lang, milestone=milestone) if milestone else t("due.none", lang)
    days = (due - today).days
    if days == 0:
        return t("due.today", lang)
    if days == 1:
        return t("due.tomorrow", lang)
    if days > 1:
        return t("due.in_days", lang, days=days, date=short_date(due, lang))
    return tn("due.overdue", -days, lang, days=-days)
