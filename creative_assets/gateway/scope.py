"""Who a provider call is made for (job, variant, phase, run), without threading it through every
provider interface: the asset sets it around its body, the gateway reads it when it records."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class CallScope:
    job_id: str | None = None
    variant: str | None = None
    phase: str | None = None
    run_id: str | None = None


_EMPTY = CallScope()
_SCOPE: ContextVar[CallScope | None] = ContextVar("creative_assets_call_scope", default=None)


def current_scope() -> CallScope:
    return _SCOPE.get() or _EMPTY


@contextmanager
def call_scope(**fields: str | None) -> Iterator[CallScope]:
    """Narrow the current scope for the block (fields not given are inherited)."""
    scope = replace(current_scope(), **fields)
    token = _SCOPE.set(scope)
    try:
        yield scope
    finally:
        _SCOPE.reset(token)
