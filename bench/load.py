"""Load benchmark: the real `serve` under signed Slack requests at a fixed arrival rate, next to a bare Bolt app.

    python -m bench.load                                   # both scenarios, SQLite, 5 minutes each
    python -m bench.load --backend postgres --scenario A   # PostgreSQL at 127.0.0.1:5432 (own schema)
    python -m bench.load --duration 20 --rate 20           # a short run while developing

For each backend it builds a database with a generated plan (2,000 deliverables) and 500 people in its
roles, starts a fake Slack Web API in its own process, then for each scenario runs `python -m bot serve`
(gunicorn, WEB_CONCURRENCY workers) and, with the same server and workers, `python -m bench.bare_app`,
which only acks. It sends the same requests to both:

- A: RATE requests/s for DURATION: 70% `/deliverables mine` for random owners, 20% checkbox ticks on an
  ephemeral `mine` message (the app redraws it through the response_url after the ack), 5% `status`,
  5% `blockers`;
- B: USERS people each opening the evidence modal (a button; views.open with the fake's trigger_id) and
  submitting it a few seconds later (a link, a text and a file reference), PER_MINUTE times a minute.

Latency is measured by the driver from request sent to response received (the ack Slack waits for). It
prints p50/p95/p99, errors (HTTP status from the app; calls the fake refused or failed), throughput, the
app's memory (RSS of the gunicorn master and workers) and CPU, and the app's own histogram from /metrics.
Prints, never asserts. Stops by itself.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "xoxb-bench-token"
SIGNING_SECRET = "bench-signing-secret"
TEAM = "T0BENCH"
CHANNEL = "C0BENCH001"
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


# --- the data: a large plan and its people ---------------------------------------------------------------


@dataclass
class Workload:
    """What the driver needs to know of the plan: people, and what each of them can tick or hand in."""

    people: list[str]
    ticks: dict[str, list[tuple[int, list[int], list[bool]]]]  # user -> (deliverable, item ids, done) groups
    evidence: dict[str, list[int]]  # user -> deliverables of theirs that ask for evidence


def prepare_database(url: str, deliverables: int, people: int) -> Workload:
    """Migrate, import a generated document and give `people` people its roles (1 or 2 each)."""
    from sqlmodel import col, select

    from bench.generate import generate_document
    from bot.document.read import parse_document
    from bot.tracking.importer import import_plan
    from storage import db, plans, roster
    from storage.models import ChecklistItem, Deliverable, DeliverableOwner

    engine = db.make_engine(url)
    db.migrate(engine)
    text = generate_document(deliverables, "es")
    with db.session_scope(engine) as session:
        import_plan(session=session, plan=parse_document(text), team_id=TEAM, source_name="bench.md", source_text=text)
    users = [f"UB{i:05d}" for i in range(people)]
    with db.session_scope(engine) as session:
        plan = plans.active_plan(session=session, team_id=TEAM)
        assert plan is not None and plan.id is not None
        roles = list(plans.plan_roles(session=session, plan_id=plan.id).values())
        members: dict[str, list[str]] = defaultdict(list)
        for index, user in enumerate(users):
            members[roles[index % len(roles)]].append(user)
            if index % 4 == 0:  # a quarter of the people play a second role
                members[roles[(index * 7 + 3) % len(roles)]].append(user)
        for role, who in members.items():
            roster.assign_role(session=session, team_id=TEAM, role=role, user_ids=who, actor="cli")
        owned: dict[str, list[int]] = defaultdict(list)
        asks: dict[int, bool] = {}
        for key, did, requirement in session.exec(
            select(DeliverableOwner.role_key, DeliverableOwner.deliverable_id, Deliverable.evidence_requirement)
            .join(Deliverable, col(Deliverable.id) == DeliverableOwner.deliverable_id)
            .where(Deliverable.plan_id == plan.id, Deliverable.status == "open")
        ):
            owned[key].append(did)
            asks[did] = bool(requirement)
        items: dict[int, list[ChecklistItem]] = defaultdict(list)
        for item in session.exec(
            select(ChecklistItem)
            .where(ChecklistItem.plan_id == plan.id, col(ChecklistItem.deliverable_id).is_not(None))
            .where(col(ChecklistItem.archived).is_(False))
            .order_by(col(ChecklistItem.position))
        ):
            assert item.deliverable_id is not None
            items[item.deliverable_id].append(item)
        if engine.dialect.name == "postgresql":  # statistics, as autovacuum would have them on a running database
            session.connection().exec_driver_sql("ANALYZE")
        ticks: dict[str, list[tuple[int, list[int], list[bool]]]] = {}
        evidence: dict[str, list[int]] = {}
        for user in users:
            keys = roster.roles_of_user(session=session, team_id=TEAM, user_id=user)
            mine = sorted({d for key in keys for d in owned[key]})
            ticks[user] = [
                (d, [i.id or 0 for i in items[d][:10]], [i.done for i in items[d][:10]]) for d in mine if items[d]
            ][:40]
            evidence[user] = [d for d in mine if asks[d]][:40]
    engine.dispose()
    return Workload(people=users, ticks=ticks, evidence=evidence)


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


# --- the fake Slack, in its own process -------------------------------------------------------------------


class Fake:
    """Handle on the fake Slack process: its URL, trigger_ids and response_urls, its counts."""

    def __init__(self, users: list[str]) -> None:
        from bench.load_slack import run_fake

        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=run_fake, args=(TOKEN, users, child), daemon=True)
        self._process.start()
        self.base_url: str = self._conn.recv()
        self.http = requests.Session()
        self._urls: deque[str] = deque()
        self._lock = threading.Lock()
        self.files: list[dict[str, Any]] = self._get("files")  # what a submitted file_input carries

    def stop(self) -> None:
        self._conn.send("stop")
        self._process.join(timeout=10)

    def _get(self, route: str, **query: Any) -> Any:
        with self._lock:  # one Session is not thread safe
            response = self.http.post(f"{self.base_url}bench/{route}?{urlencode(query)}", timeout=10)
        return response.json() if response.status_code == 200 else None

    def trigger_id(self) -> str:
        return str(self._get("triggers", n=1)[0])

    def response_url(self) -> str:
        """A fresh response_url (fetched from the fake 200 at a time)."""
        while True:
            try:
                return self._urls.popleft()
            except IndexError:
                self._urls.extend(self._get("response_urls", n=200, channel=CHANNEL))

    def opened_view(self, trigger_id: str) -> dict[str, Any] | None:
        found = self._get("view", trigger=trigger_id)
        return found if isinstance(found, dict) else None

    def stats(self, reset: bool = False) -> dict[str, Any]:
        return dict(self._get("stats", reset=1) if reset else self._get("stats"))


# --- the app under test -----------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`python -m bot serve` (ours) or `python -m bench.bare_app` (bare), with its processes' memory and CPU."""

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
        command = ["-m", "bot", "serve"] if target == "ours" else ["-m", "bench.bare_app"]
        self._log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, *command], cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )
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

    def pids(self) -> list[int]:
        """The master and its workers."""
        children: dict[int, list[int]] = defaultdict(list)
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                children[int(stat.rsplit(")", 1)[1].split()[1])].append(int(entry.name))
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, []))
        return found

    def processes(self) -> dict[int, tuple[float, float]]:
        """Each of the master's and workers' RSS (MB) and CPU seconds, by pid."""
        ticks = os.sysconf("SC_CLK_TCK")
        found: dict[int, tuple[float, float]] = {}
        for pid in self.pids():
            try:
                rss = next(
                    int(line.split()[1])
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                    if line.startswith("VmRSS:")
                )
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                found[pid] = (rss / 1024, (int(fields[11]) + int(fields[12])) / ticks)
            except (OSError, IndexError, StopIteration, ValueError):
                continue
        return found

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


