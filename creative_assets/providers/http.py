"""HTTP plumbing shared by the httpx clients (BFL, Perplexity, Firecrawl, HOC): one client factory
with explicit timeouts, one classification of failures into stable codes, one bounded retry.

Retrying has exactly ONE layer per call, or retries multiply (3 × 3 × 3 requests for one image):
- OpenAI: the SDK's own `max_retries` (it already honours `retry-after-ms`), nothing on top.
- httpx clients: `send()` below — at most `max_attempts` tries, only for 429, 408, 5xx, timeouts
  and connection failures; waits what `Retry-After` says (refusing to wait longer than
  `max_retry_after_s`), else exponential backoff with full jitter, capped at `max_backoff_s`.
- Dagster RetryPolicy: not used for provider calls (it would re-run whole steps on top).

Keys travel only in request headers and are never put into messages: every text that comes
back from a provider passes `redact()` before it reaches an exception, a log or metadata.
"""

from __future__ import annotations

import email.utils
import json
import random
import re
import ssl
import time
from collections.abc import Collection, Sequence
from functools import cache
from typing import Any

import dagster as dg
import httpx
from pydantic import Field

from creative_assets.models import ProviderCall
from creative_assets.providers.base import ProviderError

RATE_LIMITED, SERVER_ERROR, TIMEOUT = "rate_limited", "server_error", "timeout"
AUTH_FAILED, BAD_REQUEST, MODERATED = "auth_failed", "bad_request", "moderated"
INVALID_RESPONSE = "invalid_response"  # cut off or not what the API documents
INVALID_MODEL_OUTPUT = "invalid_model_output"  # the API answered fine; the model's content does not fit
CIRCUIT_OPEN = "circuit_open"  # our breaker refused to send: the provider failed too often just now
# Worth another provider: the failure says nothing about our request. auth_failed and
# bad_request would fail the same way again (and hide a broken key), so they fail fast.
FALLBACK_CODES = frozenset({RATE_LIMITED, SERVER_ERROR, TIMEOUT, MODERATED, INVALID_RESPONSE, CIRCUIT_OPEN})
HINTS = {
    RATE_LIMITED: "wait a little and re-run the step, or lower this provider's concurrency limit",
    SERVER_ERROR: "the provider is having trouble; re-run the step later",
    TIMEOUT: "re-run the step later, or raise the client's timeout_s",
    BAD_REQUEST: "the provider refused the request as invalid; see its message above",
    INVALID_RESPONSE: "the answer was cut off or not what the API documents; re-run the step",
}
MAX_DETAIL = 300  # characters of a provider's own error message worth quoting


class HttpSettings(dg.Config):
    """Timeouts and the retry budget of one httpx client (provider seconds)."""

    timeout_s: float = Field(default=60.0, gt=0, description="read/write/pool timeout per request")
    connect_timeout_s: float = Field(default=10.0, gt=0)
    max_attempts: int = Field(default=3, ge=1, le=10, description="tries per request, the first included")
    backoff_s: float = Field(default=0.5, ge=0, description="first backoff; doubles per retry")
    max_backoff_s: float = Field(default=8.0, ge=0)
    max_retry_after_s: float = Field(
        default=120.0, ge=0, description="a longer Retry-After fails at once instead of holding the slot"
    )


class ProviderFailure(ProviderError):
    """A failed provider call: stable code, actionable message, and the call record (with what
    the provider billed for it) so a fallback can put the attempt on the ledger."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        provider: str,
        status: int | None = None,
        call: ProviderCall | None = None,
    ) -> None:
        super().__init__(code, message)
        self.provider = provider
        self.status = status
        self.call = call

    @property
    def fallback_ok(self) -> bool:
        return self.code in FALLBACK_CODES


def redact(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


@cache
def tls_context() -> ssl.SSLContext:
    """httpx's default TLS settings (certifi's CA bundle), built once per process: building
    them costs ~35 ms of CPU, which every client made per call would otherwise pay again
    (a campaign makes over a hundred calls). An SSLContext is safe to share between threads."""
    return httpx.create_ssl_context()


def http_client(settings: HttpSettings, *, follow_redirects: bool = False) -> httpx.Client:
    """No default headers on purpose: keys go on each request, so a URL the provider hands back
    (a signed sample, a logo on the employer's site) never receives them."""
    timeout = httpx.Timeout(settings.timeout_s, connect=settings.connect_timeout_s)
    return httpx.Client(timeout=timeout, follow_redirects=follow_redirects, verify=tls_context())


def retry_after_s(headers: httpx.Headers) -> float | None:
    """Seconds from `retry-after-ms`, `Retry-After` (seconds or an HTTP date), or None."""
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) / divisor)
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(value) if name == "retry-after" else None
            if parsed is not None:
                return max(0.0, parsed.timestamp() - time.time())
    return None


