"""Sending once: claims, leases as proof of life, and recovery from Slack's history."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import Settings
from bot.schedule.lease import Lease
from bot.slack.client import slack_client
from bot.slack.sending import MAX_ATTEMPTS, Outgoing, send_once
from storage import deliveries
from storage.db import make_engine, session_scope
from storage.models import Delivery
from tests.fake_slack import FakeSlack

KEY = "T:reminder:UMAD:2025-12-08"
TOKEN = "xoxb-sending"


class FakeTime:
    """A clock for leases that moves only when told."""

    def __init__(self) -> None:
        self.now = datetime(2025, 12, 8, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(token=TOKEN) as fake:
        fake.add_user("UMAD", name="ana", tz="Europe/Madrid", locale="es-ES")
        yield fake


def message() -> Outgoing:
    return Outgoing(
        key=KEY, team_id="T", kind="reminder", recipient="UMAD", day=date(2025, 12, 8), text="Hola", blocks=[]
    )


def row(engine: Engine) -> Delivery | None:
    with Session(engine) as session:
        return deliveries.delivery(session=session, key=KEY)


def send(settings: Settings, engine: Engine, slack: FakeSlack, sender: str = "me") -> str:
    client = slack_client(settings.model_copy(update={"slack_api_url": slack.url}), token=TOKEN)
    for handler in client.retry_handlers or []:
        handler.interval_calculator = FixedValueRetryIntervalCalculator(0.01)
    result = send_once(
        client=client,
        engine=engine,
        message=message(),
        row=row(engine),
        sender=sender,
        recovery_channel=lambda: slack.dm_channel("UMAD"),
    )
    return result.outcome


def test_a_delivery_is_claimed_once_and_each_retry_once(engine: Engine) -> None:
    fields = {"key": KEY, "team_id": "T", "kind": "reminder", "recipient": "U1", "day": date(2025, 12, 8)}
    with session_scope(engine) as session:
        assert deliveries.claim_new(session=session, claimed_by="a", **fields)
        assert not deliveries.claim_new(session=session, claimed_by="b", **fields)
    found = row(engine)
    assert found is not None and found.id is not None and found.attempts == 1 and found.claimed_by == "a"
    with session_scope(engine) as session:
        assert deliveries.claim_again(session=session, delivery_id=found.id, attempts_seen=1, claimed_by="b")
        assert not deliveries.claim_again(session=session, delivery_id=found.id, attempts_seen=1, claimed_by="c")
    again = row(engine)
    assert again is not None and again.attempts == 2 and again.claimed_by == "b"


def test_one_lease_holder_at_a_time_and_a_takeover_once_it_expires(engine: Engine) -> None:
    tick = FakeTime()
    first, second = Lease(engine, clock=tick), Lease(engine, clock=tick)
    assert first.acquire() and first.held
    assert not second.acquire() and not second.held
    tick.now += timedelta(seconds=10)
    assert first.acquire() and not second.acquire()  # renewed
    tick.now += timedelta(seconds=16)  # past the margin: the first stops trusting its lease before it expires
    assert not first.held and not second.acquire()
    tick.now += timedelta(seconds=5)  # expired: the second takes over, the first cannot come back
    assert second.acquire() and not first.acquire() and not first.held
    second.release()
    assert first.acquire()


def test_racing_holders_get_the_lease_exactly_once(settings: Settings) -> None:
    engines = [make_engine(settings.database_url) for _ in range(6)]
    go = threading.Barrier(len(engines))
    won: list[bool] = []

    def race(engine: Engine) -> None:
        go.wait()
        won.append(Lease(engine).acquire())

    threads = [threading.Thread(target=race, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.dispose()
    assert sorted(won) == [False] * 5 + [True]


def test_a_refused_message_is_retried_and_given_up_after_a_few_tries(
    settings: Settings, engine: Engine, slack: FakeSlack
) -> None:
    slack.fail_next("chat.postMessage", error="msg_blocks_too_long", times=MAX_ATTEMPTS)
    outcomes = [send(settings, engine, slack) for _ in range(MAX_ATTEMPTS + 1)]
    assert outcomes == ["failed"] * MAX_ATTEMPTS + ["gave_up"]
    stored = row(engine)
    assert stored is not None and stored.status == "failed" and stored.last_error == "msg_blocks_too_long"
    assert not slack.calls_to("conversations.history")  # a refusal is certain: nothing to look for


def test_an_unknown_outcome_is_looked_up_before_sending_again(
    settings: Settings, engine: Engine, slack: FakeSlack
) -> None:
    slack.fail_next("chat.postMessage", status=502, times=4)  # past the client's retries; Slack may have posted
    assert send(settings, engine, slack) == "failed"
    stored = row(engine)
    assert stored is not None and stored.status == "pending" and stored.last_error == "http 502"
    assert send(settings, engine, slack) == "sent"  # nothing in the DM's history: sent now
    assert len(slack.calls_to("conversations.history")) == 1
    assert send(settings, engine, slack) == "done"
    assert len(slack.messages(slack.dm_channel("UMAD"))) == 1


def test_an_attempt_of_a_live_sender_is_left_alone(settings: Settings, engine: Engine, slack: FakeSlack) -> None:
    other = Lease.for_run(engine)
    assert other.acquire()
    with session_scope(engine) as session:
        deliveries.claim_new(
            session=session, key=KEY, team_id="T", kind="reminder", recipient="UMAD", day=date(2025, 12, 8),
            claimed_by=other.holder,
        )  # fmt: skip
    assert send(settings, engine, slack) == "busy"
    assert send(settings, engine, slack, sender=other.holder) == "sent"  # its own attempt: it may go on
