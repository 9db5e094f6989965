"""The clock's jobs: every owner's daily reminder and the blockers digest.

Plain functions of (client, engine, settings, now), called by the clock, by `run-job` and by tests
with a chosen `now`. Each run sends what is due and not sent yet, so running every few minutes
catches every timezone, a late run still sends, and a repeated run sends nothing twice
(bot.slack.sending). Each run sends under a lease (bot.schedule.lease): the clock's, or one of its own; once
the lease is not held any more, nothing new is sent.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from slack_sdk import WebClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import Settings
from bot.i18n import t
from bot.metrics import JOB_LAST_SUCCESS, JOB_SECONDS, MESSAGES
from bot.schedule.lease import Lease, holder_id
from bot.schedule.rules import digest_key, digest_slot, reminder_day, reminder_key
from bot.slack.client import slack_client
from bot.slack.sending import Outgoing, Result, send_once
from bot.tracking.people import remember_person
from bot.views import checklists, read
from bot.views.digest import build_digest, escalated_users
from storage import deliveries, roster
from storage.db import session_scope
from storage.models import Delivery, Person

log = logging.getLogger("deliverables.jobs")

WORKERS = 8  # concurrent DMs: each is its own channel, so Slack's workspace-wide limit is what binds
DIGEST_GRACE = timedelta(hours=6)  # a digest slot missed by longer than this is not posted late


class Workspace(NamedTuple):
    """A workspace the jobs serve: settings with its TEAM_ID, and a client with its bot token."""

    settings: Settings
    client: WebClient


def workspaces(settings: Settings, engine: Engine) -> list[Workspace]:
    """TEAM_ID with SLACK_BOT_TOKEN; installed through OAuth, every installation with its own token."""
    if not settings.multi_workspace:
        return [Workspace(settings, slack_client(settings))]
    from bot.slack.oauth import installed_teams

    return [
        Workspace(settings.model_copy(update={"team_id": team}), slack_client(settings, token=token))
        for team, token in installed_teams(settings, engine)
    ]


@dataclass
class RunReport:
    """What one run of a job did, counted by outcome, with the errors by recipient."""

    job: str
    team_id: str
    at: datetime
    outcomes: Counter[str] = field(default_factory=Counter)
    errors: dict[str, str] = field(default_factory=dict)
    duration_ms: float = 0.0

    def add(self, outcome: str, recipient: str, error: str | None = None) -> None:
        self.outcomes[outcome] += 1
        if error:
            self.errors[recipient] = error

    @property
    def sent(self) -> int:
        return self.outcomes["sent"]

    @property
    def failed(self) -> int:
        return self.outcomes["failed"] + self.outcomes["error"]

    def summary(self) -> str:
        """`reminders T0LOCAL at 2025-12-08T08:00:00+00:00: 3 sent, 1 nothing_open, 12 not_due (41 ms)`."""
        counts = ", ".join(f"{n} {outcome}" for outcome, n in self.outcomes.most_common()) or "nothing to do"
        return f"{self.job} {self.team_id} at {self.at.isoformat()}: {counts} ({self.duration_ms:.0f} ms)"


# --- reminders ----------------------------------------------------------------------------------------


@dataclass
class _Run:
    client: WebClient
    engine: Engine
    settings: Settings
    now: datetime
    lease: Lease
    escalated: set[str]


def send_reminders(
    client: WebClient,
    engine: Engine,
    settings: Settings,
    now: datetime,
    *,
    lease: Lease | None = None,
    workers: int = WORKERS,
) -> RunReport:
    """DM every owner whose reminder is due at `now` in their own timezone and not sent yet today."""
    if lease is None:
        with Lease.for_run(engine).kept() as own:
            return send_reminders(client, engine, settings, now, lease=own, workers=workers)
    started = time.perf_counter()
    report = RunReport("reminders", settings.team_id, now)
    team = settings.team_id
    with session_scope(engine) as session:
        members = roster.members_by_role(session=session, team_id=team)
        owners = list(dict.fromkeys(uid for ids in members.values() for uid in ids))
        people = roster.people(session=session, team_id=team, user_ids=owners)
        days = {uid: reminder_day(people.get(uid), settings, now) for uid in owners}
        rows = deliveries.deliveries(session=session, keys=[reminder_key(team, uid, days[uid].day) for uid in owners])
    todo: list[tuple[str, Delivery | None, bool]] = []  # owner, today's delivery, whether to ask Slack first
    for uid in owners:
        person, day = people.get(uid), days[uid]
        row = rows.get(reminder_key(team, uid, day.day))
        if person is None or person.refreshed_at is None:  # Slack never told us their timezone: ask first
            todo.append((uid, row, True))
        elif day.wait_reason is not None:
            report.add(day.wait_reason, uid)
        elif row is not None and row.status in deliveries.DONE:
            report.add("done", uid)
        else:
            todo.append((uid, row, False))
    if todo:
        run = _Run(client, engine, settings, now, lease, _escalated(engine, settings, now))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="reminders") as pool:
            futures = {pool.submit(_remind, run, uid, row, ask): uid for uid, row, ask in todo}
            for future in as_completed(futures):
                uid = futures[future]
                try:
                    outcome, error = future.result()
                except Exception as exc:  # one owner's trouble never stops the others
                    log.exception("reminder failed", extra={"kind": "reminder", "outcome": "error", "user": uid})
                    outcome, error = "error", f"{type(exc).__name__}: {exc}"
                report.add(outcome, uid, error)
    report.duration_ms = (time.perf_counter() - started) * 1000
    _log_run(report)
    return report


def _escalated(engine: Engine, settings: Settings, now: datetime) -> set[str]:
    """Owners of blockers overdue past ESCALATE_AFTER_DAYS: the digest mentions them, and so does their DM."""
    with session_scope(engine) as session:
        found = read.digest(session=session, settings=settings, team_id=settings.team_id, now=now)
    return escalated_users(found, settings) if found else set()


@dataclass(frozen=True)
class _Due:
    """A reminder due today and not sent yet: the owner's row, their day, and its delivery (if one was claimed)."""

    person: Person | None
    day: date
    key: str
    row: Delivery | None


