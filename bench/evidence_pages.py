"""What a checklist page costs as its deliverables gather evidence, in process and one page at a time.

    python -m bench.evidence_pages                      # SQLite in a temporary file
    python -m bench.evidence_pages --backend postgres   # a schema of its own on the local PostgreSQL

Builds the load benchmark's plan (2,000 deliverables, 500 people), takes one person who owns deliverables
that ask for evidence, and hands in more and more pieces on each of them (a text of ~300 characters; one
in ten withdrawn). After each step it draws that person's `mine` page (the first page: 50 blocks) again
and again and prints the page's p50/p90, its evidence query on its own (for 22 of those deliverables, about
what one page draws), and the page's size. Prints, never asserts.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from bench.load import TEAM
from bench.load.apps import database, prepare_database, vacuum
from bench.load.measures import percentile
from bot.config import Settings
from bot.views import checklists
from storage import db, deliverable_views
from storage.models import Evidence

STEPS = (0, 5, 20, 50, 200)  # live and withdrawn pieces per deliverable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--draws", type=int, default=150, help="pages drawn per step (150)")
    parser.add_argument("--deliverables", type=int, default=2000)
    parser.add_argument("--people", type=int, default=500)
    args = parser.parse_args(argv)
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp, database(args.backend, Path(tmp)) as url:
        work = prepare_database(url, args.deliverables, args.people)
        engine = db.make_engine(url)
        settings = Settings(database_url=url, team_id=TEAM)
        user = max(work.people, key=lambda person: len(work.evidence[person]))
        targets = work.evidence[user]
        print(f"[{args.backend}] {user} owns {len(targets)} deliverables that ask for evidence")
        held = 0
        for pieces in STEPS:
            with db.session_scope(engine) as session:
                for deliverable_id in targets:
                    for n in range(held, pieces):
                        session.add(
                            Evidence(
                                deliverable_id=deliverable_id,
                                user_id=user,
                                kind="text",
                                text=f"evidencia {n} " * 25,
                                withdrawn_at=now if n % 10 == 9 else None,
                            )
                        )
            held = pieces
            vacuum(url)  # PostgreSQL: statistics, as autovacuum would have them (SQLite: nothing)
            drawn = len(json.dumps(_draw(engine, settings, user, now), ensure_ascii=False))
            page = _timed(args.draws, lambda: _draw(engine, settings, user, now))
            query = _timed(args.draws, lambda: _evidence_query(engine, targets))
            print(
                f"  {pieces:4d} pieces on each: page p50 {page[0]:6.2f} ms, p90 {page[1]:6.2f} ms;"
                f" its evidence query alone p50 {query[0]:6.2f} ms; page of {drawn:,} characters"
            )
        engine.dispose()
    return 0


def _draw(engine: Engine, settings: Settings, user: str, now: datetime) -> list[dict[str, Any]]:
    with db.read_scope(engine) as session:
        page = checklists.user_checklist(session=session, settings=settings, team_id=TEAM, user_id=user, now=now)
    return page.blocks if page is not None else []


def _evidence_query(engine: Engine, targets: list[int]) -> None:
    with db.read_scope(engine) as session:
        deliverable_views.latest_evidence(session=session, deliverable_ids=targets[:22])


def _timed(times: int, work: Callable[[], object]) -> tuple[float, float]:
    spent: list[float] = []
    for _ in range(times):
        started = time.perf_counter()
        work()
        spent.append((time.perf_counter() - started) * 1000)
    return percentile(spent, 0.5), percentile(spent, 0.9)


if __name__ == "__main__":
    sys.exit(main())
