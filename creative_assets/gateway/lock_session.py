"""The one Postgres session on which a process holds all its advisory locks: its in-flight slots
(`advisory_slots.py`) and its single flights (`flights.py`). A session advisory lock lives as
long as its session, so the server frees every lock of a process when the process dies (its
socket closes) or its machine vanishes (`database.dead_peer_args`), as it did with a session per
lock; sharing one keeps a process's sessions from growing with its calls in flight.

Hand-written because no library found shares one session's advisory locks between threads:
Postgres grants a session a lock it already holds (the locks stack), so two threads of one
process would both think they own the same slot or flight; the process-local set of held keys
answers "taken" for those without asking the server. Calls are only ever try-locks and unlocks,
serialized by a thread lock: a blocking lock would stall every other thread of the process."""

from __future__ import annotations

import os
import threading
from contextlib import suppress
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from creative_assets.gateway.database import database_url, dead_peer_args

_TRY_LOCK = sa.text("SELECT pg_try_advisory_lock(:classid, :objid)")
_UNLOCK = sa.text("SELECT pg_advisory_unlock(:classid, :objid)")


def lock_session_engine(url: str, application_name: str) -> sa.Engine:
    """An engine for sessions that hold or queue for advisory locks, one connection a session (no
    pool), ended by the server within seconds of its client machine vanishing
    (`database.dead_peer_args`), and its locks with it."""
    parsed = database_url(url)
    connect_args = {**dead_peer_args(parsed), "application_name": application_name}
    return sa.create_engine(parsed, poolclass=NullPool, connect_args=connect_args)


def connect(engine: sa.Engine) -> sa.Connection:
    # No transaction, so a session never sits "idle in transaction" while its locks are held.
    return engine.connect().execution_options(isolation_level="AUTOCOMMIT")


@dataclass(frozen=True)
class Lease:
    key: tuple[int, int]  # (classid, objid)
    session: sa.Connection  # the session it was granted on; unlocked only there


class LockSession:
    """A process's lock session, opened on first use and opened again after the server ended it."""

    def __init__(self, url: str) -> None:
        self.engine = lock_session_engine(url, "creative_assets_locks")
        self._mutex = threading.Lock()
        self._conn: sa.Connection | None = None
        self._held: set[tuple[int, int]] = set()  # keys held by this process on self._conn

    def try_lock(self, classid: int, objid: int) -> Lease | None:
        """The lock if nobody holds it, this process's other threads included; else None."""
        key = (classid, objid)
        with self._mutex:
            if key in self._held:
                return None
            for fresh in (False, True):
                conn = self._conn = self._conn or connect(self.engine)
                try:
                    got = conn.execute(_TRY_LOCK, {"classid": classid, "objid": objid}).scalar()
                    break
                except sa.exc.DBAPIError as exc:
                    if not exc.connection_invalidated:
                        raise
                    # The server ended the session (a restart, a terminated backend) and its
                    # locks with it; their holders learn it when they unlock. Once more on a new
                    # session: a server that is down fails the call.
                    self._drop()
                    if fresh:
                        raise
            if not got:
                return None
            self._held.add(key)
            return Lease(key, conn)

    def unlock(self, lease: Lease) -> None:
        with self._mutex:
            if lease.session is not self._conn:
                return  # that session ended, and the lock with it
            self._held.discard(lease.key)
            try:
                self._conn.execute(_UNLOCK, {"classid": lease.key[0], "objid": lease.key[1]})
            except sa.exc.DBAPIError as exc:
                if not exc.connection_invalidated:
                    raise
                self._drop()  # the lock went with its session, as did the others held on it

    def _drop(self) -> None:
        if self._conn is not None:
            with suppress(sa.exc.DBAPIError):
                self._conn.close()
        self._conn = None
        self._held.clear()


_SESSIONS: dict[tuple[str, int], LockSession] = {}
_SESSIONS_LOCK = threading.Lock()


def lock_session_of(url: str) -> LockSession:
    """This process's lock session for the database at `url`; a forked child gets its own (the
    parent's is never touched there: closing it would end the parent's session and locks)."""
    key = (url, os.getpid())
    with _SESSIONS_LOCK:
        session = _SESSIONS.get(key)
        if session is None:
            session = _SESSIONS[key] = LockSession(url)
        return session
