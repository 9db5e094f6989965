"""The command line: parse, check, import, roles, preview, export, run, serve, socket, clock, run-job, backup.

Each command's docstring is its help. Errors a user can fix are one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.config import Settings, SettingsError, get_settings
from bot.document.plan import DocumentError, Plan
from bot.i18n import LocalizedError, default_language, t, tn

Command = Callable[[argparse.Namespace, Settings], int]
COMMANDS: dict[str, Command] = {}


class UsageError(LocalizedError):
    """A mistake in how a command was called, said in one line."""


def command(name: str) -> Callable[[Command], Command]:
    def register(func: Command) -> Command:
        COMMANDS[name] = func
        return func

    return register


def parse_now(value: str | None) -> datetime:
    """`--now 2025-12-08T09:00` (UTC unless it says otherwise), or the real now."""
    if not value:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError("cli.bad_now", value=repr(value)) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def out(text: str) -> None:
    sys.stdout.write(text + "\n")


@command("parse")
def cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    """Parse a document and print it (JSON with --json)."""
    from bot.document.export import render_markdown
    from bot.document.read import parse_file, plan_to_json

    plan = parse_file(Path(args.path))
    if args.json:
        out(json.dumps(plan_to_json(plan), ensure_ascii=False, indent=2))
    else:
        out(render_markdown(plan))
        # On stderr: standard output stays the document, ready to redirect to a file.
        _summary(plan, default_language(settings.language, plan.language), sys.stderr.write)
    return 0


@command("check")
def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Show how each line of a document was read, then a summary and warnings.

    Exit code 0: usable as it is; 1: usable, with warnings; 2: it cannot be read.
    """
    from bot.document.check import line_report
    from bot.document.read import read_file

    reading = read_file(Path(args.path))
    lang = default_language(settings.language, reading.plan.language)
    for line in line_report(reading.plan, reading.readings, reading.lines, lang):
        out(line)
    out("")
    _summary(reading.plan, lang, lambda text: out(text.rstrip("\n")))
    return 1 if reading.plan.warnings else 0


def _summary(plan: Plan, lang: str, write: Callable[[str], object]) -> None:
    """How the document was read, in `lang`: counts, renumbering, the first warnings."""
    from bot.document.check import summary_lines

    for line in summary_lines(plan, lang):
        write(line + "\n")


@command("import")
def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    """Load or re-load a document; a re-import keeps ticks, evidence and history."""
    from bot.cli.runtime import open_database
    from bot.document.read import parse_file
    from bot.tracking.importer import import_plan
    from storage.db import session_scope

    path = Path(args.path)
    plan = parse_file(path)
    engine = open_database(settings)
    with session_scope(engine) as session:
        report = import_plan(
            session=session,
            plan=plan,
            team_id=settings.team_id,
            source_name=path.name,
            source_text=path.read_text(encoding="utf-8", errors="replace"),
        )
    lang = default_language(settings.language, plan.language)
    out(f"{path}: {report.summary(lang)}")
    _summary(plan, lang, lambda text: out(text.rstrip("\n")))
    return 0


@command("roles")
def cmd_roles(args: argparse.Namespace, settings: Settings) -> int:
    """Map document roles to Slack users (`assign ROLE USER_ID...`), or list who plays which role (`list`)."""
    from bot.cli.runtime import open_database
    from storage import plans, roster
    from storage.db import session_scope

    if args.action == "assign":
        if not args.role or not args.users:
            raise UsageError("cli.roles_usage")
        bad = [u for u in args.users if not u.strip("<@>").isalnum()]
        if bad:
            raise UsageError("cli.bad_user_ids", ids=", ".join(bad))
    engine = open_database(settings)
    with session_scope(engine) as session:
        plan = plans.active_plan(session=session, team_id=settings.team_id)
        lang = default_language(settings.language, plan.language if plan else None)
        if args.action == "assign":
            users = [u.strip("<@>") for u in args.users]
            added = roster.assign_role(
                session=session, team_id=settings.team_id, role=args.role, user_ids=users, actor="cli"
            )
            everyone = roster.members_by_role(session=session, team_id=settings.team_id).get(
                roster.role_key(args.role), []
            )
            people = ", ".join(added) if added else t("cli.no_new_people", lang)
            out(t("cli.assigned", lang, role=args.role, people=people, count=len(everyone)))
            return 0
        roles = plans.plan_roles(session=session, plan_id=plan.id) if plan and plan.id else {}
        members = roster.members_by_role(session=session, team_id=settings.team_id)
        for key in dict.fromkeys([*roles, *members]):
            name = roles.get(key, key)
            people = ", ".join(members.get(key, [])) or t("cli.nobody", lang)
            marker = "" if key in roles else "  " + t("cli.not_in_document", lang)
            out(f"{name:<24} {people}{marker}")
        return 0


