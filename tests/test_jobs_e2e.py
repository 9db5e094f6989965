"""Reminders and the digest through the real app: signed requests, the WSGI server, a fake Slack, the seed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("bot.masking.mask", reason="the app's evidence handling needs bot.masking.mask")

from bot.schedule.jobs import send_reminders
from bot.slack.app import slack_client
from tests.e2e import NOW, Harness, all_text, running_app
from tests.slack_signing import app_home_opened_event, block_actions_payload, message_container

CHANNEL = "C0DIGEST01"


@pytest.fixture
def app(database_url: str) -> Iterator[Harness]:
    with running_app(database_url, digest_channel=CHANNEL) as harness:
        yield harness


def test_digest_command_posts_for_an_admin_and_refuses_anyone_else(app: Harness) -> None:
    refused = app.command("digest", "USRE1")
    assert "Solo los admins" in all_text(refused["blocks"]) and not app.slack.messages(CHANNEL)
    app.command("digest", "UADMIN")
    assert "Resumen publicado en <#C0DIGEST01>" in str(app.responses()[-1])
    [digest] = app.slack.messages(CHANNEL)
    assert digest["metadata"]["event_type"] == "deliverables_digest"


def test_reminder_controls_answer_in_the_dm_and_redraw_the_home_tab(app: Harness) -> None:
    report = send_reminders(slack_client(app.settings), app.engine, app.settings, NOW)
    assert report.sent >= 3
    channel = app.slack.dm_channel("USRE1")
    [dm] = app.slack.messages(channel)
    skip = next(
        e for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"] if e["action_id"] == "reminder:skip"
    )
    block = next(b for b in dm["blocks"] if skip in b.get("elements", []))
    action = {**skip, "block_id": block["block_id"], "action_ts": "1.0"}
    app.side.send_action(block_actions_payload("USRE1", [action], message_container(channel, dm["ts"])))
    assert "El aviso de hoy ya te llegó" in str(app.responses()[-1])

    app.side.send_event(app_home_opened_event("UDEV1"))
    home = app.slack.home_view("UDEV1")
    assert home is not None and "reminder:pause" in all_text(home["blocks"])
    pause = {
        "type": "datepicker",
        "action_id": "reminder:pause",
        "block_id": "home|1|reminders",
        "selected_date": "2025-12-24",
    }
    app.side.send_action(block_actions_payload("UDEV1", [pause], {"type": "view", "view_id": home["id"]}, view=home))
    redrawn = app.slack.home_view("UDEV1")
    assert redrawn is not None and "Reminders paused until December 24" in all_text(redrawn["blocks"])
