"""Engine, sessions and migrations."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool
from sqlmodel import Session, create_engine

MIGRATIONS = Path(__file__).parent / "migrations"
# A pooled PostgreSQL connection idle longer than this is pinged before use (a server restart or an idle
# timeout may have closed it); one in steady use is not: the ping would be a round trip per request.
IDLE_PING_SECONDS = 5.0


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine: SQLite in WAL mode with a busy timeout, PostgreSQL with a pool checked after idling."""
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        options: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if memory:
            options["poolclass"] = StaticPool
        options.update(kwargs)
        engine = create_engine(url, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        options = {"pool_size": 5, "max_overflow": 10}
        options.update(kwargs)
        engine = create_engine(url, **options)
        _ping_when_idle(engine)
    event.listen(engine, "before_cursor_execute", _only_reads)  # read_scope's guard
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use when it has been idle a while (SQLAlchemy's pool_pre_ping, but
    not for the connection a busy app checked in a moment ago). A dead one is replaced: the pool retries."""

    @event.listens_for(engine, "checkin")
    def checked_in(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def checked_out(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        since = record.info.get("checked_in")
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("a pooled connection was closed while idle") from exc


# Each SQLite connection keeps a page cache of its own (SQLite's default: up to 2 MB), and in WAL mode drops it
# whenever another connection has written since its last read: with ticks and hand-ins from several workers it
# is refilled often, and every connection a worker pools holds its own. 512 KB holds a request's pages.
SQLITE_CACHE_KB = 512


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the web workers read while the clock writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KB}")  # negative: in KiB
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that runs on `engine` (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser reads % as interpolation: a password or option with % in the URL must be escaped.
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision`, creating it on an empty database."""
    command.upgrade(alembic_config(engine), revision)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


READ_ONLY = "deliverables_read_only"  # an execution option: this connection draws, it never writes


def _only_reads(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
    if conn.get_execution_options().get(READ_ONLY) and statement.lstrip()[:6].upper() != "SELECT":
        raise RuntimeError(f"a read_scope session may only read, not {statement.split()[0]}")


@contextmanager
def read_scope(engine: Engine) -> Iterator[Session]:
    """A session for drawing only: each statement reads what is committed when it runs, in no transaction.

    On PostgreSQL that spares a BEGIN and a COMMIT (two round trips) per drawing; SQLite's driver begins no
    transaction for reads anyway, so both backends read the same way. Writing through it raises.
    """
    session = Session(engine, expire_on_commit=False)
    try:
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT", READ_ONLY: True})
        yield session
    finally:
        session.close()


def insert_ignore(session: Session, table: type[Any], **values: Any) -> bool:
    """INSERT a row unless its key exists (ON CONFLICT DO NOTHING, SQLite and PostgreSQL); True if inserted.

    No exception and no savepoint: a conflict leaves the surrounding transaction usable on PostgreSQL.
    """
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing()
    # SQLAlchemy keeps an INSERT's rowcount only when asked; it is how we know whether the row went in.
    result = session.execute(statement.execution_options(preserve_rowcount=True))
    return bool(getattr(result, "rowcount", 0))
