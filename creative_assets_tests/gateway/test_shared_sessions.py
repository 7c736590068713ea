"""On Postgres a process's calls share its sessions: the locks it holds (slots, flights) live on
one session, and only the head of its waiters for a provider waits in the server's queue, so the
sessions of a process do not grow with its calls in flight or waiting (a server has ~100). The
guarantees stay: single flight and the slot limit across threads and processes, turns across
processes, locks freed with a killed process or an ended session."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import psycopg2
import pytest
from sqlalchemy.engine import make_url

from creative_assets.gateway.flights import AdvisoryFlights
from creative_assets.gateway.slots import AdvisorySlots, SlotTimeout
from creative_assets_tests.gateway._support import (
    Workers,
    fresh_postgres_database,
    hold_flight_repeatedly,
    hold_in_threads,
    max_overlap,
    new_queue,
    start_holder,
    start_thread_waiters,
    start_waiter,
)

WAITERS = 12


@pytest.fixture
def url() -> Iterator[str]:
    with fresh_postgres_database() as database_url:
        yield database_url


def _admin(url: str) -> psycopg2.extensions.connection:
    conn = psycopg2.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))
    conn.autocommit = True
    return conn


def _lock_sessions(conn: psycopg2.extensions.connection) -> int:
    """Sessions of the gateway on this test's database, less the short ones of in_use()/waiting()."""
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND application_name LIKE 'creative_assets%%' AND application_name <> 'creative_assets_probe'"
        )
        return cursor.fetchone()[0]


def _until(condition: Callable[[], bool], what: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.01)


def test_waiting_calls_hold_no_session_of_their_own(url: str) -> None:
    """Two calls hold BFL's two slots and one a flight; a dozen calls wait for a slot and a dozen
    for that flight. The process holds two sessions: its locks' and its head waiter's, also when
    its calls go through two pool objects (threads that built the gateway's at once)."""
    slots, flights = AdvisorySlots(url), AdvisoryFlights(url)
    other = AdvisorySlots(url)
    done: list[str] = []

    def wait_for_slot(pool: AdvisorySlots) -> None:
        with pool.hold("bfl", 2, timeout_s=60):
            done.append("slot")

    def wait_for_flight() -> None:
        with flights.hold("the same request", timeout_s=60):
            done.append("flight")

    admin = _admin(url)
    waiters = [threading.Thread(target=wait_for_slot, args=((slots, other)[n % 2],)) for n in range(WAITERS)]
    waiters += [threading.Thread(target=wait_for_flight) for _ in range(WAITERS)]
    try:
        with ExitStack() as held:
            for _ in range(2):
                held.enter_context(slots.hold("bfl", 2, timeout_s=5))
            held.enter_context(flights.hold("the same request", timeout_s=5))
            for thread in waiters:
                thread.start()
            _until(lambda: slots.waiting("bfl") == WAITERS, "every slot waiter is queued")
            # Flight waiters are not visible from outside: look a while, keep the most seen.
            peak = 0
            for _ in range(25):
                peak = max(peak, _lock_sessions(admin))
                time.sleep(0.02)
            assert peak <= 2, f"{peak} sessions for 3 held locks and {2 * WAITERS} waiting calls"
            assert slots.in_use("bfl", 2) == 2
        for thread in waiters:
            thread.join(60)
    finally:
        admin.close()
    assert sorted(done) == ["flight"] * WAITERS + ["slot"] * WAITERS


def test_threads_of_several_processes_never_exceed_the_limit(url: str) -> None:
    # Each process's slots share its one session, on which Postgres would grant a held slot again.
    answers = Workers(3, hold_in_threads, url, "bfl", 2, 6, 3, 0.01).results()
    intervals = [tuple(interval) for answer in answers for interval in answer]
    assert len(intervals) == 54
    assert max_overlap(intervals) == 2  # never more than the limit, and the limit was reached


def test_threads_of_one_process_take_a_flight_one_at_a_time(url: str) -> None:
    # One session holds every flight of the process, and Postgres grants a session a lock it holds.
    (intervals,) = Workers(1, hold_flight_repeatedly, url, "one request", 6, 4, 0.01).results()
    assert len(intervals) == 24
    assert max_overlap(intervals) == 1


