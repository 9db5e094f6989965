"""Prometheus metrics. Several gunicorn workers are aggregated through PROMETHEUS_MULTIPROC_DIR."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

REQUESTS = Counter("deliverables_requests", "Slack requests by kind and outcome", ["kind", "outcome"])
ACK_SECONDS = Histogram(
    "deliverables_ack_seconds",
    "Time from a Slack request's arrival to its acknowledgement",
    ["kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0),
)
SLACK_CALLS = Counter("deliverables_slack_api_calls", "Web API calls by method and outcome", ["method", "outcome"])
MESSAGES = Counter("deliverables_messages", "DMs and digests by outcome", ["kind", "outcome"])
JOB_SECONDS = Histogram(
    "deliverables_job_seconds", "Scheduled job run time", ["job"], buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800)
)
JOB_LAST_SUCCESS = Gauge(
    "deliverables_job_last_success_timestamp",
    "When each job last finished without error",
    ["job"],
    multiprocess_mode="max",
)


class PlanCollector(Collector):
    """Open and overdue deliverables per priority, read from the database when scraped."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        opened = GaugeMetricFamily("deliverables_deliverables_open", "Open deliverables", labels=["priority"])
        overdue = GaugeMetricFamily(
            "deliverables_deliverables_overdue", "Open deliverables past their due date", labels=["priority"]
        )
        today = datetime.now(UTC).date()
        counts: dict[str, list[int]] = {p: [0, 0] for p in ("blocker", "high", "normal")}
        try:
            self._count(counts, today)
        except Exception:  # the database being down must not take the other metrics with it
            logging.getLogger("deliverables.metrics").warning("plan gauges unavailable", exc_info=True)
            return
        for priority, (total, late) in counts.items():
            opened.add_metric([priority], total)
            overdue.add_metric([priority], late)
        yield opened
        yield overdue

    def _count(self, counts: dict[str, list[int]], today: Any) -> None:
        from storage.models import Deliverable, Plan

        with Session(self.engine) as session:
            query = (
                select(Deliverable.priority, col(Deliverable.due), func.count())
                .join(Plan, col(Plan.id) == Deliverable.plan_id)
                .where(col(Plan.active).is_(True), col(Deliverable.archived).is_(False), Deliverable.status == "open")
                .group_by(col(Deliverable.priority), col(Deliverable.due))
            )
            for priority, due, number in session.exec(query):
                row = counts.setdefault(priority, [0, 0])
                row[0] += number
                row[1] += number if due is not None and due < today else 0


def render(engine: Engine | None) -> tuple[bytes, str]:
    """The metrics page: every worker's counters (multiprocess mode) plus the plan's gauges."""
    from prometheus_client import REGISTRY, multiprocess

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry: Any = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        for collector in list(REGISTRY._collector_to_names):
            registry.register(collector)
    if engine is not None:
        registry.register(PlanCollector(engine))
    return generate_latest(registry), CONTENT_TYPE_LATEST
