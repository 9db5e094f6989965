"""Daily reminders: each owner's own 09:00, working days only, and exactly one DM whatever happens."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

import bot.slack.sending
from bot.config import Settings
from bot.schedule.lease import Lease
from storage import roster
from storage.db import make_engine, session_scope
from storage.models import Delivery
from tests.fake_slack_validation import validate_blocks
from tests.jobs_support import PEOPLE, Env, action_ids, delivery_key, fake_slack, fast_client, load_team, settings_for

OWNERS = ("UMAD", "UBOG", "UKOL")


@pytest.fixture
def env(settings: Settings, engine: Engine) -> Iterator[Env]:
    load_team(engine)
    with fake_slack() as slack:
        configured = settings_for(settings, slack)
        yield Env(slack, configured, engine, fast_client(configured))


def first_dm_at(env: Env, moments: list[str]) -> dict[str, str]:
    """Run the job at each moment; when each person's first DM arrived."""
    seen: dict[str, str] = {}
    for moment in moments:
        env.remind(moment)
        for user in PEOPLE:
            if env.dms(user) and user not in seen:
                seen[user] = moment
    return seen


def test_each_owner_gets_one_dm_at_nine_in_their_own_timezone(env: Env) -> None:
    monday = [f"2025-12-08T{hm}Z" for hm in ("03:29", "03:30", "07:59", "08:00", "08:05", "13:59", "14:00", "23:55")]
    assert first_dm_at(env, monday) == {  # Kolkata +5:30, Madrid +1, Bogotá -5
        "UKOL": "2025-12-08T03:30Z",
        "UMAD": "2025-12-08T08:00Z",
        "UBOG": "2025-12-08T14:00Z",
    }
    assert [len(env.dms(user)) for user in OWNERS] == [1, 1, 1]
    madrid, kolkata = env.dms("UMAD")[0], env.dms("UKOL")[0]
    assert delivery_key(madrid) == "T0LOCAL:reminder:UMAD:2025-12-08"
    assert madrid["metadata"]["event_type"] == "deliverables_reminder"
    assert "Buenos días" in madrid["text"] and "Good morning" in kolkata["text"]  # each in their Slack language
    assert validate_blocks(madrid["blocks"], surface="message") == []
    assert {"reminder:skip", "reminder:tomorrow", "reminder:pause", "reminder:time"} <= set(
        action_ids(madrid["blocks"])
    )
    assert not env.slack.calls_to("conversations.open")  # posted to the user id: no DM opened per person
    assert all(d.status in ("sent", "skipped") and d.ts for d in env.deliveries() if d.status == "sent")


def test_daylight_saving_time_moves_the_utc_hour_not_the_local_one(env: Env) -> None:
    # Madrid is UTC+2 until the last Sunday of October 2025, UTC+1 after.
    friday = first_dm_at(env, ["2025-10-24T06:59Z", "2025-10-24T07:00Z"])
    assert friday["UMAD"] == "2025-10-24T07:00Z"
    env.remind("2025-10-27T07:00Z")  # 08:00 in Madrid now
    env.remind("2025-10-27T07:59Z")
    assert len(env.dms("UMAD")) == 1
    env.remind("2025-10-27T08:00Z")
    assert [delivery_key(m)[-10:] for m in env.dms("UMAD")] == ["2025-10-24", "2025-10-27"]
    # Bogotá and Kolkata have no DST: their Monday reminder still comes at 14:00Z and 03:30Z
    assert [m for m in env.dms("UKOL") if delivery_key(m).endswith("2025-10-27")]
    assert not [m for m in env.dms("UBOG") if delivery_key(m).endswith("2025-10-27")]


def test_weekends_are_quiet_where_the_owner_is_and_a_late_run_still_sends_once(env: Env) -> None:
    env.remind("2025-12-12T13:00Z")  # Friday: 08:00 in Bogotá, not yet
    assert not env.dms("UBOG") and env.dms("UMAD") and env.dms("UKOL")
    env.remind("2025-12-13T04:00Z")  # Saturday in Madrid and Kolkata, still Friday 23:00 in Bogotá
    assert [delivery_key(m)[-10:] for m in env.dms("UBOG")] == ["2025-12-12"]
    for hour in range(5, 24, 3):  # the rest of Saturday, and Sunday
        env.remind(f"2025-12-13T{hour:02d}:00Z")
        env.remind(f"2025-12-14T{hour:02d}:00Z")
    assert [len(env.dms(user)) for user in OWNERS] == [1, 1, 1]
    env.remind("2025-12-15T03:30Z")  # Monday 09:00 in Kolkata, still Sunday in Bogotá
    assert [len(env.dms(user)) for user in OWNERS] == [1, 1, 2]


