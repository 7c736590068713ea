"""The gateway's per-provider rows in its SQL database: the token bucket of the rate limit and
the circuit breaker's state, each read-then-written in one transaction that holds the provider's
row locked (`SELECT … FOR UPDATE` on Postgres, `BEGIN IMMEDIATE` on SQLite; see `store.py`)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from creative_assets.gateway.database import engine_for, provider_state


@dataclass(frozen=True)
class BreakerState:
    provider: str
    state: str  # "closed" | "open" | "half_open"
    consecutive_failures: int
    open_until: datetime | None


def _epoch_to_dt(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


def _closed(provider: str, failures: int = 0) -> BreakerState:
    return BreakerState(provider, "closed", failures, None)


class ProviderRows:
    """The database of one URL (engine shared per URL within a process), its transactions, and
    the token buckets and breakers kept in it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine = engine_for(url)
        self._postgres = self._engine.dialect.name == "postgresql"

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._engine.begin() as conn:
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._engine.connect() as conn:
            conn.execution_options(ca_read_only=True)
            with conn.begin():
                yield conn

    # provider rows ------------------------------------------------------------------------------

    def _locked_provider(self, conn: Connection, provider: str) -> Any:
        """The provider's row, created if missing and locked until the transaction ends."""
        dialect_insert = pg_insert if self._postgres else sqlite_insert
        conn.execute(
            dialect_insert(provider_state)
            .values(provider=provider, consecutive_failures=0, state="closed")
            .on_conflict_do_nothing(index_elements=["provider"])
        )
        query = sa.select(provider_state).where(provider_state.c.provider == provider).with_for_update()
        return conn.execute(query).one()

    def _peek_provider(self, provider: str) -> Any:
        query = sa.select(provider_state).where(provider_state.c.provider == provider)
        with self._read() as conn:
            return conn.execute(query).one_or_none()

    def _set_provider(self, conn: Connection, provider: str, **values: Any) -> None:
        conn.execute(sa.update(provider_state).where(provider_state.c.provider == provider).values(**values))

    # token bucket -------------------------------------------------------------------------------

    def take_token(self, provider: str, per_minute: float, burst: int) -> float:
        """Take one request token: 0.0 when taken, else the seconds until one will be there (the
        caller sleeps and asks again). Refills continuously at per_minute/60 per second."""
        rate = per_minute / 60.0
        with self._write() as conn:
            row = self._locked_provider(conn, provider)
            now = time.time()
            if row.tokens is None:
                tokens, stamp = float(burst), now
            else:
                # A clock behind the stored stamp (another machine) refills nothing, never negative.
                stamp = max(now, row.updated_at)
                tokens = min(float(burst), row.tokens + (stamp - row.updated_at) * rate)
            wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / rate
            if wait == 0.0:
                tokens -= 1.0
            self._set_provider(conn, provider, tokens=tokens, updated_at=stamp)
        return wait

    # circuit breaker ----------------------------------------------------------------------------

    def breaker_check(self, provider: str, cooldown_s: float) -> BreakerState:
        """closed: call. open: do not call. half_open: this caller alone makes the trial call and
        must report its outcome; everyone else sees open until then."""
        # Fast path without the write lock: closed, or open and still cooling down.
        row = self._peek_provider(provider)
        if row is None or row.state == "closed":
            return _closed(provider, row.consecutive_failures if row else 0)
        if row.state == "open" and time.time() < row.open_until:
            return BreakerState(provider, "open", row.consecutive_failures, _epoch_to_dt(row.open_until))
        with self._write() as conn:
            row = self._locked_provider(conn, provider)
            now = time.time()
            failures = row.consecutive_failures
            if row.state == "closed":
                return _closed(provider, failures)
            if row.state == "open" and now < row.open_until:
                return BreakerState(provider, "open", failures, _epoch_to_dt(row.open_until))
            # Open and cooled down, or a half-open trial that never reported back (its process
            # died): this caller gets the trial.
            if row.state == "open" or now - (row.half_open_since or 0.0) > cooldown_s:
                self._set_provider(conn, provider, state="half_open", half_open_since=now)
                return BreakerState(provider, "half_open", failures, _epoch_to_dt(row.open_until))
            trial_deadline = row.half_open_since + cooldown_s
            return BreakerState(provider, "open", failures, _epoch_to_dt(trial_deadline))

    def breaker_report(self, provider: str, ok: bool, threshold: int, cooldown_s: float) -> BreakerState:
        """Record a call's outcome: success closes; `threshold` consecutive failures, or a failed
        half-open trial, open the breaker for cooldown_s."""
        if ok:
            row = self._peek_provider(provider)
            if row is None or (row.state == "closed" and row.consecutive_failures == 0):
                return _closed(provider)  # the common case needs no write lock
        with self._write() as conn:
            row = self._locked_provider(conn, provider)
            if ok:
                closed = {"state": "closed", "open_until": None, "half_open_since": None}
                self._set_provider(conn, provider, consecutive_failures=0, **closed)
                return _closed(provider)
            failures = row.consecutive_failures + 1
            if failures >= threshold or row.state == "half_open":
                open_until = time.time() + cooldown_s
                opened = {"state": "open", "open_until": open_until, "half_open_since": None}
                self._set_provider(conn, provider, consecutive_failures=failures, **opened)
                return BreakerState(provider, "open", failures, _epoch_to_dt(open_until))
            self._set_provider(conn, provider, consecutive_failures=failures)
            return BreakerState(provider, row.state, failures, _epoch_to_dt(row.open_until))
