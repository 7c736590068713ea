"""The ledger: calls, in-flight counts, limits, faults and billed cost per endpoint.

Admission (the concurrency and per-minute limits) happens here under one lock, so the
in-flight count a test reads back is exactly what the server enforced. The per-provider peak is
taken at the same moment, because our gateway limits a provider as a whole (OpenAI chat and image
edits count together) and a sum of per-endpoint peaks, which may have happened at different
times, would overstate it.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from creative_assets_tests.provider_sim.config import ENDPOINTS

RECENT_REQUESTS = 20000  # ten queued campaigns poll BFL about 2000 times


@dataclass
class EndpointStats:
    calls: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    responses: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    limited: Counter[str] = field(default_factory=Counter)
    billed_usd: float = 0.0
    units: Counter[str] = field(default_factory=Counter)
    admitted_at: deque[float] = field(default_factory=deque)
    # Wall seconds since the last reset of the first admission and the last release: the window
    # in which the endpoint was busy, so a benchmark can compute a rate (images per minute).
    first_admitted_s: float | None = None
    last_released_s: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "in_flight": self.in_flight,
            "max_in_flight": self.max_in_flight,
            "responses": dict(sorted(self.responses.items())),
            "faults": dict(sorted(self.faults.items())),
            "limited": dict(sorted(self.limited.items())),
            "billed_usd": round(self.billed_usd, 6),
            "units": dict(sorted(self.units.items())),
            "first_admitted_s": _rounded(self.first_admitted_s),
            "last_released_s": _rounded(self.last_released_s),
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


class Ledger:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._endpoints = {name: EndpointStats() for name in ENDPOINTS}
        self._provider_in_flight: Counter[str] = Counter()
        self._provider_max_in_flight: Counter[str] = Counter()
        self._recent: deque[dict[str, Any]] = deque(maxlen=RECENT_REQUESTS)
        self._epoch = time.monotonic()

    def reset(self) -> None:
        with self._lock:
            self._epoch = time.monotonic()
            self._endpoints = {name: EndpointStats() for name in ENDPOINTS}
            # The provider in-flight count is kept: requests held across a reset still release.
            self._provider_max_in_flight = Counter()
            self._recent.clear()

    def call(self, endpoint: str) -> None:
        with self._lock:
            self._endpoints[endpoint].calls += 1

    def admit(
        self, endpoint: str, max_concurrency: int | None, per_minute: int | None, window_s: float
    ) -> tuple[str, float] | None:
        """Take an in-flight slot, or say why not: ("concurrency"|"rpm", seconds to wait)."""
        now = time.monotonic()
        with self._lock:
            stats = self._endpoints[endpoint]
            if max_concurrency is not None and stats.in_flight >= max_concurrency:
                stats.limited["concurrency"] += 1
                return "concurrency", 0.0
            if per_minute is not None:
                while stats.admitted_at and stats.admitted_at[0] <= now - window_s:
                    stats.admitted_at.popleft()
                if len(stats.admitted_at) >= per_minute:
                    stats.limited["rpm"] += 1
                    return "rpm", stats.admitted_at[0] + window_s - now
                stats.admitted_at.append(now)
            stats.in_flight += 1
            if stats.first_admitted_s is None:
                stats.first_admitted_s = now - self._epoch
            stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
            provider = ENDPOINTS[endpoint].provider
            self._provider_in_flight[provider] += 1
            self._provider_max_in_flight[provider] = max(
                self._provider_max_in_flight[provider], self._provider_in_flight[provider]
            )
            return None

    def release(self, endpoint: str) -> None:
        with self._lock:
            stats = self._endpoints[endpoint]
            stats.in_flight -= 1
            stats.last_released_s = time.monotonic() - self._epoch
            self._provider_in_flight[ENDPOINTS[endpoint].provider] -= 1

    def record(
        self,
        endpoint: str,
        *,
        status: int | None,
        fault: str | None,
        limited: str | None,
        billed_usd: float,
        units: dict[str, float],
        info: dict[str, Any],
    ) -> None:
        """`status` None means the connection was closed without an answer (timeout fault)."""
        with self._lock:
            stats = self._endpoints[endpoint]
            stats.responses[str(status) if status is not None else "closed"] += 1
            if fault:
                stats.faults[fault] += 1
            if limited and limited not in ("concurrency", "rpm"):  # those were counted on admission
                stats.limited[limited] += 1
            stats.billed_usd += billed_usd
            stats.units.update(units)
            ended_s = round(time.monotonic() - self._epoch, 4)  # on the stats' clock, like *_admitted_s
            self._recent.append(
                {"endpoint": endpoint, "status": status, "fault": fault, "ended_s": ended_s, **info}
            )

    def snapshot(self, time_scale: float) -> dict[str, Any]:
        with self._lock:
            endpoints = {name: stats.as_dict() for name, stats in self._endpoints.items()}
            provider_max = dict(self._provider_max_in_flight)
        providers: dict[str, dict[str, Any]] = {}
        for name, data in endpoints.items():
            provider = ENDPOINTS[name].provider
            totals = providers.setdefault(
                provider, {"calls": 0, "billed_usd": 0.0, "max_in_flight": provider_max.get(provider, 0)}
            )
            totals["calls"] += data["calls"]
            totals["billed_usd"] = round(totals["billed_usd"] + data["billed_usd"], 6)
        return {
            "time_scale": time_scale,
            "totals": {
                "calls": sum(p["calls"] for p in providers.values()),
                "billed_usd": round(sum(p["billed_usd"] for p in providers.values()), 6),
            },
            "providers": providers,
            "endpoints": endpoints,
        }

    def recent(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._recent)
