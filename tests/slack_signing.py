"""The Slack side of the app: requests signed exactly like Slack signs them, and payload builders.

Usage::

    slack_side = SlackClient("http://127.0.0.1:3000/slack/events", "secret", fake=slack)
    slack_side.send_command("today", "U1")            # trigger_id and response_url come from ``fake``
    slack_side.send_action(block_actions_payload("U1", [checkbox_action("tick", "item-3", ["3"])],
                                                 message_container("C1", ts)))
    slack_side.send_event(app_home_opened_event("U1"), retry_num=1)
    slack_side.send_command("x", "U1", bad_signature=True)  # the app must answer 401
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import TYPE_CHECKING, Any, TypedDict, Unpack
from urllib.parse import urlencode

import requests

from tests.fake_slack_state import APP_ID, BOT_USER_ID, TEAM_ID

if TYPE_CHECKING:
    from tests.fake_slack import FakeSlack

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


class Signing(TypedDict, total=False):
    """How to sign one request: forge the signature, date it, or mark it as a Slack retry."""

    bad_signature: bool
    timestamp: int
    retry_num: int
    retry_reason: str


def sign(signing_secret: str, timestamp: int, body: str) -> str:
    """Slack's ``X-Slack-Signature``: ``v0=`` + HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


class SlackClient:
    """Sends slash commands, interactions and events to the app as Slack would."""

    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        *,
        fake: FakeSlack | None = None,
        team_id: str = TEAM_ID,
        team_domain: str = "fake-workspace",
        api_app_id: str = APP_ID,
        command: str = "/deliverables",
        timeout: float = 10.0,
    ) -> None:
        self.app_url = app_url
        self.signing_secret = signing_secret
        self.fake = fake
        self.team_id = team_id
        self.team_domain = team_domain
        self.api_app_id = api_app_id
        self.command = command
        self.timeout = timeout
        self.verification_token = "fake-verification-token"
        self.session = requests.Session()

    # -- ids Slack would hand out ------------------------------------------------------------------

    def new_trigger_id(self) -> str:
        """A trigger_id the fake Web API will accept once (a random one without a fake)."""
        if self.fake is not None:
            return self.fake.new_trigger_id()
        return f"{secrets.randbelow(10**10)}.{int(time.time())}.{secrets.token_hex(16)}"

    def response_url(self, channel_id: str, *, user_id: str | None = None, message_ts: str | None = None) -> str:
        """A response_url on the fake (a dead loopback one without a fake)."""
        if self.fake is not None:
            return self.fake.response_url(channel_id, user_id=user_id, message_ts=message_ts)
        return "http://127.0.0.1:9/response/none"

    # -- sending -----------------------------------------------------------------------------------

    def post(self, body: str, content_type: str, **signing: Unpack[Signing]) -> requests.Response:
        """POST ``body`` to the app with Slack's headers."""
        timestamp = signing.get("timestamp", int(time.time()))
        secret = self.signing_secret + ("-forged" if signing.get("bad_signature") else "")
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": sign(secret, timestamp, body),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        }
        if "retry_num" in signing:
            headers["X-Slack-Retry-Num"] = str(signing["retry_num"])
            headers["X-Slack-Retry-Reason"] = signing.get("retry_reason", "http_timeout")
        # Bytes, not str: requests would send a str body as latin-1 and break the signature.
        return self.session.post(self.app_url, data=body.encode(), headers=headers, timeout=self.timeout)

    def send_command(
        self,
        text: str,
        user_id: str,
        *,
        channel_id: str = "C0FAKE0001",
        channel_name: str = "general",
        user_name: str | None = None,
        command: str | None = None,
        response_url: str | None = None,
        trigger_id: str | None = None,
        **signing: Unpack[Signing],
    ) -> requests.Response:
        """Send a slash command as a form-encoded body."""
        fields = {
            "token": self.verification_token,
            "team_id": self.team_id,
            "team_domain": self.team_domain,
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name or user_id.lower(),
            "command": command or self.command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": response_url or self.response_url(channel_id, user_id=user_id),
            "trigger_id": trigger_id or self.new_trigger_id(),
        }
        return self.post(urlencode(fields), FORM, **signing)

    def send_action(self, payload: dict[str, Any], **signing: Unpack[Signing]) -> requests.Response:
        """Send an interaction payload as ``payload=<json>``; fills a missing trigger_id/response_url."""
        payload = dict(payload)
        payload.setdefault("api_app_id", self.api_app_id)
        payload.setdefault("token", self.verification_token)
        payload.setdefault("team", {"id": self.team_id, "domain": self.team_domain})
        if not payload.get("trigger_id"):
            payload["trigger_id"] = self.new_trigger_id()
        container = payload.get("container") or {}
        from_message = payload.get("type") == "block_actions" and container.get("type") == "message"
        if from_message and not payload.get("response_url"):
            # An ephemeral message is in nobody's history: its response_url replaces it without a ts.
            ts = None if container.get("is_ephemeral") else container.get("message_ts")
            payload["response_url"] = self.response_url(
                container["channel_id"], user_id=payload["user"]["id"], message_ts=ts
            )
        return self.post(urlencode({"payload": json.dumps(payload)}), FORM, **signing)

    def send_view_submission(
        self,
        user_id: str,
        callback_id: str,
        private_metadata: str = "",
        state_values: dict[str, Any] | None = None,
        *,
        view_id: str | None = None,
        **signing: Unpack[Signing],
    ) -> requests.Response:
        """Send a ``view_submission`` of a modal."""
        payload = view_submission_payload(
            user_id, callback_id, private_metadata, state_values or {}, view_id=view_id, team_id=self.team_id
        )
        opened = self.fake.views.get(view_id or "") if self.fake is not None else None
        if opened is not None:  # submit the modal the app really opened, with the user's input
            given = {k: payload["view"][k] for k in ("callback_id", "private_metadata", "state")}
            payload["view"] = {**opened, **given}
        return self.send_action(payload, **signing)

    def send_event(
        self, event: dict[str, Any], *, event_id: str | None = None, **signing: Unpack[Signing]
    ) -> requests.Response:
        """Send an Events API ``event_callback`` envelope as JSON."""
        envelope = {
            "token": self.verification_token,
            "team_id": self.team_id,
            "api_app_id": self.api_app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or "Ev" + secrets.token_hex(5).upper(),
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": "4-" + secrets.token_hex(8),
        }
        return self.post(json.dumps(envelope), JSON, **signing)


