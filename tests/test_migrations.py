"""Migrations apply to an empty database and to one of the previous version, losing nothing."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from storage import db
from tests.conftest import BACKENDS, _with_search_path


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = db.make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    base = os.environ["TEST_DATABASE_URL"]
    schema = f"m_{uuid.uuid4().hex[:10]}"
    admin = db.make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = db.make_engine(_with_search_path(base, schema))
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_an_empty_database_gets_every_table(empty_engine: Engine) -> None:
    db.migrate(empty_engine)
    tables = set(inspect(empty_engine).get_table_names())
    assert {t.name for t in SQLModel.metadata.sorted_tables} <= tables


def test_a_previous_version_database_keeps_its_rows(empty_engine: Engine) -> None:
    db.migrate(empty_engine, "0001")
    with empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO plan (team_id, title, language, evidence_label, intro, source_name, source_sha256,"
                " version, active, imported_at, imported_by) VALUES ('T1', 'Old plan', 'es', 'Entregar', '[]',"
                " 'a.md', 'x', 3, true, CURRENT_TIMESTAMP, 'cli')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO section (plan_id, position, title, priority, kind, heading) "
                "VALUES (1, 0, 'BLOQUEADORES', 'blocker', 'deliverables', 'BLOQUEADORES')"
            )
        )
    db.migrate(empty_engine)
    with empty_engine.connect() as connection:
        plan = connection.execute(text("SELECT title, version, heading FROM plan")).one()
        section = connection.execute(text("SELECT title, body FROM section")).one()
    assert tuple(plan) == ("Old plan", 3, "")
    assert section[0] == "BLOQUEADORES" and section[1] in ("[]", [])


def test_downgrade_and_upgrade_again(empty_engine: Engine) -> None:
    from alembic import command

    db.migrate(empty_engine)
    command.downgrade(db.alembic_config(empty_engine), "base")
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    db.migrate(empty_engine)
    assert "deliverable" in inspect(empty_engine).get_table_names()


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="needs TEST_DATABASE_URL (PostgreSQL)")
def test_a_postgres_url_as_hosting_platforms_give_it_connects() -> None:
    from bot.config import load_settings

    given = os.environ["TEST_DATABASE_URL"].replace("postgresql+psycopg://", "postgres://", 1)
    settings = load_settings(_env_file=None, database_url=given)
    engine = db.make_engine(settings.database_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()


def test_health_names_the_failed_check(tmp_path: Path) -> None:
    from bot.slack.server import health

    missing = db.make_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'x.db'}")
    ok, checks = health(missing)
    assert not ok and checks["database"].startswith("failed")
