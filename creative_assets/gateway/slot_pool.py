"""In-flight slots: at most `limit` requests to one provider under way at once, across every run,
process (and, on Postgres, machine) of the deployment. This module holds what both kinds share:
the timeout, the first-come-first-served wait and the pool's interface (`file_slots.py`,
`advisory_slots.py`; `slots.py` picks one).

Hand-written because no library found holds a counting semaphore whose permits the operating
system or the database frees when the holder dies (SIGKILL, OOM, a vanished machine) and which
serves waiters in arrival order across processes.

Waiters are served first come, first served: with every waiter polling, a freed slot went to
whichever poll came first, and the backoff made that a newcomer's more often than not, so BFL sat
idle while runs that had waited longest kept waiting. Each waiter now queues (`Claimant.turn`)
and only the head of the queue polls. The queue orders waiters and never admits anyone: the limit
is held by the slot locks alone, so a queue that misorders two waiters cannot exceed it."""

from __future__ import annotations

import random
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from creative_assets.errors import CreativeAssetsError

# Retry pacing while every slot is taken (only the head of the queue polls) and while the waiter
# ahead in the file queue is alive: short enough that a freed slot or a turn is picked up quickly,
# jittered so that waiters do not poll in lock step.
FIRST_DELAY_S = 0.01
MAX_DELAY_S = 0.05


class SlotTimeout(CreativeAssetsError):
    def __init__(self, provider: str, limit: int, waited_s: float) -> None:
        super().__init__(
            "slot_timeout",
            f"No free in-flight slot for {provider}: all {limit} stayed taken for {waited_s:.1f} s. "
            f"Another run is holding all {provider} slots; wait for it to finish, or raise "
            f"max_in_flight for {provider} if the provider allows more concurrent requests.",
        )
        self.provider = provider
        self.limit = limit
        self.waited_s = waited_s


class Claimant(Protocol):
    """One hold() attempt's resources: queues, tries slots, keeps the one it got, frees all on close."""

    def turn(self, timeout_s: float) -> AbstractContextManager[None]:
        """Entered once every waiter that queued earlier has got its slot, given up or died;
        raises TimeoutError after timeout_s."""
        ...

    def try_claim(self, index: int) -> bool: ...
    def release(self, index: int) -> None: ...
    def close(self) -> None: ...


def pause(delay: float, deadline: float) -> float:
    """Sleep a jittered `delay` (never past `deadline`); the next, doubled, delay."""
    time.sleep(max(0.0, min(random.uniform(delay / 2, delay), deadline - time.monotonic())))
    return min(delay * 2, MAX_DELAY_S)


class SlotPool(ABC):
    @contextmanager
    def hold(self, provider: str, limit: int, timeout_s: float) -> Iterator[int]:
        """Hold one of `limit` slots for `provider` for the block; yields the slot index.
        Raises SlotTimeout when none frees up within timeout_s."""
        if limit < 1:
            raise ValueError(f"slot limit for {provider} must be at least 1, got {limit}")
        claimant = self._claimant(provider)
        started = time.monotonic()
        deadline = started + timeout_s
        try:
            try:
                with claimant.turn(timeout_s):
                    index = self._wait_for_slot(claimant, limit, deadline)
            except TimeoutError:
                raise SlotTimeout(provider, limit, time.monotonic() - started) from None
            try:
                yield index
            finally:
                claimant.release(index)
        finally:
            claimant.close()

    @staticmethod
    def _wait_for_slot(claimant: Claimant, limit: int, deadline: float) -> int:
        delay = FIRST_DELAY_S
        while True:
            # Random order spreads holders over the slots instead of all probing slot 0 first.
            for index in random.sample(range(limit), limit):
                if claimant.try_claim(index):
                    return index
            if time.monotonic() >= deadline:
                raise TimeoutError
            delay = pause(delay, deadline)

    @abstractmethod
    def _claimant(self, provider: str) -> Claimant: ...

    @abstractmethod
    def in_use(self, provider: str, limit: int) -> int:
        """How many of the provider's first `limit` slots are held right now (best effort)."""

    @abstractmethod
    def waiting(self, provider: str) -> int:
        """How many requests are queued for one of the provider's slots right now (best effort)."""
