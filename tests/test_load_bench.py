"""A smoke run of the load benchmark: a tiny plan, a couple of seconds at a low rate. Prints, never times."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from bench import load


def test_load_benchmark_runs_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "figures.json"
    argv = ["--scenario", "A", "--no-bare", "--duration", "2", "--rate", "5", "--deliverables", "40", "--people", "10"]
    assert load.main([*argv, "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "sqlite, scenario A" in printed and "p95" in printed
    figures = json.loads(out.read_text())["sqlite/A"]["ours"]
    assert figures["requests"] == 10 and figures["errors"] == 0 and figures["fake_failed"] == 0
    assert figures["memory_mb"]["start"] > 0
    assert json.loads(out.read_text())["machine"]["speed_s"] > 0  # runs on different days compare by it
    assert "machine speed:" in printed


def test_busy_cores_spin_during_the_run_and_stop_after() -> None:
    before = {p.pid for p in multiprocessing.active_children()}
    with load.busy(2):
        spinning = [p for p in multiprocessing.active_children() if p.pid not in before]
        assert len(spinning) == 2 and all(p.is_alive() for p in spinning)
    assert not any(p.is_alive() for p in spinning)
    with load.busy(0):
        assert {p.pid for p in multiprocessing.active_children()} == before