def _remind(run: _Run, user_id: str, row: Delivery | None, ask_first: bool) -> tuple[str, str | None]:
    """One owner's reminder, if due: read and draw it in one session, then send it once.

    `ask_first`: Slack never told us their timezone (users.info, in a transaction of its own).
    """
    started = time.perf_counter()
    team = run.settings.team_id
    if not run.lease.held:
        return "stopped", None
    if ask_first:
        ask_slack_about(run.client, run.engine, team, user_id, now=run.now)
    with session_scope(run.engine) as session:
        due = _due(session, run, user_id, row)
        if isinstance(due, str):
            return due, None
        page = checklists.reminder(
            session=session,
            settings=run.settings,
            team_id=team,
            user_id=user_id,
            now=run.now,
            person=due.person,
            escalated=user_id in run.escalated,
        )
        if page is None:  # nothing open: settle the day so later runs do not look again
            deliveries.claim_new(
                session=session,
                key=due.key,
                team_id=team,
                kind="reminder",
                recipient=user_id,
                day=due.day,
                status="skipped",
            )
            _log_delivery("reminder", user_id, Result("nothing_open"), started)
            return "nothing_open", None
    message = Outgoing(
        key=due.key, team_id=team, kind="reminder", recipient=user_id, day=due.day, text=page.text, blocks=page.blocks
    )
    result = send_once(
        client=run.client,
        engine=run.engine,
        message=message,
        row=due.row,
        sender=run.lease.holder,
        recovery_channel=lambda: _dm_channel(run.client, run.engine, team, user_id),
    )
    _log_delivery("reminder", user_id, result, started)
    return result.outcome, result.error


def _due(session: Session, run: _Run, user_id: str, row: Delivery | None) -> _Due | str:
    """What today's reminder needs to be drawn and sent, or why none is due (`not_due`, `paused`, `done`...)."""
    team = run.settings.team_id
    person = roster.person(session=session, team_id=team, user_id=user_id)
    day = reminder_day(person, run.settings, run.now)
    if day.wait_reason is not None:
        return day.wait_reason
    key = reminder_key(team, user_id, day.day)
    if row is None or row.key != key:
        row = deliveries.delivery(session=session, key=key)
    if row is not None and row.status in deliveries.DONE:
        return "done"
    return _Due(person=person, day=day.day, key=key, row=row)


def ask_slack_about(client: WebClient, engine: Engine, team_id: str, user_id: str, *, now: datetime) -> None:
    """Refresh a person's timezone and language from users.info, in a transaction of its own."""
    remember_person(client=client, engine=engine, team_id=team_id, user_id=user_id, now=now)


def _dm_channel(client: WebClient, engine: Engine, team_id: str, user_id: str) -> str:
    """The DM's conversation id, to read its history: from an earlier reminder, else conversations.open."""
    with session_scope(engine) as session:
        known = deliveries.last_channel(session=session, team_id=team_id, kind="reminder", recipient=user_id)
    return known or str(client.conversations_open(users=user_id)["channel"]["id"])


# --- the digest ---------------------------------------------------------------------------------------


