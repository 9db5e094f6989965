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
