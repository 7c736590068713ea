"""A provider call that still fails after its own retries ends one creative, not its variant.

The per-call layer (providers/http.py, the OpenAI SDK, the gateway) owns retries; what escapes
it is final for that call. The variant's steps catch it per image type, record it as a
`CallFailure` (which call, the provider's stable code, its message) and go on with the other
creatives, so the variant's gate report and the campaign's roll-up always run and list it.
A call that all four creatives need (the art direction) fails all four, recorded the same way.
Only the text run (job posting, research, copy) stops a campaign: `campaign_stop` says which
call failed and why. The budget guard's refusal (`budget_exceeded`) is not a provider fault but
the deployment's decision to stop spending: it still fails the step, so the campaign stops where
the money ran out (raising the cap and re-running resumes it, paying nothing twice).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from creative_assets.errors import CreativeAssetsError, ProviderError
from creative_assets.gateway.slots import SlotTimeout
from creative_assets.imaging.png import InvalidImageError
from creative_assets.models.base import CallFailure, ProviderCall

T = TypeVar("T")
R = TypeVar("R")

# What a provider call can end in once its own retries are spent: the provider's coded failure,
# no slot in time, or bytes that are no image.
CALL_FAILURES: tuple[type[Exception], ...] = (ProviderError, SlotTimeout, InvalidImageError)

CALL_NAMES = {
    "research": "research",
    "brand_identity": "brand identity",
    "context_fusion": "context fusion",
    "copywriting": "copywriting",
    "meta_analysis": "meta-analysis",
    "designer_prompts": "designer prompts",
    "text_to_image": "text-to-image",
    "image_analysis": "image analysis",
    "layout_design": "layout design",
    "text_overlay": "text overlay",
    "creative_review": "creative review",
}


def call_failure(exc: Exception, *, step: str, call: str) -> CallFailure:
    """The record of a failed call; `call` names it when the failure does not (its call
    record's operation names it better: one step makes several kinds of call)."""
    record: ProviderCall | None = getattr(exc, "call", None)
    provider = getattr(exc, "provider", None) or (record.provider if record else None)
    code = getattr(exc, "code", None) or "provider_error"
    message = getattr(exc, "message", None) or str(exc).removeprefix(f"[{code}] ")
    return CallFailure(
        step=step,
        call=CALL_NAMES.get(record.operation, call) if record else call,
        provider=provider or ("gateway" if isinstance(exc, SlotTimeout) else "unknown"),
        code=code,
        message=message,
    )


class CreativeFailed(Exception):
    """Carries a failed call out of a creative's work to where the creative is recorded (what it
    cost is on the gateway's ledger)."""

    def __init__(self, failure: CallFailure) -> None:
        super().__init__(failure.describe())
        self.failure = failure


@contextmanager
def provider_call(step: str, call: str) -> Iterator[None]:
    """Turn a final provider failure inside the block into `CreativeFailed`, naming the call."""
    try:
        yield
    except CALL_FAILURES as exc:
        raise CreativeFailed(call_failure(exc, step=step, call=call)) from exc


def one_alone(fn: Callable[[T], R], item: T, *, step: str, call: str) -> tuple[R | None, CallFailure | None]:
    """`(fn(item), None)`, or `(None, failure)` when its call failed for good."""
    try:
        return fn(item), None
    except CreativeFailed as failed:
        return None, failed.failure
    except CALL_FAILURES as exc:
        return None, call_failure(exc, step=step, call=call)


@contextmanager
def campaign_stop(call: str) -> Iterator[None]:
    """The text run's calls: every creative needs them, so a final failure stops the campaign,
    and the error says which call failed and why (the provider's code and words)."""
    try:
        yield
    except CALL_FAILURES as exc:
        failure = call_failure(exc, step="campaign_text", call=call)
        raise CreativeAssetsError(
            failure.code,
            f"{failure.call} ({failure.provider}) failed, so the campaign stops before any image "
            f"is paid for: {failure.message}",
        ) from exc
