"""Slots as Postgres session advisory locks, each on its own connection, shared by every machine
using the database. The server drops them when the session ends: at once for a killed process
(its socket closes), within ~15 s for a dead machine (TCP keepalives). Needs a direct connection,
not a transaction-mode pooler (PgBouncer would hand the session, and the lock, to someone else).
The queue is one more advisory lock per provider, taken blocking on the same session: Postgres
grants waiting lock requests in the order they arrived."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from creative_assets.gateway.database import database_url, dead_peer_args
from creative_assets.gateway.slot_pool import SlotPool

# Advisory lock namespace (first key of the two-int4 form); the second key is the slot's hash.
_ADVISORY_CLASSID = 0x43415354  # "CAST"
_LOCK_NOT_AVAILABLE = "55P03"  # SQLSTATE of a lock wait ended by lock_timeout


def _objid(provider: str, index: int | str) -> int:
    """Stable across processes and machines (hash() is salted per process); 31 bits so it fits
    the signed int4 key."""
    digest = hashlib.sha256(f"{provider}:{index}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


class _AdvisoryClaimant:
    def __init__(self, engine: sa.Engine, provider: str) -> None:
        self._provider = provider
        # A dedicated session per hold(): the lock lives exactly as long as this connection. No
        # transaction, so the session never sits "idle in transaction" while the request runs.
        self._conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    def _call(self, function: str, index: int | str) -> bool:
        query = sa.text(f"SELECT {function}(:classid, :objid)")
        params = {"classid": _ADVISORY_CLASSID, "objid": _objid(self._provider, index)}
        return bool(self._conn.execute(query, params).scalar())

    @contextmanager
    def turn(self, timeout_s: float) -> Iterator[None]:
        # The blocking lock waits in Postgres's queue for this key, which grants in arrival order;
        # lock_timeout bounds the wait (and is set back so the slot's own calls never hit it).
        self._conn.execute(sa.text(f"SET lock_timeout = {max(1, round(timeout_s * 1000))}"))
        try:
            self._call("pg_advisory_lock", "queue")
        except sa.exc.DBAPIError as exc:
            if getattr(exc.orig, "pgcode", None) == _LOCK_NOT_AVAILABLE:
                raise TimeoutError from None
            raise
        finally:
            with suppress(sa.exc.DBAPIError):
                self._conn.execute(sa.text("SET lock_timeout = 0"))
        try:
            yield
        finally:
            with suppress(sa.exc.DBAPIError):
                self._call("pg_advisory_unlock", "queue")

    def try_claim(self, index: int) -> bool:
        return self._call("pg_try_advisory_lock", index)

    def release(self, index: int) -> None:
        # If the connection is gone, the lock went with its session; close() follows either way.
        with suppress(sa.exc.DBAPIError):
            self._call("pg_advisory_unlock", index)

    def close(self) -> None:
        self._conn.close()


def lock_session_engine(url: str, application_name: str) -> sa.Engine:
    """An engine for sessions that hold advisory locks (slots, single flights), one connection a
    session (no pool), ended by the server within seconds of its client machine vanishing
    (`database.dead_peer_args`), and its locks with it."""
    parsed = database_url(url)
    connect_args = {**dead_peer_args(parsed), "application_name": application_name}
    return sa.create_engine(parsed, poolclass=NullPool, connect_args=connect_args)


class AdvisorySlots(SlotPool):
    """Slots as Postgres session advisory locks, shared by every machine using the database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine = lock_session_engine(url, "creative_assets_slots")

    def _claimant(self, provider: str) -> _AdvisoryClaimant:
        return _AdvisoryClaimant(self._engine, provider)

    def in_use(self, provider: str, limit: int) -> int:
        query = sa.text(
            "SELECT count(DISTINCT objid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid = :classid AND objsubid = 2 AND objid::bigint = ANY(:objids)"
        )
        objids = [_objid(provider, index) for index in range(limit)]
        with self._engine.connect() as conn:
            return int(conn.execute(query, {"classid": _ADVISORY_CLASSID, "objids": objids}).scalar_one())

    def waiting(self, provider: str) -> int:
        # The queue's head holds its lock while it polls the slots; the rest wait for the lock.
        query = sa.text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid = :classid AND objsubid = 2 AND objid::bigint = :objid"
        )
        with self._engine.connect() as conn:
            params = {"classid": _ADVISORY_CLASSID, "objid": _objid(provider, "queue")}
            return int(conn.execute(query, params).scalar_one())