def provider_detail(response: httpx.Response, secrets: Sequence[str]) -> str:
    """The provider's own words about the failure, short and without keys or HTML."""
    text = response.text if response.content else ""
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if isinstance(body, dict):
        inner = body.get("error")
        found = (
            inner.get("message")
            if isinstance(inner, dict)
            else inner or body.get("detail") or body.get("message")
        )
        text = found if isinstance(found, str) else json.dumps(found if found is not None else body)
    text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())[:MAX_DETAIL]
    return redact(text, secrets)


def status_code_and_hint(status: int, *, provider: str, key_var: str) -> tuple[str, str]:
    """The stable error code of an HTTP status, and what a person can do about it."""
    if status in (401, 403):
        return AUTH_FAILED, f"check that {key_var} holds a valid key for {provider}"
    if status == 402:
        return AUTH_FAILED, f"the {provider} account behind {key_var} is out of credits; top it up"
    if status == 429:
        return RATE_LIMITED, HINTS[RATE_LIMITED]
    if status == 408:
        return TIMEOUT, HINTS[TIMEOUT]
    if status >= 500:
        return SERVER_ERROR, HINTS[SERVER_ERROR]
    return BAD_REQUEST, HINTS[BAD_REQUEST]


def classify(
    response: httpx.Response, *, provider: str, what: str, key_var: str, secrets: Sequence[str]
) -> ProviderFailure:
    status = response.status_code
    detail = provider_detail(response, secrets)
    said = f" ({detail})" if detail else ""
    code, hint = status_code_and_hint(status, provider=provider, key_var=key_var)
    message = f"{provider} answered {what} with HTTP {status}{said}; {hint}"
    return ProviderFailure(code, message, provider=provider, status=status)


def _backoff(attempt: int, settings: HttpSettings) -> float:
    # Full jitter: many steps retrying at once must not hit the provider in lockstep.
    return random.uniform(0, min(settings.max_backoff_s, settings.backoff_s * 2 ** (attempt - 1)))


def send(
    client: httpx.Client,
    request: httpx.Request,
    *,
    provider: str,
    what: str,
    settings: HttpSettings,
    key_var: str,
    secrets: Sequence[str] = (),
    accept: Collection[int] = (),
) -> httpx.Response:
    """Send with the bounded retry; return a 2xx/3xx response (or one whose status is in
    `accept`), else raise ProviderFailure with a stable code."""
    for attempt in range(1, settings.max_attempts + 1):
        try:
            response = client.send(request)
        except httpx.TimeoutException as exc:
            failure = ProviderFailure(
                TIMEOUT,
                f"{provider} did not answer {what} within {settings.timeout_s:g} s "
                f"({type(exc).__name__}); {HINTS[TIMEOUT]}",
                provider=provider,
            )
            wait = _backoff(attempt, settings)
        except httpx.TransportError as exc:
            failure = ProviderFailure(
                SERVER_ERROR,
                f"{provider} could not be reached for {what} ({type(exc).__name__}); "
                "check its base URL and the network, then re-run the step",
                provider=provider,
            )
            wait = _backoff(attempt, settings)
        else:
            if response.status_code < 400 or response.status_code in accept:
                return response
            failure = classify(response, provider=provider, what=what, key_var=key_var, secrets=secrets)
            if failure.code not in (RATE_LIMITED, SERVER_ERROR, TIMEOUT):
                raise failure
            advised = retry_after_s(response.headers)
            if advised is not None and advised > settings.max_retry_after_s:
                raise ProviderFailure(
                    failure.code,
                    f"{failure.message} (it asks to wait {advised:.0f} s, more than we hold a slot for)",
                    provider=provider,
                    status=failure.status,
                )
            wait = advised if advised is not None else _backoff(attempt, settings)
        if attempt == settings.max_attempts:
            break
        time.sleep(wait)
    raise ProviderFailure(
        failure.code,
        f"{failure.message} (gave up after {settings.max_attempts} attempts)",
        provider=provider,
        status=failure.status,
    )


def json_body(response: httpx.Response, *, provider: str, what: str) -> Any:
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        raise ProviderFailure(
            INVALID_RESPONSE,
            f"{provider} answered {what} with a body that is not valid JSON "
            f"({len(response.content)} bytes, truncated or malformed); {HINTS[INVALID_RESPONSE]}",
            provider=provider,
            status=response.status_code,
        ) from None


def timed(call: ProviderCall, started: float) -> ProviderCall:
    return call.model_copy(update={"duration_s": round(time.monotonic() - started, 3)})


def failed_call(exc: ProviderFailure, call: ProviderCall, *, moderated: bool = False) -> ProviderFailure:
    """Attach the call record to a failure on its way out (a moderation keeps its own outcome)."""
    outcome = "moderated" if moderated or exc.code == MODERATED else "error"
    exc.call = call.model_copy(update={"outcome": outcome})
    return exc
