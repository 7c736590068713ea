"""HTTP primitives shared by the routes: request, response, route table entries, multipart.

Kept free of any server machinery so each provider module reads like the API it imitates.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qs

if TYPE_CHECKING:
    import random

    from creative_assets_tests.provider_sim.state import SimState


class BadRequestBody(ValueError):
    """The body is not what the endpoint can parse (not JSON, not multipart)."""


@dataclass
class Request:
    method: str
    path: str
    query_string: str
    headers: Message
    body: bytes

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(self.query_string, keep_blank_values=True)

    def q(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def bearer(self) -> str | None:
        value = self.header("authorization") or ""
        scheme, _, token = value.partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BadRequestBody(str(exc)) from exc


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    billed_usd: float = 0.0
    units: dict[str, float] = field(default_factory=dict)
    limited: str | None = None  # why a 429 was served that is not an injected fault
    fault: str | None = None  # a special fault the handler applied (moderated, text_in_image, …)
    log: dict[str, Any] = field(default_factory=dict)  # for /_sim/requests only, never sent
    trickle_byte_s: float = 0.0  # seconds between single bytes of the body (a trickling server)


def json_response(
    obj: Any,
    status: int = 200,
    *,
    headers: dict[str, str] | None = None,
    billed_usd: float = 0.0,
    units: dict[str, float] | None = None,
) -> Response:
    body = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(status, body, "application/json", dict(headers or {}), billed_usd, dict(units or {}))


def retry_after_headers(seconds: float, *, with_ms: bool = False) -> dict[str, str]:
    """`Retry-After` is whole seconds (HTTP); rounding keeps time-scaled waits short.

    OpenAI also sends `retry-after-ms`, which its SDK prefers, so scaled tests stay fast there.
    """
    headers = {"Retry-After": str(max(0, math.floor(seconds + 0.5)))}
    if with_ms:
        headers["retry-after-ms"] = str(max(0, round(seconds * 1000)))
    return headers


@dataclass
class Call:
    """One admitted request as a handler sees it."""

    sim: SimState
    req: Request
    match: re.Match[str]
    endpoint: str
    fault: str | None
    rng: random.Random  # seeded from the request itself: same request, same answer


class Wire:
    """A provider's way of saying no: its auth check and its error bodies."""

    provider = ""

    def check_auth(self, req: Request, key: str | None) -> Response | None:
        return None

    def error(self, status: int, kind: str, message: str) -> Response:
        return json_response({"error": kind, "message": message}, status)

    def finalize(self, resp: Response) -> Response:
        """Headers every response of this provider carries (request ids and the like)."""
        return resp


Handler = Callable[[Call], Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    wire: Wire
    endpoint: str | None = None  # None: a control route (no stats, faults, auth or latency)


def route(method: str, path_regex: str, handler: Handler, wire: Wire, endpoint: str | None) -> Route:
    return Route(method, re.compile(path_regex + r"\Z"), handler, wire, endpoint)


@dataclass
class Part:
    name: str
    filename: str | None
    content_type: str
    data: bytes


def parse_multipart(body: bytes, content_type: str) -> list[Part]:
    """Split a multipart/form-data body without touching its bytes (images must survive intact)."""
    header = Message()
    header["content-type"] = content_type
    if header.get_content_type() != "multipart/form-data":
        raise BadRequestBody(f"expected multipart/form-data, got {header.get_content_type()}")
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise BadRequestBody("multipart body without a boundary")
    delimiter = b"--" + boundary.encode("latin-1")
    chunks = body.split(delimiter)
    if len(chunks) < 2:
        raise BadRequestBody("multipart body without any part")
    parts = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break  # the closing delimiter
        chunk = chunk.removeprefix(b"\r\n")
        raw_head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            raise BadRequestBody("malformed multipart part")
        part_headers = Message()
        for line in raw_head.decode("utf-8", "replace").split("\r\n"):
            key, colon, value = line.partition(":")
            if colon:
                part_headers[key.strip()] = value.strip()
        name = part_headers.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise BadRequestBody("multipart part without a name")
        filename = part_headers.get_param("filename", header="content-disposition")
        parts.append(
            Part(
                name=name,
                filename=filename if isinstance(filename, str) else None,
                content_type=part_headers.get_content_type(),
                data=data.removesuffix(b"\r\n"),
            )
        )
    return parts


class BlobWire(Wire):
    """Signed-URL storage hosts (BFL delivery, DALL·E URLs) answer in Azure Blob Storage's XML."""

    provider = "blob"
    _codes: ClassVar[dict[int, str]] = {
        403: "AuthenticationFailed",
        404: "BlobNotFound",
        429: "ServerBusy",
        500: "InternalError",
    }

    def error(self, status: int, kind: str, message: str) -> Response:
        code = self._codes.get(status, "ServerBusy" if status == 503 else "InvalidUri")
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
        ).encode()
        return Response(status, body, "application/xml")
