"""Leases: named rows of table Lease with a holder and an expiry, taken atomically and renewed.

Two uses:

- `clock`: the one clock process that sends scheduled messages. A second clock keeps trying and
  takes over once the first stops renewing (a killed process's lease simply runs out).
- `run:<holder>`: a one-off sender (`run-job`, a test) saying it is alive while it works.

Either way a lease is its holder's proof of life: a delivery claimed by a holder whose leases have
all expired belongs to a dead process, and another sender may finish it (bot.slack.sending). A holder
trusts its own lease only until a margin before the expiry others see.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from storage import deliveries
from storage.db import session_scope

log = logging.getLogger("deliverables.jobs")

TTL = timedelta(seconds=20)
RENEW_EVERY = timedelta(seconds=5)
MARGIN = timedelta(seconds=5)  # stop trusting the lease this long before others may take it
NEVER = datetime.min.replace(tzinfo=UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


def holder_id() -> str:
    """Who this process is, in the lease table, in claims and in the logs."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Lease:
    """This process's hold on one named lease."""

    def __init__(
        self,
        engine: Engine,
        *,
        name: str = "clock",
        holder: str | None = None,
        ttl: timedelta = TTL,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.engine = engine
        self.name = name
        self.holder = holder or holder_id()
        self.ttl = ttl
        self.clock = clock
        self._trusted_until = NEVER
        self._stopping = threading.Event()
        self._was_held: bool | None = None

    @classmethod
    def for_run(cls, engine: Engine, **options: object) -> Lease:
        """A lease of one's own, for a sender that is not the clock: nobody else ever holds it."""
        lease = cls(engine, **options)  # type: ignore[arg-type]
        lease.name = f"run:{lease.holder}"
        return lease

    @property
    def held(self) -> bool:
        """True while this process may send: the lease is fresh and we are not shutting down."""
        return not self._stopping.is_set() and self.clock() < self._trusted_until

    def acquire(self) -> bool:
        """Take or renew the lease; log when we gain or lose it."""
        if self._stopping.is_set():
            return False
        now = self.clock()
        try:
            with session_scope(self.engine) as session:
                taken = deliveries.take_lease(
                    session=session, name=self.name, holder=self.holder, now=now, ttl=self.ttl
                )
                other = None if taken else deliveries.lease_holder(session=session, name=self.name, now=now)
        except Exception:  # a database hiccup: keep what we had until it runs out, try again next time
            log.warning("could not renew a lease", exc_info=True, extra={"kind": "lease", "outcome": "error"})
            return self.held
        if taken:
            self._trusted_until = now + self.ttl - MARGIN
        if taken != self._was_held and self.name == "clock":
            if taken:
                log.info("holding the clock lease", extra={"kind": "lease", "outcome": "taken", "holder": self.holder})
            else:
                log.info(
                    "another clock holds the lease; sending nothing until it lets go",
                    extra={"kind": "lease", "outcome": "held_elsewhere", "holder": other},
                )
        self._was_held = taken
        return taken

    def stop(self) -> None:
        """Start no new sends (on SIGTERM); the lease is kept until `release`."""
        self._stopping.set()

    def release(self) -> None:
        """Stop sending and let the lease go at once, so others need not wait for it to expire."""
        self.stop()
        self._trusted_until = NEVER
        try:
            with session_scope(self.engine) as session:
                deliveries.release_lease(session=session, name=self.name, holder=self.holder, now=self.clock())
        except Exception:  # it expires on its own
            log.warning("could not release a lease", exc_info=True, extra={"kind": "lease"})

    @contextmanager
    def kept(self, every: timedelta = RENEW_EVERY) -> Iterator[Lease]:
        """Take the lease and renew it in a background thread while the block runs; release it after."""
        self.acquire()
        done = threading.Event()

        def renew() -> None:
            while not done.wait(every.total_seconds()):
                self.acquire()

        thread = threading.Thread(target=renew, name=f"lease-{self.name}", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            done.set()
            thread.join()
            self.release()
