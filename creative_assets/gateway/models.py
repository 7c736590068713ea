"""Values the gateway stores and hands out: ledger rows, cached responses, limits and caps."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import dagster as dg
from pydantic import Field

from creative_assets.errors import CreativeAssetsError
from creative_assets.models.base import Model

# reserved: budget held, request under way (a row left reserved by a killed process stops
# counting after the store's reservation TTL); refused: the budget guard said no.
LedgerOutcome = Literal["reserved", "ok", "error", "moderated", "fallback", "circuit_open", "refused"]


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
    request_hash: str
    cached: bool = False
    outcome: LedgerOutcome
    duration_s: float = 0.0
    error_code: str | None = None


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
