"""OpenAI POST /v1/chat/completions (the auth/error wire lives in openai_wire.py).

Structured outputs answer with JSON generated from the supplied schema, after the same
up-front schema checks the real API makes in strict mode. `max_completion_tokens` cuts the
answer off with finish_reason "length"; the `moderated` fault answers with a `refusal`.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import re
import secrets
import time
import zlib
from typing import Any

from PIL import Image

from creative_assets_tests.provider_sim.compliance_review import STRUCTURED_ANSWERS
from creative_assets_tests.provider_sim.openai_wire import (
    WIRE,
    OpenAIError,
    estimate_tokens,
    image_tokens,
    openai_error,
)
from creative_assets_tests.provider_sim.schema_fill import fill_schema, salient_words
from creative_assets_tests.provider_sim.schema_strict import strict_schema_error
from creative_assets_tests.provider_sim.wire import (
    BadRequestBody,
    Call,
    Response,
    Route,
    json_response,
    route,
)

SNAPSHOTS = {
    "gpt-4o": "gpt-4o-2024-08-06",
    "gpt-4o-mini": "gpt-4o-mini-2024-07-18",
    "gpt-4.1": "gpt-4.1-2025-04-14",
    "gpt-4.1-mini": "gpt-4.1-mini-2025-04-14",
}
ROLES = ("system", "developer", "user", "assistant", "tool", "function")
PART_TYPES = ("text", "image_url", "input_audio", "refusal", "audio", "file")
REFUSAL = "I'm sorry, but I can't assist with that request."
BAD_JSON = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your "
    "HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)"
)


def _image_part(part: dict[str, Any], where: str) -> int:
    image_url = part.get("image_url")
    if not isinstance(image_url, dict) or not isinstance(image_url.get("url"), str):
        raise OpenAIError(
            400, f"Missing required parameter: '{where}.image_url.url'.", f"{where}.image_url.url"
        )
    detail = image_url.get("detail", "auto")
    if detail not in ("auto", "low", "high"):
        raise OpenAIError(
            400,
            f"Invalid value: '{detail}'. Supported values are: 'auto', 'low', and 'high'.",
            f"{where}.image_url.detail",
            "invalid_value",
        )
    url: str = image_url["url"]
    if url.startswith("data:"):
        header, _, payload = url.partition(",")
        if not re.fullmatch(r"data:image/(png|jpeg|jpg|gif|webp);base64", header):
            raise OpenAIError(400, "Invalid image URL: unsupported data URL.", where, "invalid_image_url")
        try:
            with Image.open(io.BytesIO(base64.b64decode(payload, validate=True))) as img:
                img.load()
                size = img.size
        except (binascii.Error, OSError, ValueError) as exc:
            raise OpenAIError(
                400,
                "You uploaded an unsupported image. Please make sure your image is valid.",
                where,
                "invalid_image_format",
            ) from exc
        return image_tokens(size[0], size[1], detail)
    if not url.startswith(("http://", "https://")):
        raise OpenAIError(400, f"Invalid image URL: '{url[:40]}'.", where, "invalid_image_url")
    return image_tokens(None, None, detail)  # not fetched: nothing leaves the loopback


def read_messages(messages: Any) -> tuple[str, int]:
    """All text of the conversation and the tokens its images cost; raises OpenAIError."""
    if messages is None:
        raise OpenAIError(
            400, "Missing required parameter: 'messages'.", "messages", "missing_required_parameter"
        )
    if not isinstance(messages, list) or not messages:
        raise OpenAIError(
            400,
            "Invalid 'messages': empty array. Expected an array with minimum length 1, "
            "but got an empty array instead.",
            "messages",
            "empty_array",
        )
    texts, image_cost = [], 0
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(message, dict) or "role" not in message:
            raise OpenAIError(400, f"Missing required parameter: '{where}.role'.", f"{where}.role")
        if message["role"] not in ROLES:
            allowed = ", ".join(f"'{r}'" for r in ROLES)
            raise OpenAIError(
                400,
                f"Invalid value: '{message['role']}'. Supported values are: {allowed}.",
                f"{where}.role",
                "invalid_value",
            )
        content = message.get("content")
        if isinstance(content, str):
            texts.append(content)
            continue
        for j, part in enumerate(content or []):
            part_where = f"{where}.content[{j}]"
            kind = part.get("type") if isinstance(part, dict) else None
            if kind not in PART_TYPES:
                raise OpenAIError(
                    400,
                    f"Invalid value: '{kind}'. Supported values are: 'text', 'image_url', "
                    "'input_audio', 'refusal', 'audio', and 'file'.",
                    f"{part_where}.type",
                    "invalid_value",
                )
            if kind == "text":
                texts.append(str(part.get("text", "")))
            elif kind == "image_url":
                image_cost += _image_part(part, part_where)
    return "\n".join(texts), image_cost


def _answer(
    kind: str, schema: Any, call: Call, words: list[str], model: str, name: str | None, messages: Any
) -> str:
    if kind == "json_schema":
        # A schema whose answer must quote the request (the compliance review) has its own reader.
        handler = STRUCTURED_ANSWERS.get(name or "")
        answer = handler(messages) if handler else None
        return json.dumps(
            answer if answer is not None else fill_schema(schema, call.rng, words), ensure_ascii=False
        )
    topic = ", ".join(words[:3]) or "your request"
    if kind == "json_object":
        return json.dumps(
            {"answer": f"Simulated answer about {topic}.", "keywords": words[:5]}, ensure_ascii=False
        )
    return f"Simulated {model} answer about {topic}. " + " ".join(
        call.rng.choice(words or ["ok"]) for _ in range(12)
    )


def chat_completions(call: Call) -> Response:
    try:
        return _chat(call)
    except OpenAIError as err:
        return openai_error(err.status, err.message, err.param, err.code)


def _chat(call: Call) -> Response:
    try:
        body = call.req.json()
    except BadRequestBody:
        body = None
    if not isinstance(body, dict):
        raise OpenAIError(400, BAD_JSON)
    if body.get("stream"):
        raise OpenAIError(400, "stream=true is not supported by the provider simulator.", "stream")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise OpenAIError(400, "you must provide a model parameter")
    price = resolve_price(model, call.sim.config.prices.chat)
    if price is None:
        raise OpenAIError(
            404,
            f"The model `{model}` does not exist or you do not have access to it.",
            None,
            "model_not_found",
        )
    text, image_cost = read_messages(body.get("messages"))
    n = body.get("n", 1)
    if not isinstance(n, int) or not 1 <= n <= 128:
        raise OpenAIError(
            400, f"Invalid 'n': integer must be between 1 and 128, got {n!r}.", "n", "invalid_value"
        )
    response_format = body.get("response_format") or {"type": "text"}
    kind, schema = _response_format(response_format, text, call)
    limit = body.get("max_completion_tokens", body.get("max_tokens"))
    words = salient_words(text)
    choices, completion_tokens = [], 0
    for index in range(n):
        message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None, "annotations": []}
        finish = "stop"
        if call.fault == "moderated":
            message["refusal"] = REFUSAL
            completion_tokens += estimate_tokens(REFUSAL)
        else:
            name = response_format.get("json_schema", {}).get("name") if kind == "json_schema" else None
            content = _answer(kind, schema, call, words, model, name, body["messages"])
            tokens = estimate_tokens(content)
            if isinstance(limit, int) and tokens > limit:
                content, tokens, finish = content[: limit * 4], limit, "length"
            message["content"] = content
            completion_tokens += tokens
        choices.append({"index": index, "message": message, "logprobs": None, "finish_reason": finish})
    prompt_tokens = estimate_tokens(text) + image_cost + 4 * len(body["messages"])
    payload = {
        "id": "chatcmpl-" + secrets.token_urlsafe(21)[:29],
        "object": "chat.completion",
        "created": int(time.time()),
        "model": SNAPSHOTS.get(model, model),
        "choices": choices,
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
        },
        "service_tier": "default",
        "system_fingerprint": "fp_sim" + format(zlib.crc32(model.encode()) % 10**6, "06d"),
    }
    cost = prompt_tokens / 1000 * price.input_per_1k + completion_tokens / 1000 * price.output_per_1k
    resp = json_response(
        payload, billed_usd=cost, units={"input_tokens": prompt_tokens, "output_tokens": completion_tokens}
    )
    resp.fault = call.fault
    return resp


def resolve_price(model: str, table: dict[str, Any]) -> Any:
    """Prices by model; a dated snapshot ('gpt-4o-2024-08-06') is priced as its alias."""
    if model in table:
        return table[model]
    base = re.sub(r"-\d{4}-\d{2}-\d{2}$", "", model)
    return table.get(base) if base != model else None


def _response_format(response_format: Any, text: str, call: Call) -> tuple[str, Any]:
    if not isinstance(response_format, dict):
        raise OpenAIError(
            400, "Invalid type for 'response_format': expected an object.", "response_format", "invalid_type"
        )
    kind = response_format.get("type")
    if kind == "text":
        return kind, None
    if kind == "json_object":
        if "json" not in text.lower():
            raise OpenAIError(
                400,
                "'messages' must contain the word 'json' in some form, to use "
                "'response_format' of type 'json_object'.",
                "messages",
            )
        return kind, None
    if kind != "json_schema":
        raise OpenAIError(
            400,
            f"Invalid value: '{kind}'. Supported values are: 'text', 'json_object', and 'json_schema'.",
            "response_format.type",
            "invalid_value",
        )
    spec = response_format.get("json_schema")
    if not isinstance(spec, dict):
        raise OpenAIError(
            400,
            "Missing required parameter: 'response_format.json_schema'.",
            "response_format.json_schema",
            "missing_required_parameter",
        )
    name = spec.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", name):
        raise OpenAIError(
            400,
            "Invalid 'response_format.json_schema.name': string does not match pattern. "
            "Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
            "response_format.json_schema.name",
            "invalid_value",
        )
    schema = spec.get("schema", {"type": "object", "properties": {}})
    if spec.get("strict") and call.sim.config.openai.strict_schema_check:
        problem = strict_schema_error(schema, name)
        if problem:
            raise OpenAIError(400, problem, "response_format")
    return kind, schema


def routes(prefix: str) -> list[Route]:
    return [route("POST", prefix + r"/chat/completions", chat_completions, WIRE, "openai.chat_completions")]
