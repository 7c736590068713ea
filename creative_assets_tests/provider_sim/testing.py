"""Run the simulator inside a test: `with running_simulator(config) as sim: ...`.

    from creative_assets_tests.provider_sim.testing import running_simulator

    @pytest.fixture
    def sim():
        with running_simulator({"time_scale": 0.001}) as simulator:
            yield simulator

`sim.url_for("openai")` is the base URL each real client takes (also `sim.env()`, a dict of
the environment variables that point every client at it); `sim.stats()`, `sim.requests()`,
`sim.reset()` and `sim.apply_config(...)` inspect and steer it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from creative_assets_tests.provider_sim.config import SimConfig
from creative_assets_tests.provider_sim.server import Simulator


@contextmanager
def running_simulator(
    config: SimConfig | dict[str, Any] | None = None, *, host: str = "127.0.0.1"
) -> Iterator[Simulator]:
    """Start on a free loopback port in a background thread; stop cleanly on exit."""
    simulator = Simulator(config, host=host, port=0).start()
    try:
        yield simulator
    finally:
        simulator.stop()


def fast_config(**overrides: Any) -> SimConfig:
    """A config for unit tests: no latency, BFL tasks done at once, everything else real.

    `endpoints` and `bfl` overrides are merged into those defaults (an endpoint given its own
    latency keeps it); other keys replace them.
    """
    data: dict[str, Any] = {
        "time_scale": 0.001,
        "endpoints": {"*": {"latency": {"kind": "fixed", "seconds": 0.0}}},
        # The signed sample URL lives ten real minutes, not ten scaled ones (0.6 s): on a busy
        # CI machine a download can come later than that, and an expired sample is a new, paid
        # task; the tests of expiry set their own.
        "bfl": {"task_duration": {"kind": "fixed", "seconds": 0.0}, "sample_expiry_s": 600_000.0},
    }
    for key, value in overrides.items():
        data[key] = {**data[key], **value} if key in ("endpoints", "bfl") else value
    return SimConfig.model_validate(data)
