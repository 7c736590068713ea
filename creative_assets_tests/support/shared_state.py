"""State made once per test session, whatever the number of pytest-xdist workers.

A session fixture is per process: under `-n auto` every worker that runs a module using it makes
its own, so a campaign the defs and desk modules share would be made once per worker. Here the
first worker to ask builds it into the session's common temp folder (the parent of the workers'
own, as pytest-xdist's documentation does it), under a file lock; the others wait for it and
reuse it. A failed build is remembered, so the other workers fail at once with its reason
instead of building it again.

A build that is a command can start in the background as soon as the session knows it will be
needed (`start_building`, from a collection hook), so the workers run other tests meanwhile
instead of one of them waiting for it.

What is built is read-only: a fixture that changes it (decisions, regenerations, a running
desk) takes a `private_copy`, so each worker's tests see exactly what a fixture of their own
would have given them.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

# A whole campaign on a loaded 2-core machine stays well inside this; beyond it, something hangs.
WAIT_S = 1800.0


@dataclass(frozen=True)
class Command:
    """A build as a command: what to run, where, with which environment, its output to `log`."""

    argv: list[str]
    cwd: Path
    env: dict[str, str]
    log: Path
    what: str  # for the failure message, e.g. "the sample campaign"


def _common_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker's basetemp is <session>/popen-gwN; without it, basetemp is the
    # session's own folder (its parent would be shared with other sessions).
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def _locked(root: Path, name: str) -> Iterator[None]:
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if we die
        yield


def _marker(root: Path, name: str, kind: str) -> Path:
    return root / f"{name}.{kind}"


def _fail_if_failed(root: Path, name: str) -> None:
    if (failed := _marker(root, name, "failed")).exists():
        pytest.fail(f"{name}:\n{failed.read_text()}", pytrace=False)


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """The folder `<common root>/<name>`, filled by `build(folder)` in one worker of the session
    (or by the background build `start_building` started)."""
    root = _common_root(tmp_path_factory)
    target, done = root / name, _marker(root, name, "done")
    with _locked(root, name):
        _fail_if_failed(root, name)
        if done.exists():
            return target
        if not _marker(root, name, "started").exists():
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir()
            try:
                build(target)
            except BaseException as exc:  # pytest.fail raises an OutcomeException, not Exception
                _marker(root, name, "failed").write_text(str(exc) or traceback.format_exc())
                raise
            done.touch()
            return target
    deadline = time.monotonic() + WAIT_S  # started in the background: wait outside the lock
    while not done.exists():
        _fail_if_failed(root, name)
        if time.monotonic() > deadline:
            pytest.fail(f"{name}: the background build did not finish in {WAIT_S:.0f} s", pytrace=False)
        time.sleep(0.5)
    return target


def run_command(command: Command) -> None:
    """Run a build's command here and now; fail with the end of its log if it fails."""
    with command.log.open("wb") as out:
        done = subprocess.run(
            command.argv,
            cwd=command.cwd,
            env=command.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=WAIT_S,
            check=False,
        )
    if done.returncode != 0:
        tail = command.log.read_text(errors="replace")[-3000:]
        pytest.fail(f"{command.what} failed ({done.returncode}):\n{tail}", pytrace=False)


def start_building(
    tmp_path_factory: pytest.TempPathFactory, name: str, prepare: Callable[[Path], Command]
) -> subprocess.Popen[bytes] | None:
    """Start `<name>`'s build in the background unless some worker has started or made it:
    `prepare(folder)` sets the folder up and says what to run. The runner (background_build.py)
    leaves the markers `built_once` waits for. Returns the runner if this call started it."""
    root = _common_root(tmp_path_factory)
    with _locked(root, name):
        if any(_marker(root, name, kind).exists() for kind in ("started", "done", "failed")):
            return None
        target = root / name
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        command = prepare(target)
        spec = {
            "argv": command.argv,
            "cwd": str(command.cwd),
            "env": command.env,
            "log": str(command.log),
            "what": command.what,
            "done": str(_marker(root, name, "done")),
            "failed": str(_marker(root, name, "failed")),
            "parent_pid": os.getpid(),
            "timeout_s": WAIT_S,
        }
        spec_file = _marker(root, name, "spec.json")
        spec_file.write_text(json.dumps(spec))
        runner = subprocess.Popen(
            [sys.executable, "-m", "creative_assets_tests.support.background_build", str(spec_file)],
            cwd=command.cwd,
            env=command.env,
        )
        _marker(root, name, "started").write_text(str(runner.pid))
        return runner


def private_copy(tmp_path_factory: pytest.TempPathFactory, source: Path, name: str) -> Path:
    """A copy of `source` this worker may change: `<a fresh temp folder>/<name>`."""
    target = tmp_path_factory.mktemp(name) / name
    shutil.copytree(source, target, symlinks=True)
    return target
