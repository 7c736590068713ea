"""PostgreSQL sessions the gateway's locks hold under a synthetic load: `--processes` processes of
`--threads` threads each make `--calls` calls, each call as the gateway makes one (its single
flight, then one of `--limit` in-flight slots of one provider, held for `--hold-s` as the
"request"), against a throwaway database on the local server.

    PYTHONPATH=$PWD python -m benchmarks.gateway_sessions --processes 3 --threads 40

`--gateway` makes each call through `ProviderGateway.call`: its ledger row, token bucket and
breaker too, on the gateway's pooled sessions. Prints the peak of the gateway's lock sessions
(pg_stat_activity, application_name like 'creative_assets%') and of all sessions on the
database, sampled every 20 ms; the most slots held at once (must not exceed the limit); the
workers' CPU seconds (user+sys) and the load average.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg2
from sqlalchemy.engine import make_url

from creative_assets_tests.gateway._support import max_overlap, throwaway_database

DEFAULT_URL = os.environ.get("CREATIVE_ASSETS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
PROVIDER = "bfl"


def _locks_only(url: str, cache: str, limit: int, hold_s: float) -> Callable[[int], tuple[float, float]]:
    from creative_assets.gateway.flights import flights_for
    from creative_assets.gateway.slots import slots_for

    slots, flights = slots_for(url), flights_for(url)

    def call(n: int) -> tuple[float, float]:
        # A distinct request per call: every call holds a flight of its own, as a campaign's do.
        with flights.hold(f"{os.getpid()}-{n}", timeout_s=300), slots.hold(PROVIDER, limit, timeout_s=300):
            entered = time.monotonic()  # CLOCK_MONOTONIC is system-wide: intervals compare
            time.sleep(hold_s)
            return entered, time.monotonic()

    return call


def _whole_gateway(url: str, cache: str, limit: int, hold_s: float) -> Callable[[int], tuple[float, float]]:
    """Calls through `ProviderGateway.call`: its ledger, bucket and breaker sessions as well."""
    from creative_assets.gateway.models import ProviderLimit
    from creative_assets.gateway.resource import Answer, CallSpec, ProviderGateway
    from creative_assets.models import ProviderCall

    limits = {PROVIDER: ProviderLimit(max_in_flight=limit, requests_per_minute=1e6, burst=10_000)}
    gateway = ProviderGateway(cache_url=cache, state_url=url, limits=limits, slot_timeout_s=300)
    paid = ProviderCall(provider=PROVIDER, model="bench", operation="generate", cost_usd=0.0)

    def call(n: int) -> tuple[float, float]:
        interval: list[float] = []

        def request() -> Answer:
            interval.append(time.monotonic())
            time.sleep(hold_s)
            interval.append(time.monotonic())
            return Answer(call=paid, cacheable=False)

        spec = CallSpec(PROVIDER, "generate", "bench", {"call": f"{os.getpid()}-{n}"}, expected_cost_usd=0.0)
        gateway.call(spec, request)
        return interval[0], interval[1]

    return call


def worker(
    url: str,
    cache: str,
    whole: bool,
    threads: int,
    calls: int,
    limit: int,
    hold_s: float,
    barrier: Any,
    out: Any,
) -> None:
    call = (_whole_gateway if whole else _locks_only)(url, cache, limit, hold_s)
    barrier.wait()
    cpu = resource.getrusage(resource.RUSAGE_SELF)  # after the imports: the calls' CPU alone

    with ThreadPoolExecutor(max_workers=threads) as pool:
        intervals = list(pool.map(call, range(threads * calls)))
    now = resource.getrusage(resource.RUSAGE_SELF)
    out.put((intervals, now.ru_utime + now.ru_stime - cpu.ru_utime - cpu.ru_stime))


class Sampler(threading.Thread):
    """Peaks of the database's sessions: the gateway's lock sessions, and all of them."""

    QUERY = (
        "SELECT count(*) FILTER (WHERE application_name LIKE 'creative_assets%%'), count(*)"
        " FROM pg_stat_activity WHERE datname = %s"
    )

    def __init__(self, admin_url: str, database: str) -> None:
        super().__init__(daemon=True)
        dsn = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._conn = psycopg2.connect(dsn)
        self._conn.autocommit = True
        self._database = database
        self._done = threading.Event()
        self.peak_gateway = self.peak_all = 0

    def run(self) -> None:
        with self._conn.cursor() as cursor:
            while not self._done.wait(0.02):
                cursor.execute(self.QUERY, (self._database,))
                gateway, every = cursor.fetchone()
                self.peak_gateway, self.peak_all = max(self.peak_gateway, gateway), max(self.peak_all, every)

    def stop(self) -> None:
        self._done.set()
        self.join()
        self._conn.close()


def measure(args: argparse.Namespace) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    with (
        throwaway_database(args.url, prefix="ca_bench") as (url, name),
        tempfile.TemporaryDirectory() as cache,
    ):
        barrier, out = context.Barrier(args.processes + 1, timeout=120), context.Queue()
        load = (args.gateway, args.threads, args.calls, args.limit, args.hold_s)
        procs = [
            context.Process(target=worker, args=(url, cache, *load, barrier, out))
            for _ in range(args.processes)
        ]
        for proc in procs:
            proc.start()
        barrier.wait()  # every worker imported the gateway: its start-up is not measured
        sampler = Sampler(args.url, name)
        sampler.start()
        started = time.monotonic()
        answers = [out.get(timeout=600) for _ in procs]
        wall_s = time.monotonic() - started
        intervals = [interval for answer, _ in answers for interval in answer]
        for proc in procs:
            proc.join(60)
        sampler.stop()
    return {
        "mode": "gateway" if args.gateway else "locks",
        "processes": args.processes,
        "threads": args.threads,
        "calls": len(intervals),
        "limit": args.limit,
        "hold_s": args.hold_s,
        "peak_gateway_sessions": sampler.peak_gateway,
        "peak_database_sessions": sampler.peak_all,
        "max_slots_held": max_overlap(intervals),
        "workers_cpu_s": round(sum(cpu_s for _, cpu_s in answers), 2),
        "wall_s": round(wall_s, 2),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--threads", type=int, default=40)
    parser.add_argument("--calls", type=int, default=4, help="calls per thread")
    parser.add_argument("--limit", type=int, default=5)
    parser.add_argument("--hold-s", type=float, default=0.05)
    parser.add_argument("--gateway", action="store_true", help="whole calls: ledger, bucket, breaker too")
    parser.add_argument("--url", default=DEFAULT_URL, help="a database on the server (trust auth)")
    print(json.dumps(measure(parser.parse_args())), flush=True)


if __name__ == "__main__":
    main()
