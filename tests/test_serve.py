"""`python -m bot serve` as a user runs it: gunicorn workers, signed requests, health and metrics."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT, SEED
from tests.e2e import SIGNING_SECRET, TOKEN
from tests.fake_slack import FakeSlack
from tests.slack_signing import SlackClient


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[tuple[str, FakeSlack]]:
    with FakeSlack(token=TOKEN) as slack:
        slack.add_user("USRE1", name="lucia", tz="Europe/Madrid", locale="es-ES")
        port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PROMETHEUS_"))},
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.url,
            "DATABASE_URL": database_url,
            "PORT": str(port),
            "WEB_CONCURRENCY": "2",
            "DELIVERABLES_FILE": str(SEED),
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
            "LOG_FORMAT": "json",
        }
        log = (tmp_path / "serve.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(150):
                try:
                    if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except requests.ConnectionError:
                    time.sleep(0.1)
            else:
                raise AssertionError((tmp_path / "serve.log").read_text())
            yield url, slack
        finally:
            process.terminate()
            process.wait(timeout=20)
            log.close()


def test_serve_answers_slack_and_reports_health_and_metrics(served: tuple[str, FakeSlack]) -> None:
    url, slack = served
    health = requests.get(f"{url}/healthz", timeout=5)
    assert health.status_code == 200 and health.json() == {"ok": True, "checks": {"database": "ok"}}

    side = SlackClient(f"{url}/slack/events", SIGNING_SECRET, fake=slack)
    for _ in range(4):  # spread over both workers
        reply = side.send_command("help", "USRE1")
        assert reply.status_code == 200 and "Cómo usar" in reply.json()["text"]
    assert side.send_command("mine", "USRE1", bad_signature=True).status_code == 401

    metrics = requests.get(f"{url}/metrics", timeout=5).text
    assert 'deliverables_requests_total{kind="command:help",outcome="ok"} 4.0' in metrics
    assert 'deliverables_requests_total{kind="unverified",outcome="rejected"} 1.0' in metrics
    assert 'deliverables_slack_api_calls_total{method="users.info",outcome="ok"}' in metrics
    assert 'deliverables_deliverables_open{priority="blocker"} 6.0' in metrics
    assert "deliverables_ack_seconds_bucket" in metrics
    assert requests.get(f"{url}/nowhere", timeout=5).status_code == 404


def test_concurrent_ticks_across_workers_all_stick(served: tuple[str, FakeSlack], database_url: str) -> None:
    """Several gunicorn workers on one database: many people ticking at once lose nothing."""
    from concurrent.futures import ThreadPoolExecutor

    from sqlmodel import Session, select

    from storage import db, roster
    from storage.models import ChecklistItem
    from tests.e2e import checkbox_elements
    from tests.slack_signing import block_actions_payload, message_container

    url, slack = served
    engine = db.make_engine(database_url)
    people = [f"USRE{i}" for i in range(2, 12)]
    with db.session_scope(engine) as session:
        roster.assign_role(session=session, team_id="T0LOCAL", role="SRE", user_ids=people, actor="cli")
    for user in people:
        slack.add_user(user, name=user.lower(), tz="Europe/Madrid", locale="es-ES")
    side = SlackClient(f"{url}/slack/events", SIGNING_SECRET, fake=slack)
    drawn = side.send_command("mine", people[0]).json()["blocks"]  # everyone clicks on the same stale drawing
    clicks = [(block, element, option) for block, element in checkbox_elements(drawn) for option in element["options"]][
        : len(people) * 2
    ]

    def tick(index: int) -> int:
        block, element, option = clicks[index]
        action = {
            "type": "checkboxes",
            "action_id": element["action_id"],
            "block_id": block["block_id"],
            "selected_options": [option],
            "action_ts": "1733650000.000100",
        }
        payload = block_actions_payload(
            people[index % len(people)],
            [action],
            message_container("C0FAKE0001", "1733650000.000001", is_ephemeral=True),
        )
        return side.send_action(payload).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(tick, range(len(clicks))))
    assert statuses == [200] * len(clicks)
    wanted = {int(option["value"]) for _, _, option in clicks}
    for _ in range(100):  # the updates run after each ack
        with Session(engine) as session:
            done = {i.id for i in session.exec(select(ChecklistItem).where(ChecklistItem.done == True))}  # noqa: E712
        if wanted <= done:
            break
        time.sleep(0.1)
    assert wanted <= done and len(wanted) == len(clicks)
    engine.dispose()
