"""Start-up shared by every command: settings, logging, database."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.config import Settings
from storage import db, plans

log = logging.getLogger("deliverables")


def open_database(settings: Settings) -> Engine:
    """The engine for DATABASE_URL, with the schema migrated to the latest version."""
    engine = db.make_engine(settings.database_url)
    db.migrate(engine)
    return engine


def import_seed_if_empty(engine: Engine, settings: Settings) -> str | None:
    """Import DELIVERABLES_FILE when the team has no plan yet; returns the import summary, if any."""
    from bot.document.read import parse_file
    from bot.i18n import default_language
    from bot.tracking.importer import import_plan

    with db.session_scope(engine) as session:
        if plans.active_plan(session=session, team_id=settings.team_id) is not None:
            return None
        path = Path(settings.deliverables_file)
        plan = parse_file(path)
        report = import_plan(
            session=session,
            plan=plan,
            team_id=settings.team_id,
            source_name=path.name,
            source_text=path.read_text(encoding="utf-8", errors="replace"),
            actor="import",
        )
        return report.summary(default_language(settings.language, plan.language))


def prepare_metrics_dir() -> str:
    """Give every gunicorn worker one directory for its metrics (set before prometheus_client is imported)."""
    import os
    import tempfile
    from pathlib import Path

    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="deliverables-metrics-")
    Path(directory).mkdir(parents=True, exist_ok=True)
    for stale in Path(directory).glob("*.db"):  # counters of a previous run would be added to this one's
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    return directory
