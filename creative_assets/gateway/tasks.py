"""What survives a killed process so that nothing is paid twice and the ledger stays whole.

- Task records: a provider task paid at submission and finished later (BFL's id and polling
  URL) is written, with the cost on the row that paid for it, in one transaction right after the
  submit answers. A re-execution of the same request (same flight key) finds it and resumes
  polling instead of submitting again.
- Orphaned reservations: a row left `reserved` by a process that died. Its flight lock is free
  (the OS or the database dropped it), so whoever takes the flight — the next call of the same
  request, or the gateway's sweep — settles it: at the task's cost when the row paid for a task,
  else at the reservation's expected cost, flagged `cost_estimated` (the request may have reached
  the provider and been billed; the bill cannot be read any more, so the upper bound is recorded).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from creative_assets.errors import MODERATED, TASK_LOST, ProviderFailure
from creative_assets.gateway.database import engine_for, ledger, tasks
from creative_assets.gateway.retry import RETRYABLE
from creative_assets.gateway.store import _NANO

if TYPE_CHECKING:
    from creative_assets.gateway.models import Answer

ABANDONED = "abandoned"  # the error code of a reservation whose process died


@dataclass(frozen=True)
class Task:
    """A submitted provider task: what a poller needs to finish it, and what it cost."""

    id: str
    polling_url: str
    cost_usd: float


@dataclass(frozen=True)
class TaskRecord:
    task: Task
    ledger_id: int
    submitted_at: float


class TaskStore:
    def __init__(self, url: str) -> None:
        self._engine = engine_for(url)

    def record(self, flight_key: str, provider: str, task: Task, ledger_id: int) -> None:
        """Write the task and its cost on the paying row, in one transaction."""
        now = time.time()
        with self._engine.begin() as conn:
            conn.execute(sa.delete(tasks).where(tasks.c.flight_key == flight_key))
            conn.execute(
                sa.insert(tasks).values(
                    flight_key=flight_key,
                    provider=provider,
                    task_id=task.id,
                    polling_url=task.polling_url,
                    ledger_id=ledger_id,
                    submitted_at=now,
                )
            )
            conn.execute(
                sa.update(ledger)
                .where(ledger.c.id == ledger_id)
                .values(cost_nano_usd=round(task.cost_usd * _NANO))
            )

    def pending(self, flight_key: str) -> TaskRecord | None:
        query = sa.select(tasks, ledger.c.cost_nano_usd).join(ledger, ledger.c.id == tasks.c.ledger_id)
        with self._engine.connect() as conn:
            row = conn.execute(query.where(tasks.c.flight_key == flight_key)).one_or_none()
        if row is None:
            return None
        task = Task(row.task_id, row.polling_url, row.cost_nano_usd / _NANO)
        return TaskRecord(task, row.ledger_id, row.submitted_at)

    def count(self, provider: str | None = None) -> int:
        """Tasks recorded and not finished yet."""
        query = sa.select(sa.func.count()).select_from(tasks)
        if provider is not None:
            query = query.where(tasks.c.provider == provider)
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def drop(self, flight_key: str, *, refund: bool = False) -> None:
        """Forget a finished (or lost) task; `refund`: the provider did not bill it after all
        (a moderated task), so its paying row's cost goes back to 0."""
        with self._engine.begin() as conn:
            if refund:
                paid = sa.select(tasks.c.ledger_id).where(tasks.c.flight_key == flight_key)
                conn.execute(sa.update(ledger).where(ledger.c.id.in_(paid)).values(cost_nano_usd=0))
            conn.execute(sa.delete(tasks).where(tasks.c.flight_key == flight_key))

    # orphaned reservations -------------------------------------------------------------------------

    def reserved(self, *, flight_key: str | None = None, older_than_s: float = 0.0) -> list[tuple[int, str]]:
        """(row id, flight key) of reservations, of one flight or of any older than a while."""
        query = sa.select(ledger.c.id, ledger.c.flight_key).where(
            ledger.c.outcome == "reserved", ledger.c.flight_key.is_not(None)
        )
        if flight_key is not None:
            query = query.where(ledger.c.flight_key == flight_key)
        else:
            query = query.where(ledger.c.reserved_at < time.time() - older_than_s)
        with self._engine.connect() as conn:
            return [(row.id, row.flight_key) for row in conn.execute(query)]

    def settle_orphan(self, row_id: int) -> None:
        """Settle a dead process's reservation (call while holding its flight)."""
        paid_task = sa.exists().where(tasks.c.ledger_id == ledger.c.id)
        with self._engine.begin() as conn:
            conn.execute(
                sa.update(ledger)
                .where(ledger.c.id == row_id, ledger.c.outcome == "reserved")
                .values(
                    outcome="error",
                    error_code=ABANDONED,
                    # A row that paid for a task carries its cost already; any other was sent
                    # (rows are reserved just before sending), so its upper bound is recorded.
                    cost_nano_usd=sa.case(
                        (paid_task, ledger.c.cost_nano_usd), else_=ledger.c.expected_cost_nano_usd
                    ),
                    cost_estimated=sa.not_(paid_task),
                )
            )


def task_attempt(
    store: TaskStore, provider: str, submit: Callable[[], Task], finish: Callable[[Task], Answer]
) -> Callable[[str, int], tuple[Answer, float | None]]:
    """One attempt of a task call (`ProviderGateway.call_task`): resume the request's recorded task,
    or submit one and record it on the attempt's ledger row; then finish it. Returns the answer and
    what this attempt paid (the task's cost if it submitted, else 0)."""

    def attempt(key: str, row: int) -> tuple[Answer, float | None]:
        record = store.pending(key)
        if record is None:
            task = submit()
            store.record(key, provider, task, row)
            paid = task.cost_usd
        else:
            task, paid = record.task, 0.0  # its cost is on the row that submitted it
        try:
            answer = finish(task)
        except ProviderFailure as exc:
            if exc.code == MODERATED:
                store.drop(key, refund=True)
                paid = 0.0
            elif exc.code not in RETRYABLE or exc.code == TASK_LOST:
                store.drop(key)
            if exc.call is not None:
                exc.call = exc.call.model_copy(update={"cost_usd": paid})
            raise
        store.drop(key)
        return answer, paid

    return attempt
