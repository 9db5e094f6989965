"""Time parsing + importing a 2,000-deliverable document, and re-importing it unchanged and edited.

`python -m bench.import_bench [N] [DATABASE_URL]` (SQLite in a temporary file by default). Prints, never asserts.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench.generate import generate_document
from bot.document.read import parse_document
from bot.tracking.importer import import_plan
from storage import db


def timed(label: str, action: object) -> float:
    start = time.perf_counter()
    result = action() if callable(action) else None
    elapsed = time.perf_counter() - start
    extra = f"  ({result})" if isinstance(result, str) else ""
    print(f"{label:<44} {elapsed * 1000:8.0f} ms{extra}")
    return elapsed


def main(n: int = 2000, url: str | None = None) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="deliverables-bench-"))
    url = url or f"sqlite:///{workdir / 'bench.db'}"
    engine = db.make_engine(url)
    db.migrate(engine)
    text = generate_document(n, "es")
    edited = text.replace("**", "**Rev. ", 40)  # about 20 deliverables renamed a little
    print(f"{n} deliverables, {len(text.splitlines())} lines, {len(text) // 1024} KiB, database {engine.dialect.name}")

    def load(source: str) -> str:
        plan = parse_document(source)
        with db.session_scope(engine) as session:
            report = import_plan(session=session, plan=plan, team_id="TBENCH", source_name="bench.md",
                                 source_text=source)
        return f"added {len(report.added)}, changed {len(report.changed)}, archived {len(report.archived)}"

    first = timed("parse + first import", lambda: load(text))
    again = timed("parse + re-import, unchanged", lambda: load(text))
    timed("parse + re-import, ~20 titles edited", lambda: load(edited))
    print(f"targets: first import < 2000 ms ({'met' if first < 2 else 'MISSED'}), "
          f"unchanged re-import < 1000 ms ({'met' if again < 1 else 'MISSED'})")
    engine.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000, sys.argv[2] if len(sys.argv) > 2 else None)
