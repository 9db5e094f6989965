"""The fake Slack of the load benchmark, in its own process so it does not share the driver's GIL.

It is the tests' FakeSlack (strict Block Kit checks, trigger_ids that expire in 3 s, response_urls used at
most 5 times) with a few routes for the driver under `/bench/`:

- `POST /bench/triggers?n=N`: N fresh trigger_ids (views.open accepts each once, within 3 s);
- `POST /bench/response_urls?n=N&channel=C`: N response_urls for a channel;
- `GET /bench/view?trigger=T`: the modal the app opened with trigger T (404 until it did);
- `GET /bench/files`: the workspace's files as Slack puts them in a submitted file_input's state;
- `GET /bench/stats?reset=1`: calls by method and outcome, and the first failures, since the last reset.

Calls are counted, not kept, so a long run does not grow the fake's memory. `Fake` starts it and is the
driver's handle on those routes.
"""

from __future__ import annotations

import json
import multiprocessing
import threading
from collections import Counter, deque
from http.server import BaseHTTPRequestHandler
from multiprocessing.connection import Connection
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from bench.load import CHANNEL, TOKEN
from tests.fake_slack import FakeSlack

FILES = 20  # file ids F0BENCH00..F0BENCH19 exist in the workspace


class LoadSlack(FakeSlack):
    """FakeSlack that counts its calls and answers the driver's `/bench/` routes."""

    def __init__(self, token: str) -> None:
        super().__init__(token=token)
        self.counts: Counter[str] = Counter()
        self.failures: list[dict[str, Any]] = []
        self.opened: dict[str, dict[str, Any]] = {}  # trigger_id -> the view views.open stored
        self._stats_lock = threading.Lock()

    def _record(self, method: str, params: dict[str, Any], status: int, response: dict[str, Any]) -> None:
        ok = status == 200 and bool(response.get("ok"))
        outcome = "ok" if ok else f"failed:{status}:{response.get('error')}"
        with self._stats_lock:
            self.counts[f"{method} {outcome}"] += 1
            if not ok and len(self.failures) < 20:
                self.failures.append({"method": method, "status": status, "response": response})
            if ok and method == "views.open":
                self.opened[str(params.get("trigger_id"))] = response["view"]

    def _serve(self, req: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(req.path)
        if not parts.path.startswith("/bench/"):
            super()._serve(req)
            return
        req.rfile.read(int(req.headers.get("Content-Length") or 0))
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        status, answer = 200, self._bench(parts.path[7:], query)
        if answer is None:
            status, answer = 404, {"ok": False}
        body = json.dumps(answer).encode()
        req.send_response(status)
        req.send_header("Content-Type", "application/json")
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        req.wfile.write(body)

    def _bench(self, route: str, query: dict[str, str]) -> Any:
        n = int(query.get("n", "1"))
        if route == "triggers":
            return [self.new_trigger_id() for _ in range(n)]
        if route == "response_urls":
            return [self.response_url(query.get("channel", CHANNEL)) for _ in range(n)]
        if route == "view":
            with self._stats_lock:
                return self.opened.pop(query.get("trigger", ""), None)
        if route == "files":
            with self.lock:
                return [stored.info for stored in self.files.values()]
        if route == "stats":
            with self._stats_lock:
                answer = {"calls": dict(self.counts), "failures": list(self.failures)}
                if query.get("reset"):
                    self.counts.clear()
                    self.failures.clear()
            return answer
        return None


def run_fake(token: str, users: list[str], conn: Connection) -> None:
    """Child process: seed the workspace, serve it, tell the parent its URL, and stop when told."""
    slack = LoadSlack(token)
    slack.retry_after_seconds = 0
    zones = ["Europe/Madrid", "America/Bogota", "Asia/Kolkata", "UTC"]
    for index, user in enumerate(users):
        locale = "en-US" if index % 3 == 0 else "es-ES"
        slack.add_user(user, name=user.lower(), tz=zones[index % len(zones)], locale=locale)
    for index in range(FILES):
        slack.add_file(
            f"F0BENCH{index:02d}",
            name=f"evidence-{index}.pdf",
            content=b"%PDF-1.4 bench",
            mimetype="application/pdf",
            filetype="pdf",
        )
    with slack:
        conn.send(slack.base_url)
        conn.recv()  # any message: stop


class Fake:
    """Handle on the fake Slack process: its URL, trigger_ids and response_urls, its counts."""

    def __init__(self, users: list[str]) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=run_fake, args=(TOKEN, users, child), daemon=True)
        self._process.start()
        self.base_url: str = self._conn.recv()
        self.http = requests.Session()
        self._urls: deque[str] = deque()
        self._lock = threading.Lock()
        self.files: list[dict[str, Any]] = self._get("files")  # what a submitted file_input carries

    def stop(self) -> None:
        self._conn.send("stop")
        self._process.join(timeout=10)

    def _get(self, route: str, **query: Any) -> Any:
        with self._lock:  # one Session is not thread safe
            response = self.http.post(f"{self.base_url}bench/{route}?{urlencode(query)}", timeout=10)
        return response.json() if response.status_code == 200 else None

    def trigger_id(self) -> str:
        return str(self._get("triggers", n=1)[0])

    def response_url(self) -> str:
        """A fresh response_url (fetched from the fake 200 at a time)."""
        while True:
            try:
                return self._urls.popleft()
            except IndexError:
                self._urls.extend(self._get("response_urls", n=200, channel=CHANNEL))

    def opened_view(self, trigger_id: str) -> dict[str, Any] | None:
        found = self._get("view", trigger=trigger_id)
        return found if isinstance(found, dict) else None

    def stats(self, reset: bool = False) -> dict[str, Any]:
        return dict(self._get("stats", reset=1) if reset else self._get("stats"))
