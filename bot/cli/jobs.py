"""Commands of the clock: `clock` (the scheduler process) and `run-job reminders|digest [--now ISO]`."""

from __future__ import annotations

import argparse

from bot.cli.main import EXTRA_PARSERS, UsageError, command, out, parse_now
from bot.config import Settings
from bot.i18n import default_language, t

JOBS = ("reminders", "digest")


def need_slack(settings: Settings, what: str) -> None:
    """Refuse to run a job without Slack, pointing to what works without it."""
    if settings.slack_bot_token is None and not settings.multi_workspace:
        raise UsageError("cli.needs_slack", what=what)


@command("clock")
def cmd_clock(args: argparse.Namespace, settings: Settings) -> int:
    """Run the scheduler process: reminders every 5 minutes in each owner's timezone, and the digest."""
    from bot.cli.runtime import open_database
    from bot.cli.slack import check_slack
    from bot.schedule.clock import run_clock

    need_slack(settings, "clock")
    if not settings.multi_workspace:  # one token to check; installations bring their own
        check_slack(settings, need_signing_secret=False)
    run_clock(settings, engine=open_database(settings))
    return 0


@command("run-job")
def cmd_run_job(args: argparse.Namespace, settings: Settings) -> int:
    """Run one scheduled job once (reminders or digest), now or as if at --now; exit 1 if some sends failed.

    Safe next to a running clock: each message is claimed before it is sent, so nothing goes twice.
    """
    from bot.cli.runtime import open_database
    from bot.schedule.jobs import DIGEST_GRACE, post_digest, send_reminders, workspaces

    need_slack(settings, f"run-job {args.job}")
    now = parse_now(args.now)
    engine = open_database(settings)
    job = send_reminders if args.job == "reminders" else post_digest
    failed = 0
    for workspace in workspaces(settings, engine):
        report = job(workspace.client, engine, workspace.settings, now)
        failed += report.failed
        out(report.summary())
        for recipient, error in sorted(report.errors.items()):
            out(f"  {recipient}: {error}")
        if report.outcomes["no_slot"]:
            hours = f"{DIGEST_GRACE.total_seconds() / 3600:.0f}"
            out(t("cli.no_digest_slot", default_language(settings.language, None), hours=hours))
    return 1 if failed else 0


def _run_job_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("job", choices=JOBS)
    parser.add_argument("--now", help="as if at this ISO date-time (UTC unless it says otherwise)")


EXTRA_PARSERS["clock"] = lambda parser: None
EXTRA_PARSERS["run-job"] = _run_job_arguments
