"""The fake Slack Web API, driven through a real slack_sdk WebClient, and the signing helper."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier

from tests.fake_slack import FakeSlack
from tests.slack_signing import SlackClient, app_home_opened_event, block_actions_payload, checkbox_action

TOKEN = "xoxb-test"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(token=TOKEN) as fake:
        fake.add_user("U1", name="ana", real_name="Ana Ruiz", tz="Europe/Madrid", tz_offset=3600, locale="es-ES")
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> WebClient:
    return WebClient(base_url=slack.url, token=TOKEN)


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def checkboxes(count: int) -> dict[str, Any]:
    options = [{"text": {"type": "plain_text", "text": f"item {i}"}, "value": str(i)} for i in range(count)]
    return {
        "type": "actions",
        "block_id": "items",
        "elements": [{"type": "checkboxes", "action_id": "tick", "options": options}],
    }


def error_of(call: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as info:
        call()
    return info.value


def test_valid_message_posts_to_a_users_dm(slack: FakeSlack, client: WebClient) -> None:
    answer = client.chat_postMessage(channel="U1", text="hello", blocks=[section("*today*")])
    assert answer["channel"].startswith("D") and answer["message"]["text"] == "hello"
    [stored] = slack.messages(answer["channel"])
    assert stored["ts"] == answer["ts"] and stored["blocks"][0]["block_id"]  # Slack fills block_id
    assert slack.calls_to("chat.postMessage")[0].ok


@pytest.mark.parametrize(
    ("blocks", "reason"),
    [
        ([section("x")] * 51, "at most 50 items"),
        ([checkboxes(11)], "at most 10 items"),
        ([{"type": "sekshun", "text": "x"}], "unsupported type"),
        ([section("x" * 3001)], "3000"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "150"),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {"type": "button", "text": {"type": "plain_text", "text": "b" * 76}, "action_id": "go"}
                    ],
                }
            ],
            "75",
        ),
        ([section("a", block_id="same"), section("b", block_id="same")], "duplicate block_id"),
        (
            [
                {
                    "type": "input",
                    "label": {"type": "plain_text", "text": "Evidence"},
                    "element": {"type": "file_input", "action_id": "f"},
                }
            ],
            "file_input",
        ),
        ([section("x", colour="red")], "additional property"),
    ],
)
def test_invalid_blocks_are_rejected(
    slack: FakeSlack, client: WebClient, blocks: list[dict[str, Any]], reason: str
) -> None:
    error = error_of(lambda: client.chat_postMessage(channel="U1", text="t", blocks=blocks))
    assert error.response["error"] == "invalid_blocks"
    assert any(reason in e for e in error.response["errors"])
    assert slack.rejections[-1].method == "chat.postMessage" and slack.messages() == []


def test_blocks_sent_as_a_json_string_in_form_data_are_checked_too(client: WebClient) -> None:
    ok = client.api_call("chat.postMessage", params={"channel": "U1", "blocks": json.dumps([section("x")])})
    assert ok["ok"]
    error = error_of(
        lambda: client.api_call("chat.postMessage", params={"channel": "U1", "blocks": json.dumps([checkboxes(11)])})
    )
    assert error.response["error"] == "invalid_blocks"


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_message_needs_text_and_stays_under_40000_chars(client: WebClient) -> None:
    assert error_of(lambda: client.chat_postMessage(channel="U1")).response["error"] == "no_text"
    too_long = error_of(lambda: client.chat_postMessage(channel="U1", text="x" * 40_001))
    assert too_long.response["error"] == "msg_too_long"


def test_wrong_or_missing_token_and_unknown_method(slack: FakeSlack) -> None:
    wrong = WebClient(base_url=slack.url, token="xoxb-wrong")
    assert error_of(wrong.auth_test).response["error"] == "invalid_auth"
    assert error_of(WebClient(base_url=slack.url).auth_test).response["error"] == "not_authed"
    unknown = error_of(lambda: WebClient(base_url=slack.url, token=TOKEN).api_call("chat.postMessageX"))
    assert unknown.response["error"] == "unknown_method"


def test_rate_limit_answers_429_with_retry_after(slack: FakeSlack, client: WebClient) -> None:
    slack.set_rate_limit("chat.postMessage", per_minute=60, burst=1)
    client.chat_postMessage(channel="U1", text="first")
    error = error_of(lambda: client.chat_postMessage(channel="U1", text="second"))
    assert error.response.status_code == 429 and error.response["error"] == "ratelimited"
    assert int(error.response.headers["Retry-After"]) >= 1
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [200, 429]


def test_rate_limit_retry_handler_then_succeeds(slack: FakeSlack) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=0)
    client = WebClient(base_url=slack.url, token=TOKEN, retry_handlers=[RateLimitErrorRetryHandler()])
    assert client.chat_postMessage(channel="U1", text="eventually")["ok"]
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 200]


def test_fail_next_500_twice_then_recovers(slack: FakeSlack, client: WebClient) -> None:
    slack.fail_next("chat.postMessage", status=500, times=2)
    for _ in range(2):
        assert error_of(lambda: client.chat_postMessage(channel="U1", text="x")).response.status_code == 500
    assert client.chat_postMessage(channel="U1", text="x")["ok"]
    slack.fail_next("users.info", error="fatal_error")
    assert error_of(lambda: client.users_info(user="U1")).response["error"] == "fatal_error"


def test_random_errors_are_seeded(slack: FakeSlack, client: WebClient) -> None:
    slack.error_rate = 0.5
    statuses = []
    for _ in range(20):
        try:
            statuses.append(client.auth_test().status_code)
        except SlackApiError as exc:
            statuses.append(exc.response.status_code)
    assert 0 < statuses.count(200) < 20 and set(statuses) <= {200, 500, 502, 503, 504}


def test_history_is_newest_first_with_metadata_only_when_asked(client: WebClient) -> None:
    metadata = {"event_type": "checklist_posted", "event_payload": {"plan_id": 7}}
    first = client.chat_postMessage(channel="C0FAKE0001", text="one", metadata=metadata)
    client.chat_postMessage(channel="C0FAKE0001", text="two")
    client.chat_postMessage(channel="C0FAKE0001", text="reply", thread_ts=first["ts"])
    history = client.conversations_history(channel="C0FAKE0001", include_all_metadata=True)["messages"]
    assert [m["text"] for m in history] == ["two", "one"] and history[1]["metadata"] == metadata
    plain = client.conversations_history(channel="C0FAKE0001", limit=1)
    assert "metadata" not in plain["messages"][0] and plain["has_more"]


def test_update_delete_permalink_and_ephemeral(client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C0FAKE0001", text="v1")
    assert client.chat_update(channel="C0FAKE0001", ts=posted["ts"], text="v2")["message"]["text"] == "v2"
    missing = error_of(lambda: client.chat_update(channel="C0FAKE0001", ts="1.000001", text="v2"))
    assert missing.response["error"] == "message_not_found"
    permalink = client.chat_getPermalink(channel="C0FAKE0001", message_ts=posted["ts"])["permalink"]
    assert "/archives/C0FAKE0001/p" in permalink
    assert client.chat_postEphemeral(channel="C0FAKE0001", user="U1", text="psst")["message_ts"]
    client.chat_delete(channel="C0FAKE0001", ts=posted["ts"])
    assert client.conversations_history(channel="C0FAKE0001")["messages"] == []


def test_users_usergroups_and_dms(slack: FakeSlack, client: WebClient) -> None:
    user = client.users_info(user="U1")["user"]
    assert (user["real_name"], user["tz"], user["tz_offset"]) == ("Ana Ruiz", "Europe/Madrid", 3600)
    assert "locale" not in user
    assert client.users_info(user="U1", include_locale=True)["user"]["locale"] == "es-ES"
    assert error_of(lambda: client.users_info(user="U404")).response["error"] == "user_not_found"
    slack.add_usergroup("S1", handle="leads", users=["U1"])
    assert client.usergroups_list()["usergroups"][0]["handle"] == "leads"
    assert client.usergroups_users_list(usergroup="S1")["users"] == ["U1"]
    assert client.conversations_open(users="U1")["channel"]["id"] == slack.dm_channel("U1")


def test_views_publish_checks_block_count(slack: FakeSlack, client: WebClient) -> None:
    home = {"type": "home", "blocks": [section("x")] * 101}
    error = error_of(lambda: client.views_publish(user_id="U1", view=home))
    assert error.response["error"] == "invalid_arguments"
    assert "at most 100 items" in error.response["response_metadata"]["messages"][0]
    published = client.views_publish(user_id="U1", view={"type": "home", "blocks": [section("x")] * 100})
    assert (slack.home_view("U1") or {}).get("id") == published["view"]["id"]


def test_views_open_needs_a_fresh_trigger_and_a_short_title(slack: FakeSlack, client: WebClient) -> None:
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Evidence"}, "blocks": [section("x")]}
    trigger = slack.new_trigger_id()
    view = client.views_open(trigger_id=trigger, view=modal)["view"]
    assert error_of(lambda: client.views_open(trigger_id=trigger, view=modal)).response["error"] == (
        "exchanged_trigger_id"
    )
    stale = slack.new_trigger_id()
    slack.expire_trigger(stale)
    assert error_of(lambda: client.views_open(trigger_id=stale, view=modal)).response["error"] == ("expired_trigger_id")
    long_title = {**modal, "title": {"type": "plain_text", "text": "t" * 25}}
    bad = error_of(lambda: client.views_open(trigger_id=slack.new_trigger_id(), view=long_title))
    assert bad.response["error"] == "invalid_arguments"
    updated = client.views_update(view_id=view["id"], hash=view["hash"], view=modal)["view"]
    conflict = error_of(lambda: client.views_update(view_id=view["id"], hash=view["hash"], view=modal))
    assert updated["hash"] != view["hash"] and conflict.response["error"] == "hash_conflict"


def test_file_download_requires_the_bot_token(slack: FakeSlack, client: WebClient) -> None:
    slack.add_file("F1", name="report.pdf", content=b"%PDF-1.7 evidence")
    info = client.files_info(file="F1")["file"]
    assert info["url_private"].startswith(slack.base_url)
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    authed = requests.get(info["url_private_download"], headers=bearer, timeout=5)
    assert authed.content == b"%PDF-1.7 evidence"
    anonymous = requests.get(info["url_private"], timeout=5)
    assert anonymous.status_code == 200 and b"Sign in" in anonymous.content  # Slack's login page


def test_response_url_records_and_validates(slack: FakeSlack) -> None:
    url = slack.response_url("C0FAKE0001", user_id="U1")
    assert requests.post(url, json={"text": "done", "response_type": "in_channel"}, timeout=5).ok
    assert slack.messages("C0FAKE0001")[0]["text"] == "done"
    bad = requests.post(url, json={"blocks": [checkboxes(11)]}, timeout=5)
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_blocks"
    for _ in range(4):
        requests.post(url, json={"text": "again"}, timeout=5)
    assert requests.post(url, json={"text": "sixth"}, timeout=5).json()["error"] == "used_url"
    assert [c.params.get("text") for c in slack.calls_to("response_url")][:1] == ["done"]


def capturing_handler(seen: list[tuple[dict[str, str], bytes]]) -> type[BaseHTTPRequestHandler]:
    """A handler that stands in for the app and keeps what Slack's side sent it."""

    class Capture(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append((dict(self.headers), self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Capture


def test_signed_requests_verify_with_slack_sdk(slack: FakeSlack) -> None:
    seen: list[tuple[dict[str, str], bytes]] = []
    server = HTTPServer(("127.0.0.1", 0), capturing_handler(seen))
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    try:
        side = SlackClient(f"http://127.0.0.1:{server.server_address[1]}/slack/events", "s3cret", fake=slack)
        side.send_command("hoy ✅", "U1")
        side.send_action(
            block_actions_payload(
                "U1",
                [checkbox_action("tick", "items", ["1"])],
                {"type": "message", "channel_id": "C1", "message_ts": "1.2"},
            )
        )
        side.send_event(app_home_opened_event("U1"), retry_num=2)
        side.send_command("x", "U1", bad_signature=True)
        side.send_command("x", "U1", timestamp=int(time.time()) - 600)
    finally:
        server.shutdown()
        server.server_close()
    verifier = SignatureVerifier("s3cret")

    def valid(headers: dict[str, str], body: bytes) -> bool:
        return verifier.is_valid(body.decode(), headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"])

    assert [valid(h, b) for h, b in seen] == [True, True, True, False, False]
    command_body = seen[0][1]
    assert b"command=%2Fdeliverables" in command_body and b"trigger_id=" in command_body
    assert seen[2][0]["X-Slack-Retry-Num"] == "2"
    action = json.loads(parse_qs(seen[1][1].decode())["payload"][0])
    assert action["response_url"].startswith(slack.base_url) and action["trigger_id"] in slack.triggers
