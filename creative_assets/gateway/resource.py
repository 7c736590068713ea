"""`ProviderGateway`: the one door every paid provider call goes through.

Per call, in this order (cheapest refusal first):
1. the response cache — a hit is answered from storage, costs nothing and takes no slot;
2. the provider's circuit breaker — open means fail fast with `circuit_open` (a fallback-able
   code: the local provider takes over where one is configured);
3. the budget guard — reserves the call's expected cost against the job's and the month's cap
   before anything is sent; over the cap raises `BudgetExceeded` and nothing is sent;
4. an in-flight slot (file locks or Postgres advisory locks, freed by the OS or the database
   when a holder dies), then a token from the provider's shared token bucket;
5. the request itself (the client's own single retry layer runs inside the slot);
6. settlement of the ledger row with what the provider actually billed, the breaker's verdict,
   and the answer written to the cache.

Who a call is for (job, variant, phase, run) comes from the Dagster step that makes it
(`AssetExecutionContext.get()`), or from `call_scope(...)` outside Dagster.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
from pydantic import Field

from creative_assets.gateway.cache import ResponseCache
from creative_assets.gateway.models import BudgetCaps, CachedResponse, LedgerEntry, ProviderLimit
from creative_assets.gateway.scope import CallScope, current_scope
from creative_assets.gateway.slots import SlotPool, slots_for
from creative_assets.gateway.store import StateStore
from creative_assets.io.storage import S3Connection, fsspec_options
from creative_assets.models import ProviderCall
from creative_assets.providers.base import ProviderError
from creative_assets.providers.http import CIRCUIT_OPEN, ProviderFailure

REFRESH_TAG = "creative_assets/refresh"
# Failures that say the provider is unwell. A refusal, a moderation or a bad request says
# something about our request and must not open the breaker (nor hide a broken key).
HEALTH_FAILURES = frozenset({"rate_limited", "server_error", "timeout", "invalid_response"})

# The design's limits (BFL allows 5 tasks at once); per-minute rates are conservative tier-1 values.
DEFAULT_LIMITS: dict[str, ProviderLimit] = {
    "bfl": ProviderLimit(max_in_flight=5, requests_per_minute=120, burst=5),
    "openai": ProviderLimit(max_in_flight=50, requests_per_minute=500, burst=50),
    "perplexity": ProviderLimit(max_in_flight=3, requests_per_minute=50, burst=3),
    "firecrawl": ProviderLimit(max_in_flight=2, requests_per_minute=100, burst=2),
}


@dataclass(frozen=True)
class CallSpec:
    """What a client is about to ask a provider, as content: the same spec is the same answer."""

    provider: str
    operation: str
    model: str
    request: Mapping[str, Any]  # everything that shapes the answer (hashes instead of bytes)
    expected_cost_usd: float
    ttl_s: float | None = None  # None: content-addressed, valid for ever
    cache_key: Mapping[str, Any] | None = None  # a semantic key instead of the request (research)

    @property
    def namespace(self) -> str:
        return f"{self.provider}_{self.operation}"


@dataclass(frozen=True)
class Answer:
    """A provider's answer in cacheable form; the client turns it into domain values."""

    call: ProviderCall
    data: Any = None
    blobs: Mapping[str, bytes] = field(default_factory=dict)
    cacheable: bool = True


def default_state_url() -> str:
    home = Path(os.environ.get("DAGSTER_HOME", ".dagster_home")).resolve()
    return f"sqlite:///{home / 'creative_assets_state.db'}"


@functools.cache
def _store(url: str, pid: int) -> StateStore:
    return StateStore(url)


@functools.cache
def _slots(url: str, slots_dir: str | None, pid: int) -> SlotPool:
    return slots_for(url, slots_dir)


