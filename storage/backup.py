"""Consistent backups of the database while the app runs, and their restore.

SQLite: Python's online backup API copies every page inside one read transaction, so the snapshot is
one moment of the database however busy the writers are; restore copies back with the same API, so
the live file (and its WAL) stays SQLite's business. PostgreSQL: `pg_dump --format=custom` of the
schema the app works in (the URL's search_path); `pg_restore --clean --if-exists` turns it into a
script that psql runs as a single transaction, so a restore lands whole or not at all. The password
travels in PGPASSWORD, never on a command line or in a message.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, inspect, select, table, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import col

from storage.db import make_engine, migrate
from storage.models import Plan

SNAPSHOT_NAME = re.compile(r"deliverables-\d{8}T\d{6}Z\.(?:sqlite3|pgdump)")
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# `217; 1259 17196 SCHEMA - public owner` and `COMMENT - SCHEMA public`: the schema is the target's own.
_TOC_SCHEMA = re.compile(r"^\d+; \d+ \d+ (?:SCHEMA - |COMMENT - SCHEMA )(\S+)")
_TOC_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (?!DATA )(\S+) (\S+) ")
_COPY = re.compile(r"^COPY (\S+) ")


class BackupError(Exception):
    """A backup or restore that cannot go ahead, said in one line."""


def describe(url: str) -> str:
    """The URL as it may be shown: without its password."""
    return make_url(url).render_as_string(hide_password=True)


def backup(url: str, path: Path, *, force: bool = False) -> Path:
    """Write a consistent snapshot of the database at `url` to `path` (a directory gets a timestamped file)."""
    postgres = _is_postgres(url)
    target = _destination(path, ".pgdump" if postgres else ".sqlite3")
    if target.exists() and not force:
        raise BackupError(f"{target} already exists; pass --force to overwrite it")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        with _database_errors(url):
            if postgres:
                _pg_dump(url, partial)
            else:
                _sqlite_backup(url, partial)
        backup_contents(partial)  # read it back: only a readable snapshot gets the real name
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore(url: str, path: Path, *, force: bool = False) -> None:
    """Replace the database at `url` with the backup at `path`, then migrate it to the current schema."""
    postgres = _is_postgres(url)
    kind = _backup_kind(path)
    if kind != ("pgdump" if postgres else "sqlite"):
        found = "a PostgreSQL dump" if kind == "pgdump" else "an SQLite file"
        raise BackupError(f"{path} is {found}, but DATABASE_URL is {describe(url)}")
    backup_contents(path)  # a damaged file fails here, before the database is touched
    if not postgres:
        _sqlite_file(url)  # refuse an in-memory database before connecting to one
    engine = make_engine(url)
    try:
        with _database_errors(url):
            if not force and _holds_plan(engine):
                raise BackupError(f"{describe(url)} holds a plan; pass --force to replace it with {path}")
            if postgres:
                _pg_restore(url, engine, path)
            else:
                _sqlite_restore(url, path)
            migrate(engine)
    finally:
        engine.dispose()


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` snapshots this tool named in `directory`; return what was deleted."""
    if keep < 1:
        raise BackupError(f"--keep must be at least 1, not {keep}")
    snapshots = sorted(p for p in directory.iterdir() if SNAPSHOT_NAME.fullmatch(p.name) and p.is_file())
    doomed = snapshots[:-keep]
    for snapshot in doomed:
        snapshot.unlink()
    return doomed


def backup_contents(path: Path) -> dict[str, int]:
    """Read a backup file through and count its rows per table; raise BackupError if it cannot be read."""
    if _backup_kind(path) == "sqlite":
        return _sqlite_contents(path)
    return _pgdump_contents(path)


def database_contents(url: str) -> dict[str, int]:
    """Count the rows of every table in the database at `url` (in its schema, for PostgreSQL)."""
    engine = make_engine(url)
    try:
        with _database_errors(url), engine.connect() as connection:
            names = inspect(connection).get_table_names()
            return {
                name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
                for name in sorted(names)
            }
    finally:
        engine.dispose()


@contextmanager
def _database_errors(url: str) -> Iterator[None]:
    """Turn a driver's error (refused, bad password, missing database) into one line without secrets."""
    try:
        yield
    except DBAPIError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise BackupError(f"{describe(url)}: {reason}") from None


def _is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def _destination(path: Path, suffix: str) -> Path:
    if path.is_dir():
        return path / f"deliverables-{datetime.now(UTC):%Y%m%dT%H%M%SZ}{suffix}"
    if not path.parent.is_dir():
        raise BackupError(f"directory {path.parent} does not exist")
    return path


def _backup_kind(path: Path) -> str:
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BackupError(f"no backup at {path}") from None
    except IsADirectoryError:
        raise BackupError(f"{path} is a directory; give the backup file to restore") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "pgdump"
    raise BackupError(f"{path} is not a backup: neither an SQLite file nor a pg_dump custom-format archive")


def _holds_plan(engine: Engine) -> bool:
    with engine.connect() as connection:
        if not inspect(connection).has_table("plan"):
            return False
        return connection.execute(select(col(Plan.id)).limit(1)).first() is not None


# SQLite


