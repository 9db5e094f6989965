"""The workspace behind the fake Slack: users, channels, messages, views, files, triggers."""

from __future__ import annotations

import copy
import itertools
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

TEAM_ID = "T0FAKE0001"
BOT_USER_ID = "U0BOT00001"
BOT_ID = "B0BOT00001"
APP_ID = "A0APP00001"

RESPONSE_URL_USES = 5
RESPONSE_URL_TTL = 30 * 60.0


@dataclass
class StoredFile:
    """A file the workspace holds; ``info`` is the files.info ``file`` object."""

    info: dict[str, Any]
    content: bytes
    mimetype: str


@dataclass
class ResponseUrl:
    """A response_url handed to the app with a command or an action."""

    channel: str
    user_id: str | None
    message_ts: str | None
    created: float
    uses: int = 0
    expired: bool = False


@dataclass
class Trigger:
    issued: float
    used: bool = False
    expired: bool = False


@dataclass(eq=False)  # identity semantics: FakeSlack instances stay hashable
class SlackState:
    """Everything the fake workspace remembers. Guard every access with ``lock``."""

    trigger_ttl: float = 3.0
    strict_action_ids: bool = False
    base_url: str = "http://127.0.0.1/"
    team_id: str = TEAM_ID
    bot_user_id: str = BOT_USER_ID
    bot_id: str = BOT_ID
    app_id: str = APP_ID
    lock: threading.RLock = field(default_factory=threading.RLock)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    usergroups: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ephemerals: list[dict[str, Any]] = field(default_factory=list)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    home_views: dict[str, str] = field(default_factory=dict)
    dms: dict[str, str] = field(default_factory=dict)
    triggers: dict[str, Trigger] = field(default_factory=dict)
    response_urls: dict[str, ResponseUrl] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _last_ts: float = 0.0

    def __post_init__(self) -> None:
        self.add_user(self.bot_user_id, name="deliverables", is_bot=True)

    # -- seeding the workspace ---------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        real_name: str | None = None,
        tz: str = "UTC",
        tz_offset: int = 0,
        locale: str = "en-US",
        email: str | None = None,
        is_bot: bool = False,
        deleted: bool = False,
    ) -> dict[str, Any]:
        """Add a member; users.info returns this object (``locale`` only with include_locale)."""
        real = real_name or name
        user = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "deleted": deleted,
            "real_name": real,
            "tz": tz,
            "tz_label": tz,
            "tz_offset": tz_offset,
            "locale": locale,
            "is_bot": is_bot,
            "is_admin": False,
            "is_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_app_user": False,
            "updated": int(time.time()),
            "profile": {
                "real_name": real,
                "display_name": name,
                "email": email or f"{name}@example.com",
                "team": self.team_id,
            },
        }
        with self.lock:
            self.users[user_id] = user
        return user

    def add_channel(self, channel_id: str, name: str) -> None:
        """Declare a channel. Once any is declared, posting to an undeclared one is channel_not_found."""
        with self.lock:
            self.channels[channel_id] = name

    def add_usergroup(
        self, usergroup_id: str, *, handle: str, name: str | None = None, users: list[str] | tuple[str, ...] = ()
    ) -> None:
        with self.lock:
            self.usergroups[usergroup_id] = {
                "id": usergroup_id,
                "team_id": self.team_id,
                "is_usergroup": True,
                "is_subteam": True,
                "name": name or handle,
                "description": "",
                "handle": handle,
                "is_external": False,
                "date_create": int(time.time()),
                "date_update": int(time.time()),
                "date_delete": 0,
                "created_by": self.bot_user_id,
                "users": list(users),
                "user_count": len(users),
            }

    def add_file(
        self,
        file_id: str,
        *,
        name: str,
        content: bytes,
        mimetype: str = "application/pdf",
        filetype: str | None = None,
        user: str | None = None,
        title: str | None = None,
    ) -> dict[str, Any]:
        """Add a file served at ``url_private`` (only with the bot token) and described by files.info."""
        url = f"{self.base_url}files-pri/{self.team_id}-{file_id}/"
        info = {
            "id": file_id,
            "created": int(time.time()),
            "timestamp": int(time.time()),
            "name": name,
            "title": title or name,
            "mimetype": mimetype,
            "filetype": filetype or name.rsplit(".", 1)[-1],
            "pretty_type": (filetype or name.rsplit(".", 1)[-1]).upper(),
            "user": user or self.bot_user_id,
            "user_team": self.team_id,
            "mode": "hosted",
            "size": len(content),
            "is_external": False,
            "url_private": url + name,
            "url_private_download": f"{url}download/{name}",
            "permalink": f"{self.base_url}files/{user or self.bot_user_id}/{file_id}/{name}",
        }
        with self.lock:
            self.files[file_id] = StoredFile(info, content, mimetype)
        return copy.deepcopy(info)

    def add_message(self, channel: str, *, text: str, user: str, thread_ts: str | None = None) -> dict[str, Any]:
        """Put a message from a person into a channel's history (the app cannot update it)."""
        with self.lock:
            message = {"type": "message", "user": user, "text": text, "ts": self.new_ts(), "team": self.team_id}
            if thread_ts:
                message["thread_ts"] = thread_ts
            self.history.setdefault(channel, []).append(message)
            return copy.deepcopy(message)

    # -- what the app did --------------------------------------------------------------------------

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Messages in posting order (oldest first), each with its ``channel``."""
        with self.lock:
            return [
                {**copy.deepcopy(m), "channel": ch}
                for ch, msgs in self.history.items()
                if channel is None or ch == channel
                for m in msgs
            ]

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The Home tab last published for ``user_id``."""
        with self.lock:
            view_id = self.home_views.get(user_id)
            return copy.deepcopy(self.views[view_id]) if view_id else None

    def dm_channel(self, user_id: str) -> str:
        """The DM channel id for ``user_id`` (opening it if needed)."""
        with self.lock:
            return self.dms.setdefault(user_id, "D" + user_id[1:])

    def clear_conversations(self) -> None:
        with self.lock:
            for store in (self.history, self.views, self.home_views, self.dms, self.triggers, self.response_urls):
                store.clear()
            self.ephemerals.clear()

    # -- triggers and response URLs ----------------------------------------------------------------

    def new_trigger_id(self) -> str:
        """Issue a trigger_id like Slack's; it works once, within ``trigger_ttl`` seconds."""
        with self.lock:
            trigger_id = f"{next(self._ids)}.{int(time.time())}.{secrets.token_hex(16)}"
            self.triggers[trigger_id] = Trigger(self._now())
            return trigger_id

    def expire_trigger(self, trigger_id: str) -> None:
        with self.lock:
            self.triggers.setdefault(trigger_id, Trigger(self._now())).expired = True

    def response_url(self, channel: str, *, user_id: str | None = None, message_ts: str | None = None) -> str:
        """Issue a response_url for ``channel``; with ``message_ts`` it can replace that message."""
        with self.lock:
            key = secrets.token_hex(8)
            self.response_urls[key] = ResponseUrl(channel, user_id, message_ts, self._now())
            return f"{self.base_url}response/{key}"

    def expire_response_url(self, url: str) -> None:
        with self.lock:
            self.response_urls[url.rsplit("/", 1)[-1]].expired = True

    # -- ids and clocks ----------------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        with self.lock:
            return f"{prefix}{next(self._ids):09d}"

    def new_ts(self) -> str:
        """A message ts, strictly increasing like Slack's within a channel."""
        with self.lock:
            self._last_ts = max(time.time(), self._last_ts + 0.000001)
            return f"{self._last_ts:.6f}"

    def _now(self) -> float:
        return time.monotonic()

    def file_for_path(self, path: str) -> StoredFile | None:
        """The file behind a ``/files-pri/T-F/name`` or ``/files-pri/T-F/download/name`` path."""
        parts = path.split("/")
        if len(parts) < 4 or "-" not in parts[2]:
            return None
        with self.lock:
            stored = self.files.get(parts[2].split("-", 1)[1])
        if stored is None or path not in (
            urlsplit(stored.info["url_private"]).path,
            urlsplit(stored.info["url_private_download"]).path,
        ):
            return None
        return stored
