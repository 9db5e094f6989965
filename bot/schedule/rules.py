"""When things are due: each owner's reminder in their own timezone, and the digest's cron slots.

Pure functions of a chosen `now`: no Slack, no database, so every rule is tested with a fake clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from bot.config import Settings, parse_clock_time
from storage.models import Person

CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # standard cron: 0 (and 7) is Sunday


def reminder_key(team_id: str, user_id: str, day: date) -> str:
    """The delivery key of one person's reminder on one day of their own calendar."""
    return f"{team_id}:reminder:{user_id}:{day.isoformat()}"


def digest_key(team_id: str, channel: str, slot: datetime | str) -> str:
    """The delivery key of the digest of one scheduled slot (or of a manual one, `manual:<minute>`)."""
    when = slot.isoformat() if isinstance(slot, datetime) else slot
    return f"{team_id}:digest:{channel.lstrip('#')}:{when}"


def zone(name: str | None, fallback: str) -> ZoneInfo:
    """The person's Slack timezone, or the configured one when Slack gave none we know."""
    try:
        return ZoneInfo(name or fallback)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(fallback)


def reminder_time(person: Person | None, settings: Settings) -> time:
    """The person's own reminder time, or REMINDER_TIME."""
    if person is not None and person.reminder_time:
        try:
            return parse_clock_time(person.reminder_time)
        except ValueError:  # a stored value from an older version must not stop their reminders
            pass
    return settings.reminder_clock_time


@dataclass(frozen=True)
class ReminderDay:
    """Where a person stands today: their local date, and why no reminder is due (None: it is due)."""

    day: date
    local_now: datetime
    at: time
    tz: str
    wait_reason: str | None


def reminder_day(person: Person | None, settings: Settings, now: datetime) -> ReminderDay:
    """Whether today's reminder is due for this person at `now`, in their own timezone.

    Due means: a working day where they are, their reminder time has passed there, and they have
    neither paused reminders nor skipped today. Whether it was already sent is the caller's to know.
    """
    tz = zone(person.tz if person else None, settings.timezone)
    local = now.astimezone(tz)
    today, at = local.date(), reminder_time(person, settings)
    reason = None
    if today.weekday() not in settings.workday_numbers:
        reason = "not_workday"
    elif person is not None and person.paused_until is not None and today < person.paused_until:
        reason = "paused"
    elif person is not None and person.skip_date == today:
        reason = "skipped_today"
    elif local.time() < at:
        reason = "not_due"
    return ReminderDay(day=today, local_now=local, at=at, tz=str(tz), wait_reason=reason)


def next_reminder(person: Person | None, settings: Settings, now: datetime, *, sent_today: bool) -> datetime:
    """The local date and time of the person's next reminder, given their pause and skip."""
    today = reminder_day(person, settings, now)
    day = today.day
    for _ in range(400):  # a pause is at most a year or so; past that the loop stops anyway
        if _reminds_on(person, settings, day) and not (day == today.day and sent_today):
            break
        day += timedelta(days=1)
    return datetime.combine(day, today.at)


def _reminds_on(person: Person | None, settings: Settings, day: date) -> bool:
    if day.weekday() not in settings.workday_numbers:
        return False
    if person is not None and person.paused_until is not None and day < person.paused_until:
        return False
    return not (person is not None and person.skip_date == day)


# --- the digest's cron -------------------------------------------------------------------------------


def cron_trigger(expression: str, timezone: str) -> CronTrigger:
    """A CronTrigger that reads the day of week as crontab does (0 and 7 Sunday, 1-5 Monday to Friday).

    APScheduler 3's `from_crontab` counts 0 as Monday, so `0 9 * * 1-5` would fire Tuesday to Saturday;
    the day-of-week field is rewritten with day names, which both agree on.
    """
    fields = expression.split()
    if len(fields) == 5:
        fields[4] = _cron_weekdays(fields[4])
    return CronTrigger.from_crontab(" ".join(fields), timezone=ZoneInfo(timezone))


def _cron_weekdays(field: str) -> str:
    if field in ("*", "?"):
        return "*"
    days: set[int] = set()
    for part in field.lower().split(","):
        span, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() else 1
        if span in ("*", "?"):
            first, last = 0, 6
        else:
            start, _, end = span.partition("-")
            first = _cron_day(start)
            last = _cron_day(end) if end else (6 if step_text else first)
        days.update(day % 7 for day in range(first, last + 1, step))
    return ",".join(CRON_DAYS[day] for day in sorted(days))


def _cron_day(token: str) -> int:
    token = token.strip()
    if re.fullmatch(r"[0-7]", token):
        return int(token)  # 7 stays 7 so that `5-7` is Friday to Sunday
    if token[:3] in CRON_DAYS:
        return CRON_DAYS.index(token[:3])
    raise ValueError(f"{token!r} is not a day of the week")


def digest_slot(expression: str, timezone: str, now: datetime, *, grace: timedelta) -> datetime | None:
    """The latest scheduled digest time at or before `now`, if it is at most `grace` old."""
    trigger = cron_trigger(expression, timezone)
    slot = None
    fire = trigger.get_next_fire_time(None, now - grace)
    while fire is not None and fire <= now:
        slot = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return slot
