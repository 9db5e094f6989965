"""What a run measures: latencies and their percentiles, each process's memory and CPU, the machine's speed.

Latency is the driver's (request sent to whole response in); memory and CPU are read from /proc for the
gunicorn master and each worker on their own, every 2 s. A ratio of two runs made minutes apart means
something only if the machine was as fast for both, so its speed is measured before each.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Usage = dict[int, tuple[float, float]]  # pid -> (RSS MB, CPU seconds)


@dataclass
class Result:
    """Everything one app's run recorded, before it is summed up."""

    target: str
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    timed: list[tuple[float, float]] = field(default_factory=list)  # (scheduled second, latency) of each 200
    statuses: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    late: list[float] = field(default_factory=list)  # how far behind schedule requests went out
    memory: list[tuple[float, float]] = field(default_factory=list)  # (seconds into the run, RSS MB)
    # (seconds into the run, {pid: (RSS MB, CPU seconds)}): the master and each worker on their own
    processes: list[tuple[float, Usage]] = field(default_factory=list)
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


def share_past(values: list[float], bound: float) -> float:
    """The share of answers slower than `bound`. Both apps answer on Bolt's 10-ms ack polling steps, so a p95
    jumps a whole step once about 5% of answers cross one: this share shows how near that edge a run is."""
    return sum(value > bound for value in values) / len(values) if values else float("nan")


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


# --- memory and CPU, per process ---------------------------------------------------------------------------


def process_tree(root: int) -> list[int]:
    """`root` and every process under it: the gunicorn master and its workers."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            children[int(stat.rsplit(")", 1)[1].split()[1])].append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def usage(root: int) -> Usage:
    """Each process's RSS (MB) and CPU seconds under `root`, by pid."""
    ticks = os.sysconf("SC_CLK_TCK")
    found: Usage = {}
    for pid in process_tree(root):
        try:
            rss = next(
                int(line.split()[1])
                for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                if line.startswith("VmRSS:")
            )
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            found[pid] = (rss / 1024, (int(fields[11]) + int(fields[12])) / ticks)
        except (OSError, IndexError, StopIteration, ValueError):  # the process ended while being read
            continue
    return found


@contextmanager
def sampling(result: Result, root: int, start: float) -> Iterator[None]:
    """Every 2 s while the block runs (and once as it ends), the memory and CPU of `root` and its children."""
    done = threading.Event()

    def sample() -> None:
        while True:
            at = time.perf_counter() - start
            each = usage(root)
            result.processes.append((at, each))
            result.memory.append((at, sum(rss for rss, _ in each.values())))
            result.cpu.append((at, sum(cpu for _, cpu in each.values())))
            if done.wait(2.0):
                break

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield
    finally:
        done.set()
        sampler.join()


# --- the machine ---------------------------------------------------------------------------------------------


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


# --- one run summed up -----------------------------------------------------------------------------------------


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


def cpu_by_fifth(result: Result, duration: float) -> list[float]:
    """The app's CPU (% of one core) in each fifth of the run."""
    cpu: list[float] = []
    if len(result.cpu) < 2:
        return cpu
    fifth = duration / 5
    for k in range(5):
        a, b = k * fifth, (k + 1) * fifth
        inside = [s for s in result.cpu if a <= s[0] <= b + 1]
        if len(inside) > 1:
            cpu.append(100 * (inside[-1][1] - inside[0][1]) / max(inside[-1][0] - inside[0][0], 1e-9))
    return cpu


def summary(result: Result, duration: float) -> dict[str, Any]:
    """The figures of one app's run, as the report prints them and the JSON keeps them."""
    values = result.all()
    errors = sum(n for key, n in result.statuses.items() if not key.endswith(" 200"))
    minute1 = min(60.0, duration / 5)
    mem = {
        "start": memory_at(result, 0),
        "minute1": memory_at(result, minute1),
        "middle": memory_at(result, duration / 2),
        "end": memory_at(result, duration),
    }
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
        "fake_failed": sum(n for key, n in result.fake_calls.items() if not key.endswith(" ok")),
        "fake_calls": result.fake_calls,
        "late_p99": percentile(result.late, 0.99),
        "memory_mb": mem,
        "memory_growth": (mem["end"] - mem["minute1"]) / mem["minute1"] if mem["minute1"] else float("nan"),
        "memory_by_process": by_process(result, minute1, duration),
        "cpu_percent_by_fifth": cpu_by_fifth(result, duration),
        "app_histogram": result.app_histogram,
    }
