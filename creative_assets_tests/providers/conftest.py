"""Fixtures for the real provider clients: one loopback simulator per test module, reconfigured
per test (faults, keys), and retry settings that keep the suite fast without changing behaviour."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from creative_assets.models import JobPosting
from creative_assets.providers.http import HttpSettings
from creative_assets.providers.local import LocalJobSource
from creative_assets.sim import Simulator, fast_config, running_simulator

JOB_ID = "hoc-4711-pflege"
SECRET = "sk-live-9f8e7d6c5b4a3928"  # a key shaped like a real one, to search error texts for
# Backoff shrunk to milliseconds; timeouts well below the simulator's held 'timeout' faults
# (timeout_hold_s 660 × time_scale 0.001 = 0.66 s).
FAST = HttpSettings(timeout_s=5.0, backoff_s=0.001, max_backoff_s=0.005)
SHORT = HttpSettings(timeout_s=0.15, backoff_s=0.001, max_backoff_s=0.005)


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    with running_simulator(fast_config()) as simulator:
        yield simulator


def configure(sim: Simulator, **overrides: Any) -> Simulator:
    """Fresh state under a new config: stats, tasks and fault streams start over."""
    sim.wait_idle()
    sim.apply_config(fast_config(**overrides))
    sim.reset()
    return sim


def faults(endpoint: str, **rates: float) -> dict[str, Any]:
    return {endpoint: {"faults": rates}}


def endpoint_stats(sim: Simulator, endpoint: str) -> dict[str, Any]:
    sim.wait_idle()
    return sim.stats()["endpoints"][endpoint]


@pytest.fixture(scope="module")
def job() -> JobPosting:
    return LocalJobSource().get_job(JOB_ID)


def error_text(exc: BaseException) -> str:
    """Everything an exception would show in a log or in Dagster's UI, causes included."""
    parts = []
    current: BaseException | None = exc
    while current is not None:
        parts += [str(current), repr(current)]
        current = current.__cause__ or current.__context__
    return "\n".join(parts)
