"""Web API methods of the fake Slack. Each takes the workspace and the parameters and returns the
fields of an ``ok: true`` answer, or raises SlackError. The server calls them holding ``state.lock``.
"""

from __future__ import annotations

import copy
import json
import secrets
import time
from collections.abc import Callable
from typing import Any

from tests.fake_slack_state import RESPONSE_URL_TTL, RESPONSE_URL_USES, SlackState
from tests.fake_slack_validation import MAX_MESSAGE_TEXT, validate_blocks, validate_view

Params = dict[str, Any]
Method = Callable[[SlackState, Params], dict[str, Any]]


class SlackError(Exception):
    """An ``ok: false`` answer: ``error`` plus any extra fields (``errors``, ``response_metadata``)."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra

    def response(self) -> dict[str, Any]:
        return {"ok": False, "error": self.error, **self.extra}


def _invalid(error: str, messages: list[str], *, with_errors: bool) -> SlackError:
    extra: dict[str, Any] = {"response_metadata": {"messages": [f"[ERROR] {m}" for m in messages]}}
    if with_errors:
        extra["errors"] = messages
    return SlackError(error, **extra)


def _truthy(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


def _json_arg(p: Params, name: str) -> Any:
    """A parameter WebClient may send as a JSON string inside form data, or as JSON itself."""
    value = p.get(name)
    if isinstance(value, str) and value:
        try:
            return json.loads(value)
        except ValueError:
            return _BAD_JSON
    return value


_BAD_JSON = object()


def _with_block_ids(state: SlackState, blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fill in block_ids the way Slack does when the app leaves them out."""
    return [b if "block_id" in b else {**b, "block_id": state.new_id("b")[-5:]} for b in copy.deepcopy(blocks)]


def _content(state: SlackState, p: Params, *, require: bool) -> dict[str, Any]:
    """Validate text, blocks and metadata of a message; return the fields to store."""
    fields: dict[str, Any] = {}
    blocks = _json_arg(p, "blocks")
    if blocks is not None and blocks != "":
        if not isinstance(blocks, list):
            raise SlackError("invalid_blocks_format")
        errors = validate_blocks(blocks, surface="message", strict_action_ids=state.strict_action_ids)
        if errors:
            raise _invalid("invalid_blocks", errors, with_errors=True)
        fields["blocks"] = _with_block_ids(state, blocks)
    text = p.get("text")
    if text is not None:
        if len(str(text)) > MAX_MESSAGE_TEXT:
            raise SlackError("msg_too_long")
        fields["text"] = str(text)
    if require and not fields.get("text") and not fields.get("blocks") and not p.get("attachments"):
        raise SlackError("no_text")
    metadata = _json_arg(p, "metadata")
    if metadata is not None and metadata != "":
        if not (
            isinstance(metadata, dict)
            and isinstance(metadata.get("event_type"), str)
            and isinstance(metadata.get("event_payload"), dict)
        ):
            raise SlackError("invalid_metadata_format")
        fields["metadata"] = {"event_type": metadata["event_type"], "event_payload": metadata["event_payload"]}
    return fields


def _channel(state: SlackState, channel: Any, *, users_ok: bool = True) -> str:
    """Resolve a channel id, ``#name`` or (for posting) a user id to a conversation id."""
    if not isinstance(channel, str) or not channel:
        raise SlackError("channel_not_found")
    if channel[0] in "UW" and users_ok:
        if channel not in state.users:
            raise SlackError("channel_not_found")
        return state.dm_channel(channel)
    by_name = {name: cid for cid, name in state.channels.items()}
    if channel.lstrip("#") in by_name:
        return by_name[channel.lstrip("#")]
    known = channel in state.channels or channel in state.dms.values() or channel in state.history
    if known or (not state.channels and channel[0] in "CGD" and channel[1:].isalnum()):
        return channel
    raise SlackError("channel_not_found")


def _find(state: SlackState, channel: str, ts: Any) -> dict[str, Any]:
    for message in state.history.get(channel, []):
        if message["ts"] == ts:
            return message
    raise SlackError("message_not_found")


