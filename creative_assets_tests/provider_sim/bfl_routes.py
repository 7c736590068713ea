"""Black Forest Labs FLUX: submit → poll `polling_url` → download the signed, expiring sample.

As the real API: `x-key` auth (403 "Not authenticated - Invalid Authentication"), FastAPI
422 validation bodies, at most `max_active_tasks` pending tasks per key (429 beyond), a
polling URL on another host spelling (BFL routes across regional clusters), `Pending` until
the task's simulated duration has passed, then `Ready` with a signed sample URL that expires
(403 from the storage host afterwards). Moderation shows up as a terminal poll status.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
import uuid
from typing import Any

from creative_assets_tests.provider_sim.bfl_tasks import BflTask
from creative_assets_tests.provider_sim.wire import (
    BadRequestBody,
    BlobWire,
    Call,
    Request,
    Response,
    Route,
    Wire,
    json_response,
    route,
)

DEFAULTS = {"width": 1024, "height": 768}
OUTPUT_FORMATS = ("jpeg", "png", "webp")
EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp"}
MODERATION_DETAILS = {"Moderation Reasons": ["Content policy"]}
_STATUS_DETAIL = {
    404: "Not Found",
    405: "Method Not Allowed",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class BflWire(Wire):
    provider = "bfl"

    def check_auth(self, req: Request, key: str | None) -> Response | None:
        if key is not None and req.header("x-key") != key:
            return json_response({"detail": "Not authenticated - Invalid Authentication"}, 403)
        return None

    def error(self, status: int, kind: str, message: str) -> Response:
        return json_response({"detail": _STATUS_DETAIL.get(status, message)}, status)


WIRE = BflWire()
DELIVERY_WIRE = BlobWire()


def _detail(field: str, problem: tuple[str, str, dict[str, Any] | None], value: Any) -> dict[str, Any]:
    kind, msg, ctx = problem
    item: dict[str, Any] = {"type": kind, "loc": ["body", field], "msg": msg, "input": value}
    return {**item, "ctx": ctx} if ctx else item


def _int_problem(
    value: Any, low: int, high: int, step: int = 1
) -> tuple[str, str, dict[str, Any] | None] | None:
    """Pydantic's lax integer checks: 1024.0 passes, 1024.5 and "big" do not."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return "int_type", "Input should be a valid integer", None
    if value != int(value):
        return "int_from_float", "Input should be a valid integer, got a number with a fractional part", None
    if value < low:
        return "greater_than_equal", f"Input should be greater than or equal to {low}", {"ge": low}
    if value > high:
        return "less_than_equal", f"Input should be less than or equal to {high}", {"le": high}
    if int(value) % step:
        return "multiple_of", f"Input should be a multiple of {step}", {"multiple_of": step}
    return None


