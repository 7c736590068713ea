"""Values the gateway stores and hands out: ledger rows, cached responses, limits and caps."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import dagster as dg
from pydantic import Field

from creative_assets.errors import CreativeAssetsError
from creative_assets.gateway.retry import RetryPolicy
from creative_assets.models.base import Model, ProviderCall

# reserved: budget held, request under way (a row a killed process left reserved is settled by
# the next holder of its flight, or by the gateway's sweep); refused: the budget guard said no.
LedgerOutcome = Literal["reserved", "ok", "error", "moderated", "circuit_open", "refused"]


class LedgerEntry(Model):
    """One row of the durable cost ledger."""

    id: int | None = None
    at: datetime  # UTC, when the call started
    provider: str
    model: str
    operation: str
    units: float = 0.0
    unit: str = "call"
    cost_usd: float = 0.0
    expected_cost_usd: float = 0.0
    job_id: str | None = None
    variant: str | None = None
    phase: str | None = None
    run_id: str | None = None
    creative: str | None = None
    rendition: str | None = None
    attempt: int | None = None
    request_hash: str
    cached: bool = False
    outcome: LedgerOutcome
    duration_s: float = 0.0
    error_code: str | None = None
    flight_key: str | None = None  # the single-flight key: whoever holds its lock owns the row
    cost_estimated: bool = False  # an upper bound: the provider's bill could not be read


class CachedResponse(Model):
    """A provider's answer as the cache keeps it: JSON data plus named binary blobs."""

    created_at: datetime
    data: Any = None
    blobs: dict[str, bytes] = Field(default_factory=dict, exclude=True, repr=False)
    call: dict[str, Any] = Field(default_factory=dict, description="the ProviderCall that paid for it")


class ProviderLimit(dg.Config):
    """How hard one provider may be driven, across every run and process of the deployment."""

    max_in_flight: int = Field(ge=1, description="requests under way at once")
    requests_per_minute: float = Field(default=600.0, gt=0, description="token-bucket refill rate")
    burst: int = Field(default=10, ge=1, description="token-bucket capacity")


class BudgetCaps(Model):
    per_job_usd: float | None = Field(default=None, ge=0)
    per_month_usd: float | None = Field(default=None, ge=0)


class BudgetExceeded(CreativeAssetsError):
    """Spending stops: the call was not made. Everything stored so far stays; paid responses are
    cached, so raising the cap and re-running continues where this stopped without paying twice."""

    def __init__(self, message: str) -> None:
        super().__init__("budget_exceeded", message)


@dataclass(frozen=True)
class CallSpec:
    """What a client is about to ask a provider, as content: the same spec is the same answer."""

    provider: str
    operation: str
    model: str
    request: Mapping[str, Any]  # everything that shapes the answer (hashes instead of bytes)
    expected_cost_usd: float
    ttl_s: float | None = None  # None: content-addressed, valid for ever
    cache_key: Mapping[str, Any] | None = None  # a semantic key instead of the request (research)
    retry: RetryPolicy = field(default_factory=RetryPolicy, compare=False)  # the call's budget

    @property
    def namespace(self) -> str:
        return f"{self.provider}_{self.operation}"


@dataclass(frozen=True)
class Answer:
    """A provider's answer in cacheable form; the client turns it into domain values. `call`: what
    the attempt that got it was billed (the gateway writes it to the ledger)."""

    call: ProviderCall
    data: Any = None
    blobs: Mapping[str, bytes] = field(default_factory=dict)
    cacheable: bool = True
