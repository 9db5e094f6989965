"""Commands that look after the data: backup and restore."""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from bot.cli.main import EXTRA_PARSERS, UsageError, command, out
from bot.config import Settings
from bot.i18n import default_language, number, t
from storage.backup import BackupError, backup, backup_contents, database_contents, describe, prune, restore

log = logging.getLogger("deliverables.backup")


@command("backup")
def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    """Write a consistent snapshot of the database, safe while the app runs; PATH may be a directory."""
    started = time.monotonic()
    try:
        written = backup(settings.database_url, Path(args.path), force=args.force)
        contents = backup_contents(written)
        pruned = prune(written.parent, args.keep) if args.keep else []
    except BackupError as exc:
        raise UsageError("cli.backup_failed", reason=str(exc)) from None
    log.info(
        "backup written",
        extra={"kind": "backup", "outcome": "ok", "duration_ms": round((time.monotonic() - started) * 1000)},
    )
    lang = default_language(settings.language, None)
    size = _size(written.stat().st_size, lang)
    out(t("cli.backup_written", lang, path=written, size=size, tables=len(contents), rows=sum(contents.values())))
    for path in pruned:
        out(t("cli.backup_removed", lang, path=path))
    return 0


@command("restore")
def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    """Replace the database with a backup (--force if it holds a plan), then migrate it to this version."""
    started = time.monotonic()
    path = Path(args.path)
    try:
        restore(settings.database_url, path, force=args.force)
        contents = database_contents(settings.database_url)
    except BackupError as exc:
        raise UsageError("cli.restore_failed", reason=str(exc)) from None
    log.info(
        "backup restored",
        extra={"kind": "restore", "outcome": "ok", "duration_ms": round((time.monotonic() - started) * 1000)},
    )
    lang, database = default_language(settings.language, None), describe(settings.database_url)
    out(t("cli.restored", lang, path=path, database=database, tables=len(contents), rows=sum(contents.values())))
    return 0


def _configure_backup(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="file to write, or a directory for deliverables-YYYYmmddTHHMMSSZ.<ext>")
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    parser.add_argument("--keep", type=_positive, metavar="N", help="then keep only the newest N snapshots there")


def _configure_restore(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="a backup file written by `backup`")
    parser.add_argument("--force", action="store_true", help="replace a database that holds a plan")


EXTRA_PARSERS["backup"] = _configure_backup
EXTRA_PARSERS["restore"] = _configure_restore


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of 1 or more")
    return int(value)


def _size(size: int, lang: str) -> str:
    if size < 1024:
        return f"{number(size, lang)} bytes"
    amount = size / 1024
    for unit in ("KiB", "MiB"):
        if amount < 1024:
            return f"{number(amount, lang, decimals=1)} {unit}"
        amount /= 1024
    return f"{number(amount, lang, decimals=1)} GiB"