# --- the Slack side: signed requests, timed -----------------------------------------------------------------


class Side:
    """Sends signed requests from a pool thread; each thread has its own HTTP session (a keep-alive pool)."""

    def __init__(self, url: str, fake: Fake) -> None:
        from tests.slack_signing import SlackClient

        self.url = f"{url}/slack/events"
        self.fake = fake
        self._local = threading.local()
        self._client_class = SlackClient

    def client(self) -> Any:
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._client_class(self.url, SIGNING_SECRET, team_id=TEAM, timeout=10)
            self._local.client = client
        return client

    def post(self, body: str, content_type: str) -> tuple[int, float, bytes]:
        """Sign and send; the latency is from the request going out to the whole response being in."""
        from tests.slack_signing import sign

        timestamp = int(time.time())
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": sign(SIGNING_SECRET, timestamp, body),
        }
        data = body.encode()
        session = self.client().session
        started = time.perf_counter()
        response = session.post(self.url, data=data, headers=headers, timeout=10)
        content = response.content
        return response.status_code, time.perf_counter() - started, content

    def command(self, text: str, user: str) -> tuple[int, float, bytes]:
        fields = {
            "token": "fake-verification-token",
            "team_id": TEAM,
            "team_domain": "bench",
            "channel_id": CHANNEL,
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/deliverables",
            "text": text,
            "api_app_id": "A0APP00001",
            "is_enterprise_install": "false",
            "response_url": self.fake.response_url(),
            "trigger_id": f"{random.randrange(10**10)}.{int(time.time())}.{uuid.uuid4().hex}",
        }
        return self.post(urlencode(fields), "application/x-www-form-urlencoded")

    def action(self, payload: dict[str, Any]) -> tuple[int, float, bytes]:
        payload.setdefault("api_app_id", "A0APP00001")
        payload.setdefault("token", "fake-verification-token")
        if payload.get("type") == "block_actions":
            payload["response_url"] = self.fake.response_url()
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