def _dagster_scope() -> tuple[CallScope, bool]:
    """The scope of the Dagster step running this call, and whether its run asks for fresh answers."""
    scope = current_scope()
    try:
        context = dg.AssetExecutionContext.get()
    except Exception:  # not inside a Dagster step: tests, the CLI's own calls
        return scope, False
    job_id = variant = None
    if context.has_partition_key:
        key = context.partition_key
        dims = getattr(key, "keys_by_dimension", None)
        job_id, variant = (dims["job"], dims["variant"]) if dims else (key, None)
    tags = context.run.tags
    dagster = CallScope(
        job_id=scope.job_id or job_id,
        variant=scope.variant or variant,
        phase=scope.phase or context.op_def.name,
        run_id=scope.run_id or context.run.run_id,
    )
    return dagster, tags.get(REFRESH_TAG, "").lower() in ("1", "true", "yes")


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

    @property
    def store(self) -> StateStore:
        return _store(self.state_url, os.getpid())

    @property
    def slots(self) -> SlotPool:
        return _slots(self.state_url, self.slots_dir, os.getpid())

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
        scope, refresh = _dagster_scope()
        key = self.cache_key(spec)
        request_hash = key if spec.cache_key is None else self.cache.key_of(dict(spec.request))
        started_at = datetime.now(UTC)
        if not refresh and (hit := self.cache.get(spec.namespace, key, spec.ttl_s)) is not None:
            return self._from_cache(spec, hit, scope, started_at, request_hash)
        entry = LedgerEntry(
            at=started_at,
            provider=spec.provider,
            model=spec.model,
            operation=spec.operation,
            expected_cost_usd=round(spec.expected_cost_usd, 9),
            job_id=scope.job_id,
            variant=scope.variant,
            phase=scope.phase,
            run_id=scope.run_id,
            request_hash=request_hash,
            outcome="reserved",
        )
        self._check_breaker(spec, entry)
        row = self.store.reserve(
            entry, BudgetCaps(per_job_usd=self.job_budget_usd, per_month_usd=self.monthly_budget_usd)
        )
        began = time.monotonic()
        try:
            limit = self.limit_of(spec.provider)
            with self.slots.hold(spec.provider, limit.max_in_flight, self.slot_timeout_s):
                self._take_token(spec.provider, limit)
                answer = run()
        except ProviderError as exc:
            self._settle_failure(spec, row, exc, time.monotonic() - began)
            raise
        except BaseException as exc:
            # No slot in time, a bug, an interrupt: nothing is known to be billed, and the row must
            # not stay reserved.
            code = getattr(exc, "code", "internal")
            self.store.settle(
                row, outcome="error", error_code=code, duration_s=round(time.monotonic() - began, 3)
            )
            raise
        call = answer.call.model_copy(update={"request_hash": request_hash})
        self.store.settle(
            row,
            outcome=call.outcome if call.outcome != "fallback" else "error",
            model=call.model,
            units=call.units,
            unit=call.unit,
            cost_usd=call.cost_usd,
            duration_s=round(time.monotonic() - began, 3),
        )
        self._report_health(spec.provider, ok=True)
        if answer.cacheable:
            response = CachedResponse(
                created_at=started_at,
                data=answer.data,
                blobs=dict(answer.blobs),
                call=call.model_dump(mode="json"),
            )
            try:
                self.cache.put(spec.namespace, key, response)
            except OSError as exc:
                # The answer is paid for and in hand: the run goes on, the next one pays again.
                dg.get_dagster_logger().warning(
                    f"could not cache {spec.provider} {spec.operation} at {self.cache_url}: {exc}"
                )
        return Answer(call=call, data=answer.data, blobs=answer.blobs, cacheable=answer.cacheable)

    def invalidate(self, spec: CallSpec) -> None:
        """Forget an answer that turned out unusable after it was cached (e.g. failed validation),
        so the next run asks again instead of replaying it."""
        self.cache.invalidate(spec.namespace, self.cache_key(spec))

    def ledger(self, job_id: str | None = None) -> list[LedgerEntry]:
        return self.store.entries(job_id)

    def _from_cache(
        self, spec: CallSpec, hit: CachedResponse, scope: CallScope, at: datetime, request_hash: str
    ) -> Answer:
        paid = ProviderCall.model_validate(hit.call) if hit.call else None
        call = ProviderCall(
            provider=spec.provider,
            model=paid.model if paid else spec.model,
            operation=spec.operation,
            units=paid.units if paid else 0.0,
            unit=paid.unit if paid else "call",
            cost_usd=0.0,
            cached=True,
            request_hash=request_hash,
        )
        self.store.record(
            LedgerEntry(
                at=at,
                provider=call.provider,
                model=call.model,
                operation=call.operation,
                units=call.units,
                unit=call.unit,
                job_id=scope.job_id,
                variant=scope.variant,
                phase=scope.phase,
                run_id=scope.run_id,
                request_hash=request_hash,
                cached=True,
                outcome="ok",
            )
        )
        return Answer(call=call, data=hit.data, blobs=hit.blobs)

    def _check_breaker(self, spec: CallSpec, entry: LedgerEntry) -> None:
        state = self.store.breaker_check(spec.provider, self.breaker_cooldown_s)
        if state.state != "open":
            return
        self.store.record(entry.model_copy(update={"outcome": "circuit_open", "expected_cost_usd": 0.0}))
        until = state.open_until.isoformat(timespec="seconds") if state.open_until else "soon"
        failure = ProviderFailure(
            CIRCUIT_OPEN,
            f"{spec.provider}'s circuit breaker is open after {state.consecutive_failures} consecutive "
            f"failures; no request is sent until {until} (then one trial call decides)",
            provider=spec.provider,
            call=ProviderCall(
                provider=spec.provider, model=spec.model, operation=spec.operation, outcome="circuit_open"
            ),
        )
        dg.get_dagster_logger().warning(str(failure))
        raise failure

    def _take_token(self, provider: str, limit: ProviderLimit) -> None:
        while (wait := self.store.take_token(provider, limit.requests_per_minute, limit.burst)) > 0:
            time.sleep(min(wait, 5.0))

    def _settle_failure(self, spec: CallSpec, row: int, exc: ProviderError, duration_s: float) -> None:
        failed = getattr(exc, "call", None)
        outcome = failed.outcome if failed is not None and failed.outcome != "ok" else "error"
        self.store.settle(
            row,
            outcome="error" if outcome == "fallback" else outcome,
            error_code=exc.code,
            model=failed.model if failed else spec.model,
            units=failed.units if failed else 0.0,
            cost_usd=failed.cost_usd if failed else 0.0,
            duration_s=round(duration_s, 3),
        )
        self._report_health(spec.provider, ok=exc.code not in HEALTH_FAILURES)

    def _report_health(self, provider: str, *, ok: bool) -> None:
        state = self.store.breaker_report(provider, ok, self.breaker_threshold, self.breaker_cooldown_s)
        if not ok and state.state == "open":
            dg.get_dagster_logger().warning(
                f"{provider}'s circuit breaker opened after {state.consecutive_failures} consecutive "
                f"failures; calls fail fast for {self.breaker_cooldown_s:g} s"
            )
