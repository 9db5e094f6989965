"""A document that tries to ping everyone, through the real app to a fake Slack: nobody is pinged, links work."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("bot.masking.mask", reason="the app's evidence handling needs bot.masking.mask")

from bot.schedule.jobs import send_reminders
from bot.slack.app import slack_client
from tests.e2e import NOW, Harness, running_app

CHANNEL = "C0DIGEST01"
DOCUMENT = """# Launch <!channel> & friends

## Fecha: 2025-12-07

## 🔴 BLOQUEADORES <!here> (48h)

### Dev Lead

1. **Ship it <!channel> & [the spec](https://example.com/spec?a=1&b=2)**
   - [ ] Ping <@U123> & read [the runbook](https://example.com/runbook)
   - [ ] Say <!here> to nobody
   - [ ] Entregar: a link <!channel>

**Notes** <!here>: see [the board](https://example.com/board) & ask <@U123>
<!-- a comment <!channel> -->
"""
# What Slack reads as a ping or a link: `<!…>`, `<@…>`, `<#…>`, `<http…|…>`.
CONTROL = re.compile(r"<[!@#][^>]*>")


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Harness]:
    seed = tmp_path / "pings.md"
    seed.write_text(DOCUMENT, encoding="utf-8")
    with running_app(database_url, seed=seed, digest_channel=CHANNEL) as harness:
        yield harness


def mrkdwn_texts(node: Any) -> list[str]:
    """Every text Slack reads as mrkdwn: a message's `text`, and each mrkdwn object (plain_text is shown as is)."""
    if isinstance(node, list):
        return [text for child in node for text in mrkdwn_texts(child)]
    if not isinstance(node, dict):
        return []
    found = [node["text"]] if isinstance(node.get("text"), str) and node.get("type") != "plain_text" else []
    return found + [text for value in node.values() for text in mrkdwn_texts(value)]


def controls(texts: list[str]) -> set[str]:
    return {match for text in texts for match in CONTROL.findall(text)}


def test_a_document_pings_no_one_in_a_dm_a_reply_or_the_digest(app: Harness) -> None:
    send_reminders(slack_client(app.settings), app.engine, app.settings, NOW)
    [dm] = app.slack.messages(app.slack.dm_channel("UDEV1"))
    mine = app.command("mine", "UDEV1")
    app.command("digest", "UADMIN")
    [digest] = app.slack.messages(CHANNEL)

    posted = [call.params for call in app.slack.calls_to("chat.postMessage")]
    texts = mrkdwn_texts([*posted, mine, *app.responses()])
    assert controls(texts) <= {"<@UDEV1>", f"<#{CHANNEL}>"}  # the app's own mentions, nothing from the document
    assert sum("the spec" in text for text in texts) >= 3  # the DM, the reply and the digest were all read
    drawn = json.dumps([dm, mine, digest], ensure_ascii=False)
    assert "&lt;!channel&gt;" in drawn and "&lt;!here&gt;" in drawn and "&lt;@U123&gt;" in drawn
    assert "a comment" not in drawn

    for message in (dm, mine, digest):
        assert "<https://example.com/spec?a=1&amp;b=2|the spec>" in json.dumps(message, ensure_ascii=False)
    assert "<https://example.com/board|the board>" in json.dumps(dm, ensure_ascii=False)
    assert "<https://example.com/runbook|the runbook>" in json.dumps(mine, ensure_ascii=False)