def _bot_message(state: SlackState, fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "message",
        "user": state.bot_user_id,
        "bot_id": state.bot_id,
        "app_id": state.app_id,
        "text": "",
        "ts": state.new_ts(),
        "team": state.team_id,
        **fields,
    }


def _append(state: SlackState, channel: str, message: dict[str, Any], thread_ts: Any) -> None:
    if thread_ts:
        parent = _find(state, channel, thread_ts)
        parent["thread_ts"] = parent["ts"]
        parent["reply_count"] = parent.get("reply_count", 0) + 1
        message.update(thread_ts=thread_ts, parent_user_id=parent.get("user"))
    state.history.setdefault(channel, []).append(message)


# -- chat ------------------------------------------------------------------------------------------


def chat_post_message(state: SlackState, p: Params) -> dict[str, Any]:
    channel = _channel(state, p.get("channel"))
    message = _bot_message(state, _content(state, p, require=True))
    _append(state, channel, message, p.get("thread_ts"))
    return {"channel": channel, "ts": message["ts"], "message": copy.deepcopy(message)}


def chat_update(state: SlackState, p: Params) -> dict[str, Any]:
    channel = _channel(state, p.get("channel"), users_ok=False)
    message = _find(state, channel, p.get("ts"))
    fields = _content(state, p, require=True)
    if message.get("bot_id") != state.bot_id:
        raise SlackError("cant_update_message")
    message.update(fields, edited={"user": state.bot_user_id, "ts": state.new_ts()})
    return {"channel": channel, "ts": message["ts"], "text": message["text"], "message": copy.deepcopy(message)}


def chat_post_ephemeral(state: SlackState, p: Params) -> dict[str, Any]:
    channel = _channel(state, p.get("channel"), users_ok=False)
    user = p.get("user")
    if user not in state.users:
        raise SlackError("user_not_in_channel")
    fields = _content(state, p, require=True)
    message_ts = state.new_ts()
    state.ephemerals.append({"channel": channel, "user": user, "ts": message_ts, **fields})
    return {"message_ts": message_ts}


def chat_delete(state: SlackState, p: Params) -> dict[str, Any]:
    channel = _channel(state, p.get("channel"), users_ok=False)
    message = _find(state, channel, p.get("ts"))
    if message.get("bot_id") != state.bot_id:
        raise SlackError("cant_delete_message")
    state.history[channel].remove(message)
    return {"channel": channel, "ts": message["ts"]}


def chat_get_permalink(state: SlackState, p: Params) -> dict[str, Any]:
    channel = _channel(state, p.get("channel"), users_ok=False)
    ts = _find(state, channel, p.get("message_ts"))["ts"]
    return {"channel": channel, "permalink": f"{state.base_url}archives/{channel}/p{ts.replace('.', '')}"}


# -- conversations ---------------------------------------------------------------------------------


def conversations_open(state: SlackState, p: Params) -> dict[str, Any]:
    users = [u for u in str(p.get("users") or "").split(",") if u]
    if not users:
        if p.get("channel"):
            return {"channel": {"id": _channel(state, p["channel"], users_ok=False)}, "no_op": True}
        raise SlackError("users_list_not_supplied")
    for user in users:
        if user not in state.users:
            raise SlackError("user_not_found")
    if len(users) > 1:
        return {"channel": {"id": "G" + "".join(sorted(u[1:4] for u in users))}}
    already = users[0] in state.dms
    channel: dict[str, Any] = {"id": state.dm_channel(users[0])}
    if _truthy(p.get("return_im")):
        channel.update(created=int(time.time()), is_im=True, is_org_shared=False, user=users[0], is_open=True)
    return {"channel": channel, **({"no_op": True, "already_open": True} if already else {})}


