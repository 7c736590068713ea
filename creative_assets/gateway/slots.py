"""In-flight slots: at most `limit` requests to one provider under way at once, across every run,
process (and, on Postgres, machine) of the deployment.

Waiters are served first come, first served. With every waiter polling the slots, a freed slot
went to whichever poll came first, and the backoff made that a newcomer's more often than not:
under ten queued campaigns a variant's four images were spread over a minute of BFL's time, every
variant run left BFL at about the same time, and BFL then sat idle while all of them waited on
their edits (the campaign benchmark, README "Benchmark"). Each waiter now queues (`_Claimant.turn`)
and only the head of the queue polls. The queue orders waiters and never admits anyone: the limit
is held by the slot locks alone, so a queue that misorders two waiters cannot exceed it.

A slot is a lock that the operating system or the database frees when its holder dies, so a run
killed with SIGKILL (or an OOM kill, or a machine that vanishes) never leaks capacity:
- `FileSlots`: `flock()` on one file per slot. The kernel drops the lock when the last file
  descriptor closes, which process death does at once. One machine only (flock over NFS is not
  trustworthy). The queue is a file per waiter, named by when it arrived and locked by it while
  it waits; each waiter watches the one ahead of it, and a file whose lock is free belongs to a
  dead waiter and is removed by the one behind it.
- `AdvisorySlots`: Postgres session advisory locks, each on its own connection. The server drops
  them when the session ends: at once for a killed process (its socket closes), within ~15 s for
  a dead machine (TCP keepalives). Needs a direct connection, not a transaction-mode pooler
  (PgBouncer would hand the session, and the lock, to someone else). The queue is one more
  advisory lock per provider, taken blocking on the same session: Postgres grants waiting lock
  requests in the order they arrived."""

from __future__ import annotations

import fcntl
import hashlib
import os
import random
import re
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from creative_assets.errors import CreativeAssetsError
from creative_assets.gateway.database import database_url

# Retry pacing while every slot is taken (only the head of the queue polls) and while the waiter
# ahead in the file queue is alive: short enough that a freed slot or a turn is picked up quickly,
# jittered so that waiters do not poll in lock step.
_FIRST_DELAY_S = 0.01
_MAX_DELAY_S = 0.05

# Advisory lock namespace (first key of the two-int4 form); the second key is the slot's hash.
_ADVISORY_CLASSID = 0x43415354  # "CAST"
# Seconds: idle before the first probe, between probes, probes lost before the peer is dead.
_KEEPALIVE = {"idle": 5, "interval": 2, "count": 3}
_LOCK_NOT_AVAILABLE = "55P03"  # SQLSTATE of a lock wait ended by lock_timeout


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


class _Claimant(Protocol):
    """One hold() attempt's resources: queues, tries slots, keeps the one it got, frees all on close."""

    def turn(self, timeout_s: float) -> AbstractContextManager[None]:
        """Entered once every waiter that queued earlier has got its slot, given up or died;
        raises TimeoutError after timeout_s."""
        ...

    def try_claim(self, index: int) -> bool: ...
    def release(self, index: int) -> None: ...
    def close(self) -> None: ...


def _pause(delay: float, deadline: float) -> float:
    """Sleep a jittered `delay` (never past `deadline`); the next, doubled, delay."""
    time.sleep(max(0.0, min(random.uniform(delay / 2, delay), deadline - time.monotonic())))
    return min(delay * 2, _MAX_DELAY_S)


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
    def _wait_for_slot(claimant: _Claimant, limit: int, deadline: float) -> int:
        delay = _FIRST_DELAY_S
        while True:
            # Random order spreads holders over the slots instead of all probing slot 0 first.
            for index in random.sample(range(limit), limit):
                if claimant.try_claim(index):
                    return index
            if time.monotonic() >= deadline:
                raise TimeoutError
            delay = _pause(delay, deadline)

    @abstractmethod
    def _claimant(self, provider: str) -> _Claimant: ...

    @abstractmethod
    def in_use(self, provider: str, limit: int) -> int:
        """How many of the provider's first `limit` slots are held right now (best effort)."""

    @abstractmethod
    def waiting(self, provider: str) -> int:
        """How many requests are queued for one of the provider's slots right now (best effort)."""


# --- file locks --------------------------------------------------------------------------------


