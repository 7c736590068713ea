"""In-flight slots hold across threads and processes, are freed when a holder is killed, and go
to their waiters in the order they came."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from creative_assets.gateway.slots import AdvisorySlots, FileSlots, SlotPool, SlotTimeout, slots_for
from creative_assets_tests.gateway._support import (
    Workers,
    fresh_postgres_database,
    hold_repeatedly,
    max_overlap,
    new_queue,
    start_holder,
    start_waiter,
)


@pytest.fixture(params=["file", "advisory"])
def slots(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[SlotPool, str, str]]:
    """(pool, kind, target): the pool, and how a worker process builds the same one."""
    if request.param == "file":
        target = str(tmp_path / "slots")
        yield FileSlots(target), "file", target
    else:
        with fresh_postgres_database() as url:
            yield AdvisorySlots(url), "advisory", url


def test_processes_never_exceed_the_limit(slots: tuple[SlotPool, str, str]) -> None:
    pool, kind, target = slots
    answers = Workers(4, hold_repeatedly, kind, target, "bfl", 2, 10, 0.02).results()

    intervals = [tuple(interval) for answer in answers for interval in answer]
    assert len(intervals) == 40
    assert max_overlap(intervals) == 2  # never more than the limit, and the limit was reached
    assert pool.in_use("bfl", 2) == 0


def test_threads_in_one_process_respect_the_limit(slots: tuple[SlotPool, str, str]) -> None:
    pool, _, _ = slots
    lock = threading.Lock()
    holders = peak = 0
    indices: set[int] = set()

    def work() -> None:
        nonlocal holders, peak
        for _ in range(5):
            with pool.hold("openai", 3, timeout_s=10) as index:
                with lock:
                    holders += 1
                    peak = max(peak, holders)
                    indices.add(index)
                time.sleep(0.01)
                with lock:
                    holders -= 1

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == 3
    assert indices == {0, 1, 2}


def test_timeout_when_all_slots_are_taken(slots: tuple[SlotPool, str, str]) -> None:
    pool, _, _ = slots
    with ExitStack() as stack:
        taken = {stack.enter_context(pool.hold("perplexity", 2, timeout_s=1)) for _ in range(2)}
        assert taken == {0, 1}
        assert pool.in_use("perplexity", 2) == 2
        # Other providers have their own slots.
        with pool.hold("firecrawl", 2, timeout_s=1):
            pass

        started = time.monotonic()
        with pytest.raises(SlotTimeout) as raised, pool.hold("perplexity", 2, timeout_s=0.2):
            pass
        assert 0.2 <= time.monotonic() - started < 5
    assert raised.value.code == "slot_timeout"
    assert "perplexity" in raised.value.message and "all 2" in raised.value.message
    assert pool.in_use("perplexity", 2) == 0
    with pool.hold("perplexity", 2, timeout_s=1):
        pass


def test_slots_of_a_killed_process_are_freed(slots: tuple[SlotPool, str, str]) -> None:
    pool, kind, target = slots
    holder = start_holder(kind, target, "openai", 3)
    try:
        assert pool.in_use("openai", 3) == 3
        with pytest.raises(SlotTimeout), pool.hold("openai", 3, timeout_s=0.1):
            pass
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.join(10)
    assert holder.exitcode == -signal.SIGKILL

    # Nobody released anything: the kernel (file locks) or the server (advisory locks) did.
    with pool.hold("openai", 3, timeout_s=5):
        pass


def _until(condition: Callable[[], bool], what: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.01)


def test_waiters_get_the_slot_in_the_order_they_came(slots: tuple[SlotPool, str, str]) -> None:
    """Five processes queue one after another behind a taken slot; each gets it after the one
    before it. (Every waiter polling the slot gave it to whichever poll came first.)"""
    pool, kind, target = slots
    entered = new_queue()
    waiters = []
    with pool.hold("bfl", 1, timeout_s=5):
        for n in range(1, 6):
            waiters.append(start_waiter(kind, target, "bfl", 1, entered))
            _until(lambda n=n: pool.waiting("bfl") == n, f"{n} waiters are queued")
    order = [entered.get(timeout=30) for _ in waiters]
    for proc in waiters:
        proc.join(10)
        assert proc.exitcode == 0
    assert [pid for pid, _ in order] == [proc.pid for proc in waiters]
    assert [t for _, t in order] == sorted(t for _, t in order)
    assert pool.waiting("bfl") == 0 and pool.in_use("bfl", 1) == 0


def test_a_killed_waiter_does_not_hold_up_the_queue(slots: tuple[SlotPool, str, str]) -> None:
    pool, kind, target = slots
    entered = new_queue()
    holder = start_holder(kind, target, "bfl", 1)
    first = start_waiter(kind, target, "bfl", 1, entered)
    _until(lambda: pool.waiting("bfl") == 1, "the first waiter is queued")
    second = start_waiter(kind, target, "bfl", 1, entered)
    _until(lambda: pool.waiting("bfl") == 2, "the second waiter is queued")
    os.kill(first.pid, signal.SIGKILL)
    first.join(10)
    os.kill(holder.pid, signal.SIGKILL)
    holder.join(10)
    # Nobody left the queue in order: the kernel or the server freed the dead waiter's place.
    pid, _ = entered.get(timeout=30)
    assert pid == second.pid
    second.join(10)
    assert second.exitcode == 0
    assert pool.waiting("bfl") == 0


def test_a_waiter_that_times_out_leaves_the_queue(slots: tuple[SlotPool, str, str]) -> None:
    pool, _, _ = slots
    with pool.hold("bfl", 1, timeout_s=5):
        with pytest.raises(SlotTimeout), pool.hold("bfl", 1, timeout_s=0.2):
            pass
        assert pool.waiting("bfl") == 0
    with pool.hold("bfl", 1, timeout_s=1):
        assert pool.waiting("bfl") == 0


def test_slots_for_matches_the_state_database(tmp_path: Path) -> None:
    beside_state = slots_for(f"sqlite:///{tmp_path}/state/gateway.db", None)
    assert isinstance(beside_state, FileSlots)
    assert beside_state.directory == tmp_path / "state" / "slots"
    assert isinstance(slots_for("sqlite:///x.db", str(tmp_path / "elsewhere")), FileSlots)
    assert isinstance(slots_for("postgresql://u@127.0.0.1:5432/db", None), AdvisorySlots)
    with pytest.raises(ValueError):
        slots_for("mysql://u@h/db", None)