def _sqlite_file(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up or restore into")
    return Path(database)


def _sqlite_backup(url: str, destination: Path) -> None:
    source_path = _sqlite_file(url)
    if not source_path.is_file():
        raise BackupError(f"no SQLite database at {source_path}")
    try:
        with closing(sqlite3.connect(source_path, timeout=30)) as source, closing(sqlite3.connect(destination)) as copy:
            source.backup(copy)  # every page in one step: one read transaction, one moment, no restarts
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    except sqlite3.Error as exc:
        raise BackupError(f"backup of {source_path} failed: {exc}") from None


def _sqlite_restore(url: str, backup_path: Path) -> None:
    target = _sqlite_file(url)
    try:
        with closing(_read_only(backup_path)) as source, closing(sqlite3.connect(target, timeout=30)) as live:
            source.backup(live)  # under the live file's own locking, so its WAL and readers stay coherent
    except sqlite3.Error as exc:
        raise BackupError(f"restore into {target} failed: {exc}") from None


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)


def _sqlite_contents(path: Path) -> dict[str, int]:
    try:
        with closing(_read_only(path)) as connection:
            (verdict,) = connection.execute("PRAGMA quick_check").fetchone()
            if verdict != "ok":
                raise BackupError(f"{path} is damaged: {verdict}")
            names = [
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}  # noqa: S608
    except sqlite3.Error as exc:
        raise BackupError(f"{path} cannot be read as an SQLite backup: {exc}") from None


# PostgreSQL


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and an environment that carries it."""
    from psycopg.conninfo import make_conninfo

    parsed = make_url(url)
    params: dict[str, object] = {
        "host": parsed.host,
        "port": parsed.port,
        "user": parsed.username,
        "dbname": parsed.database,
    }
    params.update({key: value if isinstance(value, str) else value[-1] for key, value in parsed.query.items()})
    password = params.pop("password", None) or parsed.password
    env = {key: value for key, value in os.environ.items() if key != "PGPASSWORD"}
    if password:
        env["PGPASSWORD"] = str(password)
    conninfo = make_conninfo("", **{key: str(value) for key, value in params.items() if value is not None})
    return conninfo, env


def _current_schema(engine: Engine, url: str) -> str:
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar()
    if not schema:
        raise BackupError(f"the search_path of {describe(url)} names no existing schema; create it first")
    return str(schema)


def _run(args: Sequence[str], env: dict[str, str] | None = None) -> str:
    try:
        result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{args[0]} not found: install the PostgreSQL client tools of the server's version") from None
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {_first_error(result.stderr)}")
    return result.stdout


def _first_error(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower() or "fatal" in line.lower()]
    return ((errors or lines or ["no message"])[0])[:300]


def _pg_dump(url: str, destination: Path) -> None:
    engine = make_engine(url)
    try:
        schema = _current_schema(engine, url)
    finally:
        engine.dispose()
    conninfo, env = _libpq(url)
    quoted = '"' + schema.replace('"', '""') + '"'  # a pattern matching this one schema, case and all
    _run(
        [
            "pg_dump",
            "--format=custom",
            f"--schema={quoted}",
            "--no-password",
            "--lock-wait-timeout=60s",
            f"--file={destination}",
            f"--dbname={conninfo}",
        ],
        env,
    )


def _pgdump_contents(path: Path) -> dict[str, int]:
    # Decompressing every data block proves the archive whole, and COPY text holds one row per line.
    counts: dict[str, int] = {}
    current: str | None = None
    for line in _run(["pg_restore", "--data-only", "--file=-", str(path)]).splitlines():
        if current is None:
            match = _COPY.match(line)
            if match:
                current = match[1].rpartition(".")[2].strip('"')
                counts[current] = 0
        elif line == "\\.":
            current = None
        else:
            counts[current] += 1
    return dict(sorted(counts.items()))


def _pg_restore(url: str, engine: Engine, path: Path) -> None:
    schema = _current_schema(engine, url)
    toc = _run(["pg_restore", "--list", str(path)]).splitlines()
    dumped = {m[1] for m in map(_TOC_SCHEMA.match, toc) if m}
    if dumped and dumped != {schema}:
        raise BackupError(f"{path} holds schema {', '.join(sorted(dumped))}; DATABASE_URL works in schema {schema}")
    # The schema itself is left alone: it is the target's (and `public` belongs to the database owner).
    listing = "\n".join(";" + line if _TOC_SCHEMA.match(line) else line for line in toc) + "\n"
    # Tables the backup predates go too, so the migrations that follow can create them afresh.
    dumped_tables = {m[2] for m in map(_TOC_TABLE.match, toc) if m}
    quote = engine.dialect.identifier_preparer.quote
    extra = sorted(set(inspect(engine).get_table_names()) - dumped_tables)
    prelude = "".join(f"DROP TABLE IF EXISTS {quote(schema)}.{quote(name)} CASCADE;" for name in extra)
    conninfo, env = _libpq(url)
    # pg_restore writes the script out whole before psql starts: a half-read archive never commits.
    with tempfile.TemporaryDirectory(prefix="deliverables-restore-") as scratch:
        list_file, script = Path(scratch) / "toc.list", Path(scratch) / "restore.sql"
        list_file.write_text(listing)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                f"--use-list={list_file}",
                f"--file={script}",
                str(path),
            ]
        )
        _run(
            [
                "psql",
                "--no-psqlrc",
                "--no-password",
                "--quiet",
                "--set=ON_ERROR_STOP=1",
                "--single-transaction",
                *([f"--command={prelude}"] if prelude else []),
                f"--file={script}",
                f"--dbname={conninfo}",
            ],
            env,
        )
