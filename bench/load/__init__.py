"""Load benchmark: the real `serve` under signed Slack requests at a fixed arrival rate, next to a bare Bolt app.

    python -m bench.load                                   # both scenarios, SQLite, 5 minutes each
    python -m bench.load --backend postgres --scenario A   # PostgreSQL at 127.0.0.1:5432 (own schema)
    python -m bench.load --duration 20 --rate 20           # a short run while developing

For each backend it builds a database with a generated plan (2,000 deliverables) and 500 people in its
roles, starts a fake Slack Web API in its own process, then for each scenario runs `python -m bot serve`
(gunicorn, WEB_CONCURRENCY workers) and, with the same server and workers, `python -m bench.load.bare_app`,
which only acks. It sends the same requests to both:

- A: RATE requests/s for DURATION: 70% `/deliverables mine` for random owners, 20% checkbox ticks on an
  ephemeral `mine` message (the app redraws it through the response_url after the ack), 5% `status`,
  5% `blockers`;
- B: USERS people each opening the evidence modal (a button; views.open with the fake's trigger_id) and
  submitting it a few seconds later (a link, a text and a file reference), PER_MINUTE times a minute.

Latency is measured by the driver from request sent to response received (the ack Slack waits for). It
prints p50/p95/p99, errors (HTTP status from the app; calls the fake refused or failed), throughput, the
app's memory (RSS of the gunicorn master and workers) and CPU, and the app's own histogram from /metrics.
Prints, never asserts. Stops by itself.
"""

# The package by role, each module importing only those above it:
#   fake_slack  the fake Slack Web API in a process of its own, and the driver's handle on it
#   apps        the database with its plan and people; our app or the bare one (bare_app) under gunicorn
#   measures    latency percentiles, memory and CPU per process, the machine's speed
#   driver      scenarios A and B as schedules of signed requests, sent on time and timed
#   report      the tables and the targets line
#   run         the command line: every backend, scenario and app in turn

from pathlib import Path

# The workspace every part of a run shares: the app's settings, the fake's token, the requests' team.
ROOT = Path(__file__).resolve().parents[2]
TOKEN = "xoxb-bench-token"
SIGNING_SECRET = "bench-signing-secret"
TEAM = "T0BENCH"
CHANNEL = "C0BENCH001"
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
