"""The blockers digest: once per scheduled slot, long ones threaded, changes and escalations, and on demand."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

import bot.slack.sending
from bot.config import Settings
from bot.schedule.jobs import post_digest_now
from handlers.call import Call
from handlers.commands import handle_deliverables
from storage.models import ChecklistItem
from tests.jobs_support import (
    DIGEST_CHANNEL,
    Env,
    delivery_key,
    fake_slack,
    fast_client,
    load_team,
    settings_for,
    team_plan,
)

MONDAY_NINE = "2025-12-08T08:00Z"  # 09:00 in Madrid, the digest's TIMEZONE


@contextmanager
def team(settings: Settings, engine: Engine, **plan: Any) -> Iterator[Env]:
    load_team(engine, team_plan(**plan))
    with fake_slack() as slack:
        configured = settings_for(settings, slack)
        yield Env(slack, configured, engine, fast_client(configured))


@pytest.fixture
def env(settings: Settings, engine: Engine) -> Iterator[Env]:
    with team(settings, engine) as ready:
        yield ready


def top_level(env: Env) -> list[dict[str, Any]]:
    return [m for m in env.channel_messages() if m.get("thread_ts", m["ts"]) == m["ts"]]


def test_posted_once_per_slot_to_a_channel_given_by_name(env: Env) -> None:
    assert env.digest("2025-12-08T07:59Z").outcomes == {"no_slot": 1}  # Friday's slot is days old
    assert env.digest(MONDAY_NINE).sent == 1
    assert env.digest("2025-12-08T08:05Z").outcomes == {"done": 1}
    assert env.digest("2025-12-08T12:00Z").outcomes == {"done": 1}
    [posted] = top_level(env)
    assert delivery_key(posted) == "T0LOCAL:digest:deliverables:2025-12-08T09:00:00+01:00"
    assert posted["metadata"]["event_type"] == "deliverables_digest"
    assert "Blockers digest" in posted["text"] and "Final PR approved" in str(posted["blocks"])
    [row] = env.deliveries("digest")
    assert row.channel == DIGEST_CHANNEL and row.ts == posted["ts"] and row.status == "sent"
    assert env.digest("2025-12-13T08:00Z").outcomes == {"no_slot": 1}  # Saturday: 1-5 is Monday to Friday


def test_the_next_digest_says_what_changed(env: Env) -> None:
    env.digest(MONDAY_NINE)
    with Session(env.engine) as session:
        item = session.exec(select(ChecklistItem).where(ChecklistItem.text == "Open the PR")).one()
        item.done = True
        session.add(item)
        session.commit()
    env.digest("2025-12-09T08:00Z")
    first, second = top_level(env)
    assert "Changes since the last digest" not in str(first["blocks"])
    assert "1 item ticked" in str(second["blocks"]) and "1 items" not in str(second["blocks"])


def test_a_long_digest_goes_on_in_its_thread(settings: Settings, engine: Engine) -> None:
    with team(settings, engine, long_blockers=40) as env:
        env.digest(MONDAY_NINE)
        [summary] = top_level(env)
        replies = [m for m in env.channel_messages() if m.get("thread_ts") == summary["ts"] != m["ts"]]
        assert replies and "Details in the thread" in str(summary["blocks"])
        assert "Extra blocker 39" in str(replies) and "Extra blocker 39" not in str(summary["blocks"])
        assert all(len(m["blocks"]) <= 50 for m in env.channel_messages())
        [row] = env.deliveries("digest")
        assert row.status == "sent" and row.snapshot["thread_posted"] == len(replies)


def test_a_thread_cut_short_is_finished_without_posting_the_summary_again(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with team(settings, engine, long_blockers=40) as env:
        post = env.client.chat_postMessage

        def no_replies(**kwargs: Any) -> Any:
            if "thread_ts" in kwargs:
                raise ConnectionResetError("dropped")
            return post(**kwargs)

        monkeypatch.setattr(env.client, "chat_postMessage", no_replies)
        assert env.digest(MONDAY_NINE).failed == 1
        monkeypatch.undo()
        [row] = env.deliveries("digest")
        assert row.status == "pending" and row.ts is not None
        assert env.digest("2025-12-08T08:05Z").sent == 1
        assert len(top_level(env)) == 1 and len(env.channel_messages()) > 1
        assert not env.slack.calls_to("conversations.history")  # the summary's ts was recorded: nothing to look for


def test_a_crash_after_posting_the_summary_is_recovered_from_the_channel(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Crash(BaseException):
        pass

    def die(*args: Any, **kwargs: Any) -> None:
        raise Crash

    monkeypatch.setattr(bot.slack.sending, "record_posted", die)
    with pytest.raises(Crash):
        env.digest(MONDAY_NINE)
    monkeypatch.undo()
    assert env.digest("2025-12-08T08:05Z").outcomes == {"recovered": 1}
    assert len(top_level(env)) == 1
    [row] = env.deliveries("digest")
    assert row.status == "sent" and row.ts == top_level(env)[0]["ts"]


def test_owners_of_long_overdue_blockers_are_mentioned(settings: Settings, engine: Engine) -> None:
    with team(settings, engine, blocker_due=date(2025, 12, 1)) as env:
        env.digest(MONDAY_NINE)
        text = str(top_level(env)[0]["blocks"])
        assert "<@UMAD>" in text and "<@UBOG>" in text and "5 working days overdue" in text


def test_digest_now_posts_at_once_and_once_per_minute(env: Env) -> None:
    now = datetime(2025, 12, 8, 15, 30, 10, tzinfo=UTC)

    def ask(lang: str, at: datetime = now) -> str:
        return post_digest_now(
            client=env.client, engine=env.engine, settings=env.settings, team_id="T0LOCAL", now=at, lang=lang
        )

    assert ask("en") == f"Digest posted to <#{DIGEST_CHANNEL}>."
    assert ask("es") == f"Resumen publicado en <#{DIGEST_CHANNEL}>."  # the same minute: not posted twice
    assert len(top_level(env)) == 1
    assert ask("en", now.replace(minute=31)).startswith("Digest posted")
    assert len(top_level(env)) == 2
    env.slack.fail_next("chat.postMessage", error="not_in_channel")
    assert "not_in_channel" in ask("en", now.replace(minute=32))
    unset = env.settings.model_copy(update={"digest_channel": None})
    reply = post_digest_now(client=env.client, engine=env.engine, settings=unset, team_id="T0LOCAL", now=now, lang="es")
    assert "DIGEST_CHANNEL" in reply


@pytest.mark.parametrize(("user", "admin"), [("UADMIN", True), ("UKOL", False)])
def test_the_digest_command_is_for_admins(env: Env, user: str, admin: bool) -> None:
    env.slack.add_user("UADMIN", name="admin", tz="Europe/Madrid", locale="en-GB")
    acked: list[dict[str, Any]] = []
    responded: list[dict[str, Any]] = []
    handle_deliverables(
        ack=lambda **kwargs: acked.append(kwargs),  # type: ignore[arg-type]
        command={"text": "digest", "user_id": user},
        call=Call(
            body={},
            client=env.client,
            respond=lambda **kwargs: responded.append(kwargs),  # type: ignore[arg-type]
            engine=env.engine,
            settings=env.settings,
            team_id="T0LOCAL",
            user_id=user,
            now=datetime(2025, 12, 8, 15, 30, tzinfo=UTC),
            is_admin=admin,
        ),
    )
    if admin:
        assert acked == [{}] and "Digest posted" in responded[0]["text"]
        assert len(top_level(env)) == 1
    else:
        assert "Only admins" in acked[0]["text"] and not responded
        assert top_level(env) == []
