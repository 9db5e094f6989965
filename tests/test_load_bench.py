"""A smoke run of the load benchmark: a tiny plan, a couple of seconds at a low rate. Prints, never times."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
from pathlib import Path

import pytest

from bench.load import apps, measures, report, run


def test_load_benchmark_runs_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "figures.json"
    argv = ["--scenario", "A", "--no-bare", "--duration", "2", "--rate", "5", "--deliverables", "40", "--people", "10"]
    assert run.main([*argv, "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "sqlite, scenario A" in printed and "p95" in printed
    figures = json.loads(out.read_text())["sqlite/A"]["ours"]
    assert figures["requests"] == 10 and figures["errors"] == 0 and figures["fake_failed"] == 0
    assert figures["memory_mb"]["start"] > 0
    processes = figures["memory_by_process"]  # the master and its two workers, each on its own
    assert len(processes) == 3 and all(p["rss_minute1"] > 0 and p["rss_end"] > 0 for p in processes)
    assert "by process, 1 min -> end" in printed
    assert json.loads(out.read_text())["machine"]["speed_s"] > 0  # runs on different days compare by it
    assert "machine speed:" in printed
    # and again before each app's run: ours and the bare app run minutes apart, and a machine drifts
    assert figures["speed_s"] > 0
    assert re.search(r"scenario A, ours: 10 requests over 2 s; machine speed \d+\.\d{3} s", printed)


def test_memory_by_process_tells_a_worker_that_starts_serving_after_minute_one() -> None:
    result = measures.Result("ours")
    result.processes = [
        (0.0, {10: (80.0, 1.0), 11: (86.0, 5.0), 12: (86.0, 5.0)}),
        (60.0, {10: (80.0, 1.0), 11: (92.0, 20.0), 12: (86.0, 5.1)}),  # 12 idle so far
        (300.0, {10: (80.0, 1.0), 11: (99.0, 60.0), 12: (95.0, 30.0)}),  # 12 grew once it served
    ]
    rows = {row["pid"]: row for row in measures.by_process(result, 60.0, 300.0)}
    assert rows[12]["rss_minute1"] == 86.0 and rows[12]["rss_end"] == 95.0
    assert rows[12]["cpu_to_minute1"] == pytest.approx(0.1) and rows[12]["cpu_after_minute1"] == pytest.approx(24.9)
    assert rows[11]["cpu_to_minute1"] == pytest.approx(15.0) and rows[10]["cpu_after_minute1"] == 0.0


def test_busy_cores_spin_during_the_run_and_stop_after() -> None:
    before = {p.pid for p in multiprocessing.active_children()}
    with measures.busy(2):
        spinning = [p for p in multiprocessing.active_children() if p.pid not in before]
        assert len(spinning) == 2 and all(p.is_alive() for p in spinning)
    assert not any(p.is_alive() for p in spinning)
    with measures.busy(0):
        assert {p.pid for p in multiprocessing.active_children()} == before


def test_share_past_counts_the_answers_beyond_the_bound() -> None:
    answers = [0.012, 0.014, 0.022, 0.033, 0.015]
    assert measures.share_past(answers, 1.5 * 0.014) == pytest.approx(2 / 5)  # 22 and 33 ms are past 21 ms
    assert measures.share_past(answers, 1.0) == 0.0
    assert measures.share_past([], 0.02) != measures.share_past([], 0.02)  # nothing measured: nan, never "0% slow"


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_vacuum_before_a_scenario_vacuums_the_bench_schema_on_postgresql(tmp_path: Path) -> None:
    from sqlalchemy import text

    from storage import db

    with apps.database("postgres", tmp_path) as url:
        engine = db.make_engine(url)
        try:
            db.migrate(engine)
            apps.vacuum(url)
            with engine.connect() as connection:
                vacuumed = connection.execute(
                    text(
                        "SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'lease'"
                        " AND schemaname = current_schema()"
                    )
                ).scalar()
            assert vacuumed
        finally:
            engine.dispose()
    assert apps.vacuum("sqlite:///nothing-here.db") is None  # SQLite: nothing to do, no file made
    assert not Path("nothing-here.db").exists()


def test_evidence_pages_benchmark_draws_the_pieces_it_hands_in(capsys: pytest.CaptureFixture[str]) -> None:
    from bench import evidence_pages

    assert evidence_pages.main(["--draws", "2", "--deliverables", "60", "--people", "10"]) == 0
    printed = capsys.readouterr().out
    steps = [line for line in printed.splitlines() if "pieces on each" in line]
    assert [int(line.split()[0]) for line in steps] == list(evidence_pages.STEPS)
    sizes = [int(line.rsplit("page of ", 1)[1].split()[0].replace(",", "")) for line in steps]
    assert sizes[1] > sizes[0]  # the pieces handed in are on the page it times


def test_the_ratio_is_printed_with_the_machine_speed_before_each_app(capsys: pytest.CaptureFixture[str]) -> None:
    timed = {"p50": 0.010, "p95": 0.020, "p99": 0.030}
    ours = {
        "target": "ours", "requests": 10, "throughput": 5.0, "max": 0.04, "errors": 0, "fake_failed": 0,
        "memory_mb": {"start": 90.0, "minute1": 95.0, "middle": 96.0, "end": 97.0}, "memory_growth": 0.02,
        "cpu_percent_by_fifth": [20.0], "memory_by_process": [], "after_minute1": dict(timed), "by_kind": {},
        "app_histogram": {}, "fake_calls": {}, "late_p99": 0.001, "speed_s": 0.251, **timed,
    }  # fmt: skip
    bare = {**ours, "target": "bare", "p95": 0.010, "after_minute1": {**timed, "p95": 0.010}, "speed_s": 0.174}
    report.print_scenario("sqlite, scenario A", ours, bare)
    printed = capsys.readouterr().out
    line = "p95 ours/bare: 2.00x (after minute 1: 2.00x); machine speed before each: ours 0.251 s, bare 0.174 s"
    assert line in printed
    assert ours["ratio_p95"] == pytest.approx(2.0)
