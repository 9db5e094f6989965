"""The report of a run: a table per scenario (ours next to the bare app), and a line of targets met or missed.

The targets: in scenario A p95 under 100 ms and p99 under 250 ms; in both, our p95 within 1.5x the bare app's,
zero errors (from the app or the fake Slack), and memory growing less than 5% from minute 1 to the end.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def ms(value: float) -> str:
    return f"{value * 1000:7.1f}" if value == value else "    n/a"


def print_scenario(label: str, ours: dict[str, Any], bare: dict[str, Any] | None) -> None:
    """Print a scenario's figures, ours next to the bare app's; with the bare app, add the ratio to `ours`."""
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
        print_ratio(ours, bare)


def print_ratio(ours: dict[str, Any], bare: dict[str, Any]) -> None:
    """Our p95 over the bare app's, with the machine's speed before each, kept in `ours` for the targets."""
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
    """One line naming each target, met or MISSED (the ratio only when the bare app ran)."""
    checks = []
    if scenario == "A":
        checks += [("p95 < 100 ms", ours["p95"] < 0.1), ("p99 < 250 ms", ours["p99"] < 0.25)]
    if "ratio_p95" in ours:
        checks.append(("p95 within 1.5x bare", ours["ratio_p95"] <= 1.5))
    checks.append(("zero errors", ours["errors"] == 0 and ours["fake_failed"] == 0))
    checks.append(("memory growth < 5%", ours["memory_growth"] < 0.05))
    return f"{label}: " + ", ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in checks)


def write_json(path: Path, figures: dict[str, Any]) -> None:
    """Keep every figure of the run, by backend and scenario, with the machine's speed."""
    path.write_text(json.dumps(figures, indent=2, default=str))
