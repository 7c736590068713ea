"""The shared SQL state of the gateway — cost ledger, budget reservations, token buckets and
circuit breakers — in one database reached by URL: `sqlite:///<path>` (default, beside the Dagster
instance) or `postgresql://…` (production, shared across machines). SQLAlchemy Core, one code path
for both dialects; only the locking differs.

Every read-then-write happens inside one transaction that is serialized across processes:
SQLite starts it with `BEGIN IMMEDIATE` (the database write lock, so a second writer waits on the
busy timeout instead of failing with "database is locked" when it tries to upgrade a read), Postgres
takes a transaction advisory lock for the budget and `SELECT … FOR UPDATE` on the provider row."""

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

from creative_assets.gateway.database import engine_for, ledger, provider_state
from creative_assets.gateway.models import BudgetCaps, BudgetExceeded, LedgerEntry

# Money is stored as integer nano-dollars: sums are exact on both dialects (SQLite has no decimal
# type, and float sums drift), and 1e-9 USD is far below any provider's price granularity.
_NANO = 1_000_000_000
_MONEY_COLUMNS = {"cost_usd": "cost_nano_usd", "expected_cost_usd": "expected_cost_nano_usd"}
_UNSETTLED = ("reserved", "refused")
_JOB_ENV, _MONTH_ENV = "CREATIVE_ASSETS_JOB_BUDGET_USD", "CREATIVE_ASSETS_MONTHLY_BUDGET_USD"
# A fixed key for pg_advisory_xact_lock; any constant works as long as nothing else uses it.
_BUDGET_LOCK_KEY = 0x43415F4255444745  # "CA_BUDGE"


@dataclass(frozen=True)
class BreakerState:
    provider: str
    state: str  # "closed" | "open" | "half_open"
    consecutive_failures: int
    open_until: datetime | None


# --- conversions -----------------------------------------------------------------------------


def _nano(usd: float) -> int:
    return round(usd * _NANO)


