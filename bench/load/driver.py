"""The Slack side of a run: scenarios A and B as schedules of signed requests, sent on time and timed.

The driver is open-loop: every request leaves at its scheduled time from a pool of threads, whatever the
previous answers took, and its lateness is recorded. Each thread keeps its own keep-alive session.
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode

from bench.load import CHANNEL, SIGNING_SECRET, TEAM
from bench.load.apps import Server, TickGroup, Workload
from bench.load.fake_slack import Fake
from bench.load.measures import Result, app_percentiles, sampling

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
Schedule = list[tuple[float, str, Job]]


def tick_payload(user: str, group: TickGroup, *, pick: int) -> dict[str, Any]:
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


def scenario_a(work: Workload, rate: float, duration: float, rng: random.Random) -> Schedule:
    tickers = [user for user in work.people if work.ticks[user]]
    schedule: Schedule = []
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
) -> Schedule:
    people = [user for user in work.people if work.evidence[user]][:users]
    period = 60.0 / per_minute
    think = min(5.0, period / 2)  # seconds between the modal opening and its submission
    schedule: Schedule = []
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


def drive(server: Server, fake: Fake, schedule: Schedule, target: str, threads: int) -> Result:
    """Send each request at its time (open loop) and time its answer; sample the app's memory and CPU."""
    result = Result(target)
    side = Side(server.url, fake)
    lock = threading.Lock()
    fake.stats(reset=True)
    duration = schedule[-1][0] if schedule else 0.0
    start = time.perf_counter()

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

    with sampling(result, server.process.pid, start):
        with ThreadPoolExecutor(max_workers=threads) as pool:
            for scheduled, kind, job in schedule:
                delay = start + scheduled - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(run, scheduled, kind, job)
        result.elapsed = time.perf_counter() - start
        time.sleep(min(3.0, max(0.5, duration / 10)))  # the work after the acks (redraws, views.open...) finishes
    stats = fake.stats(reset=True)
    result.fake_calls = {k: v for k, v in stats["calls"].items() if not k.startswith(("auth.test",))}
    result.fake_failures = stats["failures"]
    result.app_histogram = app_percentiles(server.metrics())
    print(f"    {target}: {len(schedule)} requests in {result.elapsed:.0f} s (scheduled {duration:.0f} s)", flush=True)
    return result
