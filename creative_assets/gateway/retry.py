"""The one retry layer of every provider call (tenacity): which failures are worth another
attempt, how long to wait before it, and the call's budget in attempts and seconds.

A call is retried for what says nothing about the request — 429 (waiting what `Retry-After` /
`retry-after-ms` advises, up to `max_retry_after_s`, long enough for a per-minute window), 5xx,
timeouts, connection resets, and a 200 whose body was cut off or is not what the API documents —
and never for a refused key, a bad request, a moderation or a refusal. The budget is
`max_attempts` tries and `deadline_s` seconds of work and waits per call; time spent queueing for
an in-flight slot is not counted (it is not a fault, and it has its own timeout in the gateway).
The deadline also bounds each attempt's requests (`transport.call_deadline`), so a call ends
within `deadline_s` of busy time whatever the provider does.

The gateway runs this loop around each paid call, outside the in-flight slot; the HOC client,
which is not paid, runs it around its requests. The OpenAI SDK's own retries are off
(`max_retries=0`), so no layer multiplies another.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import dagster as dg
from pydantic import Field
from tenacity import RetryCallState, Retrying, retry_if_exception, wait_random_exponential

from creative_assets.errors import (
    INVALID_RESPONSE,
    RATE_LIMITED,
    SERVER_ERROR,
    TASK_LOST,
    TIMEOUT,
    ProviderError,
)

RETRYABLE = frozenset({RATE_LIMITED, SERVER_ERROR, TIMEOUT, INVALID_RESPONSE, TASK_LOST})
T = TypeVar("T")


class RetryPolicy(dg.Config):
    """How hard one call tries before it fails (provider seconds)."""

    # Sized so that a run of transient faults does not end a call (and its creative): at a fault
    # rate p a call is lost with probability p**max_attempts, for each of a campaign's calls.
    # The deadline bounds the time; this bounds what a provider that fails fast can bill.
    max_attempts: int = Field(default=8, ge=1, le=10, description="tries per call, the first included")
    deadline_s: float = Field(
        default=600.0, gt=0, description="work and waits per call, all attempts together (slot waits apart)"
    )
    backoff_s: float = Field(default=1.0, ge=0, description="first backoff without Retry-After; doubles")
    max_backoff_s: float = Field(default=30.0, ge=0)
    max_retry_after_s: float = Field(
        default=90.0, ge=0, description="a longer Retry-After fails at once instead of waiting"
    )


@dataclass
class CallClock:
    """Busy time of one call: wall time since its start, less the time it queued for slots."""

    started: float = field(default_factory=time.monotonic)
    queued_s: float = 0.0

    @property
    def busy_s(self) -> float:
        return time.monotonic() - self.started - self.queued_s

    def deadline(self, policy: RetryPolicy) -> float:
        """The monotonic time by which the current attempt must end."""
        return time.monotonic() + max(0.0, policy.deadline_s - self.busy_s)


def advised_wait(exc: BaseException | None) -> float | None:
    return getattr(exc, "retry_after_s", None) if exc is not None else None


def transient(exc: BaseException) -> bool:
    return isinstance(exc, ProviderError) and exc.code in RETRYABLE


class _Stop:
    """Stop after the attempt budget, before a wait that would pass the deadline, and at once when
    the provider asks for a longer wait than we hold out for."""

    def __init__(self, policy: RetryPolicy, clock: CallClock) -> None:
        self.policy, self.clock = policy, clock
        self.reason = ""

    def __call__(self, state: RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome else None
        advised = advised_wait(exc)
        if advised is not None and advised > self.policy.max_retry_after_s:
            self.reason = f"it asks to wait {advised:.0f} s, more than max_retry_after_s"
        elif state.attempt_number >= self.policy.max_attempts:
            self.reason = f"gave up after {state.attempt_number} attempts"
        elif self.clock.busy_s + state.upcoming_sleep > self.policy.deadline_s:
            deadline = f"{self.policy.deadline_s:g} s"
            self.reason = f"gave up after {state.attempt_number} attempts at the call's {deadline} deadline"
        else:
            return False
        return True


def _wait(policy: RetryPolicy) -> Callable[[RetryCallState], float]:
    # Full jitter: many steps retrying at once must not hit the provider in lockstep.
    backoff = wait_random_exponential(multiplier=policy.backoff_s, max=policy.max_backoff_s)

    def wait(state: RetryCallState) -> float:
        advised = advised_wait(state.outcome.exception() if state.outcome else None)
        return advised if advised is not None else backoff(state)

    return wait


def retry_call(
    policy: RetryPolicy,
    attempt: Callable[[CallClock], T],
    *,
    clock: CallClock | None = None,
    on_retry: Callable[[BaseException, float], None] | None = None,
) -> T:
    """Run `attempt(clock)` until it succeeds, fails for good, or the budget is spent. A failure
    that ends the call says why retrying stopped (attempts, deadline, a too long Retry-After)."""
    clock = clock or CallClock()
    stop = _Stop(policy, clock)

    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        if on_retry is not None and exc is not None:
            on_retry(exc, state.upcoming_sleep)

    retrying = Retrying(
        stop=stop,
        wait=_wait(policy),
        retry=retry_if_exception(transient),
        before_sleep=before_sleep,
        reraise=True,
    )
    try:
        return retrying(attempt, clock)
    except ProviderError as exc:
        if transient(exc) and stop.reason and stop.reason not in exc.message:
            exc.message = f"{exc.message} ({stop.reason})"
            exc.args = (f"[{exc.code}] {exc.message}",)
        raise
