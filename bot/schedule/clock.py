"""The clock process: APScheduler's BlockingScheduler running the jobs, on its own (Procfile `clock:`).

Jobs: the clock lease every few seconds, reminders every 5 minutes (each run sends whatever is due in
any timezone), the digest on DIGEST_SCHEDULE in TIMEZONE, and a daily user-group and profile sync an
hour before REMINDER_TIME, each for every workspace served (one with SLACK_BOT_TOKEN, or every OAuth
installation). Every job sends only while this process holds the lease; when it takes
the lease (at start, or from a clock that went away) it catches up at once instead of waiting for
the next tick. SIGTERM stops new sends, lets the messages in hand finish, and releases the lease.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from datetime import datetime, timedelta
from types import FrameType
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.schedule.jobs import (
    DIGEST_GRACE,
    RunReport,
    Workspace,
    ask_slack_about,
    post_digest,
    send_reminders,
    workspaces,
)
from bot.schedule.lease import RENEW_EVERY, Lease, utc_now
from bot.schedule.rules import cron_trigger
from bot.tracking.people import sync_usergroups
from storage import plans, roster
from storage.db import session_scope

log = logging.getLogger("deliverables.jobs")

REMINDERS_EVERY = timedelta(minutes=5)
PEOPLE_BEFORE_REMINDERS = timedelta(hours=1)
ONE_AT_A_TIME = {"coalesce": True, "max_instances": 1}  # a late tick runs once, never beside itself


class Clock:
    """The clock's jobs, each a plain method that does nothing unless this process holds the lease."""

    def __init__(
        self,
        settings: Settings,
        *,
        engine: Engine,
        workspaces: Callable[[], list[Workspace]],
        lease: Lease,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.workspaces = workspaces  # asked at each run: a workspace may install the app at any time
        self.lease = lease
        self.now = now
        self.scheduler: BlockingScheduler | None = None
        self._leading = False

    def keep_lease(self) -> bool:
        """Renew the lease; on taking it over, run the jobs now rather than at their next tick."""
        leading = self.lease.acquire()
        if leading and not self._leading and self.scheduler is not None:
            self.scheduler.modify_job("reminders", next_run_time=self.now())
            self.scheduler.add_job(self.people, id="people-now", replace_existing=True)
            if self.settings.digest_channel:
                self.scheduler.add_job(self.digest, id="digest-now", replace_existing=True)
        self._leading = leading
        return leading

    def reminders(self) -> list[RunReport]:
        """Send the reminders due now, in every workspace."""
        if not self._may_send("reminders"):
            return []
        now = self.now()
        return [send_reminders(w.client, self.engine, w.settings, now, lease=self.lease) for w in self.workspaces()]

    def digest(self) -> list[RunReport]:
        """Post the digest of the latest slot in every workspace, if not posted yet."""
        if not self._may_send("digest"):
            return []
        now = self.now()
        return [post_digest(w.client, self.engine, w.settings, now, lease=self.lease) for w in self.workspaces()]

    def people(self) -> None:
        """Refresh roles from Slack user groups and every owner's timezone and language (users.info)."""
        if not self._may_send("people"):
            return
        now = self.now()
        for workspace in self.workspaces():
            team, client = workspace.settings.team_id, workspace.client
            with session_scope(self.engine) as session:
                plan = plans.active_plan(session=session, team_id=team)
                if plan is not None:
                    sync_usergroups(client=client, session=session, team_id=team, plan=plan)
                owners = {uid for ids in roster.members_by_role(session=session, team_id=team).values() for uid in ids}
            for uid in sorted(owners):  # one short transaction each: reminders may be writing meanwhile
                if not self.lease.held:
                    return
                ask_slack_about(client, self.engine, team, uid, now=now)

    def _may_send(self, job: str) -> bool:
        if self.lease.held:
            return True
        log.info("not sending: another clock holds the lease", extra={"kind": job, "outcome": "not_leader"})
        return False

    def build_scheduler(self) -> BlockingScheduler:
        """A BlockingScheduler with every job; the lease job runs first, at start."""
        tz = ZoneInfo(self.settings.timezone)
        scheduler = BlockingScheduler(timezone=tz)
        scheduler.add_job(
            self.keep_lease,
            IntervalTrigger(seconds=RENEW_EVERY.total_seconds()),
            id="lease",
            next_run_time=self.now(),
            **ONE_AT_A_TIME,
            misfire_grace_time=int(RENEW_EVERY.total_seconds()),
        )
        scheduler.add_job(
            self.reminders,
            IntervalTrigger(seconds=REMINDERS_EVERY.total_seconds()),
            id="reminders",
            **ONE_AT_A_TIME,
            misfire_grace_time=int(REMINDERS_EVERY.total_seconds()),
        )
        if self.settings.digest_channel:
            scheduler.add_job(
                self.digest,
                cron_trigger(self.settings.digest_schedule, self.settings.timezone),
                id="digest",
                **ONE_AT_A_TIME,
                misfire_grace_time=int(DIGEST_GRACE.total_seconds()),
            )
        sync_at = datetime.combine(datetime.now(tz).date(), self.settings.reminder_clock_time) - PEOPLE_BEFORE_REMINDERS
        scheduler.add_job(
            self.people,
            CronTrigger(hour=sync_at.hour, minute=sync_at.minute, timezone=tz),
            id="people",
            **ONE_AT_A_TIME,
            misfire_grace_time=3600,
        )
        self.scheduler = scheduler
        return scheduler


def run_clock(settings: Settings, *, engine: Engine) -> None:
    """Run the clock until SIGTERM or SIGINT, then finish the messages in hand and release the lease."""
    lease = Lease(engine, name="clock")
    clock = Clock(settings, engine=engine, workspaces=lambda: workspaces(settings, engine), lease=lease)
    scheduler = clock.build_scheduler()

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("stopping the clock", extra={"kind": "clock", "signal": signal.Signals(signum).name})
        lease.stop()  # no new sends; a job in progress finishes the message it holds
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("clock started", extra={"kind": "clock", "holder": lease.holder})
    try:
        scheduler.start()
    finally:
        lease.release()
        log.info("clock stopped", extra={"kind": "clock", "holder": lease.holder})