def conversations_history(state: SlackState, p: Params) -> dict[str, Any]:
    channel = _channel(state, p.get("channel"), users_ok=False)
    try:
        limit = min(int(p.get("limit") or 100), 999) or 100
        offset = int(str(p.get("cursor") or "0").removeprefix("next:"))
        oldest = float(p.get("oldest") or 0)
        latest = float(p.get("latest") or "inf")
    except ValueError as exc:
        raise SlackError("invalid_arguments") from exc
    inclusive = _truthy(p.get("inclusive"))
    keep_metadata = _truthy(p.get("include_all_metadata"))
    picked = []
    for message in reversed(state.history.get(channel, [])):
        ts = float(message["ts"])
        in_range = oldest <= ts <= latest if inclusive else oldest < ts < latest
        if in_range and message.get("thread_ts", message["ts"]) == message["ts"]:
            shown = copy.deepcopy(message)
            if not keep_metadata:
                shown.pop("metadata", None)
            picked.append(shown)
    page = picked[offset : offset + limit]
    more = offset + limit < len(picked)
    return {
        "messages": page,
        "has_more": more,
        "pin_count": 0,
        "response_metadata": {"next_cursor": f"next:{offset + limit}" if more else ""},
    }


# -- views -----------------------------------------------------------------------------------------


def _use_trigger(state: SlackState, trigger_id: Any) -> None:
    if not trigger_id:
        raise SlackError("invalid_arguments", response_metadata={"messages": ["[ERROR] missing trigger_id"]})
    trigger = state.triggers.get(trigger_id)
    if trigger is None:
        raise SlackError("invalid_trigger_id")
    if trigger.expired or time.monotonic() - trigger.issued > state.trigger_ttl:
        raise SlackError("expired_trigger_id")
    if trigger.used:
        raise SlackError("exchanged_trigger_id")
    trigger.used = True


def _view_arg(state: SlackState, p: Params, allowed: tuple[str, ...]) -> dict[str, Any]:
    view = _json_arg(p, "view")
    errors = validate_view(view, allowed=allowed, strict_action_ids=state.strict_action_ids)
    if errors:
        raise _invalid("invalid_arguments", errors, with_errors=False)
    assert isinstance(view, dict)
    external_id = view.get("external_id")
    for other in state.views.values():
        if external_id and other.get("external_id") == external_id and other["id"] != p.get("view_id"):
            raise SlackError("duplicate_external_id")
    return view


def _store_view(
    state: SlackState,
    view: dict[str, Any],
    *,
    view_id: str | None = None,
    root_view_id: str | None = None,
    previous_view_id: str | None = None,
) -> dict[str, Any]:
    view_id = view_id or state.new_id("V")
    stored = {
        "id": view_id,
        "team_id": state.team_id,
        "private_metadata": "",
        "callback_id": "",
        "external_id": "",
        "clear_on_close": False,
        "notify_on_close": False,
        **copy.deepcopy(view),
        "blocks": _with_block_ids(state, view.get("blocks") or []),
        "state": {"values": {}},
        "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
        "root_view_id": root_view_id or view_id,
        "previous_view_id": previous_view_id,
        "app_id": state.app_id,
        "app_installed_team_id": state.team_id,
        "bot_id": state.bot_id,
    }
    state.views[view_id] = stored
    return {"view": copy.deepcopy(stored)}


def views_open(state: SlackState, p: Params) -> dict[str, Any]:
    view = _view_arg(state, p, ("modal",))
    _use_trigger(state, p.get("trigger_id"))
    return _store_view(state, view)


def views_push(state: SlackState, p: Params) -> dict[str, Any]:
    view = _view_arg(state, p, ("modal",))
    _use_trigger(state, p.get("trigger_id"))
    return _store_view(state, view)


def views_update(state: SlackState, p: Params) -> dict[str, Any]:
    view_id, external_id = p.get("view_id"), p.get("external_id")
    if not view_id and not external_id:
        raise SlackError("invalid_arguments", response_metadata={"messages": ["[ERROR] missing view_id"]})
    found = (
        state.views.get(view_id)
        if view_id
        else next((v for v in state.views.values() if v.get("external_id") == external_id), None)
    )
    if found is None:
        raise SlackError("not_found")
    if p.get("hash") and p["hash"] != found["hash"]:
        raise SlackError("hash_conflict")
    view = _view_arg(state, {**p, "view_id": found["id"]}, (found["type"],))
    return _store_view(
        state, view, view_id=found["id"], root_view_id=found["root_view_id"], previous_view_id=found["previous_view_id"]
    )