def _safe_name(provider: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", provider)
    if name != provider or name.startswith("."):
        # Keep distinct providers distinct after sanitising.
        name = f"{name}-{hashlib.sha256(provider.encode()).hexdigest()[:8]}"
    return name


class _FileClaimant:
    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._fds: dict[int, int] = {}

    @contextmanager
    def turn(self, timeout_s: float) -> Iterator[None]:
        queue = self._folder / "queue"
        queue.mkdir(mode=0o700, exist_ok=True)
        # CLOCK_MONOTONIC is system-wide on Linux, so names sort by arrival across processes; the
        # file is locked before it is renamed into the queue, so no one sees it unlocked alive.
        name = f"{time.monotonic_ns():020d}-{os.getpid()}-{threading.get_ident()}"
        staged = queue / f".{name}"
        fd = os.open(staged, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.rename(staged, queue / name)
            _wait_behind(queue, name, time.monotonic() + timeout_s)
            yield
        finally:
            # Removed before the lock goes with the descriptor: the waiter behind never takes a
            # file that is still there for a dead one.
            for path in (queue / name, staged):
                with suppress(FileNotFoundError):
                    os.unlink(path)
            os.close(fd)

    def try_claim(self, index: int) -> bool:
        # Each claimant opens its own descriptors: flock conflicts between separate open()s, even
        # within one process, so threads are limited as well as processes.
        fd = self._fds.get(index)
        if fd is None:
            fd = self._fds[index] = os.open(self._folder / f"{index}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def release(self, index: int) -> None:
        fcntl.flock(self._fds[index], fcntl.LOCK_UN)

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()


def _wait_behind(queue: Path, name: str, deadline: float) -> None:
    """Return when no live waiter queued before `name`; raises TimeoutError at `deadline`."""
    delay = _FIRST_DELAY_S
    while True:
        ahead = sorted(n for n in os.listdir(queue) if n < name and not n.startswith("."))
        if not ahead:
            return
        # Only the nearest one is watched: when it is gone, whoever is still ahead is looked up.
        while not _left_queue(queue / ahead[-1]):
            if time.monotonic() >= deadline:
                raise TimeoutError
            delay = _pause(delay, deadline)


def _left_queue(path: Path) -> bool:
    """Whether the waiter of this queue file got its turn, gave up or died; a dead waiter's file is
    removed (its lock was freed by the kernel, the file was not)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        with suppress(FileNotFoundError):
            os.unlink(path)
        return True
    finally:
        os.close(fd)


class FileSlots(SlotPool):
    """Slots as lock files `<directory>/<provider>/<i>.lock`, for deployments on one machine.
    Note that a forked child shares its parent's descriptors, and with them a held slot."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def _folder(self, provider: str) -> Path:
        folder = self.directory / _safe_name(provider)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder

    def _claimant(self, provider: str) -> _FileClaimant:
        return _FileClaimant(self._folder(provider))

    def in_use(self, provider: str, limit: int) -> int:
        folder = self._folder(provider)
        taken = 0
        for index in range(limit):
            path = folder / f"{index}.lock"
            if not path.exists():
                continue
            fd = os.open(path, os.O_RDONLY)
            try:
                # A shared probe: concurrent in_use() calls do not disturb each other.
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                taken += 1
            finally:
                os.close(fd)
        return taken

    def waiting(self, provider: str) -> int:
        queue = self._folder(provider) / "queue"
        names = os.listdir(queue) if queue.exists() else []
        return sum(not _left_queue(queue / n) for n in names if not n.startswith("."))


# --- Postgres advisory locks ---------------------------------------------------------------------


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


class AdvisorySlots(SlotPool):
    """Slots as Postgres session advisory locks, shared by every machine using the database."""

    def __init__(self, url: str) -> None:
        self.url = url
        parsed = database_url(url)
        # Server-side keepalives matter most: they let the server notice a vanished client machine
        # and end its session (freeing the locks); the client-side ones detect a dead server.
        server_keepalives = " ".join(f"-c tcp_keepalives_{k}={v}" for k, v in _KEEPALIVE.items())
        options = " ".join(filter(None, [parsed.query.get("options"), server_keepalives]))
        connect_args = {f"keepalives_{k}": v for k, v in _KEEPALIVE.items()}
        connect_args.update(keepalives=1, connect_timeout=10, options=options)
        connect_args["application_name"] = "creative_assets_slots"
        self._engine = sa.create_engine(parsed, poolclass=NullPool, connect_args=connect_args)

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


def slots_for(state_url: str, slots_dir: str | None = None) -> SlotPool:
    """The slot pool that matches the gateway's state database: advisory locks beside a Postgres
    state, lock files beside a SQLite one (in `<dir of the sqlite file>/slots` by default)."""
    parsed = database_url(state_url)
    if parsed.get_backend_name() == "postgresql":
        return AdvisorySlots(state_url)
    if slots_dir is not None:
        return FileSlots(slots_dir)
    if not parsed.database or parsed.database == ":memory:":
        raise ValueError("an in-memory SQLite state has no folder for slot files; pass slots_dir")
    return FileSlots(Path(parsed.database).resolve().parent / "slots")
