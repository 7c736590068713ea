"""Fixtures for the real provider clients: one loopback simulator per test module, reconfigured
per test (faults, keys), and retry settings that keep the suite fast without changing behaviour."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from creative_assets.gateway.resource import ProviderGateway
from creative_assets.models import DesignerPrompt, JobPosting
from creative_assets.providers.http import HttpSettings
from creative_assets.providers.local import LocalJobSource, ProceduralImageGenerator
from creative_assets_tests.provider_sim import Simulator, fast_config, running_simulator

JOB_ID = "hoc-4711-pflege"
SECRET = "sk-live-9f8e7d6c5b4a3928"  # a key shaped like a real one, to search error texts for
# Backoff shrunk to milliseconds; timeouts well below the simulator's held 'timeout' faults
# (timeout_hold_s 660 × time_scale 0.001 = 0.66 s).
# Four attempts keep the tests of endpoints that always fail short; the default budget is
# exercised by test_openai_images.py::test_a_run_of_transient_faults_costs_retries_not_the_analysis.
FAST = HttpSettings(timeout_s=5.0, backoff_s=0.001, max_backoff_s=0.005, max_attempts=4)
SHORT = HttpSettings(timeout_s=0.15, backoff_s=0.001, max_backoff_s=0.005, max_attempts=4)


_GATEWAY_ROOT: list[Path] = []


@pytest.fixture(autouse=True)
def _gateway_root(tmp_path: Path) -> Iterator[None]:
    _GATEWAY_ROOT.append(tmp_path)
    yield
    _GATEWAY_ROOT.pop()


def gateway(**config: Any) -> ProviderGateway:
    """A gateway of its own (empty cache and ledger) under the test's tmp_path: every client a
    test builds starts cold unless the test hands the same gateway to several."""
    root = _GATEWAY_ROOT[-1] / f"gateway-{uuid.uuid4().hex[:8]}"
    root.mkdir()
    return ProviderGateway(
        cache_url=str(root / "cache"), state_url=f"sqlite:///{root / 'state.db'}", **config
    )


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


def billed(sim: Simulator) -> float:
    """What the simulator billed OpenAI calls so far, in USD."""
    return sim.stats()["providers"]["openai"]["billed_usd"]


PALETTE = ["#1f3a5f", "#f4f1ea", "#f29e38"]


def picture(width: int, height: int, image_type: str = "location") -> bytes:
    """A procedural base image, as the local generator draws it (no text in it)."""
    prompt = DesignerPrompt(image_type=image_type, prompt="a calm lake under a wide sky")  # type: ignore[arg-type]
    return (
        ProceduralImageGenerator().generate(prompt, seed=3, width=width, height=height, palette=PALETTE).value
    )
