"""`ProviderGateway`: the one door every paid provider call goes through.

Per call, in this order (cheapest refusal first):
1. the response cache (`hits.py`) — a hit is answered from storage, costs nothing, takes no slot;
2. the request's single flight (`flights.py`) — the same request under way elsewhere is waited
   for, then answered from the cache; rows a dead holder left reserved are settled (`tasks.py`);
3. attempts, under the call's retry budget (`retry.py`); each attempt:
   the provider's circuit breaker (`breaker.py`; open: wait for its cooldown and trial call, or
   `circuit_open` when that comes after the call's deadline) →
   an in-flight slot (file locks or Postgres advisory locks, freed by the OS or the database
   when a holder dies) → a token from the provider's shared bucket → the budget reservation
   (a ledger row; over the cap raises `BudgetExceeded` and nothing is sent) → the request →
   settlement of that row with what the provider billed for this attempt. A transient failure
   releases the slot before the retry waits (a `Retry-After` must not hold capacity others
   could use), and the next attempt queues again;
4. the breaker's verdict on the call, and the answer written to the cache.

Tasks that are paid at submission and finished later (BFL) go through `call_task`: the task is
recorded before it is polled, and every later attempt or re-execution of the same request
resumes it instead of paying again.

Who a call is for (job, variant, phase, run) comes from the Dagster step that makes it
(`AssetExecutionContext.get()`), narrowed or set by `call_scope(...)` (a creative, its rendition
and attempt). Every row carries it: the ledger is the only record of calls and their cost, and
`ledger(...)` / `step_ledger()` read it back by scope.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import dagster as dg
from pydantic import Field

from creative_assets.errors import CIRCUIT_OPEN, ProviderError
from creative_assets.gateway.breaker import HEALTH_FAILURES, await_breaker, report_health
from creative_assets.gateway.cache import ResponseCache
from creative_assets.gateway.flights import Flights
from creative_assets.gateway.hits import answer_from_cache, cache_answer
from creative_assets.gateway.models import Answer, BudgetCaps, CallSpec, LedgerEntry, ProviderLimit
from creative_assets.gateway.retry import CallClock, retry_call
from creative_assets.gateway.scope import dagster_scope
from creative_assets.gateway.shared import (
    DEFAULT_LIMITS,
    SWEPT,
    default_state_url,
    flights_of,
    slots_of,
    store_of,
)
from creative_assets.gateway.slots import SlotPool
from creative_assets.gateway.store import StateStore
from creative_assets.gateway.tasks import Task, TaskStore, task_attempt
from creative_assets.gateway.transport import call_deadline
from creative_assets.io.storage import S3Connection, fsspec_options
from creative_assets.models import ProviderCall

__all__ = ["Answer", "CallSpec", "ProviderGateway", "Task"]
REFRESH_TAG = "creative_assets/refresh"
ORPHAN_AGE_S = 60.0  # a reservation this old whose flight is free belongs to a dead process

# One attempt of a call: given the flight key and its ledger row, the answer and what the
# attempt paid when that is already on the row (a submitted task), else None.
_Attempt = Callable[[str, int], tuple[Answer, float | None]]


class ProviderGateway(dg.ConfigurableResource):
    """Limits, cache, breaker, budget and ledger shared by every run of this deployment."""

    state_url: str = Field(
        default_factory=default_state_url,
        description="ledger/bucket/breaker database: sqlite:///… (one machine) or postgresql://…",
    )
    slots_dir: str | None = Field(
        default=None, description="lock files of the SQLite setup (default beside it)"
    )
    cache_url: str = Field(description="response cache: any fsspec URL (local folder, s3://…)")
    cache_s3: S3Connection | None = Field(
        default=None, description="endpoint and key pair of an s3:// cache_url, as env var references"
    )
    cache_storage_options: dict[str, Any] = Field(
        default_factory=dict, description="other fsspec options; the UI shows them, so no secrets here"
    )
    limits: dict[str, ProviderLimit] = Field(default_factory=lambda: dict(DEFAULT_LIMITS))
    job_budget_usd: float | None = Field(default=None, ge=0, description="cap per HOC job, all runs")
    monthly_budget_usd: float | None = Field(default=None, ge=0, description="cap per calendar month (UTC)")
    breaker_threshold: int = Field(default=5, ge=1, description="consecutive failures that open it")
    breaker_cooldown_s: float = Field(default=30.0, gt=0, description="open for this long, then one trial")
    slot_timeout_s: float = Field(default=900.0, gt=0, description="longest wait for an in-flight slot")
    flight_timeout_s: float = Field(
        default=1800.0, gt=0, description="longest wait for the same request under way in another run"
    )

    @property
    def store(self) -> StateStore:
        return store_of(self.state_url, os.getpid())

    @property
    def slots(self) -> SlotPool:
        return slots_of(self.state_url, self.slots_dir, os.getpid())

    @property
    def flights(self) -> Flights:
        return flights_of(self.state_url, self.slots_dir, os.getpid())

    @property
    def tasks(self) -> TaskStore:
        return TaskStore(self.state_url)

    @property
    def cache(self) -> ResponseCache:
        return ResponseCache(self.cache_url, fsspec_options(self.cache_s3, self.cache_storage_options))

    def limit_of(self, provider: str) -> ProviderLimit:
        return self.limits.get(provider) or ProviderLimit(max_in_flight=4)

    def cache_key(self, spec: CallSpec) -> str:
        return self.cache.key_of(
            {
                "provider": spec.provider,
                "operation": spec.operation,
                "model": spec.model,
                **(spec.cache_key or spec.request),
            }
        )

    def call(self, spec: CallSpec, run: Callable[[], Answer]) -> Answer:
        """One paid call: `run()` makes one attempt (one request and its answer) and raises
        ProviderFailure with what that attempt was billed; the gateway retries it."""
        return self._call(spec, lambda key, row: (run(), None))

    def call_task(
        self, spec: CallSpec, submit: Callable[[], Task], finish: Callable[[Task], Answer]
    ) -> Answer:
        """A call paid at submission and finished later: `submit()` starts the task (paid) and
        returns it; `finish(task)` polls and fetches the result (free). The task is recorded, with
        its cost on the row of the attempt that submitted it, before `finish` starts; an attempt
        or re-execution of the same request that finds it resumes it. A failure of `finish` coded
        `task_lost` (the provider forgot the task, its result expired) or a terminal one drops
        the record; a moderation also takes back its cost (moderated tasks are not billed)."""

        return self._call(spec, task_attempt(self.tasks, spec.provider, submit, finish))

    def _call(self, spec: CallSpec, attempt: _Attempt) -> Answer:
        scope, refresh = dagster_scope(REFRESH_TAG)
        key = self.cache_key(spec)
        request_hash = key if spec.cache_key is None else self.cache.key_of(dict(spec.request))
        if not refresh and (hit := self.cache.get(spec.namespace, key, spec.ttl_s)) is not None:
            return answer_from_cache(self.store, spec, hit, scope, request_hash)
        self.settle_orphans(once=True)
        what = f"{spec.provider} {spec.operation}"
        with self.flights.hold(key, self.flight_timeout_s, what):
            # Whoever held the flight before us may have paid for the answer: it is ours now.
            if not refresh and (hit := self.cache.get(spec.namespace, key, spec.ttl_s)) is not None:
                return answer_from_cache(self.store, spec, hit, scope, request_hash)
            for row_id, _ in self.tasks.reserved(flight_key=key):
                self.tasks.settle_orphan(row_id)  # left by a dead holder of this flight
            entry = LedgerEntry(
                at=datetime.now(UTC),
                provider=spec.provider,
                model=spec.model,
                operation=spec.operation,
                expected_cost_usd=round(spec.expected_cost_usd, 9),
                **asdict(scope),
                request_hash=request_hash,
                flight_key=key,
                outcome="reserved",
            )
            attempts, trial = [0], [False]

            def one(clock: CallClock) -> Answer:
                attempts[0] += 1
                if not trial[0]:  # the trial call's own retries are still its trial
                    until = clock.deadline(spec.retry)
                    state = await_breaker(self.store, spec, entry, self.breaker_cooldown_s, until=until)
                    trial[0] = state == "half_open"
                return self._attempt(spec, entry, attempt, clock)

            def retrying(exc: BaseException, wait_s: float) -> None:
                dg.get_dagster_logger().warning(f"{what}: {exc}; attempt {attempts[0] + 1} in {wait_s:.1f} s")

            try:
                answer = retry_call(spec.retry, one, on_retry=retrying)
            except ProviderError as exc:
                if exc.code != CIRCUIT_OPEN or attempts[0] > 1:  # the provider was asked
                    self._health(spec.provider, ok=exc.code not in HEALTH_FAILURES | {CIRCUIT_OPEN})
                raise
            self._health(spec.provider, ok=True)
            call = answer.call.model_copy(update={"request_hash": request_hash})
            if answer.cacheable:
                cache_answer(self.cache, spec, key, entry.at, answer, call)
        return Answer(call=call, data=answer.data, blobs=answer.blobs, cacheable=answer.cacheable)

    def _attempt(
        self,
        spec: CallSpec,
        entry: LedgerEntry,
        attempt: _Attempt,
        clock: CallClock,
    ) -> Answer:
        limit = self.limit_of(spec.provider)
        queued = time.monotonic()
        with self.slots.hold(spec.provider, limit.max_in_flight, self.slot_timeout_s):
            self._take_token(spec.provider, limit)
            clock.queued_s += time.monotonic() - queued  # queueing is not a fault: not on the deadline
            # Reserved just before sending, so a reservation a dead process leaves was sent.
            row = self.store.reserve(
                entry.model_copy(update={"at": datetime.now(UTC)}),
                BudgetCaps(per_job_usd=self.job_budget_usd, per_month_usd=self.monthly_budget_usd),
            )
            began = time.monotonic()
            try:
                with call_deadline(clock.deadline(spec.retry)):
                    answer, paid = attempt(entry.flight_key or "", row)
            except ProviderError as exc:
                self._settle_failure(spec, row, exc, time.monotonic() - began)
                raise
            except BaseException as exc:
                # A bug, an interrupt: nothing is known to be billed, and the row must not stay reserved.
                code = getattr(exc, "code", "internal")
                self.store.settle(
                    row, outcome="error", error_code=code, duration_s=round(time.monotonic() - began, 3)
                )
                raise
        call = answer.call.model_copy(update={"cost_usd": paid} if paid is not None else {})
        self.store.settle(
            row,
            outcome=call.outcome,
            model=call.model,
            units=call.units,
            unit=call.unit,
            cost_usd=call.cost_usd,
            duration_s=round(time.monotonic() - began, 3),
        )
        return Answer(call=call, data=answer.data, blobs=answer.blobs, cacheable=answer.cacheable)

    def settle_orphans(self, *, once: bool = False) -> int:
        """Settle reservations whose process died (their flight lock is free); the number settled.
        `once`: only the first time in this process (the gateway calls it before its first call)."""
        marker = (self.state_url, os.getpid())
        if once and marker in SWEPT:
            return 0
        SWEPT.add(marker)
        settled = 0
        for row_id, key in self.tasks.reserved(older_than_s=ORPHAN_AGE_S):
            with self.flights.try_hold(key) as free:
                if free:
                    self.tasks.settle_orphan(row_id)
                    settled += 1
        return settled

    def invalidate(self, spec: CallSpec) -> None:
        """Forget an answer that turned out unusable after it was cached (e.g. failed validation),
        so the next run asks again instead of replaying it."""
        self.cache.invalidate(spec.namespace, self.cache_key(spec))

    def ledger(self, job_id: str | None = None, **scope: str | int | None) -> list[LedgerEntry]:
        """The only record of provider calls and their cost: rows of a job, of a scope where given
        (`run_id`, `phase`, `variant`, `creative`, `rendition`, `attempt`)."""
        return self.store.entries(job_id, **scope)

    def step_ledger(self) -> list[LedgerEntry]:
        """The rows of the running Dagster step (its job, variant, phase and run): what its calls
        cost. Outside a Dagster run there is no step to read, and so nothing."""
        scope, _ = dagster_scope(REFRESH_TAG)
        if scope.run_id is None:
            return []
        return self.ledger(scope.job_id, run_id=scope.run_id, phase=scope.phase, variant=scope.variant)

    def _take_token(self, provider: str, limit: ProviderLimit) -> None:
        while (wait := self.store.take_token(provider, limit.requests_per_minute, limit.burst)) > 0:
            time.sleep(min(wait, 5.0))

    def _settle_failure(self, spec: CallSpec, row: int, exc: ProviderError, duration_s: float) -> None:
        failed = getattr(exc, "call", None) or ProviderCall(
            provider=spec.provider, model=spec.model, operation=spec.operation, units=0.0, outcome="error"
        )
        outcome = failed.outcome if failed.outcome != "ok" else "error"
        self.store.settle(
            row,
            outcome=outcome,
            error_code=exc.code,
            model=failed.model,
            units=failed.units,
            cost_usd=failed.cost_usd,
            cost_estimated=bool(getattr(exc, "cost_estimated", False)),
            duration_s=round(duration_s, 3),
        )

    def _health(self, provider: str, *, ok: bool) -> None:
        report_health(
            self.store, provider, ok=ok, threshold=self.breaker_threshold, cooldown_s=self.breaker_cooldown_s
        )