def _validate(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Field checks as BFL's pydantic request model makes them (lax ints, bounded sizes)."""
    enum = ("enum", "Input should be 'jpeg', 'png' or 'webp'", {"expected": "'jpeg', 'png' or 'webp'"})
    problems = {
        "prompt": None
        if isinstance(body.get("prompt", ""), str | None)
        else ("string_type", "Input should be a valid string", None),
        "width": _int_problem(body.get("width", DEFAULTS["width"]), 256, 1440, 32),
        "height": _int_problem(body.get("height", DEFAULTS["height"]), 256, 1440, 32),
        "seed": None if body.get("seed") is None else _int_problem(body["seed"], 0, 2**64 - 1),
        "safety_tolerance": _int_problem(body.get("safety_tolerance", 2), 0, 6),
        "prompt_upsampling": None
        if isinstance(body.get("prompt_upsampling", False), bool)
        else ("bool_type", "Input should be a valid boolean", None),
        "output_format": None if body.get("output_format", "jpeg") in OUTPUT_FORMATS else enum,
    }
    return [_detail(field, problem, body.get(field)) for field, problem in problems.items() if problem]


def _unprocessable(loc: list[Any], kind: str, msg: str, value: Any, **ctx: Any) -> Response:
    item = {"type": kind, "loc": loc, "msg": msg, "input": value, **({"ctx": ctx} if ctx else {})}
    return json_response({"detail": [item]}, 422)


def submit(call: Call) -> Response:
    sim, cfg = call.sim, call.sim.config
    model = call.match["model"]
    price = cfg.prices.bfl_per_image.get(model)
    if price is None:
        return WIRE.error(404, "not_found", "Not Found")
    try:
        body = call.req.json()
    except BadRequestBody as exc:
        return _unprocessable(["body", 0], "json_invalid", "JSON decode error", {}, error=str(exc))
    if not isinstance(body, dict):
        msg = "Input should be a valid dictionary or object to extract fields from"
        return _unprocessable(["body"], "model_attributes_type", msg, body)
    problems = _validate(body)
    if problems:
        return json_response({"detail": problems}, 422)
    key = call.req.header("x-key") or ""
    width, height = int(body.get("width", DEFAULTS["width"])), int(body.get("height", DEFAULTS["height"]))
    now = time.time()
    with sim.bfl.lock:
        if sim.bfl.active(key, now) >= cfg.bfl.max_active_tasks:
            resp = json_response(
                {
                    "detail": f"You have reached the limit of {cfg.bfl.max_active_tasks} active tasks. "
                    "Wait until one of your previous tasks has finished."
                },
                429,
                headers={"Retry-After": str(max(0, round(cfg.scaled(1.0))))},
            )
            resp.limited = "active_tasks"
            return resp
        seed = body.get("seed")
        if seed is None:
            seed = sim.rng("bfl", "seeds").randrange(2**32)
        outcome = "Ready"
        if call.fault == "moderated":
            outcome = call.rng.choice(("Request Moderated", "Content Moderated"))
        duration = cfg.scaled(cfg.bfl.task_duration.sample(sim.rng("bfl", "duration")))
        if outcome == "Request Moderated":
            duration = min(duration, cfg.scaled(0.2))  # the prompt check fails before generating
        task = BflTask(
            id=str(uuid.uuid4()),
            model=model,
            key=key,
            prompt=str(body.get("prompt") or ""),
            seed=int(seed),
            width=width,
            height=height,
            output_format=str(body.get("output_format", "jpeg")),
            created=now,
            duration=duration,
            outcome=outcome,
            text_in_image=call.fault == "text_in_image",
        )
        sim.bfl.add(task)
        if outcome == "Ready":
            sim.bfl.draw_ahead(task)
    payload = {
        "id": task.id,
        "polling_url": f"{_polling_base(sim)}/bfl/v1/get_result?id={task.id}",
        "cost": round(price * 100, 2),  # credits; 1 credit = $0.01
        "input_mp": 0.0,
        "output_mp": round(width * height / 1e6, 2),
    }
    resp = json_response(payload, billed_usd=price, units={"images": 1})
    resp.fault = call.fault
    resp.log = {"task_id": task.id, "outcome": outcome, "text_in_image": task.text_in_image}
    return resp


def _polling_base(sim: Any) -> str:
    host = sim.config.bfl.polling_host
    return f"http://{host}:{sim.port}" if host else sim.alt_base_url


def _signature(secret: bytes, task_id: str, expires: str) -> str:
    return hmac.new(secret, f"{task_id}|{expires}".encode(), hashlib.sha256).hexdigest()[:32]


def get_result(call: Call) -> Response:
    task_id = call.req.q("id")
    if not task_id:
        return _unprocessable(["query", "id"], "missing", "Field required", None)
    sim, now = call.sim, time.time()
    task = sim.bfl.tasks.get(task_id)
    body: dict[str, Any] = {
        "id": task_id,
        "status": "Task not found",
        "result": None,
        "progress": None,
        "details": None,
        "preview": None,
    }
    if task is None:
        return json_response(body)
    if task.outcome == "Request Moderated" or (task.outcome == "Content Moderated" and now >= task.done_at):
        body.update(status=task.outcome, details=MODERATION_DETAILS)
    elif now < task.done_at:
        body.update(status="Pending", progress=round(min(0.99, (now - task.created) / task.duration), 2))
    else:
        expires = f"{task.done_at + sim.config.scaled(sim.config.bfl.sample_expiry_s):.6f}"
        sig = _signature(sim.secret, task.id, expires)
        ext = EXTENSIONS[task.output_format]
        sample = f"{sim.alt_base_url}/bfl-delivery/{task.id}/sample.{ext}?se={expires}&sig={sig}"
        body.update(
            status="Ready",
            progress=1.0,
            result={
                "sample": sample,
                "prompt": task.prompt,
                "seed": task.seed,
                "start_time": task.created,
                "end_time": task.done_at,
                "duration": round(task.duration, 3),
            },
        )
    return json_response(body)


def delivery(call: Call) -> Response:
    sim, now = call.sim, time.time()
    task = sim.bfl.tasks.get(call.match["task_id"])
    if (
        task is None
        or task.outcome != "Ready"
        or now < task.done_at
        or call.match["ext"] != EXTENSIONS[task.output_format]
    ):
        return DELIVERY_WIRE.error(404, "not_found", "The specified blob does not exist.")
    expires, sig = call.req.q("se") or "", call.req.q("sig") or ""
    if not hmac.compare_digest(sig, _signature(sim.secret, task.id, expires)):
        return DELIVERY_WIRE.error(
            403,
            "forbidden",
            "Server failed to authenticate the request. Make sure the "
            "value of Authorization header is formed correctly including the signature.",
        )
    if now > float(expires):
        return DELIVERY_WIRE.error(
            403,
            "expired",
            "Server failed to authenticate the request. Signature not "
            f"valid in the specified time frame: Expiry [{expires}] - Current [{now:.6f}]",
        )
    data, content_type = sim.bfl.sample(task)
    return Response(200, data + b"\0" * sim.config.bfl.sample_padding_bytes, content_type)


def routes(prefix: str) -> list[Route]:
    return [
        route("GET", prefix + r"/v1/get_result", get_result, WIRE, "bfl.get_result"),
        route("POST", prefix + r"/v1/(?P<model>[\w.-]+)", submit, WIRE, "bfl.submit"),
        route(
            "GET",
            r"/bfl-delivery/(?P<task_id>[\w-]+)/sample\.(?P<ext>\w+)",
            delivery,
            DELIVERY_WIRE,
            "bfl.delivery",
        ),
    ]
