"""OpenAI's wire: bearer auth, the {"error": {message, type, param, code}} body, the
x-request-id header on every answer, and the token arithmetic the usage blocks report."""

from __future__ import annotations

import math
import secrets

from creative_assets_tests.provider_sim.wire import Request, Response, Wire, json_response

_ERROR_TYPES = {
    "rate_limit": ("requests", "rate_limit_exceeded"),
    "server_error": ("server_error", None),
    "overloaded": ("server_error", None),
}


class OpenAIError(Exception):
    """Raised inside handlers; becomes the API's error body."""

    def __init__(self, status: int, message: str, param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.param, self.code = status, message, param, code


def openai_error(
    status: int, message: str, param: str | None = None, code: str | None = None, kind: str = ""
) -> Response:
    err_type, default_code = _ERROR_TYPES.get(kind, ("invalid_request_error", None))
    body = {"error": {"message": message, "type": err_type, "param": param, "code": code or default_code}}
    return json_response(body, status)


class OpenAIWire(Wire):
    provider = "openai"

    def check_auth(self, req: Request, key: str | None) -> Response | None:
        if key is None:
            return None
        token = req.bearer()
        if token is None:
            return openai_error(
                401,
                "You didn't provide an API key. You need to provide your API key in an Authorization header "
                "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            )
        if token != key:
            shown = f"{token[:3]}***{token[-4:]}" if len(token) > 8 else "***"
            return openai_error(
                401,
                f"Incorrect API key provided: {shown}. You can find your API key at "
                "https://platform.openai.com/account/api-keys.",
                code="invalid_api_key",
            )
        return None

    def error(self, status: int, kind: str, message: str) -> Response:
        if kind == "overloaded":
            message = "The engine is currently overloaded, please try again later."
        return openai_error(status, message, kind=kind)

    def finalize(self, resp: Response) -> Response:
        resp.headers.setdefault("x-request-id", "req_" + secrets.token_hex(16))
        resp.headers.setdefault("openai-version", "2020-10-01")
        return resp


WIRE = OpenAIWire()


def estimate_tokens(text: str) -> int:
    """About four characters a token, as OpenAI's rule of thumb says."""
    return max(1, math.ceil(len(text) / 4)) if text else 0


def image_tokens(width: int | None, height: int | None, detail: str) -> int:
    """OpenAI's published vision arithmetic: 85 base + 170 per 512-px tile after scaling."""
    if detail == "low" or not width or not height:
        return 85
    scale = min(1.0, 2048 / max(width, height))
    w, h = width * scale, height * scale
    scale = min(1.0, 768 / min(w, h))
    return 85 + 170 * math.ceil(w * scale / 512) * math.ceil(h * scale / 512)
