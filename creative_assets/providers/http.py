"""HTTP plumbing shared by the httpx clients (BFL, Perplexity, Firecrawl, HOC): one client factory
with a total deadline and a byte cap per request (`gateway/transport.py`), one classification of failures
into stable codes, and one request helper per provider (`ProviderHttp`).

A request here is sent once. Retrying has exactly ONE layer per call (`gateway/retry.py`, tenacity): the
gateway runs it around each paid call, outside the in-flight slot, and the HOC client around its
requests; the OpenAI SDK's own retries are off. A failure carries what the retry layer needs: its
code, the provider's `Retry-After`, and what the attempt was billed.

Keys travel only in request headers and are never put into messages: every text that comes
back from a provider passes `redact()` before it reaches an exception, a log or metadata.
"""

from __future__ import annotations

import email.utils
import json
import re
import ssl
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import httpx
from pydantic import Field

from creative_assets.errors import (
    AUTH_FAILED,
    BAD_REQUEST,
    INVALID_RESPONSE,
    MODERATED,
    RATE_LIMITED,
    SERVER_ERROR,
    TIMEOUT,
    TOO_LARGE,
    ProviderFailure,
)
from creative_assets.gateway.retry import RetryPolicy
from creative_assets.gateway.transport import MAX_BYTES_EXTENSION, BodyTooLarge, deadline_transport
from creative_assets.models import ProviderCall

HINTS = {
    RATE_LIMITED: "wait a little and re-run the step, or lower this provider's concurrency limit",
    SERVER_ERROR: "the provider is having trouble; re-run the step later",
    TIMEOUT: "re-run the step later, or raise the client's timeout_s",
    BAD_REQUEST: "the provider refused the request as invalid; see its message above",
    INVALID_RESPONSE: "the answer was cut off or not what the API documents; re-run the step",
}
MAX_DETAIL = 300  # characters of a provider's own error message worth quoting


class HttpSettings(RetryPolicy):
    """Timeouts, byte cap and retry budget of one httpx client (provider seconds)."""

    timeout_s: float = Field(
        default=60.0, gt=0, description="total per request, from connecting to its last byte"
    )
    connect_timeout_s: float = Field(default=10.0, gt=0)
    max_response_bytes: int = Field(default=8 * 1024 * 1024, gt=0, description="a larger answer is refused")


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


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
    (a signed sample, a logo on the employer's site) never receives them. Every request has a
    total deadline of `timeout_s` and a byte cap (`gateway/transport.py`)."""
    timeout = httpx.Timeout(settings.timeout_s, connect=settings.connect_timeout_s)
    transport = deadline_transport(
        httpx,
        httpx.HTTPTransport(verify=tls_context()),
        total_s=settings.timeout_s,
        max_bytes=settings.max_response_bytes,
    )
    return httpx.Client(timeout=timeout, follow_redirects=follow_redirects, transport=transport)


def retry_after_s(headers: Any) -> float | None:
    """Seconds from `retry-after-ms`, `Retry-After` (seconds or an HTTP date), or None."""
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) / divisor)
        except ValueError:
            try:
                parsed = email.utils.parsedate_to_datetime(value) if name == "retry-after" else None
            except (TypeError, ValueError):
                parsed = None
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
    advised = retry_after_s(response.headers) if code == RATE_LIMITED or status >= 500 else None
    return ProviderFailure(code, message, provider=provider, status=status, retry_after_s=advised)


@dataclass(frozen=True)
class ProviderHttp:
    """How one provider is spoken to over httpx: its name, the variable its key comes from, the
    client settings, and the headers that carry its key (sent only by `request(keyed=True)`; the
    key is kept out of every message)."""

    provider: str
    key_var: str
    key: str
    settings: HttpSettings
    auth: Mapping[str, str] = field(default_factory=dict)

    def client(self, *, follow_redirects: bool = False) -> httpx.Client:
        return http_client(self.settings, follow_redirects=follow_redirects)

    def request(
        self,
        client: httpx.Client,
        method: str,
        url: str,
        what: str,
        *,
        keyed: bool = True,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        accept: Collection[int] = (),
        max_bytes: int | None = None,
    ) -> httpx.Response:
        """Send one request (with the key's headers unless `keyed=False`: a signed download must
        not see them); return a 2xx/3xx response (or one whose status is in `accept`), else raise
        ProviderFailure with a stable code."""
        headers = {**(self.auth if keyed else {}), **(headers or {})}
        request = client.build_request(method, url, headers=headers, json=json, params=params)
        if max_bytes is not None:
            request.extensions[MAX_BYTES_EXTENSION] = max_bytes
        provider = self.provider
        try:
            response = client.send(request)
        except httpx.TimeoutException as exc:
            raise ProviderFailure(
                TIMEOUT,
                f"{provider} did not answer {what} within {self.settings.timeout_s:g} s "
                f"({type(exc).__name__}); {HINTS[TIMEOUT]}",
                provider=provider,
            ) from None
        except BodyTooLarge as exc:
            raise ProviderFailure(
                TOO_LARGE, f"{provider}'s answer to {what} was refused: {exc}", provider=provider, status=200
            ) from None
        except httpx.TransportError as exc:
            raise ProviderFailure(
                SERVER_ERROR,
                f"{provider} could not be reached for {what} ({type(exc).__name__}); "
                "check its base URL and the network, then re-run the step",
                provider=provider,
            ) from None
        if response.status_code < 400 or response.status_code in accept:
            return response
        raise classify(response, provider=provider, what=what, key_var=self.key_var, secrets=[self.key])

    def request_json(self, client: httpx.Client, method: str, url: str, what: str, **request: Any) -> Any:
        response = self.request(client, method, url, what, **request)
        return json_body(response, provider=self.provider, what=what)


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