# --- scenarios: a schedule of (offset, kind, job) -------------------------------------------------------------

Job = Callable[[Side], tuple[int, float, bytes]]


def tick_payload(user: str, group: tuple[int, list[int], list[bool]], *, pick: int) -> dict[str, Any]:
    """A click on the `pick`-th box of a deliverable's checkboxes on an ephemeral `mine` message."""
    from tests.slack_signing import block_actions_payload, message_container

    did, ids, done = group
    mask = sum(1 << i for i, d in enumerate(done) if d)
    options = [{"text": {"type": "mrkdwn", "text": f"item {i}"}, "value": str(i)} for i in ids]
    selected = [o for i, o in enumerate(options) if done[i] != (i == pick)]
    action = {
        "type": "checkboxes",
        "action_id": f"tick:{did}:{mask}:{'.'.join(map(str, ids))}",
        "block_id": f"mine|1|a:{did}:0",
        "selected_options": selected,
        "action_ts": f"{time.time():.6f}",
    }
    return block_actions_payload(
        user, [action], message_container(CHANNEL, "1733650000.000001", is_ephemeral=True), team_id=TEAM
    )


def scenario_a(work: Workload, rate: float, duration: float, rng: random.Random) -> list[tuple[float, str, Job]]:
    tickers = [user for user in work.people if work.ticks[user]]
    schedule: list[tuple[float, str, Job]] = []
    for index in range(int(rate * duration)):
        at = index / rate
        roll = rng.random()
        if roll < 0.7:
            user = rng.choice(work.people)
            schedule.append((at, "mine", lambda side, u=user: side.command("mine", u)))
        elif roll < 0.9:
            user = rng.choice(tickers)
            group = rng.choice(work.ticks[user])
            payload = tick_payload(user, group, pick=rng.randrange(len(group[1])))
            schedule.append((at, "tick", lambda side, p=payload: side.action(p)))
        else:
            word = "status" if roll < 0.95 else "blockers"
            user = rng.choice(work.people)
            schedule.append((at, word, lambda side, u=user, w=word: side.command(w, u)))
    return schedule