def _naive_utc(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at


def _epoch_to_dt(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


def _month_range(at: datetime) -> tuple[datetime, datetime]:
    start = datetime(at.year, at.month, 1)
    end = datetime(at.year + 1, 1, 1) if at.month == 12 else datetime(at.year, at.month + 1, 1)
    return start, end


def _usd(amount: float) -> str:
    """$0.10, $5.00, $0.00123: cents always, sub-cent digits when there are any."""
    whole, _, fraction = f"{amount:.6f}".rstrip("0").partition(".")
    return f"${whole}.{fraction.ljust(2, '0')}"


def _to_row(entry: LedgerEntry) -> dict[str, Any]:
    row = entry.model_dump(exclude={"id", "cost_usd", "expected_cost_usd"})
    row["at"] = _naive_utc(entry.at)
    row["cost_nano_usd"] = _nano(entry.cost_usd)
    row["expected_cost_nano_usd"] = _nano(entry.expected_cost_usd)
    return row


def _to_entry(row: Any) -> LedgerEntry:
    data = dict(row._mapping)
    data.pop("reserved_at")
    data["at"] = data["at"].replace(tzinfo=UTC)
    data["cost_usd"] = data.pop("cost_nano_usd") / _NANO
    data["expected_cost_usd"] = data.pop("expected_cost_nano_usd") / _NANO
    return LedgerEntry.model_validate(data)


def _closed(provider: str, failures: int = 0) -> BreakerState:
    return BreakerState(provider, "closed", failures, None)


# --- the store -------------------------------------------------------------------------------


class StateStore:
    """Ledger, budget, token buckets and breakers of one deployment. Cheap to construct: the
    engine (and the tables) are shared per URL within a process."""

    def __init__(self, url: str, *, reservation_ttl_s: float = 3600.0) -> None:
        self.url = url
        # A reservation left behind by a killed process stops holding budget after this long.
        self.reservation_ttl_s = reservation_ttl_s
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

    # ledger + budget ---------------------------------------------------------------------------

    def reserve(self, entry: LedgerEntry, caps: BudgetCaps) -> int:
        """Hold `entry.expected_cost_usd` against the caps and return the ledger row id, or record
        a "refused" row and raise BudgetExceeded. Check and insert are one serialized transaction,
        so concurrent processes cannot both squeeze under a cap."""
        row = _to_row(entry)
        with self._write() as conn:
            if self._postgres:
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_BUDGET_LOCK_KEY)))
            refusal = self._refusal(conn, entry, caps)
            if refusal is None:
                row.update(outcome="reserved", reserved_at=time.time())
            else:
                row.update(outcome="refused", cost_nano_usd=0)
            row_id = conn.execute(sa.insert(ledger).values(**row).returning(ledger.c.id)).scalar_one()
        if refusal is not None:
            raise BudgetExceeded(refusal)
        return row_id

    def _refusal(self, conn: Connection, entry: LedgerEntry, caps: BudgetCaps) -> str | None:
        month_start, month_end = _month_range(_naive_utc(entry.at))
        in_month = (ledger.c.at >= month_start) & (ledger.c.at < month_end)
        job_cap = caps.per_job_usd if entry.job_id is not None else None  # job-less rows: month only
        for cap, where, name, env_var in (
            (job_cap, ledger.c.job_id == entry.job_id, f"per-job cap for job {entry.job_id!r}", _JOB_ENV),
            (caps.per_month_usd, in_month, f"monthly cap for {month_start:%Y-%m}", _MONTH_ENV),
        ):
            if cap is None:
                continue
            committed = self._committed_nano(conn, where)
            if committed + _nano(entry.expected_cost_usd) > _nano(cap):
                return (
                    f"The {name} is {_usd(cap)}; {_usd(committed / _NANO)} is already spent or "
                    f"reserved, and this {entry.provider} {entry.operation} call "
                    f"(job {entry.job_id!r}) would add about {_usd(entry.expected_cost_usd)}. "
                    f"The call was not made. Raise the cap with {env_var} and re-run: paid "
                    "responses are cached, so the run continues without paying twice."
                )
        return None

    def _committed_nano(self, conn: Connection, where: Any) -> int:
        """Settled cost plus the expected cost of reservations younger than the TTL."""
        live_cutoff = time.time() - self.reservation_ttl_s
        amount = sa.case(
            (ledger.c.outcome.not_in(_UNSETTLED), ledger.c.cost_nano_usd),
            (
                (ledger.c.outcome == "reserved") & (ledger.c.reserved_at > live_cutoff),
                ledger.c.expected_cost_nano_usd,
            ),
            else_=0,
        )
        total = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(amount), 0)).where(where)).scalar_one()
        return int(total)

    def settle(self, row_id: int, **changes: object) -> None:
        """Update fields of one ledger row (typically cost_usd, units, outcome, duration_s)."""
        unknown = set(changes) - (set(LedgerEntry.model_fields) - {"id"})
        if unknown:
            raise TypeError(f"settle() got unknown ledger fields: {sorted(unknown)}")
        with self._write() as conn:
            current = conn.execute(sa.select(ledger).where(ledger.c.id == row_id)).one_or_none()
            if current is None:
                raise KeyError(f"no ledger row {row_id}")
            merged = _to_entry(current).model_dump() | changes
            row = _to_row(LedgerEntry.model_validate(merged))  # validates the new values
            columns = [_MONEY_COLUMNS.get(field, field) for field in changes]
            values = {column: row[column] for column in columns}
            conn.execute(sa.update(ledger).where(ledger.c.id == row_id).values(**values))

    def record(self, entry: LedgerEntry) -> int:
        """Insert a row as is (cache hits, refusals, circuit-open short cuts)."""
        query = sa.insert(ledger).values(**_to_row(entry)).returning(ledger.c.id)
        with self._write() as conn:
            return conn.execute(query).scalar_one()

    def entries(self, job_id: str | None = None, **scope: str | int | None) -> list[LedgerEntry]:
        """Rows oldest first: of one job, and of one scope (`run_id`, `phase`, `creative`, …)."""
        query = sa.select(ledger).order_by(ledger.c.id)
        for name, value in {"job_id": job_id, **scope}.items():
            if value is not None:
                query = query.where(ledger.c[name] == value)
        with self._read() as conn:
            return [_to_entry(row) for row in conn.execute(query)]

    def spent(self, *, job_id: str | None = None, month: str | None = None) -> float:
        """Settled cost in USD (reservations and refusals excluded); month is "YYYY-MM"."""
        query = sa.select(sa.func.coalesce(sa.func.sum(ledger.c.cost_nano_usd), 0)).where(
            ledger.c.outcome.not_in(_UNSETTLED)
        )
        if job_id is not None:
            query = query.where(ledger.c.job_id == job_id)
        if month is not None:
            start, end = _month_range(datetime.strptime(month, "%Y-%m"))
            query = query.where(ledger.c.at >= start, ledger.c.at < end)
        with self._read() as conn:
            total = int(conn.execute(query).scalar_one())
        return round(total / _NANO, 6)

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
