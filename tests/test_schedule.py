"""When reminders and digests are due: pure functions of a chosen moment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings, load_settings
from bot.schedule.rules import cron_trigger, digest_slot, next_reminder, reminder_day
from storage.models import Person

MADRID = ZoneInfo("Europe/Madrid")


@pytest.fixture
def base() -> Settings:
    return load_settings(_env_file=None, timezone="Europe/Madrid", reminder_time="09:00", workdays="mon-fri")


def fires(expression: str, start: datetime, count: int) -> list[datetime]:
    trigger = cron_trigger(expression, "Europe/Madrid")
    found, previous, now = [], None, start
    for _ in range(count):
        previous = trigger.get_next_fire_time(previous, now)
        found.append(previous)
        now = previous + timedelta(seconds=1)
    return found


@pytest.mark.parametrize(
    ("expression", "weekdays"),
    [
        ("0 9 * * 1-5", {0, 1, 2, 3, 4}),  # crontab's Monday to Friday, not APScheduler 3's Tuesday to Saturday
        ("0 9 * * 0", {6}),
        ("0 9 * * 7", {6}),
        ("0 9 * * 5-7", {4, 5, 6}),
        ("0 9 * * mon,wed", {0, 2}),
        ("0 9 * * */2", {6, 1, 3, 5}),  # Sunday, Tuesday, Thursday, Saturday
        ("0 9 * * *", set(range(7))),
    ],
)
def test_digest_cron_reads_weekdays_as_crontab_does(expression: str, weekdays: set[int]) -> None:
    times = fires(expression, datetime(2025, 12, 6, tzinfo=MADRID), 14)
    assert {t.weekday() for t in times} == weekdays
    assert {(t.hour, t.minute) for t in times} == {(9, 0)} and all(t.tzinfo is not None for t in times)


def test_the_digest_slot_is_the_latest_scheduled_time_not_too_long_ago() -> None:
    def slot(moment: str) -> datetime | None:
        return digest_slot("0 9 * * 1-5", "Europe/Madrid", datetime.fromisoformat(moment), grace=timedelta(hours=6))

    assert slot("2025-12-08T08:00Z") == datetime(2025, 12, 8, 9, 0, tzinfo=MADRID)  # Monday 09:00 in Madrid
    assert slot("2025-12-08T07:59Z") is None  # Friday's is days old
    assert slot("2025-12-08T13:59Z") == datetime(2025, 12, 8, 9, 0, tzinfo=MADRID)
    assert slot("2025-12-08T14:01Z") is None  # more than six hours late: skipped, not posted at night
    assert slot("2025-12-13T08:00Z") is None  # Saturday


def test_reminder_day_says_why_nothing_is_due(base: Settings) -> None:
    kolkata = Person(team_id="T", user_id="U", tz="Asia/Kolkata")
    assert reminder_day(kolkata, base, datetime(2025, 12, 8, 3, 29, tzinfo=UTC)).wait_reason == "not_due"
    due = reminder_day(kolkata, base, datetime(2025, 12, 8, 3, 30, tzinfo=UTC))
    assert due.wait_reason is None and due.day == date(2025, 12, 8) and due.tz == "Asia/Kolkata"
    assert reminder_day(kolkata, base, datetime(2025, 12, 13, 12, 0, tzinfo=UTC)).wait_reason == "not_workday"
    paused = Person(team_id="T", user_id="U", tz="Asia/Kolkata", paused_until=date(2025, 12, 9))
    assert reminder_day(paused, base, datetime(2025, 12, 8, 12, 0, tzinfo=UTC)).wait_reason == "paused"
    assert reminder_day(paused, base, datetime(2025, 12, 9, 12, 0, tzinfo=UTC)).wait_reason is None
    skipped = Person(team_id="T", user_id="U", skip_date=date(2025, 12, 8))
    assert reminder_day(skipped, base, datetime(2025, 12, 8, 12, 0, tzinfo=UTC)).wait_reason == "skipped_today"
    unknown = reminder_day(None, base, datetime(2025, 12, 8, 8, 0, tzinfo=UTC))  # never seen: TIMEZONE
    assert unknown.tz == "Europe/Madrid" and unknown.wait_reason is None
    late = Person(team_id="T", user_id="U", tz="Europe/Madrid", reminder_time="10:15")
    assert reminder_day(late, base, datetime(2025, 12, 8, 9, 14, tzinfo=UTC)).wait_reason == "not_due"


def test_next_reminder_skips_weekends_pauses_and_what_was_sent(base: Settings) -> None:
    friday_noon = datetime(2025, 12, 12, 11, 0, tzinfo=UTC)
    person = Person(team_id="T", user_id="U", tz="Europe/Madrid")
    assert next_reminder(person, base, friday_noon, sent_today=False) == datetime(2025, 12, 12, 9, 0)
    assert next_reminder(person, base, friday_noon, sent_today=True) == datetime(2025, 12, 15, 9, 0)
    person.paused_until = date(2025, 12, 17)
    assert next_reminder(person, base, friday_noon, sent_today=False) == datetime(2025, 12, 17, 9, 0)
    person.paused_until, person.skip_date, person.reminder_time = None, date(2025, 12, 12), "08:30"
    assert next_reminder(person, base, friday_noon, sent_today=False) == datetime(2025, 12, 15, 8, 30)