@command("preview")
def cmd_preview(args: argparse.Namespace, settings: Settings) -> int:
    """Print the DMs and the digest that would be sent, as text or Block Kit JSON (--json), without Slack."""
    from bot.cli.preview import preview

    result = preview(settings, user=args.user, role=args.role, digest_only=args.digest, now=parse_now(args.now))
    if args.json:
        out(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        out(result.as_text())
    return 0


@command("export")
def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write the plan back as markdown, with ticks and evidence links."""
    from bot.cli.runtime import open_database
    from bot.document.export import render_markdown
    from bot.tracking.writeback import stored_plan
    from storage.db import session_scope

    engine = open_database(settings)
    with session_scope(engine) as session:
        stored = stored_plan(session=session, team_id=settings.team_id)
    if stored is None:
        raise UsageError("cli.nothing_to_export")
    plan, links = stored
    text = render_markdown(plan, evidence_links=links)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        lang = default_language(settings.language, plan.language)
        out(tn("cli.exported", len(plan.deliverables), lang, path=args.out))
    else:
        sys.stdout.write(text)
    return 0


@command("run")
def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Start the app: import the document if the database is empty; serve Slack, or preview without tokens."""
    from bot.cli.runtime import import_seed_if_empty, open_database

    engine = open_database(settings)
    summary = import_seed_if_empty(engine, settings)
    lang = default_language(settings.language, _plan_language(engine, settings))  # LANGUAGE, else the document's
    if summary:
        out(t("run.imported", lang, path=settings.deliverables_file, summary=summary) + "\n")
    if settings.slack_enabled and "serve" in COMMANDS:
        return COMMANDS["serve"](args, settings)
    from bot.cli.preview import preview

    out(preview(settings, user=None, role=None, digest_only=False, now=datetime.now(UTC)).as_text())
    out("\n" + t("run.no_slack", lang))
    return 0


def _plan_language(engine: Any, settings: Settings) -> str | None:
    from storage import plans
    from storage.db import session_scope

    with session_scope(engine) as session:
        plan = plans.active_plan(session=session, team_id=settings.team_id)
        return plan.language if plan else None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="deliverables", description="Deliverables: a team's plan, in Slack.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str) -> argparse.ArgumentParser:
        doc = (COMMANDS[name].__doc__ or "").strip()
        return sub.add_parser(name, help=doc, description=doc)

    p = add("parse")
    p.add_argument("path")
    p.add_argument("--json", action="store_true", help="print the contract JSON")
    add("import").add_argument("path")
    add("check").add_argument("path")
    p = add("roles")
    p.add_argument("action", choices=["assign", "list"])
    p.add_argument("role", nargs="?")
    p.add_argument("users", nargs="*")
    p = add("preview")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--user", help="a Slack user id: that person's DM")
    who.add_argument("--role", help="a role of the document: its DM")
    p.add_argument("--digest", action="store_true", help="only the blockers digest")
    p.add_argument("--json", action="store_true", help="Block Kit JSON instead of text")
    p.add_argument("--now", help="as if at this ISO date-time")
    p = add("export")
    p.add_argument("--out", help="file to write (default: standard output)")
    add("run")
    for name in COMMANDS:  # commands registered by other modules, with their own arguments if any
        if name not in sub.choices:
            configure = EXTRA_PARSERS.get(name)
            added = add(name)
            if configure is not None:
                configure(added)
    return parser


EXTRA_PARSERS: dict[str, Callable[[argparse.ArgumentParser], Any]] = {}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; a problem the user can fix is one line and exit code 2."""
    from bot.cli import extra  # noqa: F401  (registers serve, socket, clock, run-job, backup, restore)

    args = build_parser().parse_args(argv)
    lang = "en"  # until the settings say otherwise: LANGUAGE, else English (a broken document has no language)
    try:
        settings = get_settings()
        lang = default_language(settings.language, None)
        from bot.logs import configure_logging

        configure_logging(settings)
        return COMMANDS[args.command](args, settings)
    except (DocumentError, UsageError) as exc:
        sys.stderr.write(f"error: {exc.text(lang)}\n")
        return 2
    except SettingsError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        return 130
