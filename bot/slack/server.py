"""The HTTP side: one WSGI application for Slack's requests, health and metrics, served by gunicorn."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.metrics import ACK_SECONDS, REQUESTS
from bot.metrics import render as render_metrics

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

log = logging.getLogger("deliverables.http")


def request_kind(body: bytes, content_type: str) -> str:
    """`command:mine`, `block_actions`, `view_submission`, `event:app_home_opened`, ... (for metrics and logs)."""
    try:
        if "json" in content_type:
            data = json.loads(body or b"{}")
            if data.get("type") == "event_callback":
                return f"event:{(data.get('event') or {}).get('type', 'unknown')}"
            return str(data.get("type") or "unknown")
        form = parse_qs(body.decode("utf-8"))
        if "payload" in form:
            return str(json.loads(form["payload"][0]).get("type") or "unknown")
        if "command" in form:
            word = (form.get("text") or [""])[0].strip().split(" ", 1)[0].lower()
            return f"command:{word or 'mine'}" if word.isalpha() and len(word) <= 12 else "command:other"
    except (ValueError, UnicodeDecodeError, AttributeError):
        return "unreadable"
    return "unknown"


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
            return self._slack(environ, start_response, path)
        return self._reply(start_response, 404, {"ok": False, "error": "not found"})

    def _slack(self, environ: WSGIEnvironment, start_response: StartResponse, path: str) -> Iterable[bytes]:
        """Hand the request to Bolt, and record its kind, outcome and how long Slack waited for the ack."""
        started = time.perf_counter()
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        status: list[str] = []

        def recording_start(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status.append(code)
            return start_response(code, headers, exc_info) if exc_info else start_response(code, headers)

        result = list(self.slack(environ, recording_start))
        code = int(status[0].split()[0]) if status else 500
        elapsed = time.perf_counter() - started
        if code == 401:  # refused before any listener: a forged signature or a stale timestamp
            kind, outcome = "unverified", "rejected"
            log.warning("request refused: bad signature or stale timestamp", extra={"kind": kind, "outcome": outcome})
        else:
            kind = request_kind(body, environ.get("CONTENT_TYPE", ""))
            outcome = "ok" if code < 400 else "error" if code >= 500 else "refused"
            log.info(
                "slack request",
                extra={"kind": kind, "outcome": outcome, "status": code, "duration_ms": round(elapsed * 1000, 1)},
            )
        REQUESTS.labels(kind, outcome).inc()
        ACK_SECONDS.labels(kind).observe(elapsed)
        return result

    @staticmethod
    def _reply(start_response: StartResponse, code: int, payload: dict[str, Any]) -> Iterable[bytes]:
        body = json.dumps(payload).encode()
        reason = {200: "OK", 404: "Not Found", 503: "Service Unavailable"}[code]
        start_response(f"{code} {reason}", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


def build_wsgi(settings: Any) -> WsgiApp:
    """Create the whole HTTP application from settings (used by each gunicorn worker)."""
    from bot.slack.app import create_app
    from storage.db import make_engine

    engine = make_engine(settings.database_url)
    application = WsgiApp(create_app(settings, engine=engine), engine)
    warm_up(engine, settings)
    return application


def warm_up(engine: Any, settings: Any) -> None:
    """Before a worker serves: read each active plan's shape and draw one checklist (read-only, no Slack call),
    so the first requests do not all pay for it at once. A database that is not there yet only logs."""
    from bot.slack.app import utc_now
    from bot.views import checklists
    from storage import roster, shape_cache
    from storage.db import session_scope

    started = time.perf_counter()
    try:
        plans = shape_cache.warm(engine)
        with session_scope(engine) as session:
            members = roster.members_by_role(session=session, team_id=settings.team_id)
            someone = next((users[0] for users in members.values() if users), None)
            if someone is not None:
                checklists.user_checklist(
                    session=session, settings=settings, team_id=settings.team_id, user_id=someone, now=utc_now()
                )
    except Exception as exc:  # the app still starts; /healthz tells whether the database answers
        log.warning("warm-up skipped", extra={"error": type(exc).__name__})
        return
    log.info("warmed up", extra={"plans": plans, "duration_ms": round((time.perf_counter() - started) * 1000, 1)})


def settle_heap() -> None:
    """Keep the garbage collector off the request path's tail, once a worker has built its app.

    Everything alive now (modules, the app, SQLAlchemy's caches) lives as long as the worker: frozen, a full
    collection no longer walks it. Requests make many short-lived objects (ORM rows, blocks); a larger first
    generation collects them less often. Cycles are still collected: nothing is switched off.
    """
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_FIRST_GENERATION, *gc.get_threshold()[1:])


GC_FIRST_GENERATION = 20_000


def serve(
    settings: Any, *, workers: int | None = None, threads: int = 8, build: Callable[[Any], Any] = build_wsgi
) -> None:
    """Run gunicorn (threaded workers) on $PORT with the app built in each worker after the fork.

    `build` makes the WSGI application from settings; benchmarks pass another one to compare servers alike.
    """
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

        def load(self) -> Any:
            application = build(settings)
            settle_heap()
            return application

    Server().run()
