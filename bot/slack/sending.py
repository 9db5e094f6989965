"""Post a message exactly once, whatever crashes, retries and restarts happen around it.

The protocol, per message key (`team:reminder:U1:2025-12-08`, `team:digest:C1:<slot>`):

1. Record the delivery before sending: a unique row (attempt 1), or the next attempt of an
   unfinished one, moved on with a compare-and-set so two runs never make the same attempt.
2. Post with Slack message metadata naming the key.
3. Record Slack's `ts` and the channel, and mark the row sent.

An attempt whose end is unknown (the process died, or Slack answered 5xx or not at all) leaves the
row pending with attempts > 0. The next attempt first looks for the key in the conversation's recent
history and, if the message is there, records it instead of posting again. An attempt Slack clearly
refused (an `ok: false` answer, a 429 after the client's retries) is marked failed and simply retried.

Each attempt records who makes it (`claimed_by`, a lease holder: bot.schedule.lease). A pending attempt whose
holder still holds a lease is in flight in a live process and is left alone; one whose holder's
leases all expired belongs to a dead process and is finished by whoever comes next. So the clock,
a `run-job` next to it and a restarted process never send the same message twice.

Replies in a message's thread (a long digest) are counted in the row as they go, so a later attempt
carries on after the last one recorded; only a reply whose answer was lost may be posted twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.views.blocks import Block
from storage import deliveries
from storage.db import session_scope
from storage.models import Delivery, utcnow

MAX_ATTEMPTS = 6  # a day's tries for one message; past that it stays failed for someone to look at
HISTORY_LOOKBACK = 50  # messages read back when looking for an attempt that may have gone out
EVENT_TYPES = {"reminder": "deliverables_reminder", "digest": "deliverables_digest"}


@dataclass
class Outgoing:
    """A message owed to someone, with its key, and the replies that go in its thread."""

    key: str
    team_id: str
    kind: str  # reminder | digest
    recipient: str  # where to post: a user id (their DM), a channel id or name
    day: date
    text: str
    blocks: list[Block]
    thread: list[list[Block]] = field(default_factory=list)
    snapshot: dict[str, Any] = field(default_factory=dict)

    @property
    def metadata(self) -> dict[str, Any]:
        return {"event_type": EVENT_TYPES[self.kind], "event_payload": {"delivery": self.key}}


@dataclass
class Result:
    """What happened to one message: sent, recovered (found already posted), failed, busy, done, gave_up."""

    outcome: str
    channel: str | None = None
    ts: str | None = None
    error: str | None = None


def send_once(
    *,
    client: WebClient,
    engine: Engine,
    message: Outgoing,
    row: Delivery | None,
    sender: str,
    recovery_channel: Callable[[], str],
) -> Result:
    """Post `message` as `sender` unless it already went out; `row` is its delivery as read at the start of the run."""
    if row is not None and row.status in deliveries.DONE:
        return Result("done", row.channel, row.ts)
    if row is not None and row.status == "failed" and row.attempts >= MAX_ATTEMPTS:
        return Result("gave_up", row.channel, row.ts, row.last_error)
    claimed = _claim(engine, message, row, sender)
    if not claimed:
        return Result("busy")

    channel, ts = (row.channel, row.ts) if row is not None else (None, None)
    snapshot = dict(row.snapshot) if row is not None else dict(message.snapshot)
    unsure = row is not None and row.status == "pending" and row.attempts > 0 and ts is None
    outcome = "sent"
    try:
        if unsure:
            channel = channel or recovery_channel()
            ts = find_posted(client, channel=channel, key=message.key, event_type=EVENT_TYPES[message.kind])
            if ts is not None:
                outcome = "recovered"
                record_posted(engine, message.key, channel=channel, ts=ts)
        if ts is None:
            if snapshot != message.snapshot:  # this attempt posts its own content: the next digest compares with it
                snapshot = dict(message.snapshot)
                _record(engine, message.key, snapshot=snapshot)
            answer = client.chat_postMessage(
                channel=message.recipient, text=message.text, blocks=message.blocks, metadata=message.metadata
            )
            channel, ts = str(answer["channel"]), str(answer["ts"])
            record_posted(engine, message.key, channel=channel, ts=ts)
        assert channel is not None
        _post_thread(client, engine, message, channel=channel, ts=ts, snapshot=snapshot)
        _record(engine, message.key, status="sent", sent_at=utcnow(), last_error=None)
        return Result(outcome, channel, ts)
    except SlackApiError as exc:
        status = exc.response.status_code
        error = str(exc.response.get("error")) if status == 200 else f"http {status}"  # a 5xx body is a web page
        # ok:false and 429 mean Slack did not post; a 5xx may hide a message that went out.
        refused = status in (200, 429)
        _record(engine, message.key, status="failed" if refused else "pending", last_error=error[:500])
        return Result("failed", channel, ts, error)
    except Exception as exc:  # a dropped connection or timeout: the message may or may not be out
        _record(engine, message.key, status="pending", last_error=f"{type(exc).__name__}: {exc}"[:500])
        return Result("failed", channel, ts, type(exc).__name__)


def _claim(engine: Engine, message: Outgoing, row: Delivery | None, sender: str) -> bool:
    """Take this attempt for `sender`: a new delivery row, or the old one if no live process holds it."""
    with session_scope(engine) as session:
        if row is None:
            return deliveries.claim_new(
                session=session,
                key=message.key,
                team_id=message.team_id,
                kind=message.kind,
                recipient=message.recipient,
                day=message.day,
                claimed_by=sender,
                snapshot=message.snapshot,
            )
        if row.status == "pending" and row.claimed_by not in (None, sender) and _alive(session, row.claimed_by):
            return False  # another live process is making this attempt right now
        assert row.id is not None
        return deliveries.claim_again(
            session=session, delivery_id=row.id, attempts_seen=row.attempts, claimed_by=sender
        )


def find_posted(client: WebClient, *, channel: str, key: str, event_type: str) -> str | None:
    """The ts of a message carrying this delivery key among the conversation's recent ones."""
    answer = client.conversations_history(channel=channel, limit=HISTORY_LOOKBACK, include_all_metadata=True)
    for message in answer.get("messages") or []:
        metadata = message.get("metadata") or {}
        if metadata.get("event_type") == event_type and (metadata.get("event_payload") or {}).get("delivery") == key:
            return str(message["ts"])
    return None


def record_posted(engine: Engine, key: str, *, channel: str, ts: str) -> None:
    """Remember where the message landed, before anything else can go wrong."""
    _record(engine, key, channel=channel, ts=ts)


def _post_thread(
    client: WebClient, engine: Engine, message: Outgoing, *, channel: str, ts: str, snapshot: dict[str, Any]
) -> None:
    """Post the replies not posted yet, counting them in the row so a retry carries on where this stopped."""
    posted = int(snapshot.get("thread_posted", 0))
    for blocks in message.thread[posted:]:
        client.chat_postMessage(channel=channel, thread_ts=ts, text=message.text, blocks=blocks)
        posted += 1
        snapshot["thread_posted"] = posted
        _record(engine, message.key, snapshot=dict(snapshot))


def _alive(session: Session, holder: str | None) -> bool:
    return holder is not None and deliveries.holder_alive(session=session, holder=holder, now=utcnow())


def _record(engine: Engine, key: str, **fields: Any) -> None:
    with session_scope(engine) as session:
        deliveries.record(session=session, key=key, **fields)
