"""Where one request's time goes, in process: wall time, SQL statements and, with --profile, cProfile's top.

    python -m bench.profile_requests                       # SQLite, 300 of each kind
    python -m bench.profile_requests --backend postgres --profile mine

Builds the load benchmark's database (2,000 deliverables, 500 people), starts its fake Slack, and runs
signed requests through the real app (`create_app`, process_before_response so the listener runs in the
calling thread) one at a time: no server, no concurrency, so the figures are the work itself. Each
person's first request asks Slack (users.info); a warm-up round makes them all known first.
Prints, never asserts.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.load import CHANNEL, SIGNING_SECRET, TEAM, TOKEN
from bench.load.apps import TickGroup, Workload, database, prepare_database
from bench.load.driver import open_payload, submit_payload, tick_payload
from bench.load.fake_slack import Fake
from bench.load.measures import percentile

KINDS = ["help", "mine", "tick", "status", "blockers", "open", "submit"]


def signed(body: str) -> Any:
    from slack_bolt.request import BoltRequest

    from tests.slack_signing import sign

    timestamp = int(time.time())
    headers = {
        "content-type": ["application/x-www-form-urlencoded"],
        "x-slack-request-timestamp": [str(timestamp)],
        "x-slack-signature": [sign(SIGNING_SECRET, timestamp, body)],
    }
    return BoltRequest(body=body, headers=headers)


def command(text: str, user: str, response_url: str) -> Any:
    fields = {
        "team_id": TEAM,
        "channel_id": CHANNEL,
        "user_id": user,
        "command": "/deliverables",
        "text": text,
        "api_app_id": "A0APP00001",
        "response_url": response_url,
        "trigger_id": "1.2.3",
    }
    return signed(urlencode(fields))


def tick(user: str, group: TickGroup, response_url: str) -> Any:
    payload = tick_payload(user, group, pick=0)
    payload["response_url"] = response_url
    return signed(urlencode({"payload": json.dumps(payload)}))


def action(payload: dict[str, Any], response_url: str) -> Any:
    payload.setdefault("response_url", response_url)
    return signed(urlencode({"payload": json.dumps(payload)}))


class Sampler:
    """pyinstrument with cProfile's enable/disable, so both wrap the same calls; samples add up."""

    def __init__(self) -> None:
        from pyinstrument import Profiler

        self.profiler = Profiler(interval=0.0002, async_mode="disabled")

    def enable(self) -> None:
        self.profiler.start()

    def disable(self) -> None:
        self.profiler.stop()

    def print(self) -> None:
        print(self.profiler.output_text(show_all=False))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, default=300, help="of each kind (300)")
    parser.add_argument("--profile", choices=KINDS, help="cProfile one kind")
    parser.add_argument("--sort", default="cumulative", help="with --profile: cProfile's order (cumulative, tottime)")
    parser.add_argument(
        "--sampler", action="store_true", help="with --profile: pyinstrument's call tree instead of cProfile"
    )
    parser.add_argument("--default-gc", action="store_true", help="without the server's garbage collector settings")
    parser.add_argument("--deliverables", type=int, default=2000)
    parser.add_argument("--people", type=int, default=500)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Build the bench plan, then time (or profile) each kind of request through the app, one at a time."""
    args = parse_args(argv)
    from bot.config import Settings
    from bot.slack.app import create_app
    from bot.slack.server import settle_heap
    from storage.db import make_engine

    workdir = Path(tempfile.mkdtemp(prefix="deliverables-profile-"))
    with database(args.backend, workdir) as url:
        work = prepare_database(url, args.deliverables, args.people)
        fake = Fake(work.people)
        try:
            settings = Settings(
                slack_bot_token=TOKEN,
                slack_signing_secret=SIGNING_SECRET,
                slack_api_url=f"{fake.base_url}api/",
                database_url=url,
                team_id=TEAM,
            )
            engine = make_engine(url)
            statements = count_statements(engine)
            app = create_app(settings, engine=engine, process_before_response=True)
            if not args.default_gc:
                settle_heap()
            kinds = request_kinds(app, work, fake, random.Random(7))
            started = time.perf_counter()
            for user in work.people:  # everyone known: users.info is not what is measured
                app.dispatch(command("help", user, fake.response_url()))
            first = (time.perf_counter() - started) / len(work.people)
            print(f"[{args.backend}] a person's first request (users.info, stored): {first * 1000:.1f} ms on average")
            print(f"[{args.backend}] in process, one at a time, {args.requests} of each (ms; SQL statements)")
            for kind, make in kinds.items():
                if not args.profile or kind == args.profile:
                    time_kind(kind, make, app, statements, args)
            engine.dispose()
        finally:
            fake.stop()
    return 0


def count_statements(engine: Any) -> list[int]:
    """A counter of the SQL statements the engine runs (one cell, reset by the caller)."""
    from sqlalchemy import event

    statements = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def count(*_: Any) -> None:
        statements[0] += 1

    return statements


def request_kinds(app: Any, work: Workload, fake: Fake, rng: random.Random) -> dict[str, Callable[[], Any]]:
    """For each kind, how to make a fresh signed request of it from a random person."""
    tickers = [u for u in work.people if work.ticks[u]]
    handers = [u for u in work.people if work.evidence[u]]
    submitted = iter(range(10**9))

    def evidence_pick() -> tuple[str, int]:
        user = rng.choice(handers)
        return user, rng.choice(work.evidence[user])

    def opened_then_submit() -> Any:
        """The form's submission; the modal is opened first (not timed), as a person would."""
        user, did = evidence_pick()
        trigger = fake.trigger_id()
        app.dispatch(action(open_payload(user, did, trigger), fake.response_url()))
        opened = fake.opened_view(trigger)
        return action(submit_payload(user, did, next(submitted), opened, fake.files), fake.response_url())

    return {
        "help": lambda: command("help", rng.choice(work.people), fake.response_url()),
        "mine": lambda: command("mine", rng.choice(work.people), fake.response_url()),
        "tick": lambda: tick((u := rng.choice(tickers)), rng.choice(work.ticks[u]), fake.response_url()),
        "status": lambda: command("status", rng.choice(work.people), fake.response_url()),
        "blockers": lambda: command("blockers", rng.choice(work.people), fake.response_url()),
        "open": lambda: action(open_payload(*evidence_pick(), fake.trigger_id()), fake.response_url()),
        "submit": lambda: opened_then_submit(),
    }


def time_kind(kind: str, make: Callable[[], Any], app: Any, statements: list[int], args: argparse.Namespace) -> None:
    """Dispatch `args.requests` of one kind and print their p50/p95/p99 and SQL statements (or the profile)."""
    times: list[float] = []
    sql: list[int] = []
    profiler = (Sampler() if args.sampler else cProfile.Profile()) if args.profile else None
    for _ in range(args.requests):
        request = make()
        statements[0] = 0
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        response = app.dispatch(request)
        if profiler:
            profiler.disable()
        times.append(time.perf_counter() - started)
        sql.append(statements[0])
        assert response.status == 200, response.body
    print(
        f"  {kind:9} p50 {percentile(times, 0.50) * 1000:6.1f}  p95 {percentile(times, 0.95) * 1000:6.1f}"
        f"  p99 {percentile(times, 0.99) * 1000:6.1f}  SQL {min(sql)}-{max(sql)}"
    )
    if isinstance(profiler, cProfile.Profile):
        pstats.Stats(profiler, stream=sys.stdout).sort_stats(args.sort).print_stats(45)
    elif profiler is not None:
        profiler.print()


if __name__ == "__main__":
    raise SystemExit(main())
