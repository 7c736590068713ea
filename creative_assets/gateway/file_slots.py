"""Slots as lock files, for a deployment on one machine: `flock()` on one file per slot. The
kernel drops the lock when the last file descriptor closes, which process death does at once
(flock over NFS is not trustworthy, hence one machine). The queue is a file per waiter, named by
when it arrived and locked by it while it waits; each waiter watches the one ahead of it, and a
file whose lock is free belongs to a dead waiter and is removed by the one behind it."""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from creative_assets.gateway.slot_pool import FIRST_DELAY_S, SlotPool, pause


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
    delay = FIRST_DELAY_S
    while True:
        ahead = sorted(n for n in os.listdir(queue) if n < name and not n.startswith("."))
        if not ahead:
            return
        # Only the nearest one is watched: when it is gone, whoever is still ahead is looked up.
        while not _left_queue(queue / ahead[-1]):
            if time.monotonic() >= deadline:
                raise TimeoutError
            delay = pause(delay, deadline)


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
