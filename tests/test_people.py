"""People as Slack knows them: a new person met by two requests at once is stored once, without an error."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.tracking.people import remember_person
from storage import roster
from storage.db import session_scope
from storage.models import Person
from tests.e2e import NOW, TOKEN
from tests.fake_slack import FakeSlack


def test_a_person_stored_meanwhile_by_another_request_is_no_error(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    upsert = roster.upsert_person

    def stored_meanwhile(*, session: Session, team_id: str, user_id: str, **fields: object) -> Person:
        found = upsert(session=session, team_id=team_id, user_id=user_id, **fields)
        with session_scope(engine) as other:  # the other request's transaction commits first
            upsert(session=other, team_id=team_id, user_id=user_id, **fields)
        return found

    monkeypatch.setattr(roster, "upsert_person", stored_meanwhile)
    with FakeSlack(token=TOKEN) as slack:
        slack.add_user("UNEW", name="nueva", tz="America/Bogota", locale="es-LA")
        from bot.config import load_settings
        from bot.slack.app import slack_client

        client = slack_client(load_settings(_env_file=None, slack_bot_token=TOKEN, slack_api_url=slack.url))
        remember_person(client=client, engine=engine, team_id="T0LOCAL", user_id="UNEW", now=NOW)
    with Session(engine) as session:
        people = session.exec(select(Person)).all()
    assert [(p.user_id, p.tz, p.language) for p in people] == [("UNEW", "America/Bogota", "es")]


def test_a_language_changed_by_another_process_shows_within_minutes(engine: Engine) -> None:
    """Each process keeps a person's timezone and language a few minutes; then it reads them again."""
    from datetime import timedelta

    from bot.tracking.people import KEEP_PROFILE, profile
    from storage import db

    with session_scope(engine) as session:
        roster.upsert_person(
            session=session, team_id="T0LOCAL", user_id="U1", tz="Europe/Madrid", language="es", refreshed_at=NOW
        )
    with session_scope(engine) as session:
        assert profile(session=session, team_id="T0LOCAL", user_id="U1", now=NOW).language == "es"

    other = db.make_engine(str(engine.url.render_as_string(hide_password=False)))
    try:
        with session_scope(other) as session:  # another worker asked users.info: the person now reads English
            roster.upsert_person(session=session, team_id="T0LOCAL", user_id="U1", language="en", refreshed_at=NOW)
    finally:
        other.dispose()

    later = NOW + KEEP_PROFILE + timedelta(seconds=1)
    with session_scope(engine) as session:
        assert profile(session=session, team_id="T0LOCAL", user_id="U1", now=later).language == "en"