def open_payload(user: str, deliverable_id: int, trigger_id: str) -> dict[str, Any]:
    """A click on a deliverable's "Add evidence" button, on an ephemeral `mine` message."""
    from tests.slack_signing import block_actions_payload, button_action, message_container

    return block_actions_payload(
        user,
        [button_action(f"evidence:open:{deliverable_id}", f"mine|1|a:{deliverable_id}:0", str(deliverable_id))],
        message_container(CHANNEL, "1733650000.000001", is_ephemeral=True),
        trigger_id=trigger_id,
        team_id=TEAM,
    )


def submit_payload(
    user: str, deliverable_id: int, n: int, opened: dict[str, Any] | None, files: list[dict[str, Any]]
) -> dict[str, Any]:
    """The evidence form submitted with a link, a text and a file: the view the app opened, or (for the bare app,
    which opens none) a view with the deliverable in its metadata. The file is one of the workspace's `files`,
    as Slack's submission carries it (the file object: id, name, filetype, mimetype, permalink...)."""
    from tests.slack_signing import view_submission_payload

    values = {
        "evidence_link": {"value": {"type": "url_text_input", "value": f"https://ci.example.com/b/{n}"}},
        "evidence_text": {"value": {"type": "plain_text_input", "value": f"Run {n} OK, logs attached"}},
        "evidence_files": {"value": {"type": "file_input", "files": [files[n % len(files)]]}},
    }
    meta = opened["private_metadata"] if opened else json.dumps({"deliverable": deliverable_id, "channel": CHANNEL})
    payload = view_submission_payload(user, "evidence", meta, values, team_id=TEAM)
    if opened:
        payload["view"] = {**opened, "callback_id": "evidence", "private_metadata": meta, "state": {"values": values}}
    return payload


def scenario_b(
    work: Workload, users: int, per_minute: float, duration: float, rng: random.Random, bare: bool
) -> list[tuple[float, str, Job]]:
    people = [user for user in work.people if work.evidence[user]][:users]
    period = 60.0 / per_minute
    think = min(5.0, period / 2)  # seconds between the modal opening and its submission
    schedule: list[tuple[float, str, Job]] = []
    counter = iter(range(10**9))
    for index, user in enumerate(people):
        start = index * period / len(people)
        cycle = 0
        while start + cycle * period + think < duration:
            at = start + cycle * period
            did = rng.choice(work.evidence[user])
            triggers: dict[str, str] = {}

            def open_modal(side: Side, u: str = user, d: int = did, t: dict[str, str] = triggers) -> Any:
                t["id"] = side.fake.trigger_id()
                return side.action(open_payload(u, d, t["id"]))

            def submit(side: Side, u: str = user, d: int = did, t: dict[str, str] = triggers) -> Any:
                opened = side.fake.opened_view(t.get("id", "")) if not bare else None
                if opened is None and not bare:
                    return 0, 0.0, b"the modal was never opened"
                return side.action(submit_payload(u, d, next(counter), opened, side.fake.files))

            schedule.append((at, "open", open_modal))
            schedule.append((at + think, "submit", submit))
            cycle += 1
    schedule.sort(key=lambda entry: entry[0])
    return schedule


# --- running one load against one server -------------------------------------------------------------------


