"""A person's reminder controls, in their DM and Home tab: skip today, remind me tomorrow, pause, time.

What each does, stored on Person:

- Skip today: no reminder today (`skip_date`). When today's was already sent, nothing changes.
- Remind me tomorrow: no more today either, and it lifts any pause, so reminders come again from
  the next working day as usual. It is the button to press both on a DM you will deal with tomorrow
  and on a Home tab where you paused reminders and want them back.
- Pause until…: no reminders on days before the chosen date (`paused_until`); a date that is not in
  the future lifts the pause.
- My reminder time: the local time of day of their DM (`reminder_time`), in their Slack timezone.

The status line above the controls always says when the next reminder comes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.config import Settings, parse_clock_time
from bot.i18n import t
from bot.schedule.rules import next_reminder, reminder_day, reminder_key
from bot.views import blocks
from bot.views.blocks import Block
from storage import audit, deliveries, plans, roster
from storage.models import Person

BLOCK_ID = "reminders"
SKIP, TOMORROW, PAUSE, TIME = "reminder:skip", "reminder:tomorrow", "reminder:pause", "reminder:time"
CONTROLS = (SKIP, TOMORROW, PAUSE, TIME)


def settled_today(*, session: Session, team_id: str, user_id: str, day: date) -> bool:
    """Whether today's reminder was sent (or settled with nothing to send)."""
    row = deliveries.delivery(session=session, key=reminder_key(team_id, user_id, day))
    return row is not None and row.status in deliveries.DONE


def when_text(moment: datetime, today: date, lang: str) -> str:
    """`today at 09:00`, `tomorrow at 09:00`, `Monday 2025-12-15 at 09:00`."""
    at = moment.strftime("%H:%M")
    if moment.date() == today:
        return t("reminder.when_today", lang, time=at)
    if moment.date() == today + timedelta(days=1):
        return t("reminder.when_tomorrow", lang, time=at)
    weekday = t("weekdays", lang).split(",")[moment.weekday()]
    return t("reminder.when_day", lang, weekday=weekday, date=moment.date().isoformat(), time=at)


def control_blocks(
    *,
    session: Session,
    settings: Settings,
    team_id: str,
    user_id: str,
    lang: str,
    now: datetime,
    in_reminder: bool = False,
) -> list[Block]:
    """A status line saying when the next reminder comes, and the four controls.

    Drawn in today's reminder itself (`in_reminder`), "next" means the one after it.
    """
    person = roster.person(session=session, team_id=team_id, user_id=user_id)
    day = reminder_day(person, settings, now)
    sent = in_reminder or settled_today(session=session, team_id=team_id, user_id=user_id, day=day.day)
    upcoming = when_text(next_reminder(person, settings, now, sent_today=sent), day.day, lang)
    paused = person is not None and person.paused_until is not None and person.paused_until > day.day
    if paused and person is not None and person.paused_until is not None:
        status = t("reminder.status_paused", lang, date=person.paused_until.isoformat(), next=upcoming)
    else:
        status = t("reminder.status", lang, time=day.at.strftime("%H:%M"), tz=day.tz, next=upcoming)
    pause: dict[str, object] = {
        "type": "datepicker",
        "action_id": PAUSE,
        "placeholder": _plain(t("reminder.pause", lang)),
    }
    if paused and person is not None and person.paused_until is not None:
        pause["initial_date"] = person.paused_until.isoformat()
    elements = [
        blocks.button(t("reminder.skip_today", lang), SKIP, "skip"),
        blocks.button(t("reminder.tomorrow", lang), TOMORROW, "tomorrow"),
        pause,
        {
            "type": "timepicker",
            "action_id": TIME,
            "initial_time": day.at.strftime("%H:%M"),
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
    from bot.views.checklists import reader  # checklists draws these controls: imported here, not at the top

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
    text = t(key, lang, next=upcoming, date=extra.get("date", ""), time=day.at.strftime("%H:%M"), tz=day.tz)
    if extra.get("lifted"):
        text += " " + t("reminder.pause_cancelled", lang, date=extra["lifted"])
    return text


def _change(person: Person, control: str, value: str | None, *, today: date, sent: bool) -> tuple[str, dict[str, str]]:
    """Apply one control to the person; the reply's text key and what to fill in."""
    if control == SKIP:
        if sent:
            return "reminder.skip_already_sent", {}
        person.skip_date = today
        return "reminder.skip_done", {}
    if control == TOMORROW:
        lifted = person.paused_until if person.paused_until and person.paused_until > today else None
        person.skip_date, person.paused_until = today, None
        return "reminder.tomorrow_done", {"lifted": lifted.isoformat()} if lifted else {}
    if control == PAUSE:
        until = date.fromisoformat(value or "")
        if until <= today:
            person.paused_until = None
            return "reminder.resumed", {}
        person.paused_until = until
        return "reminder.paused", {"date": until.isoformat()}
    if control == TIME:
        person.reminder_time = parse_clock_time(value or "").strftime("%H:%M")
        return "reminder.time_set", {}
    raise ValueError(f"unknown reminder control {control!r}")
