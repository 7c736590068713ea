"""What the routes share while the simulator serves: its config, ledger, seeded random streams,
BFL tasks, HOC jobs and image blobs, and the address it answers on.

Routes see this object as `call.sim`, never the server, so no route module imports the server.
"""

from __future__ import annotations

import random
import secrets
import threading
from typing import Any

from creative_assets_tests.provider_sim.bfl_tasks import BflState
from creative_assets_tests.provider_sim.config import SimConfig
from creative_assets_tests.provider_sim.hoc_jobs import JobStore
from creative_assets_tests.provider_sim.stats import Ledger


class SimState:
    """Mutable simulator state; `host` and `port` are set by the server once it has bound."""

    def __init__(self, config: SimConfig, host: str) -> None:
        self.config = config
        self.host = host
        self.port = 0
        self.ledger = Ledger()
        self.secret = secrets.token_bytes(16)  # signs BFL sample URLs
        self.lock = threading.RLock()
        self.stopping = threading.Event()
        self._rngs: dict[str, random.Random] = {}
        self.bfl = BflState()
        self.jobs = JobStore()
        self.blobs: dict[str, tuple[bytes, str]] = {}  # dall-e-2 style image URLs
        self.jobs.load(config.hoc)

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def alt_base_url(self) -> str:
        """The same server under another host name, as BFL's regional polling hosts differ."""
        return f"http://{self.config.alt_host}:{self.port}"

    def sleep(self, seconds: float) -> None:
        """Hold the request; returns early when the simulator stops."""
        if seconds > 0:
            self.stopping.wait(seconds)

    def apply_config(self, config: SimConfig | dict[str, Any]) -> None:
        """Replace the config; RNGs restart from the new seed, jobs reload. Stats are kept."""
        new = coerce_config(config)
        with self.lock:
            self.jobs.load(new.hoc)  # first: a bad job list must leave the old config in place
            self.config = new
            self._rngs.clear()

    def reset(self) -> None:
        """Back to a fresh start under the current config: stats, tasks, jobs, RNGs."""
        with self.lock:
            self.ledger.reset()
            self.bfl.clear()
            self.blobs.clear()
            self._rngs.clear()
            self.jobs.load(self.config.hoc)

    def stats(self) -> dict[str, Any]:
        return {**self.ledger.snapshot(self.config.time_scale), "bfl": self.bfl.stats()}

    def requests(self) -> list[dict[str, Any]]:
        return self.ledger.recent()

    def rng(self, *parts: str) -> random.Random:
        """A named, seeded stream; callers must hold no expectations across config changes."""
        key = ":".join((str(self.config.seed), *parts))
        with self.lock:
            if key not in self._rngs:
                self._rngs[key] = random.Random(key)
            return self._rngs[key]


def coerce_config(config: SimConfig | dict[str, Any] | None) -> SimConfig:
    if config is None:
        return SimConfig()
    return config if isinstance(config, SimConfig) else SimConfig.model_validate(config)
