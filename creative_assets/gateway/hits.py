"""Answers from the response cache: a hit is answered from storage and recorded on the ledger as a
call that cost nothing; a paid answer is stored for whoever asks the same next."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

import dagster as dg

from creative_assets.gateway.cache import ResponseCache
from creative_assets.gateway.models import Answer, CachedResponse, CallSpec, LedgerEntry
from creative_assets.gateway.scope import CallScope
from creative_assets.gateway.store import StateStore
from creative_assets.models import ProviderCall


def answer_from_cache(
    store: StateStore, spec: CallSpec, hit: CachedResponse, scope: CallScope, request_hash: str
) -> Answer:
    """A cached answer, recorded on the ledger as a call that cost nothing."""
    # Entries cached by earlier releases may carry fields the record has dropped since.
    known = {k: v for k, v in hit.call.items() if k in ProviderCall.model_fields}
    paid = ProviderCall.model_validate(known) if known else None
    call = ProviderCall(
        provider=spec.provider,
        model=paid.model if paid else spec.model,
        operation=spec.operation,
        units=paid.units if paid else 0.0,
        unit=paid.unit if paid else "call",
        cost_usd=0.0,
        cached=True,
        request_hash=request_hash,
    )
    store.record(
        LedgerEntry(
            at=datetime.now(UTC),
            provider=call.provider,
            model=call.model,
            operation=call.operation,
            units=call.units,
            unit=call.unit,
            **asdict(scope),
            request_hash=request_hash,
            cached=True,
            outcome="ok",
        )
    )
    return Answer(call=call, data=hit.data, blobs=hit.blobs)


def cache_answer(
    cache: ResponseCache, spec: CallSpec, key: str, at: datetime, answer: Answer, call: ProviderCall
) -> None:
    """Store a paid answer for the next asker; a store that fails costs the next run a call, not this one."""
    response = CachedResponse(
        created_at=at, data=answer.data, blobs=dict(answer.blobs), call=call.model_dump(mode="json")
    )
    try:
        cache.put(spec.namespace, key, response)
    except OSError as exc:
        # The answer is paid for and in hand: the run goes on, the next one pays again.
        dg.get_dagster_logger().warning(
            f"could not cache {spec.provider} {spec.operation} at {cache.base}: {exc}"
        )
