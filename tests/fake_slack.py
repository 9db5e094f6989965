"""A fake Slack Web API on a real loopback HTTP server, strict the way Slack is.

Usage::

    with FakeSlack(token="xoxb-test") as slack:
        slack.add_user("U1", name="ana", tz="Europe/Madrid")
        client = WebClient(base_url=slack.url, token="xoxb-test")
        client.chat_postMessage(channel="U1", text="hi")
        assert slack.messages()[0]["text"] == "hi"

The Web API methods live in ``fake_slack_methods``, the Block Kit checks in ``fake_slack_validation``
and rate limits and injected failures in ``fake_slack_faults``.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fake_slack_faults import Fault, FaultAnswer, Faults
from tests.fake_slack_methods import METHODS, SlackError, post_to_response_url
from tests.fake_slack_state import SlackState

LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>"
JSON_TYPE = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Call:
    """One request the fake answered. ``response`` is ``{}`` when the answer was not JSON."""

    method: str
    params: dict[str, Any]
    status: int
    response: dict[str, Any]
    at: float = field(default_factory=time.time)

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok"))

    @property
    def errors(self) -> list[str]:
        """The detailed reasons Slack gave (``errors`` or ``response_metadata.messages``)."""
        listed = self.response.get("errors")
        if listed:
            return list(listed)
        return list((self.response.get("response_metadata") or {}).get("messages") or [])


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeSlack


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.server.fake._serve(self)

    def do_POST(self) -> None:
        self.server.fake._serve(self)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


class FakeSlack(SlackState):
    """A fake Slack workspace and Web API server bound to 127.0.0.1 on an ephemeral port."""

    def __init__(
        self,
        token: str = "xoxb-test",  # noqa: S107 - a test token, not a secret
        *,
        seed: int = 0,
        trigger_ttl: float = 3.0,
        strict_action_ids: bool = False,
    ) -> None:
        super().__init__(trigger_ttl=trigger_ttl, strict_action_ids=strict_action_ids)
        self.token = token
        # Workspaces that installed the app through OAuth: their bot tokens and the codes Slack hands out.
        self.client_id, self.client_secret = "1111.2222", "fake-client-secret"
        self.installed: dict[str, str] = {}  # bot token -> team id
        self.oauth_codes: dict[str, str] = {}  # code -> team id
        self.calls: list[Call] = []
        self.latency: float = 0.0
        self.method_latency: dict[str, float] = {}
        self._faults = Faults(seed=seed, clock=self._now)
        # Bind now so that ``url`` and file URLs are known before the server starts.
        self._server: _Server | None = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/"
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        """Start serving in a background thread."""
        if self._server is None:
            raise RuntimeError("a stopped FakeSlack cannot be restarted; make a new one")
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-slack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the server and wait for its thread."""
        if self._server is None:
            return
        if self._thread is not None:
            self._server.shutdown()  # blocks until serve_forever returns, so only when it runs
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()
        self._server = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL for ``WebClient(base_url=...)``: ``http://127.0.0.1:PORT/api/``."""
        return self.base_url + "api/"

    # -- faults ------------------------------------------------------------------------------------

    def set_rate_limit(
        self,
        method: str,
        *,
        per_minute: float,
        burst: int = 1,
        per_channel: bool = False,
        retry_after: int | None = None,
    ) -> None:
        """Answer HTTP 429 once ``method`` goes over ``per_minute`` (``burst`` calls may come at once)."""
        with self.lock:
            self._faults.set_rate_limit(
                method, per_minute=per_minute, burst=burst, per_channel=per_channel, retry_after=retry_after
            )

    def fail_next(
        self, method: str, *, status: int = 500, times: int = 1, error: str | None = None, retry_after: int = 1
    ) -> None:
        """Fail the next ``times`` calls to ``method``: HTTP ``status``, or ``ok: false`` with ``error``."""
        with self.lock:
            self._faults.fail_next(method, Fault(status, error, retry_after, times))

    @property
    def error_rate(self) -> float:
        """Share of calls answered with a random 5xx (seeded, so runs repeat)."""
        return self._faults.error_rate

    @error_rate.setter
    def error_rate(self, value: float) -> None:
        self._faults.error_rate = value

    @property
    def retry_after_seconds(self) -> int | None:
        """When set, every 429 says ``Retry-After: <this>`` (0 keeps retrying tests fast)."""
        return self._faults.retry_after_seconds

    @retry_after_seconds.setter
    def retry_after_seconds(self, value: int | None) -> None:
        self._faults.retry_after_seconds = value

    # -- what happened -----------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method]

    @property
    def rejections(self) -> list[Call]:
        """Calls Slack answered with ``ok: false`` (bad blocks, unknown ids, bad auth...)."""
        with self.lock:
            return [c for c in self.calls if c.response and not c.response.get("ok")]

    def reset(self) -> None:
        """Forget calls, messages, views and faults; keep users, usergroups, channels and files."""
        with self.lock:
            self.calls.clear()
            self.clear_conversations()
            self._faults.reset()

    # -- HTTP --------------------------------------------------------------------------------------

    def _serve(self, req: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(req.path)
        body = req.rfile.read(int(req.headers.get("Content-Length") or 0))
        auth = req.headers.get("Authorization") or ""
        bearer = auth[7:] if auth.startswith("Bearer ") else None
        if parts.path.startswith("/api/"):
            content_type = req.headers.get("Content-Type") or ""
            answer = self._api(parts.path[5:], parts.query, content_type, body, bearer, auth)
        elif parts.path.startswith("/files-pri/"):
            answer = self._download(parts.path, bearer)
        elif parts.path.startswith("/response/"):
            answer = self._response_url(parts.path[10:], body)
        else:
            answer = FaultAnswer(404, b"not found", "text/plain", {})
        req.send_response(answer.status)
        req.send_header("Content-Type", answer.content_type)
        req.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers.items():
            req.send_header(name, value)
        req.end_headers()
        req.wfile.write(answer.body)

    def _record(self, method: str, params: dict[str, Any], status: int, response: dict[str, Any]) -> None:
        with self.lock:
            self.calls.append(Call(method, params, status, response))

    def _json(self, method: str, params: dict[str, Any], response: dict[str, Any], status: int = 200) -> FaultAnswer:
        self._record(method, params, status, response)
        return FaultAnswer(status, json.dumps(response).encode(), JSON_TYPE, {})

    def authorize_code(self, team_id: str) -> str:
        """What Slack hands the browser when a person in `team_id` clicks Allow: a code for oauth.v2.access."""
        code = f"code-{team_id}-{len(self.oauth_codes)}"
        self.oauth_codes[code] = team_id
        return code

    def _oauth_access(self, params: dict[str, Any], auth: str) -> dict[str, Any]:
        import base64

        given = base64.b64decode(auth[6:]).decode() if auth.startswith("Basic ") else ""
        client = (params.get("client_id"), params.get("client_secret"))
        if given != f"{self.client_id}:{self.client_secret}" and client != (self.client_id, self.client_secret):
            return {"ok": False, "error": "invalid_client_id"}
        team_id = self.oauth_codes.pop(str(params.get("code")), None)
        if team_id is None:
            return {"ok": False, "error": "invalid_code"}
        token = f"xoxb-{team_id}-{secrets.token_hex(8)}"
        self.installed[token] = team_id
        return {"ok": True, "access_token": token, "token_type": "bot", "scope": "commands,chat:write",
                "bot_user_id": self.bot_user_id, "app_id": self.app_id,
                "team": {"id": team_id, "name": f"Team {team_id}"}, "enterprise": None,
                "is_enterprise_install": False, "authed_user": {"id": "UINSTALLER"}}

    def _api(self, method: str, query: str, content_type: str, body: bytes, bearer: str | None,
             auth: str = "") -> FaultAnswer:
        params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
        try:
            params.update(_parse_body(content_type, body))
        except SlackError as exc:
            return self._json(method, params, exc.response())
        body_token = params.pop("token", None)
        if method not in METHODS:
            return self._json(method, params, {"ok": False, "error": "unknown_method", "req_method": method})
        delay = self.method_latency.get(method, self.latency)
        if delay:
            time.sleep(delay)
        token = bearer or body_token
        with self.lock:
            fault = self._faults.check(method, params.get("channel"))
            if isinstance(fault, FaultAnswer):
                parsed = json.loads(fault.body) if fault.content_type == JSON_TYPE else {}
                self._record(method, params, fault.status, parsed)
                return fault
            if fault is not None:
                return self._json(method, params, {"ok": False, **fault})
            if method == "oauth.v2.access":
                return self._json(method, params, self._oauth_access(params, auth))
            if not token:
                return self._json(method, params, {"ok": False, "error": "not_authed"})
            if not secrets.compare_digest(token, self.token) and token not in self.installed:
                return self._json(method, params, {"ok": False, "error": "invalid_auth"})
            params["_team"] = self.installed.get(token, self.team_id)
            try:
                response = {"ok": True, **METHODS[method](self, params)}
            except SlackError as exc:
                response = exc.response()
            except Exception as exc:  # a bug in the fake: fail loudly, never look like Slack
                return self._json(method, params, {"ok": False, "error": f"fake_slack_bug: {exc!r}"}, 500)
            return self._json(method, params, response)

    def _download(self, path: str, bearer: str | None) -> FaultAnswer:
        file = self.file_for_path(path)
        params = {"path": path}
        if file is None:
            self._record("files.download", params, 404, {})
            return FaultAnswer(404, b"file not found", "text/plain", {})
        if bearer is None or not secrets.compare_digest(bearer, self.token):
            # Slack answers an unauthenticated download with its sign-in page, not an error status.
            self._record("files.download", params, 200, {"ok": False, "error": "login_page"})
            return FaultAnswer(200, LOGIN_PAGE, "text/html; charset=utf-8", {})
        self._record("files.download", params, 200, {"ok": True})
        return FaultAnswer(200, file.content, file.mimetype, {})

    def _response_url(self, key: str, body: bytes) -> FaultAnswer:
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            payload = None
        params = payload if isinstance(payload, dict) else {"body": body.decode(errors="replace")}
        with self.lock:
            try:
                post_to_response_url(self, key, params)
            except SlackError as exc:
                status = 404 if exc.error in ("no_service", "expired_url", "used_url") else 400
                return self._json("response_url", {"key": key, **params}, exc.response(), status)
        return self._json("response_url", {"key": key, **params}, {"ok": True})


def _parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    """Parse a form-encoded or JSON request body into parameters."""
    if not body:
        return {}
    if content_type.startswith("application/json"):
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise SlackError("invalid_json") from exc
        if not isinstance(data, dict):
            raise SlackError("json_not_object")
        return data
    if content_type.startswith("application/x-www-form-urlencoded") or not content_type:
        try:
            return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True))
        except ValueError as exc:
            raise SlackError("invalid_form_data") from exc
    raise SlackError("invalid_post_type")
