"""A total deadline and a byte cap for every provider request, as an httpx transport.

httpx's timeouts (and the OpenAI SDK's, which sends through the httpx2 fork) are per operation:
a server that trickles one byte at a time never trips a read timeout and can hold a request, and a
provider slot, for minutes. This wrapper gives each request one deadline — the earlier of the
client's `total_s` and the call's deadline (`call_deadline`, set by the retry layer) — and cuts
the connection when it passes: every per-operation timeout is shortened to what is left, and a
timer shuts the socket down at the deadline if a read is still blocked. A response body larger
than the request's cap (`max_bytes` extension, or the transport's default) is refused from its
Content-Length, or while streaming as soon as the cap is passed, before it is read whole.

Hand-written because neither httpx nor the retry libraries offer a total deadline for sync
clients (httpx's answer is a cancel scope around the async client); it works for `httpx` and
`httpx2` alike, which share the transport interface.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from types import ModuleType
from typing import Any

MAX_BYTES_EXTENSION = "creative_assets.max_bytes"
_DEADLINE: ContextVar[float | None] = ContextVar("creative_assets_call_deadline", default=None)


class BodyTooLarge(Exception):
    """A response body over the request's byte cap (raised inside the transport's stream)."""

    def __init__(self, size: int | None, cap: int) -> None:
        said = f"{size} bytes" if size is not None else "more"
        super().__init__(f"the answer is {said}; the cap is {cap} bytes")
        self.cap = cap


@contextmanager
def call_deadline(at: float) -> Iterator[None]:
    """Every request made in the block ends by monotonic time `at` (the earlier deadline wins)."""
    current = _DEADLINE.get()
    token = _DEADLINE.set(at if current is None else min(at, current))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def deadline_after(seconds: float) -> float:
    """The monotonic time `seconds` from now, or earlier if the current call must end sooner."""
    at = time.monotonic() + seconds
    current = _DEADLINE.get()
    return at if current is None else min(at, current)


def _shutdown(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)  # wakes a read blocked in another thread


class _GuardedStream:
    def __init__(self, inner: Any, http: ModuleType, deadline: float, cap: int | None, timer: Any) -> None:
        self._inner, self._http, self._deadline, self._cap, self._timer = inner, http, deadline, cap, timer

    def __iter__(self) -> Iterator[bytes]:
        size = 0
        try:
            for chunk in self._inner:
                size += len(chunk)
                if self._cap is not None and size > self._cap:
                    raise BodyTooLarge(None, self._cap)
                if time.monotonic() > self._deadline:
                    raise self._http.ReadTimeout("the request's total deadline passed while reading")
                yield chunk
        except (self._http.ReadError, self._http.RemoteProtocolError):
            if time.monotonic() >= self._deadline - 0.001:  # our timer cut the socket
                raise self._http.ReadTimeout("the request's total deadline passed while reading") from None
            raise

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._inner.close()


def deadline_transport(http: ModuleType, inner: Any, *, total_s: float, max_bytes: int | None = None) -> Any:
    """Wrap `inner` (an `http.HTTPTransport`, `http` being the httpx or httpx2 module)."""

    class Guarded(_GuardedStream, http.SyncByteStream):  # type: ignore[name-defined,misc]
        pass

    class DeadlineTransport(http.BaseTransport):  # type: ignore[name-defined,misc]
        def handle_request(self, request: Any) -> Any:
            deadline = deadline_after(total_s)
            left = deadline - time.monotonic()
            if left <= 0:
                raise http.ConnectTimeout("no time left in the call's deadline", request=request)
            timeouts = dict(request.extensions.get("timeout") or {})
            request.extensions["timeout"] = {
                k: left if v is None else min(v, left) for k, v in timeouts.items()
            } or {"connect": left, "read": left, "write": left, "pool": left}
            cap = request.extensions.get(MAX_BYTES_EXTENSION, max_bytes)
            response = inner.handle_request(request)
            declared = response.headers.get("content-length", "")
            if cap is not None and declared.isdigit() and int(declared) > cap:
                response.close()
                raise BodyTooLarge(int(declared), cap)
            stream = response.extensions.get("network_stream")
            sock = stream.get_extra_info("socket") if stream is not None else None
            timer = None
            if sock is not None:
                timer = threading.Timer(max(0.0, deadline - time.monotonic()), _shutdown, (sock,))
                timer.daemon = True
                timer.start()
            response.stream = Guarded(response.stream, http, deadline, cap, timer)
            return response

        def close(self) -> None:
            inner.close()

    return DeadlineTransport()