def test_nothing_open_means_no_dm_and_the_day_is_settled(env: Env) -> None:
    report = env.remind("2025-12-08T10:00Z")
    assert report.outcomes["nothing_open"] == 1 and not env.dms("UIDLE")
    [idle] = [d for d in env.deliveries() if d.recipient == "UIDLE"]
    assert idle.status == "skipped" and idle.attempts == 0
    assert env.remind("2025-12-08T10:05Z").outcomes == {"done": 3, "not_due": 1}  # Bogotá: 05:05


def test_pause_and_skip_are_honoured(env: Env) -> None:
    with session_scope(env.engine) as session:
        roster.upsert_person(session=session, team_id="T0LOCAL", user_id="UMAD", paused_until=date(2025, 12, 10))
        roster.upsert_person(session=session, team_id="T0LOCAL", user_id="UKOL", skip_date=date(2025, 12, 8))
    report = env.remind("2025-12-08T15:00Z")
    assert report.outcomes["paused"] == 1 and report.outcomes["skipped_today"] == 1
    assert [len(env.dms(user)) for user in OWNERS] == [0, 1, 0]
    env.remind("2025-12-09T15:00Z")
    assert [len(env.dms(user)) for user in OWNERS] == [0, 2, 1]
    env.remind("2025-12-10T15:00Z")  # the pause ends on the 10th: reminders again that day
    assert [len(env.dms(user)) for user in OWNERS] == [1, 3, 2]


def test_an_own_reminder_time_is_used(env: Env) -> None:
    with session_scope(env.engine) as session:
        roster.upsert_person(session=session, team_id="T0LOCAL", user_id="UMAD", reminder_time="11:30")
    env.remind("2025-12-08T10:29Z")
    assert not env.dms("UMAD")
    env.remind("2025-12-08T10:30Z")
    assert len(env.dms("UMAD")) == 1


def test_runs_again_and_a_restarted_process_send_nothing_twice(env: Env) -> None:
    env.remind("2025-12-08T14:00Z")
    env.remind("2025-12-08T14:00Z")
    restarted = make_engine(env.settings.database_url)  # a new process: new engine, client and lease
    try:
        again = Env(env.slack, env.settings, restarted, fast_client(env.settings))
        assert again.remind("2025-12-08T14:05Z").outcomes["done"] == 4
        again.remind("2025-12-08T20:00Z")
    finally:
        restarted.dispose()
    assert [env.posts_to(user) for user in OWNERS] == [1, 1, 1]


def test_two_senders_at_once_send_each_dm_once(env: Env) -> None:
    go = threading.Barrier(2)

    def run() -> None:
        go.wait()
        env.remind("2025-12-08T14:00Z")

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [env.posts_to(user) for user in OWNERS] == [1, 1, 1]


