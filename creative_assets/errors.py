"""Errors that reach a person: each carries a stable code and a sentence they can act on.

The provider failures live here, below both the gateway (which retries, settles and caches calls)
and the provider clients (which raise them), so neither has to import the other to name them.
"""

from __future__ import annotations

from pydantic import ValidationError

from creative_assets.models.base import ProviderCall


class CreativeAssetsError(RuntimeError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message


def describe_validation_error(exc: ValidationError) -> str:
    """'location.city: Field required; benefits: List should have at least 1 item' — the fields
    named the way they appear in the JSON, so the author of the data can find them."""
    parts = []
    for error in exc.errors(include_url=False):
        field = ".".join(str(p) for p in error["loc"]) or "(root)"
        parts.append(f"{field}: {error['msg']}")
    return "; ".join(parts)


class ProviderError(CreativeAssetsError):
    """A provider failed in a way the caller should report, with a stable code."""


# Codes of provider failures. The first four say nothing about the request: worth another attempt.
RATE_LIMITED, SERVER_ERROR, TIMEOUT = "rate_limited", "server_error", "timeout"
INVALID_RESPONSE = "invalid_response"
AUTH_FAILED, BAD_REQUEST, MODERATED = "auth_failed", "bad_request", "moderated"
INVALID_MODEL_OUTPUT = "invalid_model_output"  # the API answered fine; the model's content does not fit
TOO_LARGE = "response_too_large"  # refused at the byte cap: asking again would bring the same
CIRCUIT_OPEN = "circuit_open"  # our breaker refused to send: the provider failed too often just now
TASK_LOST = "task_lost"  # the provider forgot a paid task or its result expired: only a new task helps
# Worth another provider: the failure says nothing about our request. auth_failed and
# bad_request would fail the same way again (and hide a broken key), so they fail fast.
FALLBACK_CODES = frozenset(
    {RATE_LIMITED, SERVER_ERROR, TIMEOUT, MODERATED, INVALID_RESPONSE, TOO_LARGE, CIRCUIT_OPEN, TASK_LOST}
)


class ProviderFailure(ProviderError):
    """A failed provider call: stable code, actionable message, and what the provider billed for
    the attempt (`call`), which the gateway writes to its ledger.

    `retry_after_s` is the provider's advised wait; `cost_estimated` says the attempt's cost is an
    upper bound (the bill could not be read from the answer)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        provider: str,
        status: int | None = None,
        call: ProviderCall | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(code, message)
        self.provider = provider
        self.status = status
        self.call = call
        self.retry_after_s = retry_after_s
        self.cost_estimated = False

    @property
    def answered(self) -> bool:
        """The provider answered 2xx: it did the work, so it bills, even if the body is unusable."""
        return self.status is not None and 200 <= self.status < 300
