"""Smoke test of a deployment on this machine: `serve` and `clock` against a fake Slack, every user action once.

`python -m bench.smoke` starts both processes as a user would (real gunicorn workers, real signed requests),
runs one of each user action, waits for the clock's DMs, scrapes /metrics and prints every counter that moved.
It exits non-zero on any 5xx answer, any request Slack would have rejected, a counter that did not move, or
a reminder sent twice (a `run-job reminders` is started next to the running clock on purpose).
SMOKE_DATABASE_URL points it at PostgreSQL (an empty schema, e.g. `...?options=-csearch_path%3Dsmoke`).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e import SIGNING_SECRET, TOKEN, click  # noqa: E402
from tests.fake_slack import FakeSlack  # noqa: E402
from tests.slack_signing import (  # noqa: E402
    SlackClient,
    app_home_opened_event,
    block_actions_payload,
    button_action,
    message_container,
)

PEOPLE = {"USRE1": "SRE", "UQA1": "QA", "UDEV1": "Dev Lead", "USEC1": "Security", "UADMIN": None}
WANTED = [
    'deliverables_requests_total{kind="command:mine",outcome="ok"}',
    'deliverables_requests_total{kind="command:status",outcome="ok"}',
    'deliverables_requests_total{kind="command:blockers",outcome="ok"}',
    'deliverables_requests_total{kind="command:evidence",outcome="ok"}',
    'deliverables_requests_total{kind="command:digest",outcome="ok"}',
    'deliverables_requests_total{kind="block_actions",outcome="ok"}',
    'deliverables_requests_total{kind="view_submission",outcome="ok"}',
    'deliverables_requests_total{kind="event:app_home_opened",outcome="ok"}',
    'deliverables_requests_total{kind="unverified",outcome="rejected"}',
    'deliverables_slack_api_calls_total{method="chat.postMessage",outcome="ok"}',
    'deliverables_slack_api_calls_total{method="views.publish",outcome="ok"}',
    'deliverables_messages_total{kind="dm",outcome="sent"}',
    'deliverables_messages_total{kind="digest",outcome="sent"}',
    'deliverables_deliverables_open{priority="blocker"}',
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"smoke: timed out waiting for {what}")


Answers = list[tuple[str, int]]  # (what was done, the HTTP status it got)


def main() -> int:
    """Run the deployment once through and print what it answered and counted; 1 if anything was wrong."""
    work = Path(tempfile.mkdtemp(prefix="deliverables-smoke-"))
    with FakeSlack(token=TOKEN) as slack:
        seed_workspace(slack)
        env = environment(slack, work, free_port())
        bot(env, "import", env["DELIVERABLES_FILE"])
        for user, role in PEOPLE.items():
            if role:
                bot(env, "roles", "assign", role, user)
        answers, metrics = run_deployment(env, slack, work)
        problems = check(answers, metrics, slack)
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print("smoke: " + ("FAILED" if problems else "all good") + f" (logs in {work})")
    return 1 if problems else 0


def seed_workspace(slack: FakeSlack) -> None:
    slack.retry_after_seconds = 0
    slack.add_channel("C0DIGEST", "launch")
    slack.add_channel("C0FAKE0001", "general")
    for user in PEOPLE:
        slack.add_user(user, name=user.lower(), tz="UTC", locale="es-ES")


def environment(slack: FakeSlack, work: Path, port: int) -> dict[str, str]:
    """The settings both processes run with: reminders due two minutes ago, so the clock sends them at once."""
    now = datetime.now(UTC)
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PROMETHEUS_", "DATABASE_"))},
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": os.environ.get("SMOKE_DATABASE_URL", f"sqlite:///{work / 'smoke.db'}"),
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "ADMIN_USER_IDS": "UADMIN",
        "DIGEST_CHANNEL": "C0DIGEST",
        "REMINDER_TIME": (now - timedelta(minutes=2)).strftime("%H:%M"),
        "WORKDAYS": "mon-sun",
        "TIMEZONE": "UTC",
        "PROMETHEUS_MULTIPROC_DIR": str(work / "metrics"),
        "DELIVERABLES_FILE": str(ROOT / "seeds" / "ENTREGABLES_PENDIENTES.md"),
    }


def bot(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def run_deployment(env: dict[str, str], slack: FakeSlack, work: Path) -> tuple[Answers, str]:
    """Start `serve`, then `clock`; act as every user once, wait for the DMs; stop both. Answers and /metrics."""
    logs = {name: (work / f"{name}.log").open("w") for name in ("serve", "clock")}
    serve = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"], cwd=ROOT, env=env, stdout=logs["serve"], stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{env['PORT']}"
    clock = None
    try:
        wait_for(lambda: requests.get(f"{url}/healthz", timeout=1).status_code == 200, 30, "serve")
        clock = subprocess.Popen(
            [sys.executable, "-m", "bot", "clock"],
            cwd=ROOT,
            env=env,
            stdout=logs["clock"],
            stderr=subprocess.STDOUT,
        )
        answers = act(SlackClient(f"{url}/slack/events", SIGNING_SECRET, fake=slack), slack)
        wait_for(
            lambda: all(slack.messages(slack.dm_channel(u)) for u, r in PEOPLE.items() if r), 60, "the clock's DMs"
        )
        answers += reminders_once(env, slack)
        metrics = requests.get(f"{url}/metrics", timeout=5).text
    finally:
        for process in (clock, serve):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
        for log in logs.values():
            log.close()
    return answers, metrics


def act(side: SlackClient, slack: FakeSlack) -> Answers:
    """Every user action once, as Slack would send it: commands, a tick, evidence both ways, the Home tab."""
    answers: Answers = []

    def record(label: str, response: requests.Response) -> requests.Response:
        answers.append((label, response.status_code))
        return response

    mine = record("/deliverables mine", side.send_command("mine", "USRE1")).json()["blocks"]
    for text in ("status", "blockers", "role QA", "help", "whatever"):
        record(f"/deliverables {text}", side.send_command(text, "UQA1"))
    ephemeral = message_container("C0FAKE0001", "1733650000.000001", is_ephemeral=True)
    record("tick", side.send_action(block_actions_payload("USRE1", [click(mine, "LOG_TOKEN")], ephemeral)))
    record("/deliverables evidence", side.send_command("evidence 7 https://grafana.example.com/d/1", "USRE1"))
    record("evidence button", side.send_action(block_actions_payload("USRE1", [evidence_button(mine)], ephemeral)))
    time.sleep(0.5)
    view = slack.calls_to("views.open")[-1].response["view"]
    values = {
        "evidence_text": {"value": {"type": "plain_text_input", "value": "backup OK, 42 GB"}},
        "evidence_link": {"value": {"type": "url_text_input", "value": None}},
        "evidence_files": {"value": {"type": "file_input", "files": []}},
    }
    record(
        "evidence modal",
        side.send_view_submission("USRE1", "evidence", view["private_metadata"], values, view_id=view["id"]),
    )
    record("home tab", side.send_event(app_home_opened_event("USRE1")))
    record("/deliverables digest", side.send_command("digest", "UADMIN"))
    record("forged request", side.send_command("mine", "USRE1", bad_signature=True))
    return answers


def evidence_button(mine: list[dict]) -> dict:
    """A click on the first "Add evidence" button of a `mine` message."""
    button = next(
        e
        for b in mine
        if b.get("type") == "actions"
        for e in b["elements"]
        if e.get("action_id", "").startswith("evidence:open:")
    )
    block = next(b for b in mine if button in b.get("elements", []))
    return button_action(button["action_id"], block["block_id"], button["value"])


def reminders_once(env: dict[str, str], slack: FakeSlack) -> Answers:
    """Start a second sender next to the running clock (as an operator might by hand): it sends nothing more."""
    subprocess.run([sys.executable, "-m", "bot", "run-job", "reminders"], cwd=ROOT, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)  # fmt: skip
    time.sleep(1)
    answers: Answers = []
    for user, role in PEOPLE.items():
        reminders = [m for m in slack.messages(slack.dm_channel(user))
                     if (m.get("metadata") or {}).get("event_type") == "deliverables_reminder"]  # fmt: skip
        answers.append((f"reminders to {user}", 200 if len(reminders) == (1 if role else 0) else 409))
    return answers


def check(answers: Answers, metrics: str, slack: FakeSlack) -> list[str]:
    """Print every answer and counter; the problems among them and any request Slack would have rejected."""
    problems: list[str] = []
    print(f"{'action':<28} HTTP")
    for label, status in answers:
        print(f"{label:<28} {status}")
        if status >= 500 or (status != 200 and label != "forged request"):
            problems.append(f"{label} answered {status}")
    print("\ncounters")
    for name in WANTED:
        found = re.search(re.escape(name) + r" ([0-9.e+]+)", metrics)
        value = float(found[1]) if found else 0.0
        print(f"  {value:>6g}  {name}")
        if value <= 0:
            problems.append(f"{name} did not move")
    rejected = slack.rejections
    if rejected:
        problems += [f"Slack would reject {c.method}: {c.response.get('error')} {c.errors}" for c in rejected]
    return problems


if __name__ == "__main__":
    raise SystemExit(main())
