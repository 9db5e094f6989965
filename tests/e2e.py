"""End-to-end harness: the real app behind a real HTTP server, a fake Slack, signed requests, a real database."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import Settings, load_settings
from bot.document.read import parse_file
from bot.slack.app import create_app, slack_client
from bot.slack.server import WsgiApp
from bot.tracking.importer import import_plan
from storage import db, roster
from tests.fake_slack import FakeSlack
from tests.fake_slack_validation import validate_blocks
from tests.slack_signing import SlackClient

TOKEN = "xoxb-test-token"
SIGNING_SECRET = "e2e-signing-secret"
NOW = datetime(2025, 12, 8, 10, 0, tzinfo=UTC)  # the day after the seed's date: blockers due tomorrow

# People of the seed's roles: name, timezone, Slack locale.
PEOPLE = {
    "USRE1": ("lucia", "Europe/Madrid", "es-ES", ["SRE"]),
    "USRE2": ("mateo", "Europe/Madrid", "es-ES", ["SRE"]),
    "UQA1": ("camila", "America/Bogota", "es-LA", ["QA"]),
    "UDEV1": ("arjun", "Asia/Kolkata", "en-US", ["Dev Lead"]),
    "USEC1": ("sofia", "Europe/Madrid", "es-ES", ["Security"]),
    "UNOBODY": ("pablo", "Europe/Madrid", "es-ES", []),
    "UADMIN": ("ana", "Europe/Madrid", "es-ES", []),
}


class TrackingExecutor(ThreadPoolExecutor):
    """Bolt's listener pool, counting the work still running after an ack, so tests can wait for it."""

    def __init__(self) -> None:
        super().__init__(max_workers=5)
        self._busy = 0
        self._lock = threading.Condition()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._lock:
            self._busy += 1

        def run() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                with self._lock:
                    self._busy -= 1
                    self._lock.notify_all()

        return super().submit(run)

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until every listener started so far has finished."""
        with self._lock:
            assert self._lock.wait_for(lambda: self._busy == 0, timeout), "listeners still running"


class SettlingSlackClient(SlackClient):
    """The Slack side, waiting after each request for the app's work after its ack."""

    executor: TrackingExecutor

    def post(self, body: str, content_type: str, **signing: Any) -> requests.Response:
        response = super().post(body, content_type, **signing)
        self.executor.settle()
        return response


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Harness:
    """A running app: its URL, its settings and database, the fake Slack, and the Slack side that signs."""

    url: str
    settings: Settings
    engine: Engine
    slack: FakeSlack
    side: SlackClient
    clock: list[datetime] = field(default_factory=lambda: [NOW])

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def command(self, text: str, user: str, **kwargs: Any) -> dict[str, Any]:
        """Send `/deliverables text` and return the ack body (the ephemeral reply), checking its blocks."""
        response = self.side.send_command(text, user, **kwargs)
        assert response.status_code == 200, response.text
        body = response.json() if response.content else {}
        if body.get("blocks"):
            assert validate_blocks(body["blocks"], surface="message") == [], body["blocks"]
        return body

    def responses(self) -> list[dict[str, Any]]:
        """What the app posted to response_urls, oldest first."""
        return [call.params for call in self.slack.calls_to("response_url")]


def import_seed(engine: Engine, settings: Settings, path: Path | None = None) -> None:
    source = Path(path or settings.deliverables_file)
    with db.session_scope(engine) as session:
        import_plan(
            session=session,
            plan=parse_file(source),
            team_id=settings.team_id,
            source_name=source.name,
            source_text=source.read_text(encoding="utf-8"),
        )


def assign_people(engine: Engine, settings: Settings) -> None:
    with db.session_scope(engine) as session:
        for user, (_, _, _, roles) in PEOPLE.items():
            for role in roles:
                roster.assign_role(session=session, team_id=settings.team_id, role=role, user_ids=[user], actor="cli")


@contextmanager
def running_app(
    database_url: str, *, seed: Path | None = None, assign: bool = True, **overrides: Any
) -> Iterator[Harness]:
    """Start a fake Slack and the app on loopback, with the seed imported and the people assigned."""
    with FakeSlack(token=TOKEN) as slack:
        slack.retry_after_seconds = 0
        for user, (name, tz, locale, _) in PEOPLE.items():
            slack.add_user(user, name=name, tz=tz, locale=locale)
        options = {
            "database_url": database_url,
            "team_id": "T0LOCAL",
            "slack_bot_token": TOKEN,
            "slack_signing_secret": SIGNING_SECRET,
            "slack_api_url": slack.url,
            "admin_user_ids": "UADMIN",
            "language": "auto",
            **overrides,
        }
        settings = load_settings(_env_file=None, **options)
        engine = db.make_engine(settings.database_url)
        import_seed(engine, settings, seed)
        if assign:
            assign_people(engine, settings)
        clock = [NOW]
        executor = TrackingExecutor()
        app = create_app(
            settings, engine=engine, client=slack_client(settings), clock=lambda: clock[0], listener_executor=executor
        )
        server = make_server(
            "127.0.0.1", 0, WsgiApp(app, engine), server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{server.server_port}"
        side = SettlingSlackClient(f"{url}/slack/events", SIGNING_SECRET, fake=slack)
        side.executor = executor
        try:
            yield Harness(url=url, settings=settings, engine=engine, slack=slack, clock=clock, side=side)
            # Every message and view the app sent must pass Slack's checks (faults a test injects aside).
            injected = {429, 500, 502, 503, 504}
            refused = [
                (c.method, c.response.get("error"), c.errors) for c in slack.rejections if c.status not in injected
            ]
            assert refused == [], refused
        finally:
            executor.shutdown(wait=True)
            server.shutdown()
            server.server_close()
            engine.dispose()


# --- reading what Slack shows ------------------------------------------------------------------------


def all_text(blocks: list[dict[str, Any]]) -> str:
    """Every piece of text in blocks, for "does the person see X" checks."""
    return json.dumps(blocks, ensure_ascii=False)


def checkbox_elements(blocks: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(actions block, checkboxes element) pairs, in order."""
    found = []
    for block in blocks:
        if block.get("type") == "actions":
            for element in block["elements"]:
                if element.get("type") == "checkboxes":
                    found.append((block, element))
    return found


def find_option(blocks: list[dict[str, Any]], text: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(block, element, option) of the checkbox whose text contains `text`."""
    for block, element in checkbox_elements(blocks):
        for option in element["options"]:
            if text in option["text"]["text"]:
                return block, element, option
    raise AssertionError(f"no checkbox with {text!r}")


def ticked(blocks: list[dict[str, Any]], text: str) -> bool:
    _, element, option = find_option(blocks, text)
    return option["value"] in {o["value"] for o in element.get("initial_options", [])}


def click(blocks: list[dict[str, Any]], text: str, *, tick: bool = True) -> dict[str, Any]:
    """The checkboxes action Slack sends when a person clicks the box whose text contains `text`."""
    block, element, option = find_option(blocks, text)
    selected = [o for o in element.get("initial_options", []) if o["value"] != option["value"]]
    if tick:
        selected.append(option)
    return {
        "type": "checkboxes",
        "action_id": element["action_id"],
        "block_id": block["block_id"],
        "selected_options": selected,
        "action_ts": "1733650000.000100",
    }