# -- payload builders (shapes from Slack's sample payloads) ----------------------------------------


def _user(user_id: str, team_id: str) -> dict[str, str]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": team_id}


def message_container(channel_id: str, message_ts: str, *, is_ephemeral: bool = False) -> dict[str, Any]:
    return {"type": "message", "message_ts": message_ts, "channel_id": channel_id, "is_ephemeral": is_ephemeral}


def view_container(view_id: str) -> dict[str, Any]:
    return {"type": "view", "view_id": view_id}


def block_actions_payload(
    user_id: str,
    actions: list[dict[str, Any]],
    container: dict[str, Any],
    message: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
    response_url: str | None = None,
    trigger_id: str | None = None,
    *,
    team_id: str = TEAM_ID,
    state_values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A ``block_actions`` payload; SlackClient.send_action fills trigger_id and response_url if None."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, team_id),
        "api_app_id": APP_ID,
        "team": {"id": team_id, "domain": "fake-workspace"},
        "enterprise": None,
        "is_enterprise_install": False,
        "container": container,
        "trigger_id": trigger_id,
        "state": {"values": state_values or {}},
        "actions": actions,
    }
    if container.get("type") == "message":
        payload["channel"] = {"id": container["channel_id"], "name": "general"}
        payload["message"] = message or {"type": "message", "ts": container["message_ts"], "text": ""}
        payload["response_url"] = response_url
    if view is not None:
        payload["view"] = view
    return payload


def _option(option: str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(option, dict):
        return option
    return {"text": {"type": "plain_text", "text": option, "emoji": True}, "value": option}


def checkbox_action(
    action_id: str, block_id: str, selected_options: list[str] | list[dict[str, Any]]
) -> dict[str, Any]:
    """A checkboxes action; options may be given as values or as option objects."""
    return {
        "type": "checkboxes",
        "action_id": action_id,
        "block_id": block_id,
        "selected_options": [_option(o) for o in selected_options],
        "action_ts": f"{time.time():.6f}",
    }


def button_action(action_id: str, block_id: str, value: str, text: str = "") -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "text": {"type": "plain_text", "text": text or value, "emoji": True},
        "action_ts": f"{time.time():.6f}",
    }


def app_home_opened_event(user_id: str, *, tab: str = "home", view: dict[str, Any] | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": "D" + user_id[1:],
        "tab": tab,
        "event_ts": f"{time.time():.6f}",
    }
    if view is not None:
        event["view"] = view
    return event


def view_submission_payload(
    user_id: str,
    callback_id: str,
    private_metadata: str,
    state_values: dict[str, Any],
    *,
    view_id: str | None = None,
    team_id: str = TEAM_ID,
) -> dict[str, Any]:
    """A ``view_submission``; ``state_values`` is ``{block_id: {action_id: {"type": ..., ...}}}``."""
    view_id = view_id or "V" + secrets.token_hex(5).upper()
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "fake-workspace"},
        "user": _user(user_id, team_id),
        "api_app_id": APP_ID,
        "trigger_id": None,
        "view": {
            "id": view_id,
            "team_id": team_id,
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "state": {"values": state_values},
            "title": {"type": "plain_text", "text": "Deliverables", "emoji": True},
            "blocks": [],
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "root_view_id": view_id,
            "previous_view_id": None,
            "external_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
            "app_id": APP_ID,
            "bot_id": "B0BOT00001",
            "app_installed_team_id": team_id,
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
