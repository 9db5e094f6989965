"""Time the daily DMs of 1,000 owners through a rate-limited fake Slack, and a run killed halfway.

`python -m bench.reminders_bench [OWNERS] [DATABASE_URL]` (SQLite in a temporary file by default).
Prints figures, never asserts.

Every run is the real command, `python -m bot run-job reminders --now ...`, in its own process,
pointed at a fake Slack Web API served by this process. The fake's limits, set here:

- chat.postMessage: 1,200 a minute workspace-wide, in bursts of up to 20. Slack publishes no exact
  workspace figure (it allows "several hundred a minute" in bursts, and about one message a second
  per channel, which never binds here: every DM is its own channel); 1,200 keeps the bench to a
  minute. The least time these limits allow for N messages is (N - 20) / 20 seconds.
- users.info 100 a minute and conversations.history 50 a minute (Slack's tiers 4 and 3).

Owners' profiles (timezone, language) are stored beforehand, as the clock's daily people job leaves
them, so the morning's work is the DMs alone. Scenario two kills the run with SIGKILL halfway, starts
it again at once, and runs it a third time once the killed process's lease has expired (what the
clock's next tick would do): each owner must end with exactly one DM.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

from bot.document.plan import Deliverable, Item, Plan, RoleList, Section
from bot.schedule.lease import TTL
from bot.tracking.importer import import_plan
from storage import db, roster
from tests.fake_slack import FakeSlack

TOKEN = "xoxb-bench"
ROOT = Path(__file__).resolve().parent.parent
PER_MINUTE, BURST = 1200, 20
ZONES = ("Europe/Madrid", "America/Bogota", "Asia/Kolkata")
MONDAY = "2025-12-08T15:00:00+00:00"  # past 09:00 on a Monday in Madrid, Bogotá and Kolkata alike
TUESDAY = "2025-12-09T15:00:00+00:00"


def owners(n: int) -> list[str]:
    return [f"U{index:07d}" for index in range(n)]


def prepare(url: str, people: list[str]) -> None:
    """A plan with ten roles, each owner in one, profiles known."""
    engine = db.make_engine(url)
    db.migrate(engine)
    roles = [f"Team {r}" for r in range(10)]
    plan = Plan(
        title="Bench",
        date=date(2025, 12, 1),
        language="en",
        sections=[Section(title="BLOCKERS", priority="blocker", due=date(2025, 12, 20))],
        deliverables=[
            Deliverable(
                number=r + 1,
                title=f"Deliverable of {role}",
                section="BLOCKERS",
                priority="blocker",
                owners=[role],
                due=date(2025, 12, 20),
                items=[Item("First step"), Item("Second step")],
            )
            for r, role in enumerate(roles)
        ],
        today=[RoleList(role=roles[0], items=[Item("Stand-up")])],
    )
    refreshed = datetime(2025, 12, 8, 12, 0, tzinfo=UTC)
    with db.session_scope(engine) as session:
        import_plan(session=session, plan=plan, team_id="TBENCH", source_name="bench.md", source_text="")
        for index, user in enumerate(people):
            roster.assign_role(session=session, team_id="TBENCH", role=roles[index % 10], user_ids=[user], actor="cli")
            roster.upsert_person(
                session=session,
                team_id="TBENCH",
                user_id=user,
                tz=ZONES[index % 3],
                language="en",
                refreshed_at=refreshed,
            )
    engine.dispose()


def run_job(env: dict[str, str], now: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run-job", "reminders", "--now", now],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> str:
    out, _ = process.communicate()
    return out.strip().splitlines()[0] if out.strip() else f"(exit {process.returncode})"


def dms_by_owner(slack: FakeSlack, day: str) -> Counter[str]:
    """Messages in each owner's DM carrying that day's reminder key."""
    found: Counter[str] = Counter()
    for message in slack.messages():
        key = (message.get("metadata") or {}).get("event_payload", {}).get("delivery", "")
        if key.endswith(day):
            found[key.split(":")[2]] += 1
    return found


def tally(slack: FakeSlack, people: list[str], day: str) -> str:
    per_owner = dms_by_owner(slack, day)
    duplicates = sum(count - 1 for count in per_owner.values() if count > 1)
    lost = sum(1 for user in people if per_owner[user] == 0)
    return f"duplicates {duplicates}, lost {lost}"


def main(n: int = 1000, url: str | None = None) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="deliverables-bench-"))
    url = url or f"sqlite:///{workdir / 'bench.db'}"
    people = owners(n)
    prepare(url, people)
    with FakeSlack(token=TOKEN) as slack:
        for index, user in enumerate(people):
            slack.add_user(user, name=user.lower(), tz=ZONES[index % 3])
        slack.set_rate_limit("chat.postMessage", per_minute=PER_MINUTE, burst=BURST)
        slack.set_rate_limit("users.info", per_minute=100, burst=20)
        slack.set_rate_limit("conversations.history", per_minute=50, burst=5)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_API_URL": slack.url,
            "TEAM_ID": "TBENCH",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        minimum = max(n - BURST, 0) / (PER_MINUTE / 60)
        print(f"{n} owners in {', '.join(ZONES)}; database {url.split(':')[0]}")
        print(f"chat.postMessage limit {PER_MINUTE}/min, bursts of {BURST}: at least {minimum:.1f} s for {n} DMs")

        started = time.perf_counter()
        report = finish(run_job(env, MONDAY))
        wall = time.perf_counter() - started
        limited = sum(1 for c in slack.calls_to("chat.postMessage") if c.status == 429)
        print(f"\n1. one run: {wall:.1f} s wall, {wall / minimum:.2f}x the minimum ({limited} answers were 429)")
        print(f"   {report}")
        print(f"   {tally(slack, people, '2025-12-08')}")

        print("\n2. a run killed with SIGKILL halfway, restarted at once, and run again after its lease expired")
        killed_at = time.perf_counter()
        process = run_job(env, TUESDAY)
        # The fake's server threads report each connection the killed process drops: not news here.
        with contextlib.redirect_stderr(io.StringIO()):
            while sum(dms_by_owner(slack, "2025-12-09").values()) < n // 2 and process.poll() is None:
                time.sleep(0.02)
            process.send_signal(signal.SIGKILL)
            process.wait()
            time.sleep(0.5)
        print(f"   killed after {sum(dms_by_owner(slack, '2025-12-09').values())} DMs")
        restarted = time.perf_counter()
        report = finish(run_job(env, TUESDAY))
        print(f"   restarted at once, {time.perf_counter() - restarted:.1f} s wall: {report}")
        print(f"   {tally(slack, people, '2025-12-09')} (the killed run's last claims wait for its lease to expire)")
        wait = max(0.0, killed_at + TTL.total_seconds() + 1 - time.perf_counter())
        time.sleep(wait)
        print(f"   run again {wait:.0f} s later: {finish(run_job(env, TUESDAY))}")
        print(f"   {tally(slack, people, '2025-12-09')}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000, sys.argv[2] if len(sys.argv) > 2 else None)