def test_processes_take_a_flight_one_at_a_time(url: str) -> None:
    answers = Workers(3, hold_flight_repeatedly, url, "one request", 3, 3, 0.01).results()
    intervals = [tuple(interval) for answer in answers for interval in answer]
    assert len(intervals) == 27
    assert max_overlap(intervals) == 1


def test_processes_take_turns_and_threads_keep_their_order(url: str) -> None:
    """Five threads of one process queue behind a taken slot, then a waiter of another process:
    it is served after the first thread, not after all five (its process's turn), and the
    threads are served in the order they came."""
    pool = AdvisorySlots(url)
    entered = new_queue()
    with pool.hold("bfl", 1, timeout_s=5):
        threads = start_thread_waiters(url, "bfl", 1, 5, entered)
        alone = start_waiter("advisory", url, "bfl", 1, entered)
        _until(lambda: pool.waiting("bfl") == 2, "both processes' heads are queued")
    order = [entered.get(timeout=30) for _ in range(6)]
    for proc in (threads, alone):
        proc.join(30)
        assert proc.exitcode == 0
    assert [item[0] for item in order] == [threads.pid, alone.pid] + [threads.pid] * 4
    assert [item[1] for item in order if item[0] == threads.pid] == [0, 1, 2, 3, 4]
    assert pool.waiting("bfl") == 0 and pool.in_use("bfl", 1) == 0


def test_a_killed_process_frees_its_slots_and_flights(url: str) -> None:
    slots, flights = AdvisorySlots(url), AdvisoryFlights(url)
    holder = start_holder("advisory", url, "bfl", 3)  # three slots, on one session
    try:
        assert slots.in_use("bfl", 3) == 3
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.join(10)
    with ExitStack() as stack:
        taken = {stack.enter_context(slots.hold("bfl", 3, timeout_s=5)) for _ in range(3)}
        assert taken == {0, 1, 2}
        stack.enter_context(flights.hold("after the kill", timeout_s=5))


def test_a_lock_session_the_server_ended_is_opened_again(url: str) -> None:
    """The server ends the process's lock session while it holds a slot (a restart, an admin):
    the lock is gone with it; releasing it is no error, and the next calls get a new session."""
    slots, flights = AdvisorySlots(url), AdvisoryFlights(url)
    admin = _admin(url)
    try:
        with slots.hold("bfl", 1, timeout_s=5):
            with admin.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND application_name = 'creative_assets_locks'"
                )
            _until(lambda: slots.in_use("bfl", 1) == 0, "the server dropped the session's lock")
        with slots.hold("bfl", 1, timeout_s=5), flights.hold("after the end", timeout_s=5):
            assert slots.in_use("bfl", 1) == 1
        assert slots.in_use("bfl", 1) == 0
    finally:
        admin.close()


def test_a_thread_that_gives_up_leaves_its_process_s_queue(url: str) -> None:
    """A thread queued behind another of its process times out; the one behind it is served."""
    pool = AdvisorySlots(url)
    served: list[str] = []

    def wait(name: str, timeout_s: float) -> None:
        try:
            with pool.hold("bfl", 1, timeout_s=timeout_s):
                served.append(name)
        except SlotTimeout:
            served.append(f"{name} gave up")

    with pool.hold("bfl", 1, timeout_s=5):
        threads = []
        for n, (name, timeout_s) in enumerate([("first", 60.0), ("impatient", 0.3), ("last", 60.0)]):
            threads.append(threading.Thread(target=wait, args=(name, timeout_s)))
            threads[-1].start()
            _until(lambda n=n: pool.waiting("bfl") == n + 1, f"{name} is queued")
        _until(lambda: served == ["impatient gave up"], "the impatient thread gave up")
        assert pool.waiting("bfl") == 2
    for thread in threads:
        thread.join(60)
    assert served == ["impatient gave up", "first", "last"]
    assert pool.waiting("bfl") == 0
