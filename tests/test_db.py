"""Sessions: drawings read without holding a transaction and cannot write; a pooled PostgreSQL connection the
server closed while it was idle is replaced before a request uses it."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.config import Settings
from storage import db
from storage.models import RoleMember
from tests.conftest import TEAM


def _members(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(RoleMember.user_id)))


def test_a_drawing_session_refuses_to_write_and_stores_nothing(engine: Engine) -> None:
    with pytest.raises(RuntimeError, match="may only read"), db.read_scope(engine) as session:
        session.add(RoleMember(team_id=TEAM, role_key="qa", role="QA", user_id="U1"))
        session.flush()
    assert _members(engine) == []
    # The engine it shares its pool with still writes.
    with db.session_scope(engine) as session:
        session.add(RoleMember(team_id=TEAM, role_key="qa", role="QA", user_id="U1"))
    assert _members(engine) == ["U1"]


def test_a_drawing_reads_what_was_committed_while_it_was_open(engine: Engine) -> None:
    """No snapshot is held between a drawing's statements: a tick stored meanwhile is seen by the next one."""
    with db.read_scope(engine) as reader:
        assert list(reader.exec(select(RoleMember.user_id))) == []
        with db.session_scope(engine) as writer:
            writer.add(RoleMember(team_id=TEAM, role_key="qa", role="QA", user_id="U2"))
        assert list(reader.exec(select(RoleMember.user_id))) == ["U2"]


def test_a_connection_the_server_closed_while_idle_is_replaced(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server to close a connection")
    engine = db.make_engine(settings.database_url, pool_size=1, max_overflow=0)
    admin = db.make_engine(settings.database_url)
    try:
        with db.read_scope(engine) as session:
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar()
        with admin.begin() as connection:  # what a server restart or an idle timeout does
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)
        with db.read_scope(engine) as session:
            assert session.execute(text("SELECT pg_backend_pid()")).scalar() != pid
    finally:
        engine.dispose()
        admin.dispose()


def test_every_sqlite_connection_keeps_a_small_page_cache(settings: Settings) -> None:
    """Each pooled SQLite connection holds its own page cache in the worker's memory: every one gets the small
    one, not only the first."""
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL keeps its cache in the server")
    engine = db.make_engine(settings.database_url)
    try:
        with engine.connect() as first, engine.connect() as second:
            sizes = [c.execute(text("PRAGMA cache_size")).scalar() for c in (first, second)]
        assert sizes == [-db.SQLITE_CACHE_KB, -db.SQLITE_CACHE_KB]
    finally:
        engine.dispose()
