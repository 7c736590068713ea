"""The provider gateway: every paid provider call passes through here.

Order per call: content-addressed cache → circuit breaker → budget reservation → token bucket →
in-flight slot → the request → ledger settlement → cache write. State that must hold across
runs, processes and machines lives outside the process: slots in file locks (SQLite default)
or Postgres advisory locks, buckets/breakers/ledger in one SQL database, responses in object
storage.
"""

from creative_assets.gateway.models import (
    BudgetCaps,
    BudgetExceeded,
    CachedResponse,
    LedgerEntry,
    ProviderLimit,
)
from creative_assets.gateway.scope import CallScope, call_scope, current_scope

__all__ = [
    "BudgetCaps",
    "BudgetExceeded",
    "CachedResponse",
    "CallScope",
    "LedgerEntry",
    "ProviderLimit",
    "call_scope",
    "current_scope",
]
