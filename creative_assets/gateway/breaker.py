"""The circuit breaker's part in a call: hold calls back while a provider's breaker is open, and
report each call's health to it. Its state (closed, open, half-open) is kept in the gateway's SQL
database (`provider_rows.py`), so one breaker holds for every run, process and machine of the
deployment.

An open breaker makes a call wait for the cooldown and its trial call, as a 429 makes it wait
out a `Retry-After`: the provider is unwell, not the request, so the call (and its creative) is
given up only when the breaker would not let it through before the call's deadline.

Hand-written because the breaker libraries (pybreaker, circuitbreaker) keep their state in one
process, or in a store of their own (pybreaker's Redis) beside the database the ledger and the
token buckets already share in one transaction.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import dagster as dg

from creative_assets.errors import CIRCUIT_OPEN, ProviderFailure
from creative_assets.gateway.models import CallSpec, LedgerEntry
from creative_assets.gateway.provider_rows import BreakerState
from creative_assets.gateway.store import StateStore
from creative_assets.models import ProviderCall

# Failures that say the provider is unwell. A refusal, a moderation or a bad request says
# something about our request and must not open the breaker (nor hide a broken key).
HEALTH_FAILURES = frozenset({"rate_limited", "server_error", "timeout", "invalid_response"})
# How often a waiting call looks again: a trial that succeeds closes the breaker before the
# time the waiters were given, and they should not sit out the rest of it.
POLL_S = 1.0


def await_breaker(
    store: StateStore, spec: CallSpec, entry: LedgerEntry, cooldown_s: float, *, until: float
) -> str:
    """Return once the provider's breaker lets the call through: "closed", or "half_open" when
    this call is the trial. While it is open, wait; raise `circuit_open` (a fallback-able code),
    with a ledger row that says so, when it would not let the call through before `until` (the
    call's deadline, `time.monotonic()`)."""
    waiting = False
    while True:
        state = store.breaker_check(spec.provider, cooldown_s)
        if state.state != "open":
            return state.state
        left = (state.open_until - datetime.now(UTC)).total_seconds() if state.open_until else cooldown_s
        if time.monotonic() + max(0.0, left) > until:
            raise _circuit_open(store, spec, entry, state)
        if not waiting:
            waiting = True
            dg.get_dagster_logger().warning(
                f"{spec.provider}'s circuit breaker is open; {spec.operation} waits {left:.1f} s "
                "for its trial call"
            )
        time.sleep(min(max(left, 0.01), POLL_S))


def _circuit_open(
    store: StateStore, spec: CallSpec, entry: LedgerEntry, state: BreakerState
) -> ProviderFailure:
    store.record(entry.model_copy(update={"outcome": "circuit_open", "expected_cost_usd": 0.0}))
    until = state.open_until.isoformat(timespec="seconds") if state.open_until else "soon"
    failure = ProviderFailure(
        CIRCUIT_OPEN,
        f"{spec.provider}'s circuit breaker is open after {state.consecutive_failures} consecutive "
        f"failures, and no request is sent until {until} (then one trial call decides), after this "
        "call's deadline",
        provider=spec.provider,
        call=ProviderCall(
            provider=spec.provider, model=spec.model, operation=spec.operation, outcome="circuit_open"
        ),
    )
    dg.get_dagster_logger().warning(str(failure))
    return failure


def report_health(store: StateStore, provider: str, *, ok: bool, threshold: int, cooldown_s: float) -> None:
    """Tell the breaker how the call went (a provider asked at least once)."""
    state = store.breaker_report(provider, ok, threshold, cooldown_s)
    if not ok and state.state == "open":
        dg.get_dagster_logger().warning(
            f"{provider}'s circuit breaker opened after {state.consecutive_failures} consecutive "
            f"failures; calls wait {cooldown_s:g} s for one trial call (or fail if their deadline "
            "comes first)"
        )
