"""Which language a person reads: their own, else LANGUAGE, else the document's (the seed is Spanish)."""

from __future__ import annotations

import itertools

from sqlalchemy import event
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.i18n import choose_language, plan_language_matters
from bot.views import read
from storage import roster
from storage.db import session_scope
from tests.e2e import NOW, import_seed


def test_the_plan_is_only_skipped_when_its_language_cannot_change_the_choice() -> None:
    for person, setting in itertools.product(("es", "en", None, "fr"), ("es", "en", "auto")):
        chosen = {choose_language(person_language=person, setting=setting, plan_language=p) for p in ("es", "en")}
        assert (len(chosen) == 2) == plan_language_matters(person_language=person, setting=setting), (person, setting)


def _language(engine: Engine, settings: Settings, user_id: str) -> tuple[str, int]:
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        with session_scope(engine) as session:
            lang = read.language(session=session, settings=settings, team_id=settings.team_id, user_id=user_id, now=NOW)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return lang, sum('FROM "plan"' in s or "FROM plan " in s for s in statements)


def test_a_stranger_reads_the_documents_language_and_a_setting_or_their_own_wins(
    engine: Engine, settings: Settings
) -> None:
    import_seed(engine, settings)
    assert _language(engine, settings, "USTRANGER") == ("es", 1)  # nothing known of them, LANGUAGE=auto
    english = settings.model_copy(update={"language": "en"})
    assert _language(engine, english, "USTRANGER") == ("en", 0)  # the setting decides: the plan is not read
    with session_scope(engine) as session:
        roster.upsert_person(session=session, team_id=settings.team_id, user_id="UEN", language="en", refreshed_at=NOW)
    assert _language(engine, settings, "UEN") == ("en", 0)  # their own language decides


def test_counts_of_one_read_in_the_singular_in_both_languages() -> None:
    from bot.i18n import tn

    assert tn("digest.open_blockers", 1, "es") == "1 bloqueador abierto"
    assert tn("digest.open_blockers", 2, "es") == "2 bloqueadores abiertos"
    assert tn("digest.overdue_count", 1, "es") == "1 atrasado"
    assert tn("digest.open_blockers", 1, "en") == "1 open blocker"
    assert tn("digest.evidence", 1, "en") == "1 piece of evidence handed in"
    assert tn("digest.ticked", 0, "es") == "0 ítems marcados"
    # Every plural key has both forms in both languages: tests/test_i18n_catalogs.py.
