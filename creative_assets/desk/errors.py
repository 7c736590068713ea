"""Errors as the API answers them: the project's coded errors (`[unknown_variant] …`, the codes
the command line prints) as JSON `{"error": {"code", "message"}}` with the HTTP status the code
means. The pages show the same message."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from creative_assets.errors import CreativeAssetsError

# Codes that are not "the request was malformed" (422, the default).
STATUS_OF_CODE: dict[str, int] = {
    "not_signed_in": 401,
    "invalid_credentials": 401,
    "forbidden": 403,
    "csrf_failed": 403,
    "unknown_job": 404,
    "job_not_found": 404,
    "unknown_creative": 404,
    "unknown_run": 404,
    "not_materialized": 404,
    "no_bundle": 404,
    "not_found": 404,
    "missing_rendition": 404,
    "override_required": 409,
    "nothing_to_review": 409,
    "campaign_running": 409,
    "stale_record": 409,
    "dagster_unavailable": 503,
    "launch_failed": 502,
}


class ErrorDetail(BaseModel):
    code: str = Field(
        description="stable, as the command line prints it in brackets", examples=["unknown_variant"]
    )
    message: str = Field(description="a sentence a person can act on")


class ErrorBody(BaseModel):
    error: ErrorDetail


def status_of(code: str) -> int:
    return STATUS_OF_CODE.get(code, 422)


def error_response(code: str, message: str, status: int | None = None) -> JSONResponse:
    body = ErrorBody(error=ErrorDetail(code=code, message=message))
    headers = {"WWW-Authenticate": "Bearer"} if (status or status_of(code)) == 401 else None
    return JSONResponse(body.model_dump(), status_code=status or status_of(code), headers=headers)


async def coded_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CreativeAssetsError)
    return error_response(exc.code, exc.message)


# what a client that sent no JSON object should send instead
_SEND = (
    ': send an object with Content-Type: application/json, e.g. {"note": "…"}, or {} when no field is needed'
)


async def invalid_request(request: Request, exc: Exception) -> JSONResponse:
    """A body that is not JSON at all is 400, as the schema says; one that is JSON but does not fit
    is 422, with the field it is about."""
    assert isinstance(exc, RequestValidationError)
    parts = []
    for error in exc.errors():
        loc = tuple(error.get("loc", ()))
        if error.get("type") == "json_invalid":
            why = (error.get("ctx") or {}).get("error", "it does not parse")
            return error_response("invalid_request", f"the body is not valid JSON ({why}){_SEND}", 400)
        if loc == ("body",) and (error.get("type") == "missing" or isinstance(error.get("input"), bytes)):
            return error_response("invalid_request", f"the request needs a JSON body{_SEND}", 400)
        if loc == ("body",):
            parts.append("the body should be a JSON object")
            continue
        where = ".".join(str(p) for p in loc if p != "body") or "request"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return error_response("invalid_request", "; ".join(parts) or "the request does not fit the API schema")


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {400: "invalid_request", 404: "not_found", 405: "method_not_allowed", 401: "not_signed_in"}.get(
        exc.status_code, "http_error"
    )
    return error_response(code, str(exc.detail), exc.status_code)


def responses(*codes: int) -> dict[int | str, dict]:
    """OpenAPI `responses` for the error statuses an operation can answer."""
    text = {
        400: "the body is not JSON (`invalid_request`)",
        401: "not signed in (`not_signed_in`, `invalid_credentials`)",
        403: "signed in without the role this needs (`forbidden`, `csrf_failed`)",
        404: "no such job, creative, run or bundle (`unknown_job`, `unknown_creative`, `not_materialized` …)",
        409: "conflicts with the creative's state (`override_required` …)",
        422: "the request is malformed (`invalid_request`, `unknown_variant`, `missing_note` …)",
        502: "Dagster refused the launch (`launch_failed`)",
        503: "Dagster cannot be reached (`dagster_unavailable`)",
    }
    return {code: {"model": ErrorBody, "description": text[code]} for code in codes}
