"""What the clock's tests share: a team in Madrid, Bogotá and Kolkata, a fake Slack, a fast real client."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import SecretStr
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.config import Settings
from bot.document.plan import Deliverable, Item, Plan, RoleList, Section
from bot.schedule.jobs import RunReport, post_digest, send_reminders
from bot.slack.app import slack_client
from bot.tracking.importer import import_plan
from storage import roster
from storage.db import session_scope
from storage.models import Delivery
from tests.fake_slack import FakeSlack

TOKEN = "xoxb-jobs"
DIGEST_CHANNEL = "C0DIGEST01"
# Slack user id -> (name, timezone, locale, role)
PEOPLE = {
    "UMAD": ("ana", "Europe/Madrid", "es-ES", "Dev Lead"),
    "UBOG": ("camilo", "America/Bogota", "es-LA", "SRE"),
    "UKOL": ("arjun", "Asia/Kolkata", "en-IN", "QA"),
    "UIDLE": ("lea", "Europe/Madrid", "es-ES", "Docs"),  # owns only a finished deliverable
}


def team_plan(*, blocker_due: date = date(2025, 12, 9), long_blockers: int = 0) -> Plan:
    """A small plan: a blocker for each of Dev Lead and SRE, a QA task, a done entry for Docs."""
    extra = [
        Deliverable(
            number=10 + n,
            title=f"Extra blocker {n} " + "with a long explanation " * 5,
            section="BLOCKERS",
            priority="blocker",
            owners=["SRE"],
            due=blocker_due,
            items=[Item(f"Step {n}")],
        )
        for n in range(long_blockers)
    ]
    return Plan(
        title="Launch",
        date=date(2025, 10, 1),
        language="en",
        sections=[
            Section(title="BLOCKERS", priority="blocker", due=blocker_due),
            Section(title="TESTING", priority="high"),
            Section(title="DONE", kind="completed"),
        ],
        deliverables=[
            Deliverable(
                number=1,
                title="Final PR approved",
                section="BLOCKERS",
                priority="blocker",
                owners=["Dev Lead"],
                due=blocker_due,
                evidence="Link to the PR",
                items=[Item("Open the PR"), Item("Get two reviews")],
            ),
            Deliverable(
                number=2,
                title="Secrets provisioned",
                section="BLOCKERS",
                priority="blocker",
                owners=["SRE"],
                due=blocker_due,
                items=[Item("LOG_TOKEN")],
            ),
            Deliverable(number=3, title="Smoke tests", section="TESTING", priority="high", owners=["QA"], items=[]),
            Deliverable(number=None, title="Runbook", section="DONE", owners=["Docs"], status="done"),
            *extra,
        ],
        today=[RoleList(role="QA", items=[Item("Run the smoke suite")])],
    )


def load_team(
    engine: Engine,
    plan: Plan | None = None,
    people: dict[str, tuple[str, str, str, str]] = PEOPLE,
    team_id: str = "T0LOCAL",
) -> None:
    """Import the plan and give each person their role."""
    with session_scope(engine) as session:
        import_plan(session=session, plan=plan or team_plan(), team_id=team_id, source_name="plan.md", source_text="")
        for user, (_, _, _, role) in people.items():
            roster.assign_role(session=session, team_id=team_id, role=role, user_ids=[user], actor="cli")


@contextmanager
def fake_slack(people: dict[str, tuple[str, str, str, str]] = PEOPLE, **options: Any) -> Iterator[FakeSlack]:
    with FakeSlack(token=TOKEN, **options) as slack:
        slack.retry_after_seconds = 0  # Slack's wait is not what these tests are about
        for user, (name, tz, locale, _) in people.items():
            slack.add_user(user, name=name, tz=tz, locale=locale)
        slack.add_channel(DIGEST_CHANNEL, "deliverables")
        yield slack


def settings_for(settings: Settings, slack: FakeSlack, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": SecretStr(TOKEN),
        "slack_api_url": slack.url,
        "digest_channel": "#deliverables",
        "timezone": "Europe/Madrid",
        **overrides,
    }
    return settings.model_copy(update=values)


def fast_client(settings: Settings) -> WebClient:
    """The app's own client (429, 5xx and connection retries), backing off 10 ms instead of seconds."""
    client = slack_client(settings)
    for handler in client.retry_handlers or []:
        handler.interval_calculator = FixedValueRetryIntervalCalculator(0.01)
    return client


def at(moment: str) -> datetime:
    """`2025-12-08T08:00Z` as an aware datetime."""
    return datetime.fromisoformat(moment)


@dataclass
class Env:
    """A team, its fake Slack, and the jobs run against them at chosen moments."""

    slack: FakeSlack
    settings: Settings
    engine: Engine
    client: WebClient

    def remind(self, moment: str, **options: Any) -> RunReport:
        return send_reminders(self.client, self.engine, self.settings, at(moment), **options)

    def digest(self, moment: str) -> RunReport:
        return post_digest(self.client, self.engine, self.settings, at(moment))

    def dms(self, user: str) -> list[dict[str, Any]]:
        return [m for m in self.slack.messages(self.slack.dm_channel(user)) if m.get("user") == self.slack.bot_user_id]

    def posts_to(self, user: str) -> int:
        """chat.postMessage calls Slack accepted for this person's DM."""
        return sum(1 for c in self.slack.calls_to("chat.postMessage") if c.params.get("channel") == user and c.ok)

    def channel_messages(self) -> list[dict[str, Any]]:
        return self.slack.messages(DIGEST_CHANNEL)

    def deliveries(self, kind: str = "reminder") -> list[Delivery]:
        with Session(self.engine) as session:
            return list(session.exec(select(Delivery).where(Delivery.kind == kind).order_by(Delivery.id)))  # type: ignore[arg-type]


def delivery_key(message: dict[str, Any]) -> str:
    return str(message["metadata"]["event_payload"]["delivery"])


def action_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [e.get("action_id", "") for b in blocks if b.get("type") == "actions" for e in b["elements"]]
