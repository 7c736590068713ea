"""What the three OpenAI resources share: connection config, the SDK client, the mapping of SDK
errors onto our stable codes, and one strict structured-output chat call.

The SDK's own retries are off (`max_retries=0`): the gateway's retry layer (`gateway/retry.py`) retries
each call, outside the in-flight slot, with the `Retry-After`/`retry-after-ms` the SDK's error
carries, and each attempt is a ledger row with what it was billed. Every request has a total
deadline (`gateway/transport.py`, on the SDK's own HTTP stack, httpx2). Tests run the SDK against the
loopback simulator via `base_url` instead of patching.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

import dagster as dg
import httpx2
import openai
from pydantic import Field

from creative_assets.errors import (
    BAD_REQUEST,
    INVALID_MODEL_OUTPUT,
    INVALID_RESPONSE,
    MODERATED,
    SERVER_ERROR,
    TIMEOUT,
    ProviderFailure,
)
from creative_assets.gateway.resource import Answer, CallSpec, ProviderGateway
from creative_assets.gateway.retry import RetryPolicy
from creative_assets.gateway.transport import deadline_transport
from creative_assets.models import ProviderCall
from creative_assets.providers.http import (
    HINTS,
    failed_call,
    redact,
    retry_after_s,
    status_code_and_hint,
    timed,
    tls_context,
)
from creative_assets.providers.prices import chat_cost, expected_chat_cost, price_of

DEFAULT_BASE_URL = "https://api.openai.com/v1"
PROVIDER = "openai"
REFUSAL, OUTPUT_TRUNCATED = "refusal", "output_truncated"
# What a call can raise for provider reasons. The SDK lets a cut-off or non-JSON body escape as
# a plain JSONDecodeError; anything else (a TypeError from our own code) is a bug and propagates.
SDK_FAILURES = (openai.OpenAIError, json.JSONDecodeError, UnicodeDecodeError)
T = TypeVar("T")


class OpenAIResource(dg.ConfigurableResource):
    """Connection settings; `api_key` is meant to be `dg.EnvVar("OPENAI_API_KEY")`."""

    api_key: str = Field(description="OpenAI API key (pass dg.EnvVar('OPENAI_API_KEY'))")
    base_url: str = Field(default=DEFAULT_BASE_URL, description="OPENAI_BASE_URL; the simulator in tests")
    timeout_s: float = Field(default=120.0, gt=0, description="total per request, retries excluded")
    retry: RetryPolicy = Field(default_factory=RetryPolicy, description="the call's retries (the only layer)")
    gateway: ProviderGateway = Field(description="limits, cache, budget and ledger shared by all runs")

    def client(self) -> openai.OpenAI:
        transport = deadline_transport(
            httpx2, httpx2.HTTPTransport(verify=tls_context()), total_s=self.timeout_s
        )
        return openai.OpenAI(
            api_key=self.api_key,
            base_url=self.base_url,
            timeout=self.timeout_s,
            max_retries=0,
            # The SDK's own httpx defaults (limits, redirects), on the process's one TLS context.
            http_client=openai.DefaultHttpxClient(transport=transport),
        )

    def failure(self, exc: Exception, what: str) -> ProviderFailure:
        return openai_failure(exc, what, secrets=[self.api_key])


def openai_failure(exc: Exception, what: str, *, secrets: list[str]) -> ProviderFailure:
    """Map an SDK exception (the SDK does not retry) onto a stable code, with the wait it advised."""
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
            retry_after_s=retry_after_s(exc.response.headers),
        )
    if isinstance(exc, ValueError | openai.APIResponseValidationError):
        # Only a 200 gets this far: the SDK parses the body of a successful answer.
        return ProviderFailure(
            INVALID_RESPONSE,
            f"OpenAI's answer to {what} was not valid JSON (truncated or malformed); "
            + HINTS[INVALID_RESPONSE],
            provider=PROVIDER,
            status=200,
        )
    # Any other SDK error is raised before sending (e.g. no api_key): retrying cannot help.
    detail = redact(str(exc)[:300], secrets)
    return ProviderFailure(BAD_REQUEST, f"the OpenAI client refused {what}: {detail}", provider=PROVIDER)


# An answer the strict schema allowed but our model rejects (a CTA over 30 characters: strict
# mode cannot express maxLength) is sent back once with the rejection; the second answer must fit.
CORRECTIONS = 1
NOT_REPAIRED = "re-run the step (the answer is not repaired silently)"
CORRECTION = (
    "That answer was rejected: {problem}. Reply with the complete JSON object again, changed only "
    "where the rejection says, and within every limit the instructions give."
)


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
    parse: Callable[[Any, ProviderCall], T] = lambda data, call: data,
) -> T:
    """A strict json_schema chat completion through the gateway; returns `parse(json, call)`.
    A refusal and a length cut-off are their own codes, not JSON to parse.

    `parse` validates the answer inside the paid call, so an answer that does not fit is
    recorded as a failure and never cached; a cache hit is parsed again on the way out. An
    answer `parse` rejects as invalid model output is answered with one correction request
    (CORRECTIONS): both calls are billed, on the ledger."""
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": system},
        {"role": "user", "content": user},
    ]
    for correction in range(CORRECTIONS + 1):
        try:
            return _chat_once(
                resource, model, operation, name, schema, messages, max_completion_tokens, parse
            )
        except _RejectedAnswer as rejected:
            if correction == CORRECTIONS:
                raise rejected.failure from None
            messages = [
                *messages,
                {"role": "assistant", "content": json.dumps(rejected.answer, ensure_ascii=False)},
                {"role": "user", "content": CORRECTION.format(problem=rejected.problem)},
            ]
    raise AssertionError("unreachable")  # pragma: no cover


class _RejectedAnswer(ProviderFailure):
    """`parse` rejected a well-formed answer: the failure, and what to send back about it."""

    def __init__(self, failure: ProviderFailure, answer: Any) -> None:
        super().__init__(failure.code, failure.message, provider=failure.provider, call=failure.call)
        self.failure, self.answer = failure, answer
        self.problem = failure.message.split("; re-run the step")[0]


def _chat_once(
    resource: OpenAIResource,
    model: str,
    operation: str,
    name: str,
    schema: dict[str, Any],
    messages: list[dict[str, Any]],
    max_completion_tokens: int,
    parse: Callable[[Any, ProviderCall], T],
) -> T:
    response_format = {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}
    price = price_of(model)
    spec = CallSpec(
        provider=PROVIDER,
        operation=operation,
        model=model,
        request={
            "messages": messages,
            "format": response_format,
            "max_completion_tokens": max_completion_tokens,
        },
        expected_cost_usd=expected_chat_cost(messages, max_completion_tokens, price),
        retry=resource.retry,
    )

    def run() -> Answer:
        call = ProviderCall(provider=PROVIDER, model=model, operation=operation, unit="token", units=0)
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
            failure = resource.failure(exc, operation)
            if failure.answered:
                # Billed by the tokens of an answer we could not read: the reservation's upper
                # bound goes on the ledger, flagged as an estimate.
                failure.cost_estimated = True
                call = call.model_copy(update={"cost_usd": spec.expected_cost_usd})
            raise failed_call(failure, timed(call, started)) from None
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
        data = _answer_json(completion, model, operation, max_completion_tokens, call)
        try:
            parse(data, call)
        except ProviderFailure as exc:
            if exc.code == INVALID_MODEL_OUTPUT:
                raise _RejectedAnswer(exc, data) from None
            raise
        return Answer(call=call, data=data)

    answer = resource.gateway.call(spec, run)
    return parse(answer.data, answer.call)


def _answer_json(
    completion: Any, model: str, operation: str, max_completion_tokens: int, call: ProviderCall
) -> Any:
    if not completion.choices:
        raise invalid_output(f"{model} returned no choices for {operation}", call)
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
        return json.loads(choice.message.content or "")
    except ValueError:
        raise invalid_output(f"{model}'s answer to {operation} is not JSON", call) from None


def invalid_output(message: str, call: ProviderCall) -> ProviderFailure:
    """A well-formed answer that does not fit what was asked: billed (`call`), never cached, and
    sent back once with `message` by `structured_chat`."""
    return failed_call(ProviderFailure(INVALID_MODEL_OUTPUT, message, provider=PROVIDER), call)
