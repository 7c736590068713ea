"""What the three OpenAI resources share: connection config, the SDK client, the mapping of SDK
errors onto our stable codes, and one strict structured-output chat call.

Retries are the SDK's (`max_retries`; it honours `retry-after-ms` and backs off itself); nothing
here retries on top. The SDK sends through its own HTTP stack (httpx2), so tests run it against
the loopback simulator via `base_url` instead of patching.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from typing import Any

import dagster as dg
import openai
from pydantic import Field

from creative_assets.models import ProviderCall
from creative_assets.providers.http import (
    BAD_REQUEST,
    HINTS,
    INVALID_MODEL_OUTPUT,
    INVALID_RESPONSE,
    MODERATED,
    SERVER_ERROR,
    TIMEOUT,
    ProviderFailure,
    failed_call,
    redact,
    status_code_and_hint,
    timed,
)
from creative_assets.providers.prices import CHAT_PER_1K_TOKENS, TokenPrice, chat_cost

DEFAULT_BASE_URL = "https://api.openai.com/v1"
PROVIDER = "openai"
REFUSAL, OUTPUT_TRUNCATED = "refusal", "output_truncated"
# What a call can raise for provider reasons. The SDK lets a cut-off or non-JSON body escape as
# a plain JSONDecodeError; anything else (a TypeError from our own code) is a bug and propagates.
SDK_FAILURES = (openai.OpenAIError, json.JSONDecodeError, UnicodeDecodeError)


class OpenAIResource(dg.ConfigurableResource):
    """Connection settings; `api_key` is meant to be `dg.EnvVar("OPENAI_API_KEY")`."""

    api_key: str = Field(description="OpenAI API key (pass dg.EnvVar('OPENAI_API_KEY'))")
    base_url: str = Field(default=DEFAULT_BASE_URL, description="OPENAI_BASE_URL; the simulator in tests")
    timeout_s: float = Field(default=120.0, gt=0, description="per request, retries excluded")
    max_retries: int = Field(default=2, ge=0, le=6, description="the SDK's retries: the only retry layer")

    def client(self) -> openai.OpenAI:
        return openai.OpenAI(
            api_key=self.api_key, base_url=self.base_url, timeout=self.timeout_s, max_retries=self.max_retries
        )

    def failure(self, exc: Exception, what: str) -> ProviderFailure:
        return openai_failure(exc, what, secrets=[self.api_key])


def openai_failure(exc: Exception, what: str, *, secrets: list[str]) -> ProviderFailure:
    """Map an SDK exception (after the SDK's own retries) onto a stable code."""
    if isinstance(exc, openai.APITimeoutError):
        return ProviderFailure(
            TIMEOUT, f"OpenAI did not answer {what} in time; {HINTS[TIMEOUT]}", provider=PROVIDER
        )
    if isinstance(exc, openai.APIConnectionError):
        return ProviderFailure(
            SERVER_ERROR,
            f"OpenAI could not be reached for {what}; check OPENAI_BASE_URL and the network",
            provider=PROVIDER,
        )
    if isinstance(exc, openai.APIStatusError):
        body = exc.body if isinstance(exc.body, dict) else {}
        detail = redact(str(body.get("message") or "")[:300], secrets)
        status, said = exc.status_code, f" ({detail})" if detail else ""
        request = f" [request {exc.request_id}]" if exc.request_id else ""
        if body.get("code") == "moderation_blocked":
            code, hint = MODERATED, "the safety system refused it; change the prompt or the image"
        else:
            code, hint = status_code_and_hint(status, provider=PROVIDER, key_var="OPENAI_API_KEY")
        return ProviderFailure(
            code,
            f"OpenAI answered {what} with HTTP {status}{said}{request}; {hint}",
            provider=PROVIDER,
            status=status,
        )
    if isinstance(exc, ValueError | openai.APIResponseValidationError):
        return ProviderFailure(
            INVALID_RESPONSE,
            f"OpenAI's answer to {what} was not valid JSON (truncated or malformed); "
            + HINTS[INVALID_RESPONSE],
            provider=PROVIDER,
        )
    # Any other SDK error is raised before sending (e.g. no api_key): retrying cannot help.
    detail = redact(str(exc)[:300], secrets)
    return ProviderFailure(BAD_REQUEST, f"the OpenAI client refused {what}: {detail}", provider=PROVIDER)


def price_of(model: str) -> TokenPrice:
    """Prices by model (a dated snapshot is priced as its alias). An unpriced model fails before
    anything is spent: a ledger that silently under-reports is worse than a clear error."""
    price = CHAT_PER_1K_TOKENS.get(re.sub(r"-\d{4}-\d{2}-\d{2}$", "", model))
    if price is None:
        raise ProviderFailure(
            BAD_REQUEST, f"no price for model {model!r}: add it to providers/prices.py", provider=PROVIDER
        )
    return price


def request_hash(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def structured_chat(
    resource: OpenAIResource,
    *,
    model: str,
    operation: str,
    name: str,
    schema: dict[str, Any],
    system: str,
    user: str | list[dict[str, Any]],
    max_completion_tokens: int,
) -> tuple[Any, ProviderCall]:
    """One strict json_schema chat completion; returns the parsed JSON and the call record.
    A refusal and a length cut-off are their own codes, not JSON to parse."""
    messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    response_format = {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}
    call = ProviderCall(
        provider=PROVIDER,
        model=model,
        operation=operation,
        unit="token",
        units=0,
        request_hash=request_hash({"model": model, "messages": messages, "format": response_format}),
    )
    price = price_of(model)
    started = time.monotonic()
    try:
        with resource.client() as client:
            completion = client.chat.completions.create(
                model=model,
                messages=messages,  # type: ignore[arg-type]
                response_format=response_format,  # type: ignore[arg-type]
                max_completion_tokens=max_completion_tokens,
            )
    except SDK_FAILURES as exc:  # they leave with a stable code and no key in them
        raise failed_call(resource.failure(exc, operation), timed(call, started)) from None
    usage = completion.usage
    prompt_tokens = usage.prompt_tokens if usage else 0
    completion_tokens = usage.completion_tokens if usage else 0
    call = timed(call, started).model_copy(
        update={
            "model": completion.model or model,
            "units": float(prompt_tokens + completion_tokens),
            "cost_usd": chat_cost(prompt_tokens, completion_tokens, price),
        }
    )
    if not completion.choices:
        raise failed_call(_model_output(f"{model} returned no choices for {operation}"), call)
    choice = completion.choices[0]
    if choice.message.refusal:
        failure = ProviderFailure(
            REFUSAL,
            f"{model} refused {operation}: {choice.message.refusal[:200]}; "
            "check the job's text for content the model will not write about",
            provider=PROVIDER,
        )
        raise failed_call(failure, call, moderated=True)
    if choice.finish_reason == "length":
        failure = ProviderFailure(
            OUTPUT_TRUNCATED,
            f"{model} hit the {max_completion_tokens}-token limit during {operation}; "
            "raise max_completion_tokens or shorten the input",
            provider=PROVIDER,
        )
        raise failed_call(failure, call)
    try:
        return json.loads(choice.message.content or ""), call
    except ValueError:
        raise failed_call(_model_output(f"{model}'s answer to {operation} is not JSON"), call) from None


def _model_output(message: str) -> ProviderFailure:
    return ProviderFailure(INVALID_MODEL_OUTPUT, message, provider=PROVIDER)
