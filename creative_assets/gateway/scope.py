"""Who a provider call is made for (job, variant, phase, run; within a creative's step the creative,
its rendition and attempt), without threading it through every provider interface: the asset sets
it around its work, the gateway writes it on every ledger row, and costs are read back by it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

import dagster as dg


@dataclass(frozen=True)
class CallScope:
    job_id: str | None = None
    variant: str | None = None
    phase: str | None = None
    run_id: str | None = None
    creative: str | None = None  # the image type
    rendition: str | None = None  # "<locale> <format>"
    attempt: int | None = None


_EMPTY = CallScope()
_SCOPE: ContextVar[CallScope | None] = ContextVar("creative_assets_call_scope", default=None)


def current_scope() -> CallScope:
    return _SCOPE.get() or _EMPTY


@contextmanager
def call_scope(**fields: str | int | None) -> Iterator[CallScope]:
    """Narrow the current scope for the block (fields not given are inherited)."""
    scope = replace(current_scope(), **fields)
    token = _SCOPE.set(scope)
    try:
        yield scope
    finally:
        _SCOPE.reset(token)


def dagster_scope(refresh_tag: str) -> tuple[CallScope, bool]:
    """The scope of the Dagster step running this call, and whether its run asks for fresh answers."""
    scope = current_scope()
    try:
        context = dg.AssetExecutionContext.get()
    except Exception:  # not inside a Dagster step: tests, the CLI's own calls
        return scope, False
    job_id = variant = None
    if context.has_partition_key:
        key = context.partition_key
        dims = getattr(key, "keys_by_dimension", None)
        job_id, variant = (dims["job"], dims["variant"]) if dims else (key, None)
    tags = context.run.tags
    dagster = replace(
        scope,
        job_id=scope.job_id or job_id,
        variant=scope.variant or variant,
        phase=scope.phase or context.op_def.name,
        run_id=scope.run_id or context.run.run_id,
    )
    return dagster, tags.get(refresh_tag, "").lower() in ("1", "true", "yes")
