"""The simulator: one loopback ThreadingHTTPServer that routes by path prefix to each provider.

Every admitted request holds an in-flight slot while its simulated latency elapses, so
concurrency limits, client timeouts and retries behave against it as they do against the
real services. Faults are drawn from one `random.Random` per endpoint, seeded from the config,
so a fixed seed serves the same fault sequence every run.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from typing import Any

from creative_assets.providers.safe_fetch import loopback_host
from creative_assets_tests.provider_sim import (
    bfl_routes,
    control_routes,
    firecrawl_routes,
    hoc_routes,
    openai_chat,
    openai_images,
    perplexity_routes,
)
from creative_assets_tests.provider_sim.admitted import (
    BILLED_BODY_FAULTS,
    BILLED_CONTENT_FAULTS,
    serve_admitted,
)
from creative_assets_tests.provider_sim.config import ENDPOINTS, SimConfig
from creative_assets_tests.provider_sim.httpd import SimHTTPServer
from creative_assets_tests.provider_sim.state import SimState, coerce_config
from creative_assets_tests.provider_sim.wire import (
    Call,
    Request,
    Response,
    Route,
    Wire,
    retry_after_headers,
)

log = logging.getLogger(__name__)

# Base URL path per provider: what each real client's base-URL setting should point at.
PREFIXES = {
    "openai": "/openai/v1",
    "bfl": "/bfl",
    "perplexity": "/perplexity",
    "firecrawl": "/firecrawl",
    "hoc": "/hoc",
}
POLL_INTERVAL_S = 0.05  # how fast serve_forever notices stop(): short, so test teardown is quick


class Simulator:
    """Owns config, state and the HTTP server. Use `testing.running_simulator` in tests."""

    def __init__(
        self, config: SimConfig | dict[str, Any] | None = None, *, host: str = "127.0.0.1", port: int = 0
    ):
        if not loopback_host(host):
            raise ValueError(f"the simulator binds loopback addresses only, not {host!r}")
        self.state = SimState(coerce_config(config), host)
        self._routes: list[Route] = [
            *openai_chat.routes(PREFIXES["openai"]),
            *openai_images.routes(PREFIXES["openai"]),
            *bfl_routes.routes(PREFIXES["bfl"]),
            *perplexity_routes.routes(PREFIXES["perplexity"]),
            *firecrawl_routes.routes(PREFIXES["firecrawl"]),
            *hoc_routes.routes(PREFIXES["hoc"]),
            *control_routes.routes(),
        ]
        self._wires = {r.wire.provider: r.wire for r in self._routes if r.endpoint}
        self._httpd = SimHTTPServer((host, port), self.handle, self.state.sleep)
        self.state.port = self._httpd.server_address[1]
        self._thread: threading.Thread | None = None
        self._serving = False

    # ----------------------------------------------------------------- addresses
    @property
    def config(self) -> SimConfig:
        return self.state.config

    @property
    def host(self) -> str:
        return self.state.host

    @property
    def port(self) -> int:
        return self.state.port

    @property
    def base_url(self) -> str:
        return self.state.base_url

    @property
    def alt_base_url(self) -> str:
        return self.state.alt_base_url

    @property
    def blobs(self) -> dict[str, tuple[bytes, str]]:
        return self.state.blobs

    def url_for(self, provider: str) -> str:
        return self.base_url + PREFIXES[provider]

    def env(self) -> dict[str, str]:
        """Environment variables that point the real clients at this simulator."""
        keys = self.config.api_keys
        return {
            "OPENAI_BASE_URL": self.url_for("openai"),
            "OPENAI_API_KEY": keys.openai or "sk-sim",
            "BFL_BASE_URL": self.url_for("bfl"),
            "BFL_API_KEY": keys.bfl or "bfl-sim",
            "PERPLEXITY_BASE_URL": self.url_for("perplexity"),
            "PERPLEXITY_API_KEY": keys.perplexity or "pplx-sim",
            "FIRECRAWL_BASE_URL": self.url_for("firecrawl"),
            "FIRECRAWL_API_KEY": keys.firecrawl or "fc-sim",
            "HOC_API_URL": self.url_for("hoc"),
            "HOC_API_KEY": keys.hoc or "hoc-sim",
        }

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> Simulator:
        """Serve in a background thread."""
        self._serving = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(POLL_INTERVAL_S,), name="provider-sim", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._serving = True
        self._httpd.serve_forever(POLL_INTERVAL_S)

    def stop(self) -> None:
        """Stop accepting, wake held requests, drop kept-alive connections, close the socket."""
        self.state.stopping.set()
        if self._serving:
            self._httpd.shutdown()
            self._serving = False
        self._httpd.close_connections()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # ----------------------------------------------------------------- control
    def apply_config(self, config: SimConfig | dict[str, Any]) -> None:
        self.state.apply_config(config)

    def reset(self) -> None:
        self.state.reset()

    def stats(self) -> dict[str, Any]:
        return self.state.stats()

    def requests(self) -> list[dict[str, Any]]:
        return self.state.requests()

    def wait_idle(self, timeout_s: float = 5.0) -> bool:
        """Wait until no request is in flight (held 'timeout' faults finish after the client
        gave up, and are only counted then). True when idle, False on timeout."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if all(e["in_flight"] == 0 for e in self.stats()["endpoints"].values()):
                return True
            time.sleep(0.01)
        return False

    # ----------------------------------------------------------------- dispatch
    def handle(self, req: Request) -> Response | None:
        """Answer one request; None means close the connection without answering."""
        wrong_method: Route | None = None
        for candidate in self._routes:
            match = candidate.pattern.match(req.path)
            if match is None:
                continue
            if candidate.method != req.method:
                wrong_method = candidate
                continue
            if candidate.endpoint is None:
                return candidate.handler(Call(self.state, req, match, "", None, random.Random(0)))
            return self._serve(candidate, match, req)
        wire = wrong_method.wire if wrong_method else self._wire_for(req.path)
        if wrong_method:
            return wire.finalize(wire.error(405, "method_not_allowed", f"{req.method} is not allowed here"))
        return wire.finalize(wire.error(404, "not_found", f"Invalid URL ({req.method} {req.path})"))

    def _wire_for(self, path: str) -> Wire:
        for provider, prefix in PREFIXES.items():
            if path.startswith(prefix.split("/v1")[0] + "/") and provider in self._wires:
                return self._wires[provider]
        return Wire()

    def _serve(self, r: Route, match: Any, req: Request) -> Response | None:
        name = r.endpoint or ""
        st = self.state
        cfg = st.config  # one consistent config for the whole request
        ep = cfg.endpoint(name)
        provider = ENDPOINTS[name].provider
        started = time.monotonic()
        st.ledger.call(name)
        fault: str | None = None
        resp = r.wire.check_auth(req, getattr(cfg.api_keys, provider))
        if resp is None:
            refusal = st.ledger.admit(name, ep.max_concurrency, ep.requests_per_minute, cfg.scaled(60.0))
            if refusal is not None:
                reason, wait = refusal
                resp = r.wire.error(429, "rate_limit", _limit_message(reason, ep))
                resp.headers.update(
                    retry_after_headers(max(wait, cfg.scaled(ep.retry_after_s)), with_ms=provider == "openai")
                )
                resp.limited = reason
            else:
                try:
                    resp, fault = serve_admitted(st, r, match, req, cfg)
                finally:
                    st.ledger.release(name)
        if resp is not None:
            resp = r.wire.finalize(resp)
        billed = 0.0
        if resp is not None and (fault is None or fault in BILLED_CONTENT_FAULTS | BILLED_BODY_FAULTS):
            billed = resp.billed_usd
        st.ledger.record(
            name,
            status=resp.status if resp is not None else None,
            fault=fault,
            limited=resp.limited if resp is not None else None,
            billed_usd=billed,
            units=resp.units if resp is not None and billed else {},
            info={
                "method": req.method,
                "path": req.path,
                "host": req.header("host"),
                "duration_s": round(time.monotonic() - started, 4),
                **(resp.log if resp is not None else {}),
            },
        )
        return resp


def _limit_message(reason: str, ep: Any) -> str:
    if reason == "concurrency":
        return f"Too many concurrent requests: at most {ep.max_concurrency} may be in flight."
    return f"Rate limit reached: at most {ep.requests_per_minute} requests per minute."