@dataclass
class Result:
    target: str
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    timed: list[tuple[float, float]] = field(default_factory=list)  # (scheduled second, latency) of each 200
    statuses: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    late: list[float] = field(default_factory=list)  # how far behind schedule requests went out
    memory: list[tuple[float, float]] = field(default_factory=list)  # (seconds into the run, RSS MB)
    # (seconds into the run, {pid: (RSS MB, CPU seconds)}): the master and each worker on their own
    processes: list[tuple[float, dict[int, tuple[float, float]]]] = field(default_factory=list)
    cpu: list[tuple[float, float]] = field(default_factory=list)  # (seconds into the run, CPU seconds)
    elapsed: float = 0.0
    fake_calls: dict[str, int] = field(default_factory=dict)
    fake_failures: list[dict[str, Any]] = field(default_factory=list)
    app_histogram: dict[str, float] = field(default_factory=dict)

    def all(self) -> list[float]:
        return sorted(v for values in self.latencies.values() for v in values)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def drive(server: Server, fake: Fake, schedule: list[tuple[float, str, Job]], target: str, threads: int) -> Result:
    """Send each request at its time (open loop) and time its answer; sample the app's memory and CPU."""
    result = Result(target)
    side = Side(server.url, fake)
    lock = threading.Lock()
    fake.stats(reset=True)
    duration = schedule[-1][0] if schedule else 0.0
    done = threading.Event()
    start = time.perf_counter()

    def sample() -> None:
        while True:
            at = time.perf_counter() - start
            each = server.processes()
            result.processes.append((at, each))
            result.memory.append((at, sum(rss for rss, _ in each.values())))
            result.cpu.append((at, sum(cpu for _, cpu in each.values())))
            if done.wait(2.0):
                break

    def run(scheduled: float, kind: str, job: Job) -> None:
        late = time.perf_counter() - start - scheduled
        try:
            status, latency, body = job(side)
        except Exception as exc:  # a timeout or a refused connection is an error of the run, not of the driver
            status, latency, body = 0, 0.0, repr(exc).encode()
        with lock:
            result.late.append(late)
            result.statuses[f"{kind} {status}"] += 1
            if status == 200:
                result.latencies[kind].append(latency)
                result.timed.append((scheduled, latency))
            elif len(result.errors) < 20:
                result.errors.append(f"{kind} {status}: {body[:200]!r}")

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for scheduled, kind, job in schedule:
            delay = start + scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(run, scheduled, kind, job)
    result.elapsed = time.perf_counter() - start
    time.sleep(min(3.0, max(0.5, duration / 10)))  # the work after the acks (redraws, views.open...) finishes
    done.set()
    sampler.join()
    stats = fake.stats(reset=True)
    result.fake_calls = {k: v for k, v in stats["calls"].items() if not k.startswith(("auth.test",))}
    result.fake_failures = stats["failures"]
    result.app_histogram = app_percentiles(server.metrics())
    print(f"    {target}: {len(schedule)} requests in {result.elapsed:.0f} s (scheduled {duration:.0f} s)", flush=True)
    return result


def app_percentiles(metrics: str) -> dict[str, float]:
    """p50/p95/p99 upper bounds from the app's own `deliverables_ack_seconds` histogram (all kinds)."""
    buckets: dict[float, float] = defaultdict(float)
    for line in metrics.splitlines():
        if line.startswith("deliverables_ack_seconds_bucket{") and 'kind="unverified"' not in line:
            le = line.split('le="', 1)[1].split('"', 1)[0]
            buckets[float("inf") if le == "+Inf" else float(le)] += float(line.rsplit(" ", 1)[1])
    if not buckets:
        return {}
    total = buckets[float("inf")]
    answer = {"count": total}
    for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
        answer[name] = next((le for le, count in sorted(buckets.items()) if count >= q * total), float("inf"))
    return answer


# --- reporting ---------------------------------------------------------------------------------------------


def share_past(values: list[float], bound: float) -> float:
    """The share of answers slower than `bound`. Both apps answer on Bolt's 10-ms ack polling steps, so a p95
    jumps a whole step once about 5% of answers cross one: this share shows how near that edge a run is."""
    return sum(value > bound for value in values) / len(values) if values else float("nan")


def ms(value: float) -> str:
    return f"{value * 1000:7.1f}" if value == value else "    n/a"


def nearest(samples: list[tuple[float, Any]], at: float, missing: Any) -> Any:
    """The value of the sample taken nearest `at` seconds into the run."""
    return min(samples, key=lambda sample: abs(sample[0] - at))[1] if samples else missing


