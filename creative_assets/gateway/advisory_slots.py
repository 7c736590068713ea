"""Slots as Postgres session advisory locks, shared by every machine using the database. The server
drops them when their session ends: at once for a killed process (its socket closes), within
~15 s for a dead machine (TCP keepalives). Needs a direct connection, not a transaction-mode
pooler (PgBouncer would hand the session, and the lock, to someone else).

Sessions are per process, not per call, so that a run's sessions do not grow with its calls in
flight or waiting (a server's connections are few):
- held slots live on the process's one lock session (`lock_session.py`), with its flights;
- waiters queue first in the process, first come first served (`_LocalQueue`), and only the
  process's head waits in the provider's queue across processes: one more advisory lock per
  provider, taken blocking on the process's queue session for that provider (Postgres grants
  waiting lock requests in the order they arrived), and let go once the head holds a slot.
A process's next waiter queues behind the heads of other processes that arrived before it took
its place: processes take turns, and within one the order is arrival. Hand-written (with
`slot_pool.py`'s reason) because no library found queues threads in front of a database lock."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress

import sqlalchemy as sa

from creative_assets.gateway.lock_session import (
    Lease,
    LockSession,
    connect,
    lock_session_engine,
    lock_session_of,
)
from creative_assets.gateway.slot_pool import SlotPool

# Advisory lock namespace (first key of the two-int4 form); the second key is the slot's hash.
_ADVISORY_CLASSID = 0x43415354  # "CAST"
_LOCK_NOT_AVAILABLE = "55P03"  # SQLSTATE of a lock wait ended by lock_timeout


def _objid(provider: str, index: int | str) -> int:
    """Stable across processes and machines (hash() is salted per process); 31 bits so it fits
    the signed int4 key."""
    digest = hashlib.sha256(f"{provider}:{index}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


class _LocalQueue:
    """One provider's waiters in this process, in arrival order; the head alone takes the
    provider's queue lock, on a session it keeps for the next head."""

    def __init__(self, engine: sa.Engine, provider: str) -> None:
        self._engine = engine
        self._params = {"classid": _ADVISORY_CLASSID, "objid": _objid(provider, "queue")}
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Event] = deque()
        self._conn: sa.Connection | None = None  # used by the head only

    def __len__(self) -> int:
        return len(self._waiters)

    @contextmanager
    def turn(self, timeout_s: float) -> Iterator[None]:
        deadline = time.monotonic() + timeout_s
        mine = threading.Event()
        with self._mutex:
            self._waiters.append(mine)
            if self._waiters[0] is mine:
                mine.set()
        try:
            if not mine.wait(timeout_s) and not mine.is_set():  # not made head in the meantime
                raise TimeoutError
            self._lock(deadline)
            try:
                yield
            finally:
                self._unlock()
        finally:
            # Whatever ends the wait (a timeout, an interrupt), the place is given up: a waiter
            # left in the queue would hold up every one behind it.
            with self._mutex:
                head = self._waiters[0] is mine
                self._waiters.remove(mine)
                if head and self._waiters:
                    self._waiters[0].set()

    def _lock(self, deadline: float) -> None:
        # lock_timeout bounds the wait, and is set back so that the session's next head starts clean.
        conn = self._conn = self._conn or connect(self._engine)
        wait_ms = max(1, round((deadline - time.monotonic()) * 1000))
        try:
            conn.execute(sa.text(f"SET lock_timeout = {wait_ms}"))
            try:
                conn.execute(sa.text("SELECT pg_advisory_lock(:classid, :objid)"), self._params)
            finally:
                conn.execute(sa.text("SET lock_timeout = 0"))
        except sa.exc.DBAPIError as exc:
            if getattr(exc.orig, "pgcode", None) == _LOCK_NOT_AVAILABLE:
                raise TimeoutError from None
            self._drop()  # a session in doubt is not handed to the next head
            raise

    def _unlock(self) -> None:
        if self._conn is None:
            return
        try:
            self._conn.execute(sa.text("SELECT pg_advisory_unlock(:classid, :objid)"), self._params)
        except sa.exc.DBAPIError:
            self._drop()  # the lock went with the session

    def _drop(self) -> None:
        if self._conn is not None:
            with suppress(sa.exc.DBAPIError):
                self._conn.close()
        self._conn = None


class _AdvisoryClaimant:
    def __init__(self, pool: AdvisorySlots, provider: str) -> None:
        self._pool = pool
        self._provider = provider
        self._leases: dict[int, Lease] = {}

    def turn(self, timeout_s: float) -> AbstractContextManager[None]:
        return self._pool.local_queue(self._provider).turn(timeout_s)

    def try_claim(self, index: int) -> bool:
        lease = self._pool.session.try_lock(_ADVISORY_CLASSID, _objid(self._provider, index))
        if lease is not None:
            self._leases[index] = lease
        return lease is not None

    def release(self, index: int) -> None:
        # If the session is gone, the lock went with it; close() follows either way.
        with suppress(sa.exc.DBAPIError):
            self._pool.session.unlock(self._leases.pop(index))

    def close(self) -> None:
        self._leases.clear()


_QUEUES: dict[tuple[str, str, int], _LocalQueue] = {}
_QUEUES_LOCK = threading.Lock()


class AdvisorySlots(SlotPool):
    """Slots as Postgres session advisory locks, shared by every machine using the database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine = lock_session_engine(url, "creative_assets_slot_queue")
        # in_use() and waiting(), on sessions of their own, named apart from those holding locks.
        self._probes = lock_session_engine(url, "creative_assets_probe")

    @property
    def session(self) -> LockSession:
        return lock_session_of(self.url)

    def local_queue(self, provider: str) -> _LocalQueue:
        # Per process, not per pool object: two pools of one URL (threads building the gateway's
        # at once) must still queue as one. A forked child queues on sessions of its own.
        key = (self.url, provider, os.getpid())
        with _QUEUES_LOCK:
            queue = _QUEUES.get(key)
            if queue is None:
                queue = _QUEUES[key] = _LocalQueue(self._engine, provider)
            return queue

    def _claimant(self, provider: str) -> _AdvisoryClaimant:
        return _AdvisoryClaimant(self, provider)

    def in_use(self, provider: str, limit: int) -> int:
        query = sa.text(
            "SELECT count(DISTINCT objid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid = :classid AND objsubid = 2 AND objid::bigint = ANY(:objids)"
        )
        objids = [_objid(provider, index) for index in range(limit)]
        with self._probes.connect() as conn:
            return int(conn.execute(query, {"classid": _ADVISORY_CLASSID, "objids": objids}).scalar_one())

    def waiting(self, provider: str) -> int:
        # Each process's head holds the queue lock while it polls the slots, or waits for it; the
        # waiters behind this process's head are counted here, those of other processes are not.
        query = sa.text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid = :classid AND objsubid = 2 AND objid::bigint = :objid"
        )
        with self._probes.connect() as conn:
            params = {"classid": _ADVISORY_CLASSID, "objid": _objid(provider, "queue")}
            heads = int(conn.execute(query, params).scalar_one())
        return heads + max(0, len(self.local_queue(provider)) - 1)
