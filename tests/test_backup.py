"""Backups taken while the app writes, their restore, the refusals, pruning and the CLI, on every backend."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select, text, update
from sqlmodel import Session, SQLModel, col

from bot.cli.main import main
from bot.config import get_settings
from bot.document.plan import Deliverable, Item, Plan, Section
from bot.tracking.importer import import_plan
from storage import db
from storage.backup import (
    SNAPSHOT_NAME,
    BackupError,
    _libpq,
    backup,
    backup_contents,
    database_contents,
    prune,
    restore,
)
from storage.models import AuditEntry, ChecklistItem, RoleMember
from storage.models import Deliverable as DeliverableRow
from tests.conftest import TEAM

ITEMS_PER_WRITE = 3


def load_plan(url: str) -> int:
    """Import a small plan; return its id."""
    plan = Plan(
        title="Launch", date=date(2025, 12, 7), language="en",
        sections=[Section(title="BLOCKERS", priority="blocker", due=date(2025, 12, 9))],
        deliverables=[
            Deliverable(number=1, title="Final PR approved", section="BLOCKERS", priority="blocker",
                        owners=["Dev Lead"], evidence="Link to the PR", items=[Item("Open the PR"), Item("Review")]),
            Deliverable(number=2, title="Secrets provisioned", section="BLOCKERS", priority="blocker",
                        owners=["SRE", "Security"], items=[Item("LOG_TOKEN"), Item("DB creds")]),
        ],
    )
    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        report = import_plan(session=session, plan=plan, team_id=TEAM, source_name="doc.md", source_text="x")
    engine.dispose()
    return report.plan_id


def keep_writing(url: str, plan_id: int, stop: threading.Event, committed: list[int]) -> None:
    """Commit a deliverable with its items and an audit entry, one transaction each, until told to stop."""
    engine = db.make_engine(url)
    position = 100
    while not stop.is_set():
        with db.session_scope(engine) as session:
            row = DeliverableRow(plan_id=plan_id, position=position, title=f"burst {position}")
            session.add(row)
            session.flush()
            session.add_all(
                ChecklistItem(plan_id=plan_id, deliverable_id=row.id, position=i, text=f"step {i}")
                for i in range(ITEMS_PER_WRITE)
            )
            session.add(AuditEntry(team_id=TEAM, actor="writer", action="test.write", target_type="deliverable",
                                   target_id=row.id))
        committed.append(position)
        position += 1
    engine.dispose()


def wait_for(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def read_tables(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    engine = db.make_engine(url)
    with engine.connect() as connection:
        names = inspect(connection).get_table_names()
        tables = {t.name: t for t in SQLModel.metadata.sorted_tables}
        rows = {
            name: [tuple(r) for r in connection.execute(select(tables[name]).order_by(*tables[name].primary_key))]
            for name in names if name in tables
        }
        rows["alembic_version"] = [tuple(r) for r in connection.execute(text("SELECT * FROM alembic_version"))]
    engine.dispose()
    return rows


def test_backup_while_writing_is_one_moment_and_restores_identically(database_url: str, tmp_path: Path) -> None:
    plan_id = load_plan(database_url)
    base = database_contents(database_url)
    stop = threading.Event()
    committed: list[int] = []
    writer = threading.Thread(target=keep_writing, args=(database_url, plan_id, stop, committed), daemon=True)
    writer.start()
    try:
        wait_for(lambda: len(committed) >= 5)
        before = len(committed)
        snapshot = backup(database_url, tmp_path)
        during = len(committed)
        wait_for(lambda: len(committed) >= during + 5)  # the writer outlived the backup
    finally:
        stop.set()
        writer.join(10)

    assert SNAPSHOT_NAME.fullmatch(snapshot.name) and snapshot.parent == tmp_path
    counts = backup_contents(snapshot)  # reads every page / data block; SQLite passes quick_check
    writes = counts["deliverable"] - base["deliverable"]
    assert before <= writes <= during + 1
    # Each write was one transaction: the snapshot holds all of one or none of it.
    assert counts["checklistitem"] - base["checklistitem"] == ITEMS_PER_WRITE * writes
    assert counts["audit_log"] - base["audit_log"] == writes

    quiet = backup(database_url, tmp_path / "quiet.backup")
    expected = read_tables(database_url)
    engine = db.make_engine(database_url)
    with db.session_scope(engine) as session:
        session.execute(update(ChecklistItem).values(done=True, done_by="UOOPS"))
        session.add(AuditEntry(team_id=TEAM, actor="UOOPS", action="item.tick", target_type="item"))
    engine.dispose()
    with pytest.raises(BackupError, match="holds a plan; pass --force"):
        restore(database_url, quiet)
    restore(database_url, quiet, force=True)
    assert read_tables(database_url) == expected

    restore(database_url, snapshot, force=True)
    assert database_contents(database_url) == counts
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        is_burst = col(DeliverableRow.title).startswith("burst ")
        bursts = list(session.scalars(select(col(DeliverableRow.id)).where(is_burst)))
        owners = session.scalars(
            select(col(ChecklistItem.deliverable_id)).where(col(ChecklistItem.deliverable_id).in_(bursts))
        )
        assert len(bursts) == writes and Counter(owners) == Counter(dict.fromkeys(bursts, ITEMS_PER_WRITE))
        if engine.dialect.name == "sqlite":
            assert session.scalar(text("PRAGMA integrity_check")) == "ok"
            assert session.scalar(text("PRAGMA journal_mode")) == "wal"
    engine.dispose()


def test_restore_of_an_older_backup_is_migrated(database_url: str, tmp_path: Path) -> None:
    engine = db.make_engine(database_url)
    SQLModel.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    old = backup(database_url, tmp_path / "before-any-migration")  # as old as a backup gets
    db.migrate(engine)
    with db.session_scope(engine) as session:
        session.add(RoleMember(team_id=TEAM, role_key="sre", role="SRE", user_id="U1"))

    restore(database_url, old)  # no plan in the database: no --force needed

    tables = database_contents(database_url)
    assert {t.name for t in SQLModel.metadata.sorted_tables} <= set(tables)
    assert tables["rolemember"] == 0  # the backup had no such table: it came back empty, not stale
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(db.alembic_config(engine)).get_current_head()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
    engine.dispose()


def test_refusals(database_url: str, tmp_path: Path) -> None:
    load_plan(database_url)
    taken = backup(database_url, tmp_path / "taken")
    with pytest.raises(BackupError, match="already exists; pass --force"):
        backup(database_url, taken)
    assert backup(database_url, taken, force=True) == taken
    with pytest.raises(BackupError, match="no backup at"):
        restore(database_url, tmp_path / "missing", force=True)
    with pytest.raises(BackupError, match="does not exist"):
        backup(database_url, tmp_path / "no-such-dir" / "file")

    stranger = tmp_path / "notes.txt"
    stranger.write_text("not a backup")
    with pytest.raises(BackupError, match="is not a backup"):
        restore(database_url, stranger, force=True)
    damaged = tmp_path / "damaged"
    data = taken.read_bytes()
    damaged.write_bytes(data[: len(data) // 2] + b"\xff" * 64)
    with pytest.raises(BackupError):
        restore(database_url, damaged, force=True)
    assert database_contents(database_url)["plan"] == 1  # nothing was touched

    other = tmp_path / "other"
    other.write_bytes(b"PGDMP" if database_url.startswith("sqlite") else b"SQLite format 3\x00")
    with pytest.raises(BackupError, match="but DATABASE_URL is"):
        restore(database_url, other, force=True)


def test_prune_keeps_the_newest_and_touches_nothing_else(tmp_path: Path) -> None:
    names = ["deliverables-20250101T000000Z.sqlite3", "deliverables-20250102T000000Z.pgdump",
             "deliverables-20250103T000000Z.sqlite3", "deliverables-20250104T000000Z.sqlite3"]
    strangers = ["deliverables-latest.sqlite3", "notes.txt", ".deliverables-20250105T000000Z.sqlite3.partial"]
    for name in names + strangers:
        (tmp_path / name).write_text("x")
    assert prune(tmp_path, 2) == [tmp_path / names[0], tmp_path / names[1]]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[2:] + strangers)
    assert prune(tmp_path, 5) == []
    with pytest.raises(BackupError, match="at least 1"):
        prune(tmp_path, 0)


def test_password_stays_out_of_arguments_and_messages(tmp_path: Path) -> None:
    url = "postgresql+psycopg://deliverables:s3cr%40t@127.0.0.1:1/app?options=-csearch_path%3Dops"
    conninfo, env = _libpq(url)
    assert "s3cr" not in conninfo and env["PGPASSWORD"] == "s3cr@t"
    assert "search_path=ops" in conninfo and "port=1" in conninfo
    with pytest.raises(BackupError) as caught:
        backup(url, tmp_path)
    assert "s3cr" not in str(caught.value) and "***" in str(caught.value)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)  # no developer .env
    monkeypatch.setenv("DATABASE_URL", database_url)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    root.handlers[:], root.level = handlers, level


@pytest.mark.usefixtures("cli")
def test_cli_backup_restore_and_exit_codes(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load_plan(database_url)
    shelf = tmp_path / "backups"
    shelf.mkdir()
    for day in ("01", "02"):
        (shelf / f"deliverables-202501{day}T000000Z.sqlite3").write_text("old")

    assert main(["backup", str(shelf), "--keep", "2"]) == 0
    printed = capsys.readouterr().out
    assert "wrote " in printed and " tables, " in printed and " rows)" in printed
    assert f"removed {shelf / 'deliverables-20250101T000000Z.sqlite3'}" in printed
    written = next(p for p in shelf.iterdir() if not p.name.startswith("deliverables-2025"))
    assert SNAPSHOT_NAME.fullmatch(written.name)

    assert main(["backup", str(written)]) == 2
    assert "already exists; pass --force" in capsys.readouterr().err
    assert main(["restore", str(written)]) == 2
    assert "holds a plan; pass --force" in capsys.readouterr().err
    assert main(["restore", str(written), "--force"]) == 0
    assert "restored " in capsys.readouterr().out
    with pytest.raises(SystemExit) as usage:
        main(["backup", str(shelf), "--keep", "0"])
    assert usage.value.code == 2


def test_postgres_backup_holds_only_the_apps_schema(database_url: str, tmp_path: Path) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL only")
    load_plan(database_url)
    dump = backup(database_url, tmp_path)
    assert dump.suffix == ".pgdump"
    assert set(backup_contents(dump)) == set(database_contents(database_url))
