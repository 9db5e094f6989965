"""The command line of the load benchmark: every backend, then every scenario, then our app and the bare one."""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import bench.load
from bench.load.apps import Server, Workload, database, prepare_database, vacuum
from bench.load.driver import Schedule, drive, scenario_a, scenario_b
from bench.load.fake_slack import Fake
from bench.load.measures import busy, machine_speed, platform_line, share_past, summary
from bench.load.report import print_scenario, targets_line, write_json


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load",
        description=bench.load.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
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
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run every backend and scenario asked for, print each one's report, then the targets met or missed."""
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="deliverables-load-"))
    print(f"machine: {os.cpu_count()} CPUs, {platform_line()}; logs in {workdir}", flush=True)
    speed = machine_speed()
    print(f"machine speed: sum(range(10**7)) in {speed:.3f} s (best of 5; lower is faster)", flush=True)
    figures: dict[str, Any] = {"machine": {"speed_s": speed, "busy_cores": args.busy_cores}}
    lines: list[str] = []
    for backend in ["sqlite", "postgres"] if args.backend == "both" else [args.backend]:
        lines += run_backend(backend, args, workdir, figures)
    print("\n" + "\n".join(lines))
    if args.json:
        write_json(args.json, figures)
    return 0


def run_backend(backend: str, args: argparse.Namespace, workdir: Path, figures: dict[str, Any]) -> list[str]:
    """One database with the plan and its people, one fake Slack, and each scenario against both apps."""
    lines = []
    with database(backend, workdir) as url:
        started = time.perf_counter()
        work = prepare_database(url, args.deliverables, args.people)
        print(f"[{backend}] plan of {args.deliverables} deliverables and {len(work.people)} people ready "
              f"in {time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
        fake = Fake(work.people)
        try:
            for scenario in ["A", "B"] if args.scenario == "both" else [args.scenario]:
                vacuum(url)
                results = run_scenario(backend, scenario, args, url, work, fake, workdir)
                label = f"{backend}, scenario {scenario}"
                print_scenario(label, results["ours"], results.get("bare"))
                lines.append(targets_line(label, results["ours"], scenario))
                figures[f"{backend}/{scenario}"] = results
        finally:
            fake.stop()
    return lines


def run_scenario(
    backend: str, scenario: str, args: argparse.Namespace, url: str, work: Workload, fake: Fake, workdir: Path
) -> dict[str, dict[str, Any]]:
    """The same requests to our app, then to the bare app: each one's summary, by target."""
    results: dict[str, dict[str, Any]] = {}
    answers: dict[str, list[float]] = {}
    for target in ["ours"] + ([] if args.no_bare else ["bare"]):
        rng = random.Random(args.seed)  # the same requests for both servers
        duration = args.duration if target == "ours" else args.bare_duration or args.duration
        if scenario == "A":
            schedule = scenario_a(work, args.rate, duration, rng)
        else:
            schedule = scenario_b(work, args.users, args.per_minute, duration, rng, bare=target == "bare")
        log = workdir / f"{backend}-{scenario}-{target}.log"
        speed_now = machine_speed()  # the two apps run minutes apart, and the machine drifts
        print(f"[{backend}] scenario {scenario}, {target}: {len(schedule)} requests over "
              f"{duration:.0f} s; machine speed {speed_now:.3f} s (log {log})", flush=True)  # fmt: skip
        results[target], answers[target] = run_app(target, schedule, duration, args, url, fake, log)
        results[target]["speed_s"] = speed_now
    if "bare" in results:
        results["ours"]["share_past_1_5x_bare_p95"] = share_past(answers["ours"], 1.5 * results["bare"]["p95"])
    return results


def run_app(
    target: str, schedule: Schedule, duration: float, args: argparse.Namespace, url: str, fake: Fake, log: Path
) -> tuple[dict[str, Any], list[float]]:
    """Start one app, send it the schedule (with any busy cores spinning), stop it: its summary and latencies."""
    server = Server(target, url, fake.base_url, args.workers, log)
    try:
        with busy(args.busy_cores):
            result = drive(server, fake, schedule, target, args.threads)
    finally:
        server.stop()
    return summary(result, duration), result.all()
