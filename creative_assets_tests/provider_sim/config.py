"""Simulator configuration: one pydantic model, loadable from JSON, replaceable at runtime.

Every duration in here is in *provider seconds*: the simulator multiplies each one by the
global `time_scale`, so a test can run the real timing behaviour (latency, BFL task time,
sample expiry, Retry-After, timeout holds) a thousand times faster without editing them.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, Field, model_validator

from creative_assets_tests.provider_sim.latency import FixedLatency, Latency, LognormalLatency, StrictModel

GENERIC_FAULTS = ("rate_limit_429", "server_500", "server_503", "timeout", "truncated_json", "malformed_json")
SPECIAL_FAULTS = ("moderated", "text_in_image", "misspelt_overlay", "misplaced_overlay")
FAULT_KINDS = GENERIC_FAULTS + SPECIAL_FAULTS


class FaultRates(StrictModel):
    """Probability per admitted request of each fault; at most one fault per request."""

    rate_limit_429: float = Field(default=0.0, ge=0, le=1)
    server_500: float = Field(default=0.0, ge=0, le=1)
    server_503: float = Field(default=0.0, ge=0, le=1)
    timeout: float = Field(default=0.0, ge=0, le=1, description="hold the connection, then close it")
    truncated_json: float = Field(default=0.0, ge=0, le=1, description="200 whose body is cut off")
    malformed_json: float = Field(default=0.0, ge=0, le=1, description="200 whose body is not JSON")
    moderated: float = Field(default=0.0, ge=0, le=1)
    text_in_image: float = Field(default=0.0, ge=0, le=1, description="BFL image with rendered text")
    misspelt_overlay: float = Field(default=0.0, ge=0, le=1, description="image edit with a typo")
    misplaced_overlay: float = Field(
        default=0.0, ge=0, le=1, description="image edit ignoring the boxes: all text in one block"
    )

    @model_validator(mode="after")
    def _at_most_one(self) -> FaultRates:
        if sum(self.as_dict().values()) > 1.0 + 1e-9:
            raise ValueError("fault rates add up to more than 1")
        return self

    def as_dict(self) -> dict[str, float]:
        return {kind: getattr(self, kind) for kind in FAULT_KINDS}

    def draw(self, rng: random.Random) -> str | None:
        """Always consumes exactly one random number, so fault sequences are reproducible."""
        u, edge = rng.random(), 0.0
        for kind, rate in self.as_dict().items():
            edge += rate
            if u < edge:
                return kind
        return None


class EndpointConfig(StrictModel):
    latency: Latency = Field(default_factory=FixedLatency)
    max_concurrency: int | None = Field(default=None, ge=1, description="in-flight cap; beyond it 429")
    requests_per_minute: int | None = Field(default=None, ge=1, description="sliding 60 s window; 429")
    retry_after_s: float = Field(default=1.0, ge=0, description="what 429s advise (Retry-After)")
    timeout_hold_s: float = Field(default=660.0, gt=0, description="how long a 'timeout' fault holds")
    trickle_byte_s: float = Field(
        default=0.0, ge=0, description="send a successful body one byte per this many seconds (0: at once)"
    )
    faults: FaultRates = Field(default_factory=FaultRates)


class EndpointSpec(NamedTuple):
    provider: str
    special_faults: frozenset[str]
    default_latency: dict[str, Any]


def _lognormal(median: float, p95: float) -> dict[str, Any]:
    return {"kind": "lognormal", "median_s": median, "p95_s": p95}


def _fixed(seconds: float) -> dict[str, Any]:
    return {"kind": "fixed", "seconds": seconds}


# The endpoints the simulator serves. Default latencies follow published or reported figures
# (PROVIDERS.md); tests shrink them with `time_scale` or override them per endpoint.
ENDPOINTS: dict[str, EndpointSpec] = {
    "openai.chat_completions": EndpointSpec("openai", frozenset({"moderated"}), _lognormal(2.0, 6.0)),
    "openai.images_edits": EndpointSpec(
        "openai", frozenset({"moderated", "misspelt_overlay", "misplaced_overlay"}), _lognormal(15.0, 40.0)
    ),
    "openai.files": EndpointSpec("openai", frozenset(), _fixed(0.05)),
    "bfl.submit": EndpointSpec("bfl", frozenset({"moderated", "text_in_image"}), _fixed(0.3)),
    "bfl.get_result": EndpointSpec("bfl", frozenset(), _fixed(0.05)),
    "bfl.delivery": EndpointSpec("bfl", frozenset(), _fixed(0.2)),
    "perplexity.responses": EndpointSpec("perplexity", frozenset(), _lognormal(6.0, 20.0)),
    "perplexity.chat_completions": EndpointSpec("perplexity", frozenset(), _lognormal(5.0, 15.0)),
    "firecrawl.scrape": EndpointSpec("firecrawl", frozenset(), _lognormal(3.0, 10.0)),
    "firecrawl.assets": EndpointSpec("firecrawl", frozenset(), _fixed(0.05)),
    "hoc.list_jobs": EndpointSpec("hoc", frozenset(), _fixed(0.05)),
    "hoc.get_job": EndpointSpec("hoc", frozenset(), _fixed(0.05)),
}
PROVIDERS = ("openai", "bfl", "perplexity", "firecrawl", "hoc")


class ApiKeys(StrictModel):
    """When a key is set, requests must carry it (each provider's real 401/403 otherwise)."""

    openai: str | None = None
    bfl: str | None = None
    perplexity: str | None = None
    firecrawl: str | None = None
    hoc: str | None = None


class TokenPrice(StrictModel):
    input_per_1k: float = Field(ge=0)
    output_per_1k: float = Field(ge=0)


class Prices(StrictModel):
    """The seed's price table. A model missing here is a model the simulator does not serve."""

    chat: dict[str, TokenPrice] = Field(
        default_factory=lambda: {
            "gpt-4o": TokenPrice(input_per_1k=0.005, output_per_1k=0.015),
            "gpt-4o-mini": TokenPrice(input_per_1k=0.00015, output_per_1k=0.0006),
            "gpt-4.1": TokenPrice(input_per_1k=0.002, output_per_1k=0.008),
            "gpt-4.1-mini": TokenPrice(input_per_1k=0.0004, output_per_1k=0.0016),
        }
    )
    image_edit_per_image: dict[str, float] = Field(
        default_factory=lambda: {"gpt-image-1": 0.04, "dall-e-2": 0.02}
    )
    bfl_per_image: dict[str, float] = Field(
        default_factory=lambda: {"flux-pro-1.1": 0.05, "flux-pro": 0.05, "flux-dev": 0.025}
    )
    perplexity_per_request: float = Field(default=0.10, ge=0)
    firecrawl_per_scrape: float = Field(default=0.01, ge=0)


class OpenAIConfig(StrictModel):
    strict_schema_check: bool = Field(
        default=True, description="reject strict json_schema formats the real API rejects"
    )


class BflConfig(StrictModel):
    task_duration: Latency = Field(default_factory=lambda: LognormalLatency(median_s=4.0, p95_s=10.0))
    max_active_tasks: int = Field(default=24, ge=1, description="per API key, as real BFL")
    sample_expiry_s: float = Field(default=600.0, gt=0, description="signed sample URL lifetime")
    polling_host: str | None = Field(
        default=None, description="host named in polling_url instead of alt_host: a foreign one, for tests"
    )
    sample_padding_bytes: int = Field(
        default=0, ge=0, description="bytes appended to every sample (an oversized sample, for tests)"
    )


class FirecrawlSite(StrictModel):
    status_code: int = Field(default=200, ge=100, le=599, description="what the target site answers")
    branding: Literal["full", "no_logo", "empty"] = "full"
    title: str | None = None
    colors: dict[str, str] | None = Field(default=None, description="overrides primary, secondary, …")
    font_family: str | None = None


class FirecrawlConfig(StrictModel):
    sites: dict[str, FirecrawlSite] = Field(
        default_factory=dict, description="by host, without 'www.'; others use default_site"
    )
    default_site: FirecrawlSite = Field(default_factory=FirecrawlSite)


class HocConfig(StrictModel):
    include_samples: bool = True
    jobs: list[dict[str, Any]] = Field(default_factory=list, description="raw job JSON, not validated")
    max_page_size: int = Field(default=100, ge=1)
    listing_fields: list[str] = Field(
        default_factory=list, description="fields of each job copied into its listing item (an API that grew)"
    )


class SimConfig(StrictModel):
    seed: int = 0
    time_scale: float = Field(default=1.0, gt=0, description="multiplies every duration")
    alt_host: str = Field(default="localhost", description="host spelling for BFL polling/sample URLs")
    api_keys: ApiKeys = Field(default_factory=ApiKeys)
    endpoints: dict[str, EndpointConfig] = Field(
        default_factory=dict,
        description="keys: '*', a provider name or an endpoint name; merged in that order",
    )
    openai: OpenAIConfig = Field(default_factory=OpenAIConfig)
    bfl: BflConfig = Field(default_factory=BflConfig)
    firecrawl: FirecrawlConfig = Field(default_factory=FirecrawlConfig)
    hoc: HocConfig = Field(default_factory=HocConfig)
    prices: Prices = Field(default_factory=Prices)

    @model_validator(mode="before")
    @classmethod
    def _expand_endpoints(cls, data: Any) -> Any:
        """Resolve wildcard/provider keys into one full EndpointConfig per endpoint."""
        if not isinstance(data, dict):
            return data
        raw = {k: _as_dict(v) for k, v in (data.get("endpoints") or {}).items()}
        unknown = set(raw) - {"*", *PROVIDERS, *ENDPOINTS}
        if unknown:
            raise ValueError(f"unknown endpoint keys {sorted(unknown)}; known: {sorted(ENDPOINTS)}")
        expanded = {}
        for name, spec in ENDPOINTS.items():
            merged: dict[str, Any] = {"latency": spec.default_latency}
            for key in ("*", spec.provider, name):
                merged = _deep_merge(merged, raw.get(key, {}))
            expanded[name] = merged
        return {**data, "endpoints": expanded}

    @model_validator(mode="after")
    def _faults_apply(self) -> SimConfig:
        for name, endpoint in self.endpoints.items():
            for kind in SPECIAL_FAULTS:
                if getattr(endpoint.faults, kind) and kind not in ENDPOINTS[name].special_faults:
                    raise ValueError(f"fault {kind!r} does not apply to endpoint {name!r}")
        return self

    def endpoint(self, name: str) -> EndpointConfig:
        return self.endpoints[name]

    def scaled(self, seconds: float) -> float:
        return seconds * self.time_scale

    @classmethod
    def from_file(cls, path: str | Path) -> SimConfig:
        return cls.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, EndpointConfig):
        dumped = value.model_dump(exclude_unset=True)
        if "latency" in dumped:  # keep the discriminator even when `kind` was left at its default
            dumped["latency"] = value.latency.model_dump()
        return dumped
    if isinstance(value, BaseModel):
        return value.model_dump(exclude_unset=True)
    if not isinstance(value, dict):
        raise ValueError("each endpoints entry must be an object")
    return value


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and key != "latency":
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value  # a latency is replaced whole: its kind decides its fields
    return merged
