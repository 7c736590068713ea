"""The HOC jobs API, as this project defines it (there is no public spec).

    GET /jobs?updated_since=<ISO-8601 with offset>&cursor=<opaque>&limit=<1..max_page_size>
        200 {"jobs": [{"job_id", "updated_at"}, …], "next_cursor": "<opaque>" | null}
        Jobs with updated_at strictly after updated_since, ordered by (updated_at, job_id);
        keyset pagination, so jobs added while paging are neither skipped nor repeated.
    GET /jobs/{job_id}
        200 the job document (models/job.py JobPosting shape), 404 {"error": "job_not_found"}
    Errors: 400 {"error": "invalid_request" | "invalid_cursor", "message"}, 401 {"error":
    "unauthorized"} with `WWW-Authenticate: Bearer`. Auth: `Authorization: Bearer <HOC_API_KEY>`.

Jobs are served as stored, unvalidated, so tests can plant malformed ones for the client's
strict validation to catch.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from creative_assets_tests.provider_sim.hoc_jobs import parse_timestamp
from creative_assets_tests.provider_sim.wire import Call, Request, Response, Route, Wire, json_response, route

DEFAULT_PAGE_SIZE = 50
_KINDS = {"rate_limit": "rate_limited", "server_error": "internal_error", "overloaded": "unavailable"}


class HocWire(Wire):
    provider = "hoc"

    def check_auth(self, req: Request, key: str | None) -> Response | None:
        if key is not None and req.bearer() != key:
            return json_response(
                {"error": "unauthorized", "message": "missing or invalid bearer token"},
                401,
                headers={"WWW-Authenticate": 'Bearer realm="hoc"'},
            )
        return None

    def error(self, status: int, kind: str, message: str) -> Response:
        return json_response({"error": _KINDS.get(kind, kind), "message": message}, status)


WIRE = HocWire()


def _encode_cursor(when: datetime, job_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([when.isoformat(), job_id]).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, str] | None:
    try:
        when, job_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        parsed = datetime.fromisoformat(when)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        return None
    return (parsed, job_id) if isinstance(job_id, str) and parsed.tzinfo else None


def list_jobs(call: Call) -> Response:
    req = call.req
    since_raw = req.q("updated_since")
    since = parse_timestamp(since_raw) if since_raw is not None else None
    if since_raw is not None and since is None:
        return WIRE.error(
            400,
            "invalid_request",
            "updated_since must be an ISO-8601 timestamp with a UTC offset, e.g. 2026-11-01T00:00:00Z",
        )
    max_size = call.sim.config.hoc.max_page_size
    try:
        limit = int(req.q("limit") or min(DEFAULT_PAGE_SIZE, max_size))
    except ValueError:
        limit = 0
    if not 1 <= limit <= max_size:
        return WIRE.error(400, "invalid_request", f"limit must be an integer from 1 to {max_size}")
    after = None
    if (cursor := req.q("cursor")) is not None:
        after = _decode_cursor(cursor)
        if after is None:
            return WIRE.error(400, "invalid_cursor", "cursor is not one this API issued")
    entries = [e for e in call.sim.jobs.index() if since is None or e[0] > since]
    if after is not None:
        entries = [e for e in entries if (e[0], e[1]) > after]
    page = entries[:limit]
    next_cursor = _encode_cursor(page[-1][0], page[-1][1]) if len(entries) > limit else None
    extra = call.sim.config.hoc.listing_fields
    jobs = [
        {"job_id": job_id, "updated_at": stored, **_fields(call.sim.jobs.get(job_id), extra)}
        for _, job_id, stored in page
    ]
    return json_response({"jobs": jobs, "next_cursor": next_cursor})


def _fields(job: dict[str, Any] | None, names: list[str]) -> dict[str, Any]:
    return {name: job[name] for name in names if job and name in job}


def get_job(call: Call) -> Response:
    job_id = unquote(call.match["job_id"])
    raw = call.sim.jobs.get(job_id)
    if raw is None:
        return json_response({"error": "job_not_found", "job_id": job_id}, 404)
    return json_response(raw)


def routes(prefix: str) -> list[Route]:
    return [
        route("GET", prefix + r"/jobs", list_jobs, WIRE, "hoc.list_jobs"),
        route("GET", prefix + r"/jobs/(?P<job_id>[^/]+)", get_job, WIRE, "hoc.get_job"),
    ]
