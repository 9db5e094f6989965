"""The apps under load and their database: a large plan with its people, and gunicorn serving ours or the bare app.

Both apps run as a user would run them (`python -m bot serve`, `python -m bench.load.bare_app`), in a process
of their own with the same environment, so the only difference between them is the work our listeners do.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from bench.load import POSTGRES, ROOT, SIGNING_SECRET, TEAM, TOKEN

# --- the data: a large plan and its people ---------------------------------------------------------------

TickGroup = tuple[int, list[int], list[bool]]  # a deliverable, its first item ids, and whether each is done


@dataclass
class Workload:
    """What the driver needs to know of the plan: people, and what each of them can tick or hand in."""

    people: list[str]
    ticks: dict[str, list[TickGroup]]  # user -> the deliverables of theirs with items
    evidence: dict[str, list[int]]  # user -> deliverables of theirs that ask for evidence


def prepare_database(url: str, deliverables: int, people: int) -> Workload:
    """Migrate, import a generated document and give `people` people its roles (1 or 2 each)."""
    from bench.generate import generate_document
    from bot.document.read import parse_document
    from bot.tracking.importer import import_plan
    from storage import db, plans, roster

    engine = db.make_engine(url)
    db.migrate(engine)
    text = generate_document(deliverables, "es")
    with db.session_scope(engine) as session:
        import_plan(session=session, plan=parse_document(text), team_id=TEAM, source_name="bench.md", source_text=text)
    users = [f"UB{i:05d}" for i in range(people)]
    with db.session_scope(engine) as session:
        plan = plans.active_plan(session=session, team_id=TEAM)
        assert plan is not None and plan.id is not None
        _give_roles(session, plan.id, users)
        owned, asks = _open_deliverables(session, plan.id)
        items = _items(session, plan.id)
        if engine.dialect.name == "postgresql":  # statistics, as autovacuum would have them on a running database
            session.connection().exec_driver_sql("ANALYZE")
        ticks: dict[str, list[TickGroup]] = {}
        evidence: dict[str, list[int]] = {}
        for user in users:
            keys = roster.roles_of_user(session=session, team_id=TEAM, user_id=user)
            mine = sorted({d for key in keys for d in owned[key]})
            firsts = [(d, items[d][:10]) for d in mine if items[d]][:40]
            ticks[user] = [(d, [i.id or 0 for i in first], [i.done for i in first]) for d, first in firsts]
            evidence[user] = [d for d in mine if asks[d]][:40]
    engine.dispose()
    return Workload(people=users, ticks=ticks, evidence=evidence)


def _give_roles(session: Any, plan_id: int, users: list[str]) -> None:
    """Each person plays one of the plan's roles in turn, and a quarter of them a second one."""
    from storage import plans, roster

    roles = list(plans.plan_roles(session=session, plan_id=plan_id).values())
    members: dict[str, list[str]] = defaultdict(list)
    for index, user in enumerate(users):
        members[roles[index % len(roles)]].append(user)
        if index % 4 == 0:
            members[roles[(index * 7 + 3) % len(roles)]].append(user)
    for role, who in members.items():
        roster.assign_role(session=session, team_id=TEAM, role=role, user_ids=who, actor="cli")


def _open_deliverables(session: Any, plan_id: int) -> tuple[dict[str, list[int]], dict[int, bool]]:
    """The open deliverables each role owns, and whether each asks for evidence."""
    from sqlmodel import col, select

    from storage.models import Deliverable, DeliverableOwner

    owned: dict[str, list[int]] = defaultdict(list)
    asks: dict[int, bool] = {}
    for key, did, requirement in session.exec(
        select(DeliverableOwner.role_key, DeliverableOwner.deliverable_id, Deliverable.evidence_requirement)
        .join(Deliverable, col(Deliverable.id) == DeliverableOwner.deliverable_id)
        .where(Deliverable.plan_id == plan_id, Deliverable.status == "open")
    ):
        owned[key].append(did)
        asks[did] = bool(requirement)
    return owned, asks


def _items(session: Any, plan_id: int) -> dict[int, list[Any]]:
    """Each deliverable's live items, in their order."""
    from sqlmodel import col, select

    from storage.models import ChecklistItem

    items: dict[int, list[ChecklistItem]] = defaultdict(list)
    for item in session.exec(
        select(ChecklistItem)
        .where(ChecklistItem.plan_id == plan_id, col(ChecklistItem.deliverable_id).is_not(None))
        .where(col(ChecklistItem.archived).is_(False))
        .order_by(col(ChecklistItem.position))
    ):
        assert item.deliverable_id is not None
        items[item.deliverable_id].append(item)
    return items


def vacuum(url: str) -> None:
    """On PostgreSQL, VACUUM ANALYZE the bench schema before a scenario, as autovacuum (on by default) would
    have done: a server running with it off keeps every dead row of the previous scenario's ticks."""
    from storage import db

    if not url.startswith("postgresql"):
        return
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    finally:
        engine.dispose()


@contextmanager
def database(backend: str, workdir: Path) -> Iterator[str]:
    """A fresh database: a SQLite file, or a schema of its own on the local PostgreSQL (dropped after)."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    from sqlalchemy import text

    from storage import db

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = db.make_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# --- the app under test -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`python -m bot serve` (ours) or `python -m bench.load.bare_app` (bare), started and ready to answer."""

    def __init__(self, target: str, database_url: str, fake_url: str, workers: int, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.metrics_dir = tempfile.mkdtemp(prefix="bench-metrics-")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PROMETHEUS_"))},
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": f"{fake_url}api/",
            "DATABASE_URL": database_url,
            "TEAM_ID": TEAM,
            "PORT": str(self.port),
            "WEB_CONCURRENCY": str(workers),
            "PROMETHEUS_MULTIPROC_DIR": self.metrics_dir,
            "LOG_FORMAT": "json",
            "PYTHONPATH": str(ROOT),
        }
        command = ["-m", "bot", "serve"] if target == "ours" else ["-m", "bench.load.bare_app"]
        self._log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, *command], cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )
        self._wait_until_ready(target, workers, log)

    def _wait_until_ready(self, target: str, workers: int, log: Path) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still warming up
                pass
            if self.process.poll() is not None:
                raise SystemExit(f"{target} did not start; see {log}")
            time.sleep(0.1)
        else:
            raise SystemExit(f"{target} did not answer /healthz in 60 s; see {log}")
        for _ in range(workers * 4):  # every worker up (they fork before building the app)
            requests.get(f"{self.url}/healthz", timeout=5)

    def metrics(self) -> str:
        try:
            return requests.get(f"{self.url}/metrics", timeout=10).text
        except requests.RequestException:
            return ""

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()
