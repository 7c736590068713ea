"""What every gateway of one process shares: the default state URL and provider limits, and one
state store, slot pool and flight table per state URL (per process: connections and lock files
must not cross a fork)."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from creative_assets.gateway.flights import Flights, flights_for
from creative_assets.gateway.models import ProviderLimit
from creative_assets.gateway.slots import SlotPool, slots_for
from creative_assets.gateway.store import StateStore

# The design's limits (BFL allows 5 tasks at once); per-minute rates are conservative tier-1 values.
DEFAULT_LIMITS: dict[str, ProviderLimit] = {
    "bfl": ProviderLimit(max_in_flight=5, requests_per_minute=120, burst=5),
    "openai": ProviderLimit(max_in_flight=50, requests_per_minute=500, burst=50),
    "perplexity": ProviderLimit(max_in_flight=3, requests_per_minute=50, burst=3),
    "firecrawl": ProviderLimit(max_in_flight=2, requests_per_minute=100, burst=2),
}


def default_state_url() -> str:
    home = Path(os.environ.get("DAGSTER_HOME", ".dagster_home")).resolve()
    return f"sqlite:///{home / 'creative_assets_state.db'}"


@functools.cache
def store_of(url: str, pid: int) -> StateStore:
    return StateStore(url)


@functools.cache
def slots_of(url: str, slots_dir: str | None, pid: int) -> SlotPool:
    return slots_for(url, slots_dir)


@functools.cache
def flights_of(url: str, slots_dir: str | None, pid: int) -> Flights:
    return flights_for(url, slots_dir)


SWEPT: set[tuple[str, int]] = set()  # (state URL, pid) whose orphans were settled