def views_publish(state: SlackState, p: Params) -> dict[str, Any]:
    user_id = p.get("user_id")
    if user_id not in state.users:
        raise SlackError("user_not_found")
    view = _view_arg(state, p, ("home",))
    current = state.views.get(state.home_views.get(user_id, ""))
    if current and p.get("hash") and p["hash"] != current["hash"]:
        raise SlackError("hash_conflict")
    answer = _store_view(state, view, view_id=current["id"] if current else None)
    state.home_views[user_id] = answer["view"]["id"]
    return answer


# -- people, groups, files -------------------------------------------------------------------------


def auth_test(state: SlackState, p: Params) -> dict[str, Any]:
    return {
        "url": state.base_url,
        "team": "Fake Workspace",
        "user": state.users[state.bot_user_id]["name"],
        "team_id": p.get("_team", state.team_id),
        "user_id": state.bot_user_id,
        "bot_id": state.bot_id,
        "app_id": state.app_id,
        "is_enterprise_install": False,
    }


def users_info(state: SlackState, p: Params) -> dict[str, Any]:
    user = state.users.get(p.get("user") or "")
    if user is None:
        raise SlackError("user_not_found")
    shown = copy.deepcopy(user)
    if not _truthy(p.get("include_locale")):
        shown.pop("locale", None)
    return {"user": shown}


def usergroups_list(state: SlackState, p: Params) -> dict[str, Any]:
    groups = []
    for group in state.usergroups.values():
        shown = copy.deepcopy(group)
        if not _truthy(p.get("include_users")):
            shown.pop("users")
        if not _truthy(p.get("include_count")):
            shown.pop("user_count")
        groups.append(shown)
    return {"usergroups": groups}


def usergroups_users_list(state: SlackState, p: Params) -> dict[str, Any]:
    group = state.usergroups.get(p.get("usergroup") or "")
    if group is None:
        raise SlackError("no_such_subteam")
    return {"users": list(group["users"])}


def files_info(state: SlackState, p: Params) -> dict[str, Any]:
    stored = state.files.get(p.get("file") or "")
    if stored is None:
        raise SlackError("file_not_found")
    return {"file": copy.deepcopy(stored.info), "comments": [], "response_metadata": {"next_cursor": ""}}


METHODS: dict[str, Method] = {
    "auth.test": auth_test,
    "chat.postMessage": chat_post_message,
    "chat.update": chat_update,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.delete": chat_delete,
    "chat.getPermalink": chat_get_permalink,
    "conversations.open": conversations_open,
    "conversations.history": conversations_history,
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "views.publish": views_publish,
    "users.info": users_info,
    "usergroups.list": usergroups_list,
    "usergroups.users.list": usergroups_users_list,
    "files.info": files_info,
    "oauth.v2.access": lambda state, p: {},  # answered by FakeSlack itself: it needs no token
}


def post_to_response_url(state: SlackState, key: str, payload: Params) -> None:
    """Apply a post to a response_url: ephemeral reply, in-channel message, replace or delete."""
    url = state.response_urls.get(key)
    if url is None:
        raise SlackError("no_service")
    if url.expired or time.monotonic() - url.created > RESPONSE_URL_TTL:
        raise SlackError("expired_url")
    if url.uses >= RESPONSE_URL_USES:
        raise SlackError("used_url")
    if _truthy(payload.get("delete_original")):
        original = _find(state, url.channel, url.message_ts)
        state.history[url.channel].remove(original)
        url.uses += 1
        return
    fields = _content(state, payload, require=True)
    if payload.get("response_type", "ephemeral") not in ("ephemeral", "in_channel"):
        raise SlackError("invalid_response_type")
    if _truthy(payload.get("replace_original")) and url.message_ts:
        _find(state, url.channel, url.message_ts).update(fields)
    elif payload.get("response_type") == "in_channel":
        _append(state, url.channel, _bot_message(state, fields), payload.get("thread_ts"))
    else:
        state.ephemerals.append(
            {"channel": url.channel, "user": url.user_id, "ts": state.new_ts(), "via": "response_url", **fields}
        )
    url.uses += 1
