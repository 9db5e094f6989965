"""Reminder controls in the DM and the Home tab: what each stores, says, and changes in the next runs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import Settings
from bot.views.checklists import home_view
from bot.views.reminder_controls import PAUSE, SKIP, TIME, TOMORROW
from handlers.call import Call
from handlers.reminders import handle_reminder_control
from storage import audit, roster
from storage.db import session_scope
from storage.models import Person
from tests.fake_slack_validation import validate_view
from tests.jobs_support import Env, action_ids, at, fake_slack, fast_client, load_team, settings_for


@pytest.fixture
def env(settings: Settings, engine: Engine) -> Iterator[Env]:
    load_team(engine)
    with fake_slack() as slack:
        configured = settings_for(settings, slack)
        yield Env(slack, configured, engine, fast_client(configured))


def click(env: Env, user: str, control: str, value: str = "", *, moment: str, home: bool = False) -> str | None:
    """Click a control as Slack sends it; the private answer, if one was given in the DM."""
    action: dict[str, Any] = {"action_id": control, "block_id": "reminder|1|reminders"}
    action[{PAUSE: "selected_date", TIME: "selected_time"}.get(control, "value")] = value or control
    body: dict[str, Any] = {"user": {"id": user}}
    if home:
        body["container"] = {"type": "view", "view_id": "V0NOTOPEN"}
    else:
        body["container"] = {"type": "message", "channel_id": "D" + user[1:], "message_ts": "1.0"}
        body["response_url"] = "https://hooks.slack.invalid/response"
    replies: list[dict[str, Any]] = []
    handle_reminder_control(
        ack=lambda **kwargs: None,  # type: ignore[arg-type]
        action=action,
        call=Call(
            body=body,
            client=env.client,
            respond=lambda **kwargs: replies.append(kwargs),  # type: ignore[arg-type]
            engine=env.engine,
            settings=env.settings,
            team_id="T0LOCAL",
            user_id=user,
            now=at(moment),
        ),
    )
    assert all(r["response_type"] == "ephemeral" and r["replace_original"] is False for r in replies)
    return replies[0]["text"] if replies else None


def person(env: Env, user: str) -> Person:
    with Session(env.engine) as session:
        found = roster.person(session=session, team_id="T0LOCAL", user_id=user)
        assert found is not None
        return found


def test_skip_today_before_the_reminder(env: Env) -> None:
    answer = click(env, "UMAD", SKIP, moment="2025-12-08T07:00Z")
    assert answer == "Hecho: hoy no te enviaré el aviso. Próximo aviso: mañana a las 09:00."
    assert person(env, "UMAD").skip_date == date(2025, 12, 8)
    env.remind("2025-12-08T15:00Z")
    assert not env.dms("UMAD") and env.dms("UKOL")
    env.remind("2025-12-09T08:00Z")
    assert len(env.dms("UMAD")) == 1
    with Session(env.engine) as session:
        [entry] = audit.audit_entries(session=session, team_id="T0LOCAL", action="reminder.skip")
    assert (
        entry.actor == "UMAD" and entry.source == "slack:dm" and entry.detail["changed"] == {"skip_date": "2025-12-08"}
    )


def test_skip_today_after_the_reminder_changes_nothing(env: Env) -> None:
    env.remind("2025-12-08T04:00Z")  # Kolkata's 09:30
    answer = click(env, "UKOL", SKIP, moment="2025-12-08T04:01Z")
    assert answer == "Today's reminder was already sent, so nothing changes. Next reminder: tomorrow at 09:00."
    assert person(env, "UKOL").skip_date is None


def test_remind_me_tomorrow_lifts_a_pause_and_comes_the_next_working_day(env: Env) -> None:
    with session_scope(env.engine) as session:
        roster.upsert_person(session=session, team_id="T0LOCAL", user_id="UMAD", paused_until=date(2025, 12, 31))
    answer = click(env, "UMAD", TOMORROW, moment="2025-12-12T07:00Z")  # a Friday
    assert answer is not None
    assert (
        "el lunes 15 de diciembre a las 09:00" in answer
        and "He quitado la pausa que tenías hasta el 31 de diciembre" in answer
    )
    stored = person(env, "UMAD")
    assert stored.paused_until is None and stored.skip_date == date(2025, 12, 12)
    env.remind("2025-12-12T15:00Z")
    assert not env.dms("UMAD")
    env.remind("2025-12-15T08:00Z")
    assert len(env.dms("UMAD")) == 1


def test_pause_until_a_date(env: Env) -> None:
    answer = click(env, "UKOL", PAUSE, "2025-12-11", moment="2025-12-08T01:00Z")
    assert answer == "Reminders paused until December 11. Next reminder: Thursday, December 11 at 09:00."
    for day in (8, 9, 10):
        env.remind(f"2025-12-{day:02d}T15:00Z")
    assert not env.dms("UKOL")
    env.remind("2025-12-11T15:00Z")
    assert len(env.dms("UKOL")) == 1
    resumed = click(env, "UKOL", PAUSE, "2025-12-01", moment="2025-12-11T16:00Z")
    assert resumed is not None and resumed.startswith("That date is not in the future")
    assert person(env, "UKOL").paused_until is None


def test_my_reminder_time_moves_the_dm_and_a_bad_value_changes_nothing(env: Env) -> None:
    answer = click(env, "UKOL", TIME, "07:30", moment="2025-12-07T12:00Z")
    assert answer == "Your daily reminder will come at 07:30 (Asia/Kolkata). Next reminder: tomorrow at 07:30."
    env.remind("2025-12-08T01:59Z")
    assert not env.dms("UKOL")
    env.remind("2025-12-08T02:00Z")
    assert len(env.dms("UKOL")) == 1
    assert (
        click(env, "UKOL", TIME, "25:99", moment="2025-12-08T12:00Z")
        == "I could not read that value; nothing was changed."
    )
    assert person(env, "UKOL").reminder_time == "07:30"


def test_the_home_tab_has_the_controls_and_redraws_with_the_answer(env: Env) -> None:
    with Session(env.engine) as session:
        view = home_view(
            session=session, settings=env.settings, team_id="T0LOCAL", user_id="UMAD", now=at("2025-12-08T07:00Z")
        )
    assert validate_view(view, allowed=("home",)) == [] and len(view["blocks"]) <= 100
    assert {PAUSE, TIME, SKIP, TOMORROW} <= set(action_ids(view["blocks"]))  # type: ignore[arg-type]
    assert click(env, "UMAD", PAUSE, "2025-12-20", moment="2025-12-08T07:00Z", home=True) is None
    published = env.slack.home_view("UMAD")
    assert published is not None
    text = str(published["blocks"])
    assert "Avisos en pausa hasta el 20 de diciembre" in text and "'initial_date': '2025-12-20'" in text
    with Session(env.engine) as session:
        [entry] = audit.audit_entries(session=session, team_id="T0LOCAL", action="reminder.pause")
    assert entry.source == "slack:home"