def memory_at(result: Result, at: float) -> float:
    return float(nearest(result.memory, at, float("nan")))


def by_process(result: Result, minute1: float, duration: float) -> list[dict[str, float]]:
    """Each process's RSS at minute 1 and at the end, and the CPU it used before minute 1 and after: a worker
    that had barely worked by minute 1 starts serving inside the window, and its own first requests' growth
    counts in the whole app's."""
    start, first, end = (nearest(result.processes, when, {}) for when in (0, minute1, duration))
    return [
        {
            "pid": pid,
            "rss_minute1": first[pid][0],
            "rss_end": end[pid][0],
            "cpu_to_minute1": first[pid][1] - start.get(pid, first[pid])[1],
            "cpu_after_minute1": end[pid][1] - first[pid][1],
        }
        for pid in sorted(first)
        if pid in end
    ]


def summary(result: Result, duration: float) -> dict[str, Any]:
    values = result.all()
    errors = sum(n for key, n in result.statuses.items() if not key.endswith(" 200"))
    fake_failed = sum(n for key, n in result.fake_calls.items() if not key.endswith(" ok"))
    minute1 = min(60.0, duration / 5)
    mem = {
        "start": memory_at(result, 0),
        "minute1": memory_at(result, minute1),
        "middle": memory_at(result, duration / 2),
        "end": memory_at(result, duration),
    }
    cpu = []
    if len(result.cpu) > 1:
        fifth = duration / 5
        for k in range(5):
            a, b = k * fifth, (k + 1) * fifth
            inside = [s for s in result.cpu if a <= s[0] <= b + 1]
            if len(inside) > 1:
                cpu.append(100 * (inside[-1][1] - inside[0][1]) / max(inside[-1][0] - inside[0][0], 1e-9))
    return {
        "target": result.target,
        "requests": len(values) + errors,
        "throughput": (len(values) + errors) / result.elapsed if result.elapsed else 0.0,
        "p50": percentile(values, 0.5),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "max": values[-1] if values else float("nan"),
        # Past the first minute: every person seen once (users.info asked), every worker past its start.
        "after_minute1": {
            q: percentile([v for at, v in result.timed if at >= minute1], p)
            for q, p in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
        },
        "by_kind": {
            kind: {"n": len(v), "p50": percentile(v, 0.5), "p95": percentile(v, 0.95), "p99": percentile(v, 0.99)}
            for kind, v in sorted(result.latencies.items())
        },
        "errors": errors,
        "fake_failed": fake_failed,
        "fake_calls": result.fake_calls,
        "late_p99": percentile(result.late, 0.99),
        "memory_mb": mem,
        "memory_growth": (mem["end"] - mem["minute1"]) / mem["minute1"] if mem["minute1"] else float("nan"),
        "memory_by_process": by_process(result, minute1, duration),
        "cpu_percent_by_fifth": cpu,
        "app_histogram": result.app_histogram,
    }


