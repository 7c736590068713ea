"""The simulator's own control surface under /_sim: stats, reset, config and HOC jobs.

GET  /_sim/health            {"ok": true}
GET  /_sim/stats             the ledger (see stats.Ledger.snapshot)
GET  /_sim/requests          the last requests served (endpoint, status, fault, host, …)
POST /_sim/reset             fresh stats, BFL tasks, jobs and RNGs under the current config
GET  /_sim/config            the full, merged config
POST /_sim/config            replace the config (a SimConfig JSON); 400 with the errors
POST /_sim/jobs              add or replace HOC jobs: one job object, a list, or {"jobs": [...]}
DELETE /_sim/jobs/{job_id}   remove a HOC job
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from creative_assets_tests.provider_sim.wire import (
    BadRequestBody,
    Call,
    Response,
    Route,
    Wire,
    json_response,
    route,
)

WIRE = Wire()


def _json(call: Call) -> Any:
    try:
        return call.req.json()
    except BadRequestBody as exc:
        raise ValueError(f"body is not JSON: {exc}") from exc


def health(call: Call) -> Response:
    return json_response({"ok": True, "base_url": call.sim.base_url})


def stats(call: Call) -> Response:
    return json_response(call.sim.stats())


def recent(call: Call) -> Response:
    return json_response({"requests": call.sim.requests()})


def reset(call: Call) -> Response:
    call.sim.reset()
    return json_response({"ok": True})


def get_config(call: Call) -> Response:
    return json_response(call.sim.config.model_dump(mode="json"))


def set_config(call: Call) -> Response:
    try:
        call.sim.apply_config(_json(call))
    except ValidationError as exc:
        return json_response({"error": "invalid_config", "details": exc.errors(include_url=False)}, 400)
    except ValueError as exc:
        return json_response({"error": "invalid_config", "details": str(exc)}, 400)
    return get_config(call)


def add_jobs(call: Call) -> Response:
    try:
        body = _json(call)
        jobs = body.get("jobs") if isinstance(body, dict) and "jobs" in body else body
        jobs = jobs if isinstance(jobs, list) else [jobs]
        added = [call.sim.jobs.put(job) for job in jobs]
    except ValueError as exc:
        return json_response({"error": "invalid_request", "message": str(exc)}, 400)
    return json_response({"added": added})


def delete_job(call: Call) -> Response:
    if not call.sim.jobs.delete(call.match["job_id"]):
        return json_response({"error": "job_not_found"}, 404)
    return json_response({"deleted": call.match["job_id"]})


def routes() -> list[Route]:
    return [
        route("GET", r"/_sim/health", health, WIRE, None),
        route("GET", r"/_sim/stats", stats, WIRE, None),
        route("GET", r"/_sim/requests", recent, WIRE, None),
        route("POST", r"/_sim/reset", reset, WIRE, None),
        route("GET", r"/_sim/config", get_config, WIRE, None),
        route("POST", r"/_sim/config", set_config, WIRE, None),
        route("POST", r"/_sim/jobs", add_jobs, WIRE, None),
        route("DELETE", r"/_sim/jobs/(?P<job_id>[^/]+)", delete_job, WIRE, None),
    ]
