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
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from creative_assets.gateway.database import ledger
from creative_assets.gateway.models import BudgetCaps, BudgetExceeded, LedgerEntry
from creative_assets.gateway.provider_rows import ProviderRows

# Money is stored as integer nano-dollars: sums are exact on both dialects (SQLite has no decimal
# type, and float sums drift), and 1e-9 USD is far below any provider's price granularity.
_NANO = 1_000_000_000
_MONEY_COLUMNS = {"cost_usd": "cost_nano_usd", "expected_cost_usd": "expected_cost_nano_usd"}
_UNSETTLED = ("reserved", "refused")
_JOB_ENV, _MONTH_ENV = "CREATIVE_ASSETS_JOB_BUDGET_USD", "CREATIVE_ASSETS_MONTHLY_BUDGET_USD"
# A fixed key for pg_advisory_xact_lock; any constant works as long as nothing else uses it.
_BUDGET_LOCK_KEY = 0x43415F4255444745  # "CA_BUDGE"


# --- conversions -----------------------------------------------------------------------------


def _nano(usd: float) -> int:
    return round(usd * _NANO)


def _naive_utc(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at


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


# --- the store -------------------------------------------------------------------------------


class StateStore(ProviderRows):
    """Ledger, budget, token buckets and breakers of one deployment. Cheap to construct: the
    engine (and the tables) are shared per URL within a process."""

    def __init__(self, url: str, *, reservation_ttl_s: float = 3600.0) -> None:
        super().__init__(url)
        # A reservation left behind by a killed process stops holding budget after this long.
        self.reservation_ttl_s = reservation_ttl_s

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
