"""Shared by the gateway tests: a throwaway Postgres database, ledger rows, and the worker
processes of the cross-process tests."""

from __future__ import annotations

import multiprocessing
import multiprocessing.process
import os
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg2
import pytest
from sqlalchemy.engine import make_url

from creative_assets.gateway.flights import AdvisoryFlights
from creative_assets.gateway.models import BudgetCaps, BudgetExceeded, LedgerEntry
from creative_assets.gateway.slots import AdvisorySlots, FileSlots, SlotPool
from creative_assets.gateway.store import StateStore

POSTGRES_URL = os.environ.get(
    "CREATIVE_ASSETS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
_postgres_down: str | None = None


@contextmanager
def throwaway_database(admin_url: str, prefix: str = "ca_test") -> Iterator[tuple[str, str]]:
    """(URL, name) of a new empty database on `admin_url`'s server, dropped afterwards (advisory
    locks are per database too). Raises psycopg2.OperationalError when the server is not there."""
    url = make_url(admin_url)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    admin = psycopg2.connect(dsn, connect_timeout=3)
    admin.autocommit = True
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with admin.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
        yield url.set(database=name).render_as_string(hide_password=False), name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new empty database for one test, dropped after; the test is skipped without Postgres."""
    global _postgres_down
    if _postgres_down:
        pytest.skip(_postgres_down)
    with ExitStack() as stack:
        try:
            url, _ = stack.enter_context(throwaway_database(POSTGRES_URL))
        except psycopg2.OperationalError as exc:
            _postgres_down = (
                f"Postgres not reachable at {POSTGRES_URL} ({exc}); set CREATIVE_ASSETS_TEST_POSTGRES_URL"
            )
            pytest.skip(_postgres_down)
        yield url


def ledger_entry(**fields: Any) -> LedgerEntry:
    defaults: dict[str, Any] = {
        "at": datetime.now(UTC),
        "provider": "openai",
        "model": "gpt-test",
        "operation": "chat",
        "request_hash": "h",
        "outcome": "ok",
    }
    return LedgerEntry(**(defaults | fields))


# --- worker processes ------------------------------------------------------------------------------

# Workers fork from a server process that imported the gateway once (dagster alone takes about a
# second per process) and inherit nothing else from the test process: no engines, no descriptors.
_MP = multiprocessing.get_context("forkserver")
_MP.set_forkserver_preload(["creative_assets_tests.gateway._support"])


class Workers:
    """`count` processes running `function(*args)`, released together once all are set up; each
    answers once."""

    def __init__(self, count: int, function: Callable[..., Any], *args: object) -> None:
        self._barrier = _MP.Barrier(count + 1, timeout=60)
        self._answers: Any = _MP.Queue()
        self._procs = [
            _MP.Process(target=_answer, args=(function, args, self._barrier, self._answers))
            for _ in range(count)
        ]
        for proc in self._procs:
            proc.start()
        try:
            self._barrier.wait()
        except threading.BrokenBarrierError:
            self.results()  # a worker failed while setting up: fail with its traceback
            raise

    def results(self, timeout_s: float = 60) -> list[Any]:
        answers = [self._answers.get(timeout=timeout_s) for _ in self._procs]
        for proc in self._procs:
            proc.join(timeout_s)
            assert proc.exitcode == 0
        failures = [detail for ok, detail in answers if not ok]
        assert not failures, "\n".join(failures)
        return [detail for _, detail in answers]


def _answer(function: Callable[..., Any], args: tuple[object, ...], barrier: Any, answers: Any) -> None:
    try:
        answers.put((True, function(*args, ready=barrier.wait)))
    except BaseException:
        barrier.abort()  # the test fails now instead of at the barrier's timeout
        answers.put((False, traceback.format_exc()))


def start_holder(kind: str, target: str, provider: str, limit: int) -> multiprocessing.process.BaseProcess:
    """A process that takes all `limit` slots and keeps them until it is killed."""
    held = _MP.Event()
    proc = _MP.Process(target=hold_all, args=(kind, target, provider, limit, held), daemon=True)
    proc.start()
    assert held.wait(60), f"holder {proc.pid} did not take the slots (exit code {proc.exitcode})"
    return proc


def _pool(kind: str, target: str) -> SlotPool:
    return FileSlots(target) if kind == "file" else AdvisorySlots(target)


def reserve_many(
    url: str, jobs: int, cap: float, cost: float, attempts: int, *, ready: Callable[[], object]
) -> dict[str, int]:
    """`attempts` reservations for each of `jobs` jobs in turn; every worker walks the jobs in the
    same order, so they meet at every job's cap."""
    store, caps = StateStore(url), BudgetCaps(per_job_usd=cap)
    ready()
    counts = {"reserved": 0, "refused": 0}
    for job in range(jobs):
        for _ in range(attempts):
            try:
                store.reserve(ledger_entry(job_id=f"race-{job}", expected_cost_usd=cost), caps)
                counts["reserved"] += 1
            except BudgetExceeded:
                counts["refused"] += 1
    return counts


def hold_repeatedly(
    kind: str,
    target: str,
    provider: str,
    limit: int,
    rounds: int,
    hold_s: float,
    *,
    ready: Callable[[], object],
) -> list[tuple[float, float]]:
    pool = _pool(kind, target)
    ready()
    return _held_by_threads(lambda: pool.hold(provider, limit, timeout_s=30), 1, rounds, hold_s)


def hold_all(kind: str, target: str, provider: str, limit: int, held: Any) -> None:
    pool = _pool(kind, target)
    with ExitStack() as stack:
        for _ in range(limit):
            stack.enter_context(pool.hold(provider, limit, timeout_s=10))
        held.set()
        time.sleep(600)  # until the test kills us


def queue_for_slot(kind: str, target: str, provider: str, limit: int, hold_s: float, entered: Any) -> None:
    """Wait for one of `limit` slots, report (pid, when it was got), keep it `hold_s`."""
    with _pool(kind, target).hold(provider, limit, timeout_s=60):
        entered.put((os.getpid(), time.monotonic()))
        time.sleep(hold_s)


def start_waiter(
    kind: str, target: str, provider: str, limit: int, entered: Any, *, hold_s: float = 0.05
) -> multiprocessing.process.BaseProcess:
    proc = _MP.Process(
        target=queue_for_slot, args=(kind, target, provider, limit, hold_s, entered), daemon=True
    )
    proc.start()
    return proc


def new_queue() -> Any:
    return _MP.Queue()


def hold_flight_repeatedly(
    url: str, key: str, threads: int, rounds: int, hold_s: float, *, ready: Callable[[], object]
) -> list[tuple[float, float]]:
    """`threads` threads of this process each hold the flight of `key` `rounds` times; the
    intervals it was held."""
    flights = AdvisoryFlights(url)
    ready()
    return _held_by_threads(lambda: flights.hold(key, timeout_s=60), threads, rounds, hold_s)


def queue_threads_for_slot(
    url: str, provider: str, limit: int, threads: int, hold_s: float, queued: Any, entered: Any
) -> None:
    """`threads` threads of this process queue for a slot, one after another; `queued` is set once
    all of them wait, and each reports (pid, thread number, when it got the slot)."""
    pool = AdvisorySlots(url)

    def wait(number: int) -> None:
        with pool.hold(provider, limit, timeout_s=60):
            entered.put((os.getpid(), number, time.monotonic()))
            time.sleep(hold_s)

    workers = []
    for number in range(threads):
        workers.append(threading.Thread(target=wait, args=(number,)))
        workers[-1].start()
        while pool.waiting(provider) < number + 1:  # this process's waiters: its head and the rest
            time.sleep(0.01)
    queued.set()
    for thread in workers:
        thread.join()


def start_thread_waiters(
    url: str, provider: str, limit: int, threads: int, entered: Any, *, hold_s: float = 0.05
) -> multiprocessing.process.BaseProcess:
    queued = _MP.Event()
    proc = _MP.Process(
        target=queue_threads_for_slot,
        args=(url, provider, limit, threads, hold_s, queued, entered),
        daemon=True,
    )
    proc.start()
    assert queued.wait(60), f"the threads of {proc.pid} did not queue (exit code {proc.exitcode})"
    return proc


def hold_in_threads(
    url: str,
    provider: str,
    limit: int,
    threads: int,
    rounds: int,
    hold_s: float,
    *,
    ready: Callable[[], object],
) -> list[tuple[float, float]]:
    """`threads` threads of this process each hold one of `limit` slots `rounds` times."""
    pool = AdvisorySlots(url)
    ready()
    return _held_by_threads(lambda: pool.hold(provider, limit, timeout_s=60), threads, rounds, hold_s)


def _held_by_threads(
    hold: Callable[[], AbstractContextManager[object]], threads: int, rounds: int, hold_s: float
) -> list[tuple[float, float]]:
    """`threads` threads each enter `hold()` `rounds` times for `hold_s`; the intervals held."""
    intervals: list[tuple[float, float]] = []

    def work() -> None:
        for _ in range(rounds):
            with hold():
                # CLOCK_MONOTONIC is system-wide, so intervals from different processes compare.
                entered = time.monotonic()
                time.sleep(hold_s)
                intervals.append((entered, time.monotonic()))

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return intervals


def max_overlap(intervals: list[tuple[float, float]]) -> int:
    """The most intervals open at once; exits sort before entries at the same instant, so
    touching intervals do not overlap."""
    events = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    current = peak = 0
    for _, step in events:
        current += step
        peak = max(peak, current)
    return peak
