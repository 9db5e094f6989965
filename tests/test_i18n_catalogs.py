"""The gettext catalogs in locales/: complete, consistent with each other and with the code."""

from __future__ import annotations

import io
import shlex
import string
from datetime import date
from pathlib import Path

import pytest
from babel.dates import format_skeleton
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from bot.i18n import LANGUAGES, LOCALES, due_text, long_date, number, short_date, t, tn, weekday
from bot.i18n_extract import extract_keys

ROOT = Path(__file__).resolve().parent.parent


def _catalog(lang: str) -> Catalog:
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=lang)


CATALOGS = {lang: _catalog(lang) for lang in LANGUAGES}


def _messages(catalog: Catalog) -> dict[str, Message]:
    return {message.id if isinstance(message.id, str) else message.id[0]: message for message in catalog if message.id}


def _forms(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_key_has_a_text_in_every_language_and_form() -> None:
    for lang, catalog in CATALOGS.items():
        assert catalog.plural_forms == "nplurals=2; plural=(n != 1);", lang
        for key, message in _messages(catalog).items():
            assert not message.fuzzy, (lang, key)
            assert all(form.strip() for form in _forms(message)), (lang, key)
            assert len(_forms(message)) == (2 if message.pluralizable else 1), (lang, key)


def test_both_languages_have_the_same_keys_and_placeholders_in_every_form() -> None:
    spanish, english = (_messages(CATALOGS[lang]) for lang in ("es", "en"))
    assert spanish.keys() == english.keys()
    for key, message in english.items():
        assert spanish[key].pluralizable == message.pluralizable, key
        forms = _forms(message) + _forms(spanish[key])
        assert len({frozenset(_placeholders(form)) for form in forms}) == 1, (key, forms)


def _extracted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Message]:
    """What `make translations` extracts from the code now, with the Makefile's keywords."""
    line = next(line for line in (ROOT / "Makefile").read_text().splitlines() if line.startswith("BABEL_KEYWORDS"))
    keywords = shlex.split(line.split(":=", 1)[1])
    pot = tmp_path / "messages.pot"
    monkeypatch.chdir(ROOT)
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", "babel.cfg", *keywords, "-o", str(pot), "."])
    with pot.open("rb") as template:
        return _messages(read_po(template))


def test_the_code_uses_exactly_the_keys_of_the_catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key in the code and in no catalog would fail at run time; a key in a catalog and not in the code would be
    dropped by the next `make translations` (mark keys chosen at run time with `N_`)."""
    used = _extracted(tmp_path, monkeypatch)
    catalogued = _messages(CATALOGS["en"])
    assert sorted(used.keys() - catalogued.keys()) == []
    assert sorted(catalogued.keys() - used.keys()) == []
    assert sorted(key for key in used if used[key].pluralizable != catalogued[key].pluralizable) == []
    with (LOCALES / "messages.pot").open("rb") as template:
        assert _messages(read_po(template)).keys() == used.keys()


def test_keys_inside_f_strings_are_found() -> None:
    source = b"x = f\"*{t('status.title', lang)}* {tn('digest.ticked', n, lang)}\"\ny = t(key, lang)\n"
    found = list(extract_keys(io.BytesIO(source), ["t", "tn"], [], {}))
    assert found == [
        (1, "t", ("status.title", None), []),
        (1, "tn", ("digest.ticked", None, None), []),
        (2, "t", (None, None), []),
    ]


def test_plural_forms_pick_one_for_1_and_the_other_for_2() -> None:
    for lang, catalog in CATALOGS.items():
        for key, message in _messages(catalog).items():
            if message.pluralizable:
                names = {name: f"<{name}>" for form in _forms(message) for name in _placeholders(form) - {"count"}}
                one, other = _forms(message)
                assert tn(key, 1, lang, **names) == one.format(**{**names, "count": "1"}), (lang, key)
                assert tn(key, 2, lang, **names) == other.format(**{**names, "count": "2"}), (lang, key)
    assert tn("mine.intro", 1, "es", user="U1") == "Hola <@U1>: tienes *1* entregable abierto."
    assert tn("mine.intro", 2, "en", user="U1") == "Hi <@U1>, you have *2* open deliverables."
    assert due_text(date(2025, 12, 9), date(2025, 12, 10), "es") == "1 día de retraso"
    assert due_text(date(2025, 12, 8), date(2025, 12, 10), "en") == "2 days overdue"


def test_dates_read_as_babel_writes_them_in_each_language() -> None:
    day = date(2025, 12, 12)
    assert [short_date(day, "es"), short_date(day, "en")] == ["12 dic", "Dec 12"]
    assert [long_date(day, "es"), long_date(day, "en")] == ["12 de diciembre", "December 12"]
    assert [weekday(day, "es"), weekday(day, "en")] == ["viernes", "Friday"]
    for lang in LANGUAGES:
        assert short_date(day, lang) == format_skeleton("MMMd", day, locale=lang)
        assert long_date(day, lang) == format_skeleton("MMMMd", day, locale=lang)
    assert due_text(day, date(2025, 12, 10), "es") == "vence en 2 días (12 dic)"
    assert due_text(day, date(2025, 12, 10), "en") == "due in 2 days (Dec 12)"


def test_numbers_in_a_text_are_written_the_readers_way() -> None:
    assert t("import.more", "en", count=12345) == "… and 12,345 more"
    assert t("import.more", "es", count=12345) == "… y 12.345 más"
    assert tn("digest.ticked", 1500, "en") == "1,500 items ticked"
    assert number(2.5, "es", decimals=1) == "2,5" and number(2.5, "en", decimals=1) == "2.5"
    assert t("evidence.no_number", "en", number="12") == "There is no deliverable #12."  # an id stays as given


def test_an_unknown_language_reads_english_and_an_unknown_key_fails() -> None:
    assert t("due.today", "fr") == t("due.today", "en") == "due today"
    with pytest.raises(KeyError):
        t("no.such.key", "es")
    with pytest.raises(KeyError):
        tn("no.such.key", 2, "en")
