"""A person's reminder controls, in their DM and Home tab: skip today, remind me tomorrow, pause, time.

What each does, stored on Person:

- Skip today: no reminder today (`skip_date`). When today's was already sent, nothing changes.
- Remind me tomorrow: no more today either, and it lifts any pause, so reminders come again from
  the next working day as usual. It is the button to press both on a DM you will deal with tomorrow
  and on a Home tab where you paused reminders and want them back.
- Pause until…: no reminders on days before the chosen date (`paused_until`); a date that is not in
  the future lifts the pause.
- My reminder time: the local time of day of their DM (`reminder_time`), in their Slack timezone.

The status line above the controls always says when the next reminder comes. The controls are drawn from
what was read of the person (`read.reminder_state`); `apply_control` stores a click.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.config import Settings, parse_clock_time
from bot.i18n import N_, long_date, t, weekday
from bot.schedule.rules import next_reminder, reminder_day
from bot.views import blocks
from bot.views.blocks import Block
from bot.views.models import ReminderState
from bot.views.read import reader, settled_today
from storage import audit, plans, roster
from storage.models import Person

BLOCK_ID = "reminders"
SKIP, TOMORROW, PAUSE, TIME = "reminder:skip", "reminder:tomorrow", "reminder:pause", "reminder:time"
CONTROLS = (SKIP, TOMORROW, PAUSE, TIME)


def when_text(moment: datetime, today: date, lang: str) -> str:
    """`today at 09:00`, `tomorrow at 09:00`, `Monday 2025-12-15 at 09:00`."""
    at = moment.strftime("%H:%M")
    if moment.date() == today:
        return t("reminder.when_today", lang, time=at)
    if moment.date() == today + timedelta(days=1):
        return t("reminder.when_tomorrow", lang, time=at)
    day = moment.date()
    return t("reminder.when_day", lang, weekday=weekday(day, lang), date=long_date(day, lang), time=at)


def control_blocks(state: ReminderState, lang: str) -> list[Block]:
    """A status line saying when the next reminder comes, and the four controls."""
    upcoming = when_text(state.upcoming, state.day, lang)
    at = state.at.strftime("%H:%M")
    if state.paused_until is not None:
        status = t("reminder.status_paused", lang, date=long_date(state.paused_until, lang), next=upcoming)
    else:
        status = t("reminder.status", lang, time=at, tz=state.tz, next=upcoming)
    pause: dict[str, object] = {
        "type": "datepicker",
        "action_id": PAUSE,
        "placeholder": _plain(t("reminder.pause", lang)),
    }
    if state.paused_until is not None:
        pause["initial_date"] = state.paused_until.isoformat()
    elements = [
        blocks.button(t("reminder.skip_today", lang), SKIP, "skip"),
        blocks.button(t("reminder.tomorrow", lang), TOMORROW, "tomorrow"),
        pause,
        {
            "type": "timepicker",
            "action_id": TIME,
            "initial_time": at,
            "placeholder": _plain(t("reminder.time", lang)),
        },
    ]
    return [blocks.context(status), {"type": "actions", "block_id": BLOCK_ID, "elements": elements}]


def _plain(text: str) -> dict[str, object]:
    return {"type": "plain_text", "text": blocks.clip(text, 150), "emoji": True}


def apply_control(
    *,
    session: Session,
    settings: Settings,
    team_id: str,
    user_id: str,
    control: str,
    value: str | None,
    now: datetime,
    source: str,
) -> str:
    """Store what the person chose, audit it, and say in their language what happens next."""
    person = roster.person(session=session, team_id=team_id, user_id=user_id) or roster.upsert_person(
        session=session, team_id=team_id, user_id=user_id
    )
    plan = plans.active_plan(session=session, team_id=team_id)
    lang = reader(session=session, settings=settings, plan=plan, team_id=team_id, user_id=user_id, now=now).lang
    today = reminder_day(person, settings, now).day
    sent = settled_today(session=session, team_id=team_id, user_id=user_id, day=today)
    before = {"skip_date": person.skip_date, "paused_until": person.paused_until, "reminder_time": person.reminder_time}
    try:
        key, extra = _change(person, control, value, today=today, sent=sent)
    except ValueError:
        return t("reminder.bad_value", lang)
    session.add(person)
    after = {"skip_date": person.skip_date, "paused_until": person.paused_until, "reminder_time": person.reminder_time}
    audit.audit(
        session=session,
        team_id=team_id,
        actor=user_id,
        action=control.replace(":", "."),
        target_type="person",
        source=source,
        detail={
            "value": value,
            "changed": {k: str(v) if v is not None else None for k, v in after.items() if before[k] != v},
        },
    )
    day = reminder_day(person, settings, now)
    upcoming = when_text(next_reminder(person, settings, now, sent_today=sent), today, lang)
    when = long_date(extra["date"], lang) if "date" in extra else ""
    text = t(key, lang, next=upcoming, date=when, time=day.at.strftime("%H:%M"), tz=day.tz)
    if extra.get("lifted"):
        text += " " + t("reminder.pause_cancelled", lang, date=long_date(extra["lifted"], lang))
    return text


def _change(person: Person, control: str, value: str | None, *, today: date, sent: bool) -> tuple[str, dict[str, date]]:
    """Apply one control to the person; the reply's text key and what to fill in."""
    if control == SKIP:
        if sent:
            return N_("reminder.skip_already_sent"), {}
        person.skip_date = today
        return N_("reminder.skip_done"), {}
    if control == TOMORROW:
        lifted = person.paused_until if person.paused_until and person.paused_until > today else None
        person.skip_date, person.paused_until = today, None
        return N_("reminder.tomorrow_done"), {"lifted": lifted} if lifted else {}
    if control == PAUSE:
        until = date.fromisoformat(value or "")
        if until <= today:
            person.paused_until = None
            return N_("reminder.resumed"), {}
        person.paused_until = until
        return N_("reminder.paused"), {"date": until}
    if control == TIME:
        person.reminder_time = parse_clock_time(value or "").strftime("%H:%M")
        return N_("reminder.time_set"), {}
    raise ValueError(f"unknown reminder control {control!r}")
