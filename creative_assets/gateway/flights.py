"""Single flight: one holder at a time per request (its cache key), across threads, processes and,
on Postgres, machines. Two campaigns that ask the same thing at once pay once: the second waits
for the first, then finds its answer in the cache.

A flight is a lock that the operating system or the database frees when its holder dies (like
the slots, `slots.py`), which also tells who is alive: a ledger row still `reserved` under a
flight whose lock can be taken belongs to a dead process, and is settled by whoever takes it.
- `FileFlights`: `flock()` on `<dir>/flights/<key[:2]>/<key>.lock` (one machine). The files
  stay (empty, one per distinct request): removing a lock file while another waiter has it open
  would let two holders in.
- `AdvisoryFlights`: a Postgres session advisory lock keyed by the request, held on the
  process's one lock session (`lock_session.py`) with its slots; a taken flight is tried again
  after a pause, as a taken lock file is, so that a waiter holds no session.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import random
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import sqlalchemy as sa

from creative_assets.errors import CreativeAssetsError
from creative_assets.gateway.database import database_url
from creative_assets.gateway.lock_session import Lease, LockSession, lock_session_of

_FLIGHT_CLASSID = 0x43414650  # "CAFP": the advisory-lock namespace of flights
_POLL_S = (0.01, 0.2)  # first and longest pause between tries of a taken lock


class FlightTimeout(CreativeAssetsError):
    def __init__(self, what: str, waited_s: float) -> None:
        super().__init__(
            "flight_timeout",
            f"The same {what} request has been under way in another run for {waited_s:.0f} s; "
            "wait for it to finish (its answer is then reused) and re-run the step.",
        )


def _objid(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") & 0x7FFFFFFF


class Flights(ABC):
    @contextmanager
    def hold(self, key: str, timeout_s: float, what: str = "provider") -> Iterator[None]:
        """Hold the flight of `key` for the block; waits up to timeout_s for its holder."""
        started = time.monotonic()
        lease = self._acquire(key, started + timeout_s)
        if lease is None:
            raise FlightTimeout(what, time.monotonic() - started)
        try:
            yield
        finally:
            self._release(lease)

    @contextmanager
    def try_hold(self, key: str) -> Iterator[bool]:
        """Hold the flight for the block if nobody does (True), else do nothing (False)."""
        lease = self._acquire(key, None)
        try:
            yield lease is not None
        finally:
            if lease is not None:
                self._release(lease)

    @abstractmethod
    def _acquire(self, key: str, deadline: float | None) -> object | None:
        """A lease, or None when it is taken (deadline None: do not wait) or at the deadline."""

    @abstractmethod
    def _release(self, lease: object) -> None: ...


class FileFlights(Flights):
    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory) / "flights"

    def _acquire(self, key: str, deadline: float | None) -> int | None:
        folder = self.directory / key[:2]
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        # A descriptor of its own per hold: flock conflicts between open()s, so threads of one
        # process exclude each other too.
        fd = os.open(folder / f"{key}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        delay = _POLL_S[0]
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                if deadline is None or time.monotonic() >= deadline:
                    os.close(fd)
                    return None
            time.sleep(min(random.uniform(delay / 2, delay), max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, _POLL_S[1])

    def _release(self, lease: object) -> None:
        assert isinstance(lease, int)
        os.close(lease)  # drops the lock


class AdvisoryFlights(Flights):
    def __init__(self, url: str) -> None:
        self.url = url

    @property
    def session(self) -> LockSession:
        return lock_session_of(self.url)

    def _acquire(self, key: str, deadline: float | None) -> Lease | None:
        # Tried, not waited for in Postgres: a blocking lock would need a session per waiter.
        delay = _POLL_S[0]
        while (lease := self.session.try_lock(_FLIGHT_CLASSID, _objid(key))) is None:
            if deadline is None or time.monotonic() >= deadline:
                return None
            time.sleep(min(random.uniform(delay / 2, delay), max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, _POLL_S[1])
        return lease

    def _release(self, lease: object) -> None:
        assert isinstance(lease, Lease)
        with suppress(sa.exc.DBAPIError):  # a session gone took the lock with it
            self.session.unlock(lease)


def flights_for(state_url: str, slots_dir: str | None = None) -> Flights:
    """Flights beside the gateway's state: advisory locks on Postgres, lock files beside SQLite."""
    parsed = database_url(state_url)
    if parsed.get_backend_name() == "postgresql":
        return AdvisoryFlights(state_url)
    if slots_dir is not None:
        return FileFlights(slots_dir)
    if not parsed.database or parsed.database == ":memory:":
        raise ValueError("an in-memory SQLite state has no folder for flight files; pass slots_dir")
    return FileFlights(Path(parsed.database).resolve().parent / "slots")
