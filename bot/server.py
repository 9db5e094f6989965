"""The HTTP side: one WSGI application for Slack's requests, health and metrics, served by gunicorn."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.metrics import REQUESTS
from bot.metrics import render as render_metrics

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

log = logging.getLogger("deliverables.http")


def health(engine: Engine) -> tuple[bool, dict[str, str]]:
    """Check what the app needs to answer: the database."""
    checks: dict[str, str] = {}
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any failure to reach the database is the answer, not an error of ours
        checks["database"] = f"failed: {type(exc).__name__}"
    return all(v == "ok" for v in checks.values()), checks


class WsgiApp:
    """Route `/slack/*` to Bolt, `/healthz` and `/metrics` to ourselves."""

    def __init__(self, app: App, engine: Engine) -> None:
        self.slack = SlackRequestHandler(app)
        self.engine = engine

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in ("GET", "HEAD"):
            ok, checks = health(self.engine)
            return self._reply(start_response, 200 if ok else 503, {"ok": ok, "checks": checks})
        if path == "/metrics" and method == "GET":
            body, content_type = render_metrics(self.engine)
            start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
            return [body]
        if path.startswith("/slack/"):
            status: list[str] = []

            def recording_start(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                status.append(code)
                return start_response(code, headers, exc_info) if exc_info else start_response(code, headers)

            result = self.slack(environ, recording_start)
            if status and status[0].startswith("401"):  # refused before any listener: forged or stale
                REQUESTS.labels("unverified", "rejected").inc()
                log.warning(
                    "request refused: bad signature or stale timestamp",
                    extra={"kind": "unverified", "outcome": "rejected", "path": path},
                )
            return result
        return self._reply(start_response, 404, {"ok": False, "error": "not found"})

    @staticmethod
    def _reply(start_response: StartResponse, code: int, payload: dict[str, Any]) -> Iterable[bytes]:
        body = json.dumps(payload).encode()
        reason = {200: "OK", 404: "Not Found", 503: "Service Unavailable"}[code]
        start_response(f"{code} {reason}", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


def build_wsgi(settings: Any) -> WsgiApp:
    """Create the whole HTTP application from settings (used by each gunicorn worker)."""
    from bot.app import create_app
    from storage.db import make_engine

    engine = make_engine(settings.database_url)
    return WsgiApp(create_app(settings, engine=engine), engine)


def serve(settings: Any, *, workers: int | None = None, threads: int = 8) -> None:
    """Run gunicorn (threaded workers) on $PORT with the app built in each worker after the fork."""
    from gunicorn.app.base import BaseApplication

    def child_exit(_server: Any, worker: Any) -> None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"0.0.0.0:{settings.port}")
            self.cfg.set("workers", workers or settings.web_concurrency)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", threads)
            self.cfg.set("timeout", 30)
            self.cfg.set("graceful_timeout", 20)
            self.cfg.set("accesslog", None)
            self.cfg.set("child_exit", child_exit)

        def load(self) -> WsgiApp:
            return build_wsgi(settings)

    Server().run()
