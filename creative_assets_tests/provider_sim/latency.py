"""The simulator's latency distributions (fixed, lognormal, uniform), in provider seconds, and
the strict base model of every simulator config."""

from __future__ import annotations

import math
import random
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator


class StrictModel(BaseModel):
    """Typos in a simulator config must fail loudly, not silently fall back to defaults."""

    model_config = ConfigDict(extra="forbid")


class FixedLatency(StrictModel):
    kind: Literal["fixed"] = "fixed"
    seconds: float = Field(default=0.0, ge=0)

    def sample(self, rng: random.Random) -> float:
        return self.seconds


class LognormalLatency(StrictModel):
    """Latency as providers show it: a typical value and a long right tail."""

    kind: Literal["lognormal"] = "lognormal"
    median_s: float = Field(gt=0)
    p95_s: float = Field(gt=0)
    max_s: float | None = Field(default=None, gt=0, description="cap on a single draw")

    @model_validator(mode="after")
    def _p95_not_below_median(self) -> LognormalLatency:
        if self.p95_s < self.median_s:
            raise ValueError("p95_s must be >= median_s")
        return self

    def sample(self, rng: random.Random) -> float:
        sigma = (math.log(self.p95_s) - math.log(self.median_s)) / 1.6448536
        value = rng.lognormvariate(math.log(self.median_s), sigma)
        return min(value, self.max_s) if self.max_s is not None else value


class UniformLatency(StrictModel):
    kind: Literal["uniform"] = "uniform"
    min_s: float = Field(ge=0)
    max_s: float = Field(ge=0)

    def sample(self, rng: random.Random) -> float:
        return rng.uniform(self.min_s, max(self.min_s, self.max_s))


def _latency_kind(value: Any) -> str:
    """`kind` may be left out when the fields say which distribution is meant."""
    if isinstance(value, dict):
        if "kind" in value:
            return str(value["kind"])
        if "median_s" in value or "p95_s" in value:
            return "lognormal"
        return "uniform" if "min_s" in value else "fixed"
    return str(getattr(value, "kind", "fixed"))


Latency = Annotated[
    Annotated[FixedLatency, Tag("fixed")]
    | Annotated[LognormalLatency, Tag("lognormal")]
    | Annotated[UniformLatency, Tag("uniform")],
    Discriminator(_latency_kind),
]
