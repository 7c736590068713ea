"""The circuit breaker's part in a call: fail fast while a provider's breaker is open, and report
each call's health to it. Its state (closed, open, half-open) is kept in the gateway's SQL
database (`provider_rows.py`), so one breaker holds for every run, process and machine of the
deployment.

Hand-written because the breaker libraries (pybreaker, circuitbreaker) keep their state in one
process, or in a store of their own (pybreaker's Redis) beside the database the ledger and the
token buckets already share in one transaction.
"""

from __future__ import annotations

import dagster as dg

from creative_assets.errors import CIRCUIT_OPEN, ProviderFailure
from creative_assets.gateway.models import CallSpec, LedgerEntry
from creative_assets.gateway.store import StateStore
from creative_assets.models import ProviderCall

# Failures that say the provider is unwell. A refusal, a moderation or a bad request says
# something about our request and must not open the breaker (nor hide a broken key).
HEALTH_FAILURES = frozenset({"rate_limited", "server_error", "timeout", "invalid_response"})


def check_breaker(store: StateStore, spec: CallSpec, entry: LedgerEntry, cooldown_s: float) -> None:
    """Raise `circuit_open` (a fallback-able code) while the provider's breaker is open, with a
    ledger row that says so; a half-open breaker lets this call be its trial."""
    state = store.breaker_check(spec.provider, cooldown_s)
    if state.state != "open":
        return
    store.record(entry.model_copy(update={"outcome": "circuit_open", "expected_cost_usd": 0.0}))
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


def report_health(store: StateStore, provider: str, *, ok: bool, threshold: int, cooldown_s: float) -> None:
    """Tell the breaker how the call went (a provider asked at least once)."""
    state = store.breaker_report(provider, ok, threshold, cooldown_s)
    if not ok and state.state == "open":
        dg.get_dagster_logger().warning(
            f"{provider}'s circuit breaker opened after {state.consecutive_failures} consecutive "
            f"failures; calls fail fast for {cooldown_s:g} s"
        )
