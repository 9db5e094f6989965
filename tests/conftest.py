"""Fixtures: settings and a migrated database per test, on SQLite and (with TEST_DATABASE_URL) PostgreSQL.

SQLite: the schema is migrated once into a template file, copied for every test.
PostgreSQL: one schema per test session (so parallel runs don't collide), migrated once and emptied
between tests.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import Settings, load_settings
from storage import db

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "ENTREGABLES_PENDIENTES.md"
SHARED = ROOT.parent / "shared"
TEAM = "T0LOCAL"

# Tests must never read a developer's .env or reach a real host.
for _name in list(os.environ):
    if _name.startswith("SLACK_") or _name in ("DATABASE_URL", "ADMIN_USER_IDS", "DIGEST_CHANNEL", "LANGUAGE"):
        del os.environ[_name]

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    base = os.environ["TEST_DATABASE_URL"].replace("postgres://", "postgresql+psycopg://", 1)
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = db.make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = _with_search_path(base, schema)
    engine = db.make_engine(url)
    db.migrate(engine)
    engine.dispose()
    yield url
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "deliverables.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_schema")
    engine = db.make_engine(url)
    names = [name for name in inspect(engine).get_table_names() if name != "alembic_version"]
    tables = ", ".join(f'"{name}"' for name in names)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        _env_file=None,
        database_url=database_url,
        team_id=TEAM,
        deliverables_file=str(SEED),
        language="auto",
        admin_user_ids="UADMIN",
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = db.make_engine(settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session