def report(label: str, ours: dict[str, Any], bare: dict[str, Any] | None) -> None:
    print(f"\n=== {label}")
    rows = [ours] + ([bare] if bare else [])
    print(f"    {'':6} {'reqs':>6} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} "
          f"{'errors':>6} {'fake!':>5} {'RSS start/1min/mid/end MB':>28} {'growth':>7}  CPU% by fifth")  # fmt: skip
    for row in rows:
        mem = row["memory_mb"]
        cpu = " ".join(f"{c:.0f}" for c in row["cpu_percent_by_fifth"])
        print(
            f"    {row['target']:6} {row['requests']:6d} {row['throughput']:6.1f} {ms(row['p50'])} {ms(row['p95'])} "
            f"{ms(row['p99'])} {ms(row['max'])} {row['errors']:6d} {row['fake_failed']:5d} "
            f"{mem['start']:6.0f}/{mem['minute1']:4.0f}/{mem['middle']:4.0f}/{mem['end']:4.0f}       "
            f"{row['memory_growth'] * 100:+6.1f}%  {cpu}"
        )
    for row in rows:
        each = ", ".join(
            f"{p['rss_minute1']:.0f} -> {p['rss_end']:.0f} MB "
            f"(CPU {p['cpu_to_minute1']:.1f} s / {p['cpu_after_minute1']:.1f} s)"
            for p in row["memory_by_process"]
        )
        print(f"      {row['target']:4} by process, 1 min -> end (CPU before / after minute 1): {each}")
    for row in rows:
        late = row["after_minute1"]
        print(f"      {row['target']:4} after minute 1: p50 {ms(late['p50'])}  p95 {ms(late['p95'])}  "
              f"p99 {ms(late['p99'])} ms")  # fmt: skip
    for kind, figures in ours["by_kind"].items():
        print(f"      ours {kind:8} n={figures['n']:6d}  p50 {ms(figures['p50'])}  p95 {ms(figures['p95'])}  "
              f"p99 {ms(figures['p99'])} ms")  # fmt: skip
    hist = ours["app_histogram"]
    if hist:
        print(f"      app's own histogram (bucket upper bounds): p50 <= {hist['p50'] * 1000:.0f} ms, "
              f"p95 <= {hist['p95'] * 1000:.0f} ms, p99 <= {hist['p99'] * 1000:.0f} ms "
              f"over {hist['count']:.0f}")  # fmt: skip
    print(f"      fake Slack calls: {ours['fake_calls']}")
    print(f"      driver lateness p99: {ours['late_p99'] * 1000:.1f} ms")
    if bare:
        ratio = ours["p95"] / bare["p95"] if bare["p95"] else float("nan")
        settled = ours["after_minute1"]["p95"] / bare["after_minute1"]["p95"] if bare["after_minute1"]["p95"] else 0
        speeds = (  # a ratio of two runs minutes apart: was the machine as fast for both?
            f"; machine speed before each: ours {ours['speed_s']:.3f} s, bare {bare['speed_s']:.3f} s"
            if "speed_s" in ours and "speed_s" in bare
            else ""
        )
        print(f"      p95 ours/bare: {ratio:.2f}x (after minute 1: {settled:.2f}x){speeds}")
        ours["ratio_p95"] = ratio
        ours["ratio_p95_after_minute1"] = settled
        past = ours.get("share_past_1_5x_bare_p95", float("nan"))
        print(f"      ours slower than 1.5x the bare app's p95: {past * 100:.1f}% of answers (the target allows 5%)")


def targets_line(label: str, ours: dict[str, Any], scenario: str) -> str:
    checks = []
    if scenario == "A":
        checks += [("p95 < 100 ms", ours["p95"] < 0.1), ("p99 < 250 ms", ours["p99"] < 0.25)]
    if "ratio_p95" in ours:
        checks.append(("p95 within 1.5x bare", ours["ratio_p95"] <= 1.5))
    checks.append(("zero errors", ours["errors"] == 0 and ours["fake_failed"] == 0))
    checks.append(("memory growth < 5%", ours["memory_growth"] < 0.05))
    return f"{label}: " + ", ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in checks)


