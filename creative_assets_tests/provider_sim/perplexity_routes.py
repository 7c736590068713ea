"""Perplexity: the current POST /v1/responses (alias of /v1/agent) and the legacy Sonar
POST /chat/completions, both answering with cited research built from the question's words.

Shapes follow the official `perplexityai` SDK types: the Responses output holds a
`search_results` item *before* the `message` item (clients must select by `type`), the message
text carries `[n]` markers with `url_citation` annotations. A wrong key gets Perplexity's
real answer: openresty's HTML 401 page, not JSON.
"""

from __future__ import annotations

import json
import math
import secrets
import time
import uuid
from typing import Any

from creative_assets_tests.provider_sim.schema_fill import fill_schema, salient_words
from creative_assets_tests.provider_sim.wire import (
    BadRequestBody,
    Call,
    Request,
    Response,
    Route,
    Wire,
    json_response,
    route,
)

SONAR_MODELS = ("sonar", "sonar-pro", "sonar-reasoning", "sonar-reasoning-pro", "sonar-deep-research")
DOMAINS = (
    "arbeitsagentur.example",
    "karriere-magazin.example",
    "gehaltsreport.example",
    "statistik-portal.example",
    "stadtportal.example",
)
ASPECTS = ("Motivation", "Pain points", "Labour market", "Local context", "Pay and benefits")
HTML_401 = (
    b"<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n"
    b"<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>openresty/1.27.4</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


class PerplexityWire(Wire):
    provider = "perplexity"

    def check_auth(self, req: Request, key: str | None) -> Response | None:
        if key is not None and req.bearer() != key:
            return Response(401, HTML_401, "text/html")
        return None

    def error(self, status: int, kind: str, message: str) -> Response:
        return json_response({"error": {"message": message, "type": kind, "code": status}}, status)


WIRE = PerplexityWire()


def _tokens(text: str) -> int:
    return max(1, math.ceil(len(text) / 4))


def _text_of(value: Any) -> str:
    """Every string under `content`/`text` keys: works for plain strings and item lists."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(_text_of(v) for v in value)
    if isinstance(value, dict):
        return "\n".join(_text_of(value[k]) for k in ("content", "text") if k in value)
    return ""


def _search_results(words: list[str], call: Call) -> list[dict[str, Any]]:
    topic = words[0] if words else "Arbeitsmarkt"
    results = []
    for index, (domain, aspect) in enumerate(zip(DOMAINS, ASPECTS, strict=True)):
        day = call.rng.randint(1, 28)
        word = words[(index + 1) % len(words)] if words else "Karriere"
        results.append(
            {
                "id": index + 1,
                "title": f"{topic}: {aspect.lower()} – {word}",
                "url": f"https://www.{domain}/{topic.lower()}/{aspect.lower().replace(' ', '-')}",
                "snippet": f"{aspect} for {topic}: {word} is mentioned often by people in this field.",
                "date": f"2026-10-{day:02d}",
                "last_updated": f"2026-11-{min(day, 17):02d}",
                "source": "web",
            }
        )
    return results


def _research(
    words: list[str], results: list[dict[str, Any]], call: Call
) -> tuple[str, list[dict[str, Any]]]:
    """Markdown findings with [n] markers, and the annotations pointing at each marker."""
    topic = " ".join(words[:2]) or "this role"
    text = f"## Research summary: {topic}\n\n"
    annotations = []
    for number, result in enumerate(results, start=1):
        picks = [call.rng.choice(words or ["flexibility"]) for _ in range(2)]
        text += f"- **{ASPECTS[number - 1]}:** people value {picks[0]} and {picks[1]} "
        marker = f"[{number}]"
        start = len(text)
        text += marker + "\n"
        annotations.append(
            {
                "type": "url_citation",
                "start_index": start,
                "end_index": start + len(marker),
                "url": result["url"],
                "title": result["title"],
            }
        )
    return text, annotations


def _structured(body: dict[str, Any], call: Call, words: list[str]) -> str | None:
    response_format = body.get("response_format")
    if not isinstance(response_format, dict) or response_format.get("type") != "json_schema":
        return None
    spec = response_format.get("json_schema") or {}
    schema = spec.get("schema") if isinstance(spec, dict) else None
    if not isinstance(schema, dict):
        raise ValueError("response_format.json_schema.schema is required")
    return json.dumps(fill_schema(schema, call.rng, words), ensure_ascii=False)


def _body(call: Call) -> dict[str, Any]:
    try:
        body = call.req.json()
    except BadRequestBody as exc:
        raise ValueError(f"Invalid JSON body: {exc}") from exc
    if not isinstance(body, dict):
        raise ValueError("Request body must be a JSON object")
    if body.get("stream"):
        raise ValueError("stream=true is not supported by the provider simulator")
    return body


def responses(call: Call) -> Response:
    try:
        body = _body(call)
        if "input" not in body or not (isinstance(body["input"], str | list) and body["input"]):
            raise ValueError("input is required: a string or a non-empty array of input items")
        if not any(body.get(k) for k in ("model", "models", "preset")):
            raise ValueError("one of model, models or preset is required")
        question = _text_of(body["input"]) + "\n" + str(body.get("instructions") or "")
        words = salient_words(question)
        results = _search_results(words, call)
        structured = _structured(body, call, words)
    except ValueError as exc:
        return WIRE.error(400, "invalid_request", str(exc))
    text, annotations = (structured, []) if structured is not None else _research(words, results, call)
    model = body.get("model") or (body.get("models") or [None])[0] or "perplexity/sonar"
    input_tokens, output_tokens = _tokens(question) + 900, _tokens(text)  # search context counts as input
    input_cost, output_cost = round(input_tokens * 1e-6, 6), round(output_tokens * 1e-6, 6)
    price = call.sim.config.prices.perplexity_per_request
    payload = {
        "id": "resp_" + secrets.token_hex(12),
        "created_at": int(time.time()),
        "model": model,
        "object": "response",
        "status": "completed",
        "error": None,
        "output": [
            {"type": "search_results", "results": results, "queries": [" ".join(words[:4]) or "job market"]},
            {
                "id": "msg_" + secrets.token_hex(12),
                "type": "message",
                "role": "assistant",
                "status": "completed",
                "content": [{"type": "output_text", "text": text, "annotations": annotations}],
            },
        ],
        "usage": {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
            "cost": {
                "currency": "USD",
                "input_cost": input_cost,
                "output_cost": output_cost,
                "tool_calls_cost": round(price - input_cost - output_cost, 6),
                "total_cost": price,
            },
            "tool_calls_details": {"web_search": {"invocation": 1}},
        },
    }
    return json_response(payload, billed_usd=price, units={"researches": 1})


def chat_completions(call: Call) -> Response:
    try:
        body = _body(call)
        model = body.get("model")
        if model not in SONAR_MODELS:
            return WIRE.error(
                400,
                "invalid_model",
                f"Invalid model '{model}'. Permitted models can be found in "
                "the documentation at https://docs.perplexity.ai/guides/model-cards.",
            )
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise ValueError("messages must be a non-empty array")
        question = _text_of(messages)
        words = salient_words(question)
        results = _search_results(words, call)
        structured = _structured(body, call, words)
    except ValueError as exc:
        return WIRE.error(400, "invalid_request", str(exc))
    content = structured if structured is not None else _research(words, results, call)[0]
    prompt_tokens, completion_tokens = _tokens(question), _tokens(content)
    price = call.sim.config.prices.perplexity_per_request
    payload = {
        "id": str(uuid.uuid4()),
        "model": model,
        "created": int(time.time()),
        "object": "chat.completion",
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "search_context_size": "low",
            "cost": {"total_cost": price},
        },
        "citations": [r["url"] for r in results],
        "search_results": [
            {k: r[k] for k in ("title", "url", "date", "last_updated", "snippet")} for r in results
        ],
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content},
                "delta": {"role": "assistant", "content": ""},
            }
        ],
    }
    return json_response(payload, billed_usd=price, units={"researches": 1})


def routes(prefix: str) -> list[Route]:
    return [
        route("POST", prefix + r"/v1/(?:responses|agent)", responses, WIRE, "perplexity.responses"),
        route("POST", prefix + r"/chat/completions", chat_completions, WIRE, "perplexity.chat_completions"),
    ]