def test_a_profile_stored_meanwhile_by_another_job_is_no_error(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    upsert = roster.upsert_person

    def stored_meanwhile(*, session: Session, team_id: str, user_id: str, **fields: object) -> object:
        found = upsert(session=session, team_id=team_id, user_id=user_id, **fields)
        with session_scope(env.engine) as other:  # the people job stores the same answer first
            upsert(session=other, team_id=team_id, user_id=user_id, **fields)
        return found

    monkeypatch.setattr(roster, "upsert_person", stored_meanwhile)
    report = env.remind("2025-12-08T15:00Z")
    assert report.sent == 3 and not report.errors


class Crash(BaseException):
    """The process dying: not an error the job may catch."""


def test_a_crash_right_after_sending_is_recovered_from_slack_not_resent(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = bot.slack.sending.record_posted

    def die_on_madrid(engine: Engine, key: str, *, channel: str, ts: str) -> None:
        if "UMAD" in key:
            raise Crash(key)
        record(engine, key, channel=channel, ts=ts)

    monkeypatch.setattr(bot.slack.sending, "record_posted", die_on_madrid)
    with pytest.raises(Crash):
        env.remind("2025-12-08T08:00Z", workers=1)  # Madrid's DM went out, then the process "died"
    monkeypatch.undo()
    assert {user: env.posts_to(user) for user in OWNERS} == {"UMAD": 1, "UBOG": 0, "UKOL": 1}
    [unsure] = [d for d in env.deliveries() if d.status == "pending"]
    assert unsure.recipient == "UMAD" and unsure.attempts == 1 and unsure.ts is None

    report = env.remind("2025-12-08T08:05Z")
    assert report.outcomes["recovered"] == 1
    assert {user: env.posts_to(user) for user in OWNERS} == {"UMAD": 1, "UKOL": 1, "UBOG": 0}
    recovered = next(d for d in env.deliveries() if d.key == unsure.key)
    assert recovered.status == "sent" and recovered.ts == env.dms("UMAD")[0]["ts"]
    assert env.slack.calls_to("conversations.history")[0].params["include_all_metadata"] in ("1", "true", True)


def test_an_attempt_in_flight_in_a_live_process_is_left_to_it(env: Env) -> None:
    other = Lease.for_run(env.engine)  # another process, alive, in the middle of sending to Madrid
    assert other.acquire()
    with Session(env.engine) as session:
        session.add(
            Delivery(
                key="T0LOCAL:reminder:UMAD:2025-12-08",
                team_id="T0LOCAL",
                kind="reminder",
                recipient="UMAD",
                day=date(2025, 12, 8),
                attempts=1,
                claimed_by=other.holder,
            )
        )
        session.commit()
    assert env.remind("2025-12-08T08:00Z").outcomes["busy"] == 1
    assert env.posts_to("UMAD") == 0 and not env.slack.calls_to("conversations.history")
    other.release()  # it died without sending: the next run looks in Slack, finds nothing, sends
    assert env.remind("2025-12-08T08:05Z").outcomes["sent"] == 1
    assert env.posts_to("UMAD") == 1 and env.slack.calls_to("conversations.open")


def test_rate_limits_and_server_errors_still_deliver_each_dm_exactly_once(settings: Settings, engine: Engine) -> None:
    people = {**PEOPLE, **{f"UQA{n:02d}": (f"qa{n}", "Europe/Madrid", "en-GB", "QA") for n in range(25)}}
    load_team(engine, people=people)
    with fake_slack(people, seed=7) as slack:
        configured = settings_for(settings, slack)
        env = Env(slack, configured, engine, fast_client(configured))
        slack.set_rate_limit("chat.postMessage", per_minute=600, burst=10)
        # However fast this machine sends, the first DM meets a rate limit (the bucket alone depends on speed).
        slack.fail_next("chat.postMessage", status=429, retry_after=0)
        slack.error_rate = 0.1
        reports = [env.remind("2025-12-08T15:00Z")]
        while any(d.status != "sent" for d in env.deliveries() if d.recipient != "UIDLE") and len(reports) < 4:
            reports.append(env.remind("2025-12-08T15:05Z"))
        owners = [user for user in people if user != "UIDLE"]
        assert [env.posts_to(user) for user in owners] == [1] * len(owners)
        assert sum(len(env.dms(user)) for user in owners) == len(owners)
        assert any(c.status == 429 for c in slack.calls_to("chat.postMessage"))
        assert any(c.status >= 500 for c in slack.calls)


def test_one_owner_failing_does_not_stop_the_others(env: Env) -> None:
    env.slack.fail_next("chat.postMessage", error="channel_not_found")
    report = env.remind("2025-12-08T15:00Z", workers=1)
    assert report.sent == 2 and report.failed == 1 and len(report.errors) == 1
    [failed] = [d for d in env.deliveries() if d.status == "failed"]
    assert failed.last_error == "channel_not_found"
    assert env.remind("2025-12-08T15:05Z").sent == 1  # retried on the next run of the day
    assert [env.posts_to(user) for user in OWNERS] == [1, 1, 1]


def test_escalated_owners_are_told_in_their_dm(settings: Settings, engine: Engine) -> None:
    from tests.jobs_support import team_plan

    load_team(engine, team_plan(blocker_due=date(2025, 12, 1)))
    with fake_slack() as slack:
        configured = settings_for(settings, slack, escalate_after_days=2)
        env = Env(slack, configured, engine, fast_client(configured))
        env.remind("2025-12-08T15:00Z")  # five working days after the due date
        assert "Tienes bloqueadores" in str(env.dms("UMAD")[0]["blocks"])
        assert "more than 2 working days" not in str(env.dms("UKOL")[0]["blocks"])  # QA owns no blocker


def test_an_unknown_slack_timezone_falls_back_to_the_configured_one(env: Env) -> None:
    with session_scope(env.engine) as session:
        known_today = datetime(2025, 12, 8, 7, 0, tzinfo=UTC)
        roster.upsert_person(
            session=session, team_id="T0LOCAL", user_id="UBOG", tz="Mars/Olympus", refreshed_at=known_today
        )
    env.remind("2025-12-08T07:59Z")
    assert not env.dms("UBOG")
    env.remind("2025-12-08T08:00Z")  # 09:00 in TIMEZONE, Europe/Madrid
    assert len(env.dms("UBOG")) == 1