def post_digest(
    client: WebClient, engine: Engine, settings: Settings, now: datetime, *, lease: Lease | None = None
) -> RunReport:
    """Post the digest of the latest DIGEST_SCHEDULE slot at or before `now`, once per slot."""
    if lease is None:
        with Lease.for_run(engine).kept() as own:
            return post_digest(client, engine, settings, now, lease=own)
    started = time.perf_counter()
    report = RunReport("digest", settings.team_id, now)
    channel = settings.digest_channel
    slot = digest_slot(settings.digest_schedule, settings.timezone, now, grace=DIGEST_GRACE)
    if not channel:
        report.add("no_channel", "-")
    elif slot is None:
        report.add("no_slot", channel)
    elif not lease.held:
        report.add("stopped", channel)
    else:
        key = digest_key(settings.team_id, channel, slot)
        result = _post_digest(
            client, engine, settings, settings.team_id, now, key=key, day=slot.date(), sender=lease.holder
        )
        report.add(result.outcome, channel, result.error)
    report.duration_ms = (time.perf_counter() - started) * 1000
    _log_run(report)
    return report


def post_digest_now(
    *, client: WebClient, engine: Engine, settings: Settings, team_id: str, now: datetime, lang: str
) -> str:
    """Post the digest now (`/deliverables digest`, admins); one line saying how it went, in `lang`."""
    channel = settings.digest_channel
    if not channel:
        return t("digest.no_channel", lang)
    # One manual digest per minute: two admins asking at once get one post. No lease is held here,
    # so an unfinished manual digest is never retried; the next minute's request simply posts anew.
    key = digest_key(team_id, channel, "manual:" + now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M"))
    result = _post_digest(
        client, engine, settings, team_id, now, key=key, day=now.date(), sender=holder_id(), manual=True
    )
    where = channel_ref(result.channel or channel)
    if result.outcome == "no_plan":
        return t("plan.none", lang)
    if result.outcome == "busy":
        return t("digest.busy", lang, channel=where)
    if result.outcome in ("sent", "done", "recovered"):
        return t("digest.posted", lang, channel=where)
    return t("digest.failed", lang, channel=where, error=result.error or result.outcome)


def _post_digest(
    client: WebClient,
    engine: Engine,
    settings: Settings,
    team_id: str,
    now: datetime,
    *,
    key: str,
    day: date,
    sender: str,
    manual: bool = False,
) -> Result:
    started = time.perf_counter()
    channel = settings.digest_channel or ""
    with session_scope(engine) as session:
        row = deliveries.delivery(session=session, key=key)
        if row is not None and row.status in deliveries.DONE:
            return Result("done", row.channel, row.ts)
        if row is not None and manual:  # another admin's request of this minute is posting it
            return Result("busy", row.channel)
        previous = deliveries.last_sent(session=session, team_id=team_id, kind="digest")
        digest = build_digest(
            session=session,
            settings=settings,
            team_id=team_id,
            now=now,
            previous=previous.snapshot.get("deliverables") if previous else None,
        )
        known = deliveries.last_channel(session=session, team_id=team_id, kind="digest", recipient=channel)
    if digest is None:
        return Result("no_plan")
    message = Outgoing(
        key=key,
        team_id=team_id,
        kind="digest",
        recipient=channel,
        day=day,
        text=digest.text,
        blocks=digest.summary,
        thread=digest.thread,
        snapshot={"deliverables": digest.snapshot},
    )
    # Channel history wants an id; a name is all we have until the first digest tells us the id.
    result = send_once(
        client=client, engine=engine, message=message, row=row, sender=sender, recovery_channel=lambda: known or channel
    )
    _log_delivery("digest", channel, result, started)
    return result


def channel_ref(channel: str) -> str:
    """A channel as Slack shows it: `<#C123>` for an id, `#name` for a name."""
    return f"<#{channel}>" if re.fullmatch(r"[CG][A-Z0-9]{6,}", channel) else "#" + channel.lstrip("#")


# --- logs ---------------------------------------------------------------------------------------------


def _log_delivery(kind: str, recipient: str, result: Result, started: float) -> None:
    if result.outcome == "done":
        return
    MESSAGES.labels("dm" if kind == "reminder" else kind, COUNTED.get(result.outcome, result.outcome)).inc()
    log.log(
        logging.WARNING if result.outcome == "failed" else logging.INFO,
        f"{kind} {result.outcome}",
        extra={
            "kind": kind,
            "outcome": result.outcome,
            "recipient": recipient,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            **({"error": result.error} if result.error else {}),
        },
    )


COUNTED = {"recovered": "sent", "gave_up": "failed", "nothing_open": "skipped"}  # the runbook's outcomes


def _log_run(report: RunReport) -> None:
    JOB_SECONDS.labels(report.job).observe(report.duration_ms / 1000)
    JOB_LAST_SUCCESS.labels(report.job).set_to_current_time()  # the run finished; failed sends count apart
    log.info(
        report.summary(),
        extra={
            "kind": report.job,
            "outcome": "failed" if report.failed else "ok",
            "duration_ms": round(report.duration_ms, 1),
        },
    )
