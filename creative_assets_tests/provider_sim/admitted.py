"""What an admitted request gets: the fault drawn for it (held, refused, failed or corrupted)
or its handler's answer, after the endpoint's simulated latency. Each draw comes from the
endpoint's seeded `random.Random`, and a handler's own randomness from the request's content, so
a fixed seed serves the same answers every run."""

from __future__ import annotations

import hashlib
import logging
import random
from typing import Any

from creative_assets_tests.provider_sim.config import ENDPOINTS, GENERIC_FAULTS, SimConfig
from creative_assets_tests.provider_sim.state import SimState
from creative_assets_tests.provider_sim.wire import (
    Call,
    Request,
    Response,
    Route,
    json_response,
    retry_after_headers,
)

log = logging.getLogger(__name__)

ERROR_LATENCY_SHARE = 0.1  # validation errors come back faster than real work
TRANSPORT_FAULTS = frozenset(GENERIC_FAULTS)
# The provider did the work, so these bill: content faults, and a 200 whose body was cut off or
# garbled on its way (the provider finished and billed before the bytes went wrong).
BILLED_CONTENT_FAULTS = frozenset({"text_in_image", "misspelt_overlay", "misplaced_overlay"})
BILLED_BODY_FAULTS = frozenset({"truncated_json", "malformed_json"})


def serve_admitted(
    st: SimState, r: Route, match: Any, req: Request, cfg: SimConfig
) -> tuple[Response | None, str | None]:
    name = r.endpoint or ""
    ep = cfg.endpoint(name)
    with st.lock:
        drawn = ep.faults.draw(st.rng(name, "faults"))
        latency = cfg.scaled(ep.latency.sample(st.rng(name, "latency")))
    if drawn == "timeout":
        st.sleep(cfg.scaled(ep.timeout_hold_s))
        return None, drawn
    if drawn == "rate_limit_429":
        resp = r.wire.error(429, "rate_limit", "Rate limit reached; please retry after a short wait.")
        openai = ENDPOINTS[name].provider == "openai"
        resp.headers.update(retry_after_headers(cfg.scaled(ep.retry_after_s), with_ms=openai))
        return resp, drawn
    if drawn in ("server_500", "server_503"):
        st.sleep(latency)
        status = 500 if drawn == "server_500" else 503
        kind = "server_error" if status == 500 else "overloaded"
        return r.wire.error(status, kind, "The server had an error while processing your request."), drawn
    special = drawn if drawn not in TRANSPORT_FAULTS else None
    call = Call(st, req, match, name, special, _request_rng(cfg.seed, name, req))
    try:
        resp = r.handler(call)
    except Exception as exc:  # a simulator bug must answer, not hang the client
        log.exception("simulator handler %s failed", name)
        resp = json_response({"sim_error": f"{type(exc).__name__}: {exc}"}, 500)
    st.sleep(latency if resp.status < 400 else latency * ERROR_LATENCY_SHARE)
    if ep.trickle_byte_s and resp.status < 400:
        resp.trickle_byte_s = cfg.scaled(ep.trickle_byte_s)
    if drawn in ("truncated_json", "malformed_json") and resp.status == 200:
        resp.body = _corrupt(resp.body, drawn)
        return resp, drawn
    return resp, resp.fault


def _request_rng(seed: int, endpoint: str, req: Request) -> random.Random:
    digest = hashlib.sha256(
        b"\0".join(
            [str(seed).encode(), endpoint.encode(), req.path.encode(), req.query_string.encode(), req.body]
        )
    ).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _corrupt(body: bytes, kind: str) -> bytes:
    if kind == "truncated_json":
        return body[: max(1, len(body) // 2)]
    if body[:1] in (b"{", b"["):
        return body.replace(b'"', b"'")  # a Python-repr-looking body: plausible, and not JSON
    return b"\x00" * 16 + body[16:]  # binary: a broken signature, so decoders refuse it
