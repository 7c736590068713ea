"""The gateway's shared state on both backends: ledger, budget guard, token bucket, breaker."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from creative_assets.gateway.models import BudgetCaps, BudgetExceeded
from creative_assets.gateway.store import StateStore
from creative_assets_tests.gateway._support import (
    Workers,
    ledger_entry,
    reserve_many,
)


@pytest.fixture
def store(state_url: str) -> StateStore:
    return StateStore(state_url)


# --- ledger ------------------------------------------------------------------------------------


def test_ledger_round_trip(store: StateStore) -> None:
    full = ledger_entry(
        at=datetime(2025, 3, 4, 5, 6, 7, 890000, tzinfo=UTC),
        provider="bfl",
        model="flux-pro-1.1",
        operation="image",
        units=2.0,
        unit="image",
        cost_usd=0.08,
        expected_cost_usd=0.08,
        job_id="job-1",
        variant="A",
        phase="base_images",
        run_id="run-1",
        request_hash="abc123",
        cached=True,
        outcome="moderated",
        duration_s=1.5,
        error_code="content_moderated",
    )
    first = store.record(full)
    second = store.record(ledger_entry(job_id="job-2"))

    assert store.entries() == [full.model_copy(update={"id": first}), store.entries("job-2")[0]]
    assert store.entries("job-1") == [full.model_copy(update={"id": first})]
    assert [e.id for e in store.entries("job-2")] == [second]
    assert store.entries("nobody") == []


def test_spent_counts_settled_cost_per_job_and_month(store: StateStore) -> None:
    jan, feb = datetime(2025, 1, 31, 23, 59, tzinfo=UTC), datetime(2025, 2, 1, 0, 1, tzinfo=UTC)
    store.record(ledger_entry(at=jan, job_id="a", cost_usd=0.04))
    store.record(ledger_entry(at=feb, job_id="a", cost_usd=0.05, outcome="error"))
    store.record(ledger_entry(at=feb, job_id="b", cost_usd=0.5))
    # Neither a reservation nor a refusal has cost anything yet.
    store.record(ledger_entry(at=feb, job_id="a", expected_cost_usd=1.0, outcome="reserved"))
    store.record(ledger_entry(at=feb, job_id="a", cost_usd=0.0, expected_cost_usd=1.0, outcome="refused"))

    assert store.spent() == 0.59
    assert store.spent(job_id="a") == 0.09
    assert store.spent(month="2025-01") == 0.04
    assert store.spent(month="2025-02") == 0.55
    assert store.spent(job_id="a", month="2025-02") == 0.05
    assert store.spent(month="2024-12") == 0.0


def test_spent_is_exact_over_many_small_prices(store: StateStore) -> None:
    prices = [(0.04, 0.05, 0.00123)[i % 3] for i in range(1000)]
    for price in prices:
        store.record(ledger_entry(job_id="many", cost_usd=price))
    assert store.spent(job_id="many") == round(sum(prices), 6)


def test_settle_updates_the_reserved_row(store: StateStore) -> None:
    row_id = store.reserve(ledger_entry(job_id="j", expected_cost_usd=0.05), BudgetCaps())
    store.settle(row_id, cost_usd=0.04, units=3.0, unit="image", outcome="ok", duration_s=2.5, model="m2")

    (entry,) = store.entries("j")
    assert (entry.id, entry.outcome, entry.cost_usd, entry.expected_cost_usd) == (row_id, "ok", 0.04, 0.05)
    assert (entry.units, entry.unit, entry.duration_s, entry.model) == (3.0, "image", 2.5, "m2")
    assert store.spent(job_id="j") == 0.04
    with pytest.raises(TypeError, match="cost"):
        store.settle(row_id, cost=1.0)


# --- budget guard --------------------------------------------------------------------------------


def test_reservations_count_their_expected_cost_until_settled(store: StateStore) -> None:
    caps = BudgetCaps(per_job_usd=0.10)
    first = store.reserve(ledger_entry(job_id="j", expected_cost_usd=0.04), caps)
    store.reserve(ledger_entry(job_id="j", expected_cost_usd=0.04), caps)
    with pytest.raises(BudgetExceeded):
        store.reserve(ledger_entry(job_id="j", expected_cost_usd=0.04), caps)

    # The first call turned out cheaper than expected: its actual cost frees room.
    store.settle(first, cost_usd=0.01, outcome="ok")
    store.reserve(ledger_entry(job_id="j", expected_cost_usd=0.04), caps)
    # Other jobs have their own cap.
    store.reserve(ledger_entry(job_id="other", expected_cost_usd=0.10), caps)


def test_budget_exceeded_records_a_refusal_and_reserves_nothing(store: StateStore) -> None:
    caps = BudgetCaps(per_job_usd=0.10)
    store.record(ledger_entry(job_id="j", cost_usd=0.08))

    with pytest.raises(BudgetExceeded) as raised:
        store.reserve(
            ledger_entry(job_id="j", provider="bfl", operation="image", expected_cost_usd=0.04), caps
        )

    message = str(raised.value)
    assert raised.value.code == "budget_exceeded"
    for needle in (
        "per-job cap",
        "'j'",
        "$0.10",
        "$0.08",
        "$0.04",
        "bfl image",
        "CREATIVE_ASSETS_JOB_BUDGET_USD",
    ):
        assert needle in message
    assert [e.outcome for e in store.entries("j")] == ["ok", "refused"]
    assert store.spent(job_id="j") == 0.08


def test_monthly_cap_counts_only_that_month(store: StateStore) -> None:
    caps = BudgetCaps(per_month_usd=1.0)
    store.record(ledger_entry(at=datetime(2025, 1, 15, tzinfo=UTC), job_id="a", cost_usd=0.9))
    store.record(ledger_entry(at=datetime(2025, 2, 15, tzinfo=UTC), job_id="b", cost_usd=0.5))

    store.reserve(ledger_entry(at=datetime(2025, 2, 16, tzinfo=UTC), job_id="c", expected_cost_usd=0.5), caps)
    with pytest.raises(BudgetExceeded, match="CREATIVE_ASSETS_MONTHLY_BUDGET_USD") as raised:
        store.reserve(
            ledger_entry(at=datetime(2025, 1, 16, tzinfo=UTC), job_id="d", expected_cost_usd=0.2), caps
        )
    assert "2025-01" in str(raised.value)


def test_abandoned_reservations_stop_counting_after_the_ttl(state_url: str) -> None:
    store = StateStore(state_url, reservation_ttl_s=0.5)
    caps = BudgetCaps(per_job_usd=0.10)
    store.reserve(ledger_entry(job_id="j", expected_cost_usd=0.08), caps)  # never settled
    with pytest.raises(BudgetExceeded):
        store.reserve(ledger_entry(job_id="j", expected_cost_usd=0.04), caps)
    time.sleep(0.6)
    store.reserve(ledger_entry(job_id="j", expected_cost_usd=0.04), caps)


def test_concurrent_processes_never_reserve_past_the_cap(state_url: str) -> None:
    # No StateStore here first: the workers also race to create the tables.
    workers, jobs, attempts = 4, 8, 4  # 16 attempts per job, room for 5
    answers = Workers(workers, reserve_many, state_url, jobs, 0.05, 0.01, attempts).results()

    assert sum(a["reserved"] for a in answers) == 5 * jobs
    assert sum(a["refused"] for a in answers) == (workers * attempts - 5) * jobs
    store = StateStore(state_url)
    for job in range(jobs):
        reserved = [e for e in store.entries(f"race-{job}") if e.outcome == "reserved"]
        assert len(reserved) == 5  # exactly cap / cost, never one more


# --- token bucket --------------------------------------------------------------------------------


def test_token_bucket_allows_a_burst_then_asks_to_wait(store: StateStore) -> None:
    # 300 per minute = one token every 0.2 s, far longer than taking the burst takes.
    assert [store.take_token("openai", per_minute=300, burst=3) for _ in range(3)] == [0.0] * 3
    wait = store.take_token("openai", per_minute=300, burst=3)
    assert 0.0 < wait <= 0.2
    # A different provider has its own bucket.
    assert store.take_token("bfl", per_minute=300, burst=3) == 0.0

    time.sleep(wait + 0.05)
    assert store.take_token("openai", per_minute=300, burst=3) == 0.0
    assert store.take_token("openai", per_minute=300, burst=3) > 0.0


def test_token_bucket_is_shared_and_never_overfills(state_url: str) -> None:
    one, two = StateStore(state_url), StateStore(state_url)
    assert one.take_token("openai", per_minute=300, burst=2) == 0.0
    time.sleep(0.6)  # would refill 3 tokens, but the bucket holds 2
    assert two.take_token("openai", per_minute=300, burst=2) == 0.0
    assert one.take_token("openai", per_minute=300, burst=2) == 0.0
    assert two.take_token("openai", per_minute=300, burst=2) > 0.0


# --- circuit breaker -----------------------------------------------------------------------------


def _trip(store: StateStore, provider: str, cooldown_s: float) -> None:
    for _ in range(3):
        store.breaker_report(provider, ok=False, threshold=3, cooldown_s=cooldown_s)


def test_breaker_opens_after_consecutive_failures(store: StateStore) -> None:
    assert store.breaker_check("openai", cooldown_s=60).state == "closed"
    store.breaker_report("openai", ok=False, threshold=3, cooldown_s=60)
    store.breaker_report("openai", ok=True, threshold=3, cooldown_s=60)  # a success resets the count
    assert store.breaker_report("openai", ok=False, threshold=3, cooldown_s=60).state == "closed"
    assert store.breaker_report("openai", ok=False, threshold=3, cooldown_s=60).state == "closed"
    opened = store.breaker_report("openai", ok=False, threshold=3, cooldown_s=60)

    assert (opened.state, opened.consecutive_failures) == ("open", 3)
    check = store.breaker_check("openai", cooldown_s=60)
    assert check.state == "open"
    assert check.open_until is not None and check.open_until > datetime.now(UTC)
    assert store.breaker_check("bfl", cooldown_s=60).state == "closed"


def test_half_open_lets_exactly_one_trial_through(store: StateStore) -> None:
    _trip(store, "openai", cooldown_s=0.2)
    time.sleep(0.3)
    barrier = threading.Barrier(8)

    def check() -> str:
        barrier.wait()
        # A long trial timeout, so a slow machine cannot let a second trial through.
        return store.breaker_check("openai", cooldown_s=30).state

    with ThreadPoolExecutor(8) as pool:
        states = sorted(pool.map(lambda _: check(), range(8)))
    assert states == ["half_open"] + ["open"] * 7

    # The trial succeeds: closed for everyone.
    assert store.breaker_report("openai", ok=True, threshold=3, cooldown_s=30).state == "closed"
    closed = store.breaker_check("openai", cooldown_s=30)
    assert (closed.state, closed.consecutive_failures) == ("closed", 0)


def test_failed_trial_reopens_the_breaker(store: StateStore) -> None:
    _trip(store, "openai", cooldown_s=0.2)
    time.sleep(0.3)
    assert store.breaker_check("openai", cooldown_s=30).state == "half_open"

    # One failure is below the threshold, but a failed trial reopens at once.
    reopened = store.breaker_report("openai", ok=False, threshold=10, cooldown_s=30)
    assert reopened.state == "open"
    assert store.breaker_check("openai", cooldown_s=30).state == "open"


def test_trial_that_never_reports_back_is_replaced_after_the_cooldown(store: StateStore) -> None:
    _trip(store, "openai", cooldown_s=0.2)
    time.sleep(0.3)
    assert store.breaker_check("openai", cooldown_s=0.5).state == "half_open"  # its caller dies
    assert store.breaker_check("openai", cooldown_s=0.5).state == "open"
    time.sleep(0.6)
    assert store.breaker_check("openai", cooldown_s=0.5).state == "half_open"
