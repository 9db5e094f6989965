"""The clock process: the lease, the scheduler's jobs, the commands, and a real process stopped with SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from pydantic import SecretStr
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.cli.main import main
from bot.config import Settings, get_settings
from bot.schedule.clock import Clock
from bot.schedule.jobs import Workspace, workspaces
from bot.schedule.lease import Lease
from bot.slack.oauth import installation_store
from storage.models import Lease as LeaseRow
from tests.jobs_support import TOKEN, Env, fake_slack, fast_client, load_team, settings_for

ROOT = Path(__file__).resolve().parent.parent


class FakeTime:
    """A clock for leases that moves only when told."""

    def __init__(self) -> None:
        self.now = datetime(2025, 12, 8, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def served(env: Env) -> Callable[[], list[Workspace]]:
    return lambda: [Workspace(env.settings, env.client)]


@pytest.fixture
def env(settings: Settings, engine: Engine) -> Iterator[Env]:
    load_team(engine)
    with fake_slack() as slack:
        configured = settings_for(settings, slack)
        yield Env(slack, configured, engine, fast_client(configured))


def test_a_second_clock_sends_nothing_until_the_first_goes_away(env: Env) -> None:
    tick = FakeTime()
    now = lambda: datetime(2025, 12, 8, 15, 0, tzinfo=UTC)  # noqa: E731
    first = Clock(env.settings, engine=env.engine, workspaces=served(env), lease=Lease(env.engine, clock=tick), now=now)
    second = Clock(
        env.settings, engine=env.engine, workspaces=served(env), lease=Lease(env.engine, clock=tick), now=now
    )
    assert first.keep_lease() and not second.keep_lease()
    assert second.reminders() == [] and second.digest() == []
    assert env.slack.calls_to("chat.postMessage") == []
    [report] = first.reminders()
    assert report.sent == 3
    tick.now += timedelta(minutes=1)  # the first clock died without letting go
    assert second.keep_lease()
    [again] = second.reminders()
    assert again.sent == 0 and again.outcomes["done"] == 4
    assert len(env.slack.calls_to("chat.postMessage")) == 3


def test_the_scheduler_has_every_job_and_catches_up_when_it_takes_the_lease(env: Env) -> None:
    clock = Clock(env.settings, engine=env.engine, workspaces=served(env), lease=Lease(env.engine))
    scheduler = clock.build_scheduler()
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"lease", "reminders", "digest", "people"}
    assert isinstance(jobs["reminders"].trigger, IntervalTrigger)
    assert jobs["reminders"].trigger.interval == timedelta(minutes=5)
    assert jobs["reminders"].coalesce and jobs["reminders"].max_instances == 1
    saturday = datetime(2025, 12, 13, 12, 0, tzinfo=UTC)
    monday_nine = jobs["digest"].trigger.get_next_fire_time(None, saturday)
    assert monday_nine.isoformat() == "2025-12-15T09:00:00+01:00"
    assert jobs["people"].trigger.get_next_fire_time(None, saturday).strftime("%H:%M %Z") == "08:00 CET"
    assert clock.keep_lease()
    assert {"digest-now", "people-now"} <= {job.id for job in scheduler.get_jobs()}


def test_with_oauth_each_installed_workspace_gets_its_reminders_with_its_own_token(
    settings: Settings, engine: Engine
) -> None:
    with fake_slack() as slack:
        several = settings_for(
            settings,
            slack,
            slack_bot_token=None,
            slack_client_id=slack.client_id,
            slack_client_secret=SecretStr(slack.client_secret),
        )
        for team in ("TALPHA", "TBETA"):
            load_team(engine, team_id=team)
            slack.installed[f"xoxb-{team}"] = team
            installation_store(several, engine).save(
                Installation(app_id="A1", team_id=team, user_id="UINSTALLER", bot_token=f"xoxb-{team}")
            )
        served_now = lambda: workspaces(several, engine)  # noqa: E731
        assert sorted(w.settings.team_id for w in served_now()) == ["TALPHA", "TBETA"]
        now = lambda: datetime(2025, 12, 8, 15, 0, tzinfo=UTC)  # noqa: E731
        clock = Clock(several, engine=engine, workspaces=served_now, lease=Lease(engine), now=now)
        assert clock.keep_lease()
        assert sorted((r.team_id, r.sent) for r in clock.reminders()) == [("TALPHA", 3), ("TBETA", 3)]
        posts = slack.calls_to("chat.postMessage")
        assert len(posts) == 6 and all(f"{c.params['_team']}:reminder:" in str(c.params["metadata"]) for c in posts)


def test_jobs_refuse_to_run_without_slack(settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    try:
        for argv in (["run-job", "reminders"], ["clock"]):
            assert main(argv) == 2
            error = capsys.readouterr().err
            assert "SLACK_BOT_TOKEN" in error and "python -m bot preview" in error
    finally:
        get_settings.cache_clear()


def test_run_job_sends_what_is_due_as_of_now(env: Env, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    for name, value in {
        "DATABASE_URL": env.settings.database_url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": env.slack.url,
        "TIMEZONE": "Europe/Madrid",
        "DIGEST_CHANNEL": "deliverables",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        assert main(["run-job", "reminders", "--now", "2025-12-08T09:00+01:00"]) == 0
        assert "2 sent" in capsys.readouterr().out and env.dms("UMAD") and env.dms("UKOL")
        assert main(["run-job", "digest", "--now", "2025-12-08T09:01+01:00"]) == 0
        assert "1 sent" in capsys.readouterr().out and env.channel_messages()
        assert main(["run-job", "digest", "--now", "2025-12-13T12:00+01:00"]) == 0  # a Saturday
        assert "1 no_slot" in (said := capsys.readouterr().out) and "give it as --now" in said
        assert main(["run-job", "digest", "--now", "yesterday"]) == 2
    finally:
        get_settings.cache_clear()


def wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_clock_process_sends_a_second_one_waits_and_sigterm_stops_it_cleanly(env: Env, tmp_path: Path) -> None:
    environment = {
        **os.environ,
        "DATABASE_URL": env.settings.database_url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": env.slack.url,
        "WORKDAYS": "mon-sun",  # whatever day and hour the test runs, everyone's reminder is due
        "REMINDER_TIME": "00:00",
        "LOG_FORMAT": "json",
        "PYTHONPATH": str(ROOT),
    }
    logs = [open(tmp_path / f"clock{n}.log", "w+") for n in (1, 2)]  # noqa: SIM115
    first = subprocess.Popen([sys.executable, "-m", "bot", "clock"], cwd=ROOT, env=environment, stderr=logs[0])
    second = None
    try:
        wait_for(lambda: len(env.slack.calls_to("chat.postMessage")) == 3)
        second = subprocess.Popen([sys.executable, "-m", "bot", "clock"], cwd=ROOT, env=environment, stderr=logs[1])
        wait_for(lambda: "another clock holds the lease" in (tmp_path / "clock2.log").read_text())
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=10) == 0
        assert "clock stopped" in (tmp_path / "clock1.log").read_text()
        with Session(env.engine) as session:
            lease = session.get(LeaseRow, "clock")
            assert lease is not None and lease.expires_at <= datetime.now(UTC)  # let go: no waiting for it
        assert len(env.slack.calls_to("chat.postMessage")) == 3
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
        for log in logs:
            log.close()