# --- main ----------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--scenario", choices=["A", "B", "both"], default="both")
    parser.add_argument("--duration", type=float, default=300.0, help="seconds per scenario and server (300)")
    parser.add_argument("--rate", type=float, default=50.0, help="requests per second in scenario A (50)")
    parser.add_argument("--users", type=int, default=100, help="concurrent people in scenario B (100)")
    parser.add_argument("--per-minute", type=float, default=3.0, help="submissions a minute per person in B (3)")
    parser.add_argument("--deliverables", type=int, default=2000)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, as WEB_CONCURRENCY (2)")
    parser.add_argument("--threads", type=int, default=64, help="driver threads (64)")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare Bolt app")
    parser.add_argument(
        "--bare-duration", type=float, help="seconds for the bare app (default: --duration; its figures vary little)"
    )
    parser.add_argument(
        "--busy-cores",
        type=int,
        default=0,
        help="keep N processes spinning during every run (both apps): a slower or shared machine (0)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    scenarios = ["A", "B"] if args.scenario == "both" else [args.scenario]
    workdir = Path(tempfile.mkdtemp(prefix="deliverables-load-"))
    print(f"machine: {os.cpu_count()} CPUs, {platform_line()}; logs in {workdir}", flush=True)
    speed = machine_speed()
    print(f"machine speed: sum(range(10**7)) in {speed:.3f} s (best of 5; lower is faster)", flush=True)
    figures: dict[str, Any] = {"machine": {"speed_s": speed, "busy_cores": args.busy_cores}}
    lines: list[str] = []
    for backend in backends:
        with database(backend, workdir) as url:
            started = time.perf_counter()
            work = prepare_database(url, args.deliverables, args.people)
            print(f"[{backend}] plan of {args.deliverables} deliverables and {len(work.people)} people ready "
                  f"in {time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
            fake = Fake(work.people)
            try:
                for scenario in scenarios:
                    vacuum(url)
                    results: dict[str, dict[str, Any]] = {}
                    answers: dict[str, list[float]] = {}
                    for target in ["ours"] + ([] if args.no_bare else ["bare"]):
                        rng = random.Random(args.seed)  # the same requests for both servers
                        duration = args.duration if target == "ours" else args.bare_duration or args.duration
                        if scenario == "A":
                            schedule = scenario_a(work, args.rate, duration, rng)
                        else:
                            schedule = scenario_b(
                                work, args.users, args.per_minute, duration, rng, bare=target == "bare"
                            )
                        log = workdir / f"{backend}-{scenario}-{target}.log"
                        speed_now = machine_speed()  # the two apps run minutes apart, and the machine drifts
                        print(f"[{backend}] scenario {scenario}, {target}: {len(schedule)} requests over "
                              f"{duration:.0f} s; machine speed {speed_now:.3f} s (log {log})", flush=True)  # fmt: skip
                        server = Server(target, url, fake.base_url, args.workers, log)
                        try:
                            with busy(args.busy_cores):
                                result = drive(server, fake, schedule, target, args.threads)
                        finally:
                            server.stop()
                        results[target] = summary(result, duration)
                        results[target]["speed_s"] = speed_now
                        answers[target] = result.all()
                    if "bare" in results:
                        results["ours"]["share_past_1_5x_bare_p95"] = share_past(
                            answers["ours"], 1.5 * results["bare"]["p95"]
                        )
                    label = f"{backend}, scenario {scenario}"
                    report(label, results["ours"], results.get("bare"))
                    lines.append(targets_line(label, results["ours"], scenario))
                    figures[f"{backend}/{scenario}"] = results
            finally:
                fake.stop()
    print("\n" + "\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))
    return 0


def machine_speed() -> float:
    """Seconds for a fixed piece of pure Python, best of five: how fast this machine is today (runs differ)."""
    best = math.inf
    for _ in range(5):
        started = time.perf_counter()
        sum(range(10**7))
        best = min(best, time.perf_counter() - started)
    return best


def _spin() -> None:
    while True:
        pass


@contextmanager
def busy(cores: int) -> Iterator[None]:
    """N processes that keep a core each busy while the load runs: what the app gets on a slower or shared machine."""
    if cores <= 0:
        yield
        return
    spinners = [multiprocessing.get_context("spawn").Process(target=_spin, daemon=True) for _ in range(cores)]
    for spinner in spinners:
        spinner.start()
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.terminate()
        for spinner in spinners:
            spinner.join()


def platform_line() -> str:
    import platform

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model or platform.processor()}, Python {platform.python_version()}, {platform.system()}"


if __name__ == "__main__":
    sys.exit(main())
