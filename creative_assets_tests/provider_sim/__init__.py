"""A loopback simulator of the providers the pipeline calls (OpenAI, BFL FLUX, Perplexity,
Firecrawl and the HOC jobs API), speaking their wire formats, with latency, limits and
seeded fault injection. See README.md in this folder for prefixes, config and stats."""

from creative_assets_tests.provider_sim.config import EndpointConfig, FaultRates, SimConfig
from creative_assets_tests.provider_sim.server import PREFIXES, Simulator
from creative_assets_tests.provider_sim.testing import fast_config, running_simulator

__all__ = [
    "PREFIXES",
    "EndpointConfig",
    "FaultRates",
    "SimConfig",
    "Simulator",
    "fast_config",
    "running_simulator",
]
